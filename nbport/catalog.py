"""The rule catalog: one TOML file per rule in `rules/`, the single source of rule docs and examples."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, overload

from nbport.finding import FixSafety, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

#: What a target means: where the code is about to run.
TARGETS = ("colab", "local")
#: How an example's cells are laid out when it is turned into a test document.
EXAMPLE_FORMATS = ("notebook", "script", "percent")


class CatalogError(Exception):
    """A catalog entry that does not follow the schema; the message names the file and the key."""


class Cells(tuple[str, ...]):
    """The cells of one side of an example, and the notebook metadata that side has, if any.

    `metadata` holds top-level notebook metadata keys that `document_from_cells` adds to the example
    notebook. Two sides are equal only when their cells and their metadata are, so an example whose
    fix changes only the notebook's metadata (NBP301) still has `fixed != bad`.
    """

    metadata: Mapping[str, Any] | None

    def __new__(cls, cells: Iterable[str], metadata: Mapping[str, Any] | None = None) -> Cells:
        """Cells, with the notebook metadata they are checked under (None: the default)."""
        self = super().__new__(cls, cells)
        self.metadata = metadata or None
        return self

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, tuple):
            return NotImplemented
        return tuple.__eq__(self, other) and self.metadata == getattr(other, "metadata", None)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((tuple(self), json.dumps(self.metadata, sort_keys=True)))


@dataclass(frozen=True)
class Example:
    """A bad → fixed pair: `bad` gives exactly `findings`; `fix` turns it into `fixed`."""

    bad: Cells
    #: What `nbport fix --unsafe-fixes` makes of `bad`; equal to `bad` when the finding has no fix.
    #: Its `metadata` is the notebook metadata the fix leaves (`fixed_metadata` in the TOML).
    fixed: Cells
    #: Expected finding locations, written as nbport prints them: `cell 1:2:5` or `12:5`.
    findings: tuple[str, ...]
    format: str = "notebook"
    #: Files the example needs beside the document, by relative path, with their size in bytes
    #: (NBP303 measures data files; tests create them sparse, so they take no disk space).
    files: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class CleanExample:
    """Code that looks close to the pattern but must not be flagged."""

    code: Cells
    format: str = "notebook"
    note: str = ""


#: The kinds of value an option takes: TOML's integers, and its integers and floats.
OPTION_TYPES = ("integer", "number")


@dataclass(frozen=True)
class RuleOption:
    """A setting a rule declares (`[options.min-epochs]` in its entry); the project sets it by name
    in its configuration (`min-epochs = 5`), and the rule reads the value from `Rule.options`."""

    name: str
    #: One of `OPTION_TYPES`.
    type: str
    default: int | float
    doc: str
    #: The least value allowed, and whether it is itself allowed (`exclusive_minimum`: not).
    minimum: int | float | None = None
    exclusive_minimum: bool = False
    #: What the value counts (`MiB`), shown with its type.
    unit: str = ""

    @property
    def label(self) -> str:
        """The type as the README and `nbport rules` show it: `integer ≥ 1`, `number > 0 (MiB)`."""
        label = self.type
        if self.minimum is not None:
            label += f" {'>' if self.exclusive_minimum else '≥'} {self.minimum}"
        return label + (f" ({self.unit})" if self.unit else "")

    def problem(self, value: object) -> str | None:
        """What is wrong with `value` for this option (`must be a whole number of epochs, 1 or
        more`), or None when it is a good value."""
        # bool is an int to Python; `min-epochs = true` is a mistake, not 1.
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            whole = isinstance(value, int) or self.type == "number"
            if whole and (self.minimum is None or self._above_minimum(value)):
                return None
        noun = "whole number" if self.type == "integer" else "number"
        bound = ""
        if self.minimum == 0 and self.exclusive_minimum:
            noun = f"positive {noun}"
        elif self.minimum is not None:
            bound = f", more than {self.minimum}" if self.exclusive_minimum else ""
            bound = bound or f", {self.minimum} or more"
        unit = f" of {self.unit}" if self.unit else ""
        return f"must be a {noun}{unit}{bound}"

    def _above_minimum(self, value: float) -> bool:
        assert self.minimum is not None
        return value > self.minimum if self.exclusive_minimum else value >= self.minimum


@dataclass(frozen=True)
class CatalogEntry:
    """Everything the catalog says about one rule."""

    id: str
    name: str
    summary: str
    why: str
    targets: tuple[str, ...]
    #: `error`: the code fails on the target; `warning`: it risks work or time.
    severity: Severity
    #: The safety of the rule's fixes, unless a finding says otherwise (one of `fixes`).
    fix: FixSafety
    fix_note: str
    #: Cheap substrings: a unit is looked at for this rule only if one of them occurs in it.
    triggers: tuple[str, ...]
    #: A regular expression the unit must also match (searched only after a trigger matched).
    trigger_pattern: re.Pattern[str] | None
    #: Regular expressions that must each match some unit of the document for the rule to run at all.
    document_patterns: tuple[re.Pattern[str], ...]
    examples: tuple[Example, ...]
    clean: tuple[CleanExample, ...]
    source: Path
    #: Every safety the rule's fixes can have, `fix` first: `fix = ["safe", "unsafe"]` in the TOML
    #: for a rule whose fixes are safe but for some cases the fix note names.
    fixes: tuple[FixSafety, ...] = ()
    #: The settings the rule takes from the project's configuration (`[options.<name>]`).
    options: tuple[RuleOption, ...] = ()
    #: Run only when named (its id or name in `select`/`extend-select`), never by a prefix or by
    #: default: NBP000, which judges the suppressions the other rules leave unused.
    opt_in: bool = False

    @property
    def fix_label(self) -> str:
        """`safe`, `unsafe`, `none`, or `safe, unsafe` when the rule's fixes can be either."""
        return ", ".join(safety.value for safety in self.fixes or (self.fix,))


