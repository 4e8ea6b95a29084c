"""The catalog's schema and its link to the implementation modules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nbport.catalog import CatalogError, RuleOption, load_catalog, parse_entry
from nbport.engine import rule_class
from nbport.finding import FixSafety
from nbport.rules import KERNEL_MODULES
from nbport.rules.base import Rule

CATALOG = load_catalog()


def test_ids_are_unique_and_well_formed() -> None:
    assert list(CATALOG) == sorted(CATALOG)
    for rule_id, entry in CATALOG.items():
        assert rule_id.startswith("NBP") and len(rule_id) == 6 and rule_id[3:].isdigit()
        assert entry.source.name == f"{rule_id}-{entry.name}.toml"


@pytest.mark.parametrize("entry", CATALOG.values(), ids=list(CATALOG))
def test_every_entry_has_an_implementation(entry) -> None:
    # Found by name: the module declares no id, the catalog entry is the only place of it.
    cls = rule_class(entry)
    assert issubclass(cls, Rule)
    assert cls.__module__ == f"nbport.rules.{entry.name.replace('-', '_')}"


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
        for path in (package / "rules").glob("*.py")
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
severity = "error"
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


_OPTION = """
[options.min-thing]
type = "integer"
default = 3
minimum = 1
unit = "things"
doc = "how many."
"""


def test_an_entry_declares_its_options(tmp_path: Path) -> None:
    path = tmp_path / "NBP999-x.toml"
    path.write_text(f'fix = "none"\n{_ENTRY}{_OPTION}', encoding="utf-8")
    [option] = parse_entry(path).options
    assert (option.name, option.type, option.default, option.doc) == (
        "min-thing",
        "integer",
        3,
        "how many.",
    )
    assert option.label == "integer ≥ 1 (things)"
    assert option.problem(2) is None
    assert option.problem(0) == option.problem(2.5) == option.problem(True)
    assert option.problem("3") == "must be a whole number of things, 1 or more"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("integer", "boolean"), "options.min-thing.type must be one of integer, number"),
        (("default = 3", "default = 0"), "options.min-thing.default must be a whole number"),
        (("default = 3", "default = 3.5"), "options.min-thing.default must be a whole number"),
        (("minimum = 1", 'minimum = "1"'), "options.min-thing.minimum must be a number"),
        (("doc = ", "docs = "), "unknown key options.min-thing.docs"),
        (('unit = "things"\n', ""), None),
    ],
)
def test_a_wrong_option_is_a_catalog_error(
    tmp_path: Path, change: tuple[str, str], message: str | None
) -> None:
    path = tmp_path / "NBP999-x.toml"
    path.write_text(f'fix = "none"\n{_ENTRY}{_OPTION.replace(*change)}', encoding="utf-8")
    if message is None:
        assert parse_entry(path).options[0].unit == ""
        return
    with pytest.raises(CatalogError, match=re.escape(message)) as raised:
        parse_entry(path)
    assert str(path) in str(raised.value)


def test_two_rules_cannot_declare_the_same_option(tmp_path: Path) -> None:
    for rule_id in ("NBP998", "NBP999"):
        text = f'fix = "none"\n{_ENTRY}{_OPTION}'.replace("NBP999", rule_id)
        (tmp_path / f"{rule_id}-x.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"NBP999-x\.toml: option min-thing is another rule's"):
        load_catalog(tmp_path)


def test_options_are_numbers_with_a_bound() -> None:
    """The kinds of check `RuleOption.problem` makes, as the configuration reports them."""
    positive = RuleOption("size", "number", 1, "d", minimum=0, exclusive_minimum=True, unit="MiB")
    assert positive.label == "number > 0 (MiB)"
    assert positive.problem(0) == "must be a positive number of MiB"
    assert positive.problem(0.5) is None and positive.problem(-1) is not None
    above = RuleOption("size", "number", 3, "d", minimum=2, exclusive_minimum=True)
    assert above.problem(2) == "must be a number, more than 2" and above.problem(2.1) is None
    assert RuleOption("n", "integer", 1, "d").problem(-5) is None


def test_no_option_is_named_like_a_configuration_key() -> None:
    from nbport.config import KEYS

    assert not {option.name for entry in CATALOG.values() for option in entry.options} & set(KEYS)
