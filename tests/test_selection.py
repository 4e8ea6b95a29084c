"""`--target`, `--select` and `--ignore` over the catalog."""

from __future__ import annotations

import pytest

from nbport.catalog import load_catalog
from nbport.selection import SelectionError, select_rules

CATALOG = load_catalog()


def _ids(**options: object) -> set[str]:
    return {entry.id for entry in select_rules(CATALOG, **options)}  # type: ignore[arg-type]


def test_target_keeps_the_rules_for_that_direction() -> None:
    colab = {rule_id for rule_id, entry in CATALOG.items() if "colab" in entry.targets}
    local = {rule_id for rule_id, entry in CATALOG.items() if "local" in entry.targets}
    assert _ids() == colab
    assert _ids(target="local") == local
    assert _ids(target="both") == set(CATALOG)
    assert "NBP101" in colab and "NBP101" not in local  # windows-path only matters on Colab


def test_prefixes_stay_in_the_target_but_a_named_rule_always_runs() -> None:
    assert _ids(select=["NBP1"], target="local") == {
        rule_id for rule_id in _ids(target="local") if rule_id.startswith("NBP1")
    }
    assert _ids(select=["NBP101"], target="local") == {"NBP101"}
    assert _ids(select=["windows-path"], target="local") == {"NBP101"}


def test_select_and_ignore_combine() -> None:
    assert _ids(select=["NBP001,NBP101"], ignore=["NBP101"]) == {"NBP001"}
    assert "NBP001" not in _ids(ignore=["shell-cd"])


@pytest.mark.parametrize(
    "options", [{"select": ["NBP999"]}, {"ignore": ["nope"]}, {"target": "kaggle"}]
)
def test_unknown_codes_and_targets_are_errors(options: dict[str, object]) -> None:
    with pytest.raises(SelectionError):
        select_rules(CATALOG, **options)  # type: ignore[arg-type]