def catalog_dir() -> Path:
    """Where the TOML entries are: inside the installed package, or `rules/` in a source checkout."""
    packaged = Path(__file__).parent / "_catalog"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


@cache
def load_catalog(directory: Path | None = None) -> Mapping[str, CatalogEntry]:
    """All catalog entries by id, in id order."""
    folder = directory or catalog_dir()
    entries = [parse_entry(path) for path in sorted(folder.glob("NBP*.toml"))]
    if not entries:
        raise CatalogError(f"{folder}: no rule catalog entries found")
    by_id: dict[str, CatalogEntry] = {}
    option_names: set[str] = set()
    for entry in sorted(entries, key=lambda entry: entry.id):
        if entry.id in by_id:
            raise CatalogError(f"{entry.source}: id {entry.id} is used twice")
        by_id[entry.id] = entry
        for option in entry.options:
            # The project sets options by name alone (`min-epochs = 5`): one name, one rule.
            if option.name in option_names:
                raise CatalogError(f"{entry.source}: option {option.name} is another rule's")
            option_names.add(option.name)
    return by_id


def rule_options(catalog: Mapping[str, CatalogEntry]) -> dict[str, tuple[CatalogEntry, RuleOption]]:
    """Every option of the catalog's rules by name, with its rule, in id order."""
    return {option.name: (entry, option) for entry in catalog.values() for option in entry.options}


_ENTRY_KEYS = {
    "id": str,
    "name": str,
    "summary": str,
    "why": str,
    "targets": list,
    "severity": str,
    "fix": object,
    "fix_note": str,
    "triggers": list,
    "trigger_pattern": str,
    "document_patterns": list,
    "examples": list,
    "clean": list,
    "options": dict,
    "opt_in": bool,
}
_REQUIRED = {
    "id",
    "name",
    "summary",
    "why",
    "targets",
    "severity",
    "fix",
    "triggers",
    "examples",
    "clean",
}


