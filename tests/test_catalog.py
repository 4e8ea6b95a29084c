"""The catalog's schema and its link to the implementation modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbport.catalog import CatalogError, load_catalog, parse_entry
from nbport.engine import rule_class
from nbport.finding import FixSafety
from nbport.rule import Rule
from nbport.rules import KERNEL_MODULES, base

CATALOG = load_catalog()


def test_ids_are_unique_and_well_formed() -> None:
    assert list(CATALOG) == sorted(CATALOG)
    for rule_id, entry in CATALOG.items():
        assert rule_id.startswith("NBP") and len(rule_id) == 6 and rule_id[3:].isdigit()
        assert entry.source.name == f"{rule_id}-{entry.name}.toml"


@pytest.mark.parametrize("entry", CATALOG.values(), ids=list(CATALOG))
def test_every_entry_has_an_implementation(entry) -> None:
    cls = rule_class(entry)
    if issubclass(cls, base.Rule):  # the kernel's rules find their entry by module name
        assert cls.__module__ == f"nbport.rules.{entry.name.replace('-', '_')}"
    else:
        assert issubclass(cls, Rule)
        assert cls.id == entry.id


@pytest.mark.parametrize("entry", CATALOG.values(), ids=list(CATALOG))
def test_every_entry_is_documented_and_has_look_alikes(entry) -> None:
    assert entry.summary and entry.why and entry.triggers
    assert len(entry.clean) >= 3
    has_fixed_example = any(example.fixed != example.bad for example in entry.examples)
    assert has_fixed_example == (entry.fix is not FixSafety.NONE)


def test_every_rule_module_has_an_entry() -> None:
    package = Path(__file__).resolve().parents[1] / "nbport"
    modules = {
        path.stem
        for folder in ("checks", "rules")
        for path in (package / folder).glob("*.py")
        if path.stem != "__init__" and path.stem not in KERNEL_MODULES
    }
    assert modules == {entry.name.replace("-", "_") for entry in CATALOG.values()}


def test_triggers_occur_in_every_bad_example() -> None:
    """A trigger that misses a bad example would make the engine skip it: the examples prove recall."""
    for entry in CATALOG.values():
        for example in entry.examples:
            assert any(trigger in cell for trigger in entry.triggers for cell in example.bad), (
                entry.id
            )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('id = "NBP999"\n', "missing key"),
        ('id = "NBP999"\nname = "x"\nsurprise = 1\n', "unknown key surprise"),
    ],
)
def test_schema_errors_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "NBP999-x.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=message) as raised:
        parse_entry(path)
    assert str(path) in str(raised.value)


_ENTRY = """id = "NBP999"
name = "x"
summary = "s"
why = "w"
targets = ["colab"]
triggers = ["x"]
clean = []
[[examples]]
bad = "x"
findings = []
"""


@pytest.mark.parametrize(
    ("fix", "expected"),
    [
        ('"safe"', ("safe",)),
        ('["safe", "unsafe"]', ("safe", "unsafe")),
        ('["unsafe", "safe"]', ("unsafe", "safe")),
        ('"none"', ("none",)),
    ],
)
def test_fix_is_one_safety_or_a_list_with_the_default_first(
    tmp_path: Path, fix: str, expected: tuple[str, ...]
) -> None:
    path = tmp_path / "NBP999-x.toml"
    path.write_text(f"fix = {fix}\n{_ENTRY}", encoding="utf-8")
    entry = parse_entry(path)
    assert tuple(safety.value for safety in entry.fixes) == expected
    assert entry.fix.value == expected[0]
    assert entry.fix_label == ", ".join(expected)


@pytest.mark.parametrize("fix", ['"maybe"', "[]", '["none", "safe"]', '["safe", "safe"]', "3"])
def test_a_wrong_fix_is_a_catalog_error(tmp_path: Path, fix: str) -> None:
    path = tmp_path / "NBP999-x.toml"
    path.write_text(f"fix = {fix}\n{_ENTRY}", encoding="utf-8")
    with pytest.raises(CatalogError, match="fix must be"):
        parse_entry(path)
