"""`--target`, `--select` and `--ignore` over the catalog."""

from __future__ import annotations

import pytest

from nbport.catalog import load_catalog
from nbport.selection import SelectionError, other_target_notes, select_rules

CATALOG = load_catalog()


def _ids(**options: object) -> set[str]:
    return {entry.id for entry in select_rules(CATALOG, **options)}  # type: ignore[arg-type]


def test_target_keeps_the_rules_for_that_direction() -> None:
    default = {rule_id for rule_id, entry in CATALOG.items() if not entry.opt_in}
    colab = {rule_id for rule_id in default if "colab" in CATALOG[rule_id].targets}
    local = {rule_id for rule_id in default if "local" in CATALOG[rule_id].targets}
    assert _ids() == colab
    assert _ids(target="local") == local
    assert _ids(target="both") == default
    assert "NBP101" in colab and "NBP101" not in local  # windows-path only matters on Colab


def test_prefixes_stay_in_the_target_but_a_named_rule_always_runs() -> None:
    assert _ids(select=["NBP0"], target="local") == {
        rule_id for rule_id in _ids(target="local") if rule_id.startswith("NBP0")
    }
    assert "NBP004" not in _ids(select=["NBP0"], target="local")  # NBP004 is a colab rule
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


def test_a_selection_that_runs_no_rule_is_an_error_that_names_the_other_target() -> None:
    with pytest.raises(SelectionError) as raised:
        _ids(select=["NBP4"])
    message = str(raised.value)
    assert message.startswith("no rule runs: NBP4 selects NBP401, NBP402")
    assert "going to local, not colab (use --target local" in message


def test_ignoring_everything_selected_is_an_error() -> None:
    with pytest.raises(SelectionError, match="no rule runs: every rule selected is ignored"):
        _ids(select=["NBP001"], ignore=["NBP001"])


def test_a_prefix_of_another_target_beside_others_is_a_note_not_an_error() -> None:
    assert _ids(select=["NBP4,NBP0"]) == {
        rule_id for rule_id in _ids() if rule_id.startswith("NBP0")
    }
    catalog = load_catalog()
    (note,) = other_target_notes(catalog, ["NBP4", "NBP0"], "colab")
    assert note.startswith("NBP4 selects NBP401, NBP402")
    assert other_target_notes(catalog, ["ALL", "NBP401", "NBP0"], "colab") == []
    assert other_target_notes(catalog, ["NBP4"], "both") == []


def test_an_opt_in_rule_runs_only_when_named() -> None:
    assert CATALOG["NBP000"].opt_in
    assert "NBP000" not in _ids(target="both")
    assert "NBP000" not in _ids(select=["ALL"], target="both")
    assert "NBP000" not in _ids(select=["NBP0"])
    assert "NBP000" in _ids(select=["NBP000"])
    assert "NBP000" in _ids(select=["unused-suppression", "NBP001"])