def parse_entry(path: Path) -> CatalogEntry:
    """Read and check one catalog file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CatalogError(f"{path}: {error}") from error
    _check_keys(path, "", data, _ENTRY_KEYS, _REQUIRED)
    expected_name = f"{data['id']}-{data['name']}.toml"
    if path.name != expected_name:
        raise CatalogError(f"{path}: file name should be {expected_name}")
    fixes = _fixes(path, data["fix"])
    targets = tuple(data["targets"])
    if not targets or any(target not in TARGETS for target in targets):
        raise CatalogError(f"{path}: targets must be a non-empty list of {', '.join(TARGETS)}")
    try:
        severity = Severity(data["severity"])
    except ValueError:
        raise CatalogError(f"{path}: severity must be error or warning") from None
    examples = tuple(_example(path, index, item) for index, item in enumerate(data["examples"]))
    clean = tuple(_clean(path, index, item) for index, item in enumerate(data["clean"]))
    if not examples:
        raise CatalogError(f"{path}: a rule needs at least one bad → fixed example")
    return CatalogEntry(
        id=data["id"],
        name=data["name"],
        summary=data["summary"].strip(),
        why=data["why"].strip(),
        targets=targets,
        severity=severity,
        fix=fixes[0],
        fix_note=data.get("fix_note", "").strip(),
        triggers=tuple(data["triggers"]),
        trigger_pattern=_pattern(path, "trigger_pattern", data.get("trigger_pattern")),
        document_patterns=tuple(
            _pattern(path, "document_patterns", text) for text in data.get("document_patterns", ())
        ),
        examples=examples,
        clean=clean,
        source=path,
        fixes=fixes,
        options=tuple(_option(path, name, item) for name, item in data.get("options", {}).items()),
        opt_in=data.get("opt_in", False),
    )


def _fixes(path: Path, value: object) -> tuple[FixSafety, ...]:
    """`fix`: one safety, or a list of them (the default first), `none` only alone."""
    values = value if isinstance(value, list) else [value]
    try:
        fixes = tuple(FixSafety(item) for item in values)
    except ValueError:
        fixes = ()
    if not fixes or len(set(fixes)) != len(fixes) or (FixSafety.NONE in fixes and len(fixes) > 1):
        raise CatalogError(
            f"{path}: fix must be safe, unsafe or none, or a list of safe and unsafe"
        )
    return fixes


@overload
def _pattern(path: Path, key: str, text: str) -> re.Pattern[str]: ...
@overload
def _pattern(path: Path, key: str, text: None) -> None: ...
def _pattern(path: Path, key: str, text: str | None) -> re.Pattern[str] | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise CatalogError(f"{path}: {key} must hold strings")
    try:
        return re.compile(text, re.MULTILINE)
    except re.error as error:
        raise CatalogError(f"{path}: {key} is not a valid regular expression: {error}") from None


def _cells(path: Path, where: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(cell, str) for cell in value):
        return tuple(value)
    raise CatalogError(f"{path}: {where} must be a string or a list of cell strings")


def _format(path: Path, where: str, item: Mapping[str, Any]) -> str:
    value = item.get("format", "notebook")
    if value not in EXAMPLE_FORMATS:
        raise CatalogError(f"{path}: {where}.format must be one of {', '.join(EXAMPLE_FORMATS)}")
    return value


def _metadata(path: Path, where: str, item: Mapping[str, Any], key: str, form: str) -> Any:
    """The optional notebook metadata table `key` of an example (notebooks only)."""
    value = item.get(key)
    if value is not None and form != "notebook":
        raise CatalogError(f"{path}: {where}.{key} needs format notebook: scripts have no metadata")
    return value


def _example(path: Path, index: int, item: object) -> Example:
    where = f"examples[{index}]"
    keys = {
        "bad": object,
        "fixed": object,
        "findings": list,
        "format": str,
        # Top-level notebook metadata of the bad side, and what the fix makes of it (default: same).
        "metadata": dict,
        "fixed_metadata": dict,
        "files": dict,
    }
    _check_keys(path, where + ".", item, keys, {"bad", "findings"})
    assert isinstance(item, dict)
    form = _format(path, where, item)
    metadata = _metadata(path, where, item, "metadata", form)
    fixed_metadata = _metadata(path, where, item, "fixed_metadata", form)
    bad = Cells(_cells(path, where + ".bad", item["bad"]), metadata)
    fixed = Cells(
        _cells(path, where + ".fixed", item["fixed"]) if "fixed" in item else bad,
        fixed_metadata if fixed_metadata is not None else metadata,
    )
    if len(fixed) != len(bad):
        raise CatalogError(f"{path}: {where}.fixed must have as many cells as bad")
    files = item.get("files", {})
    if not all(isinstance(size, int) and size >= 0 for size in files.values()):
        raise CatalogError(f"{path}: {where}.files maps relative paths to sizes in bytes")
    return Example(bad, fixed, tuple(item["findings"]), form, tuple(sorted(files.items())))


_OPTION_KEYS = {
    "type": str,
    "default": object,
    "doc": str,
    "minimum": object,
    "exclusive_minimum": bool,
    "unit": str,
}


def _option(path: Path, name: str, item: object) -> RuleOption:
    """`[options.<name>]`: a type, a default that is a good value of it, a doc line."""
    where = f"options.{name}"
    _check_keys(path, where + ".", item, _OPTION_KEYS, {"type", "default", "doc"})
    assert isinstance(item, dict)
    if item["type"] not in OPTION_TYPES:
        raise CatalogError(f"{path}: {where}.type must be one of {', '.join(OPTION_TYPES)}")
    minimum = item.get("minimum")
    if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, (int, float))):
        raise CatalogError(f"{path}: {where}.minimum must be a number")
    option = RuleOption(
        name=name,
        type=item["type"],
        default=item["default"],
        doc=item["doc"].strip(),
        minimum=minimum,
        exclusive_minimum=item.get("exclusive_minimum", False),
        unit=item.get("unit", ""),
    )
    problem = option.problem(option.default)
    if problem is not None:
        raise CatalogError(f"{path}: {where}.default {problem}")
    return option


def _clean(path: Path, index: int, item: object) -> CleanExample:
    where = f"clean[{index}]"
    keys = {"code": object, "format": str, "note": str, "metadata": dict}
    _check_keys(path, where + ".", item, keys, {"code"})
    assert isinstance(item, dict)
    form = _format(path, where, item)
    code = Cells(
        _cells(path, where + ".code", item["code"]), _metadata(path, where, item, "metadata", form)
    )
    return CleanExample(code, form, item.get("note", ""))


def _check_keys(
    path: Path, where: str, data: object, known: Mapping[str, type], required: set[str]
) -> None:
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: {where.rstrip('.') or 'entry'} must be a table")
    for key, value in data.items():
        if key not in known:
            raise CatalogError(f"{path}: unknown key {where}{key}")
        if known[key] is not object and not isinstance(value, known[key]):
            raise CatalogError(f"{path}: {where}{key} must be a {known[key].__name__}")
    missing = required - data.keys()
    if missing:
        raise CatalogError(f"{path}: missing key {where}{sorted(missing)[0]}")
