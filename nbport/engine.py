"""Runs the selected rules over a document's units, cheapest test first.

For each unit: a substring test against every selected rule's triggers; the IPython escapes are found
(with a fast path for cells that have none); CPython's own parser checks the masked cell is Python 3,
so that no cell is passed as clean unread; and only if a triggered rule needs the syntax tree is the
cell parsed with libcst, once, for all of them.
"""

from __future__ import annotations

import ast
import importlib
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from nbport.catalog import CatalogEntry
from nbport.documents.base import Document, Unit
from nbport.escapes import scan
from nbport.finding import FileError, Finding
from nbport.rule import DEFAULT_SETTINGS, Rule, RuleSettings, UnitContext

if TYPE_CHECKING:
    from nbport.syntax_rule import SyntaxRule

_PARSE_ONLY = ast.PyCF_ONLY_AST


@dataclass(frozen=True)
class CheckResult:
    """What checking one document gave: findings in file order, and cells that could not be read."""

    findings: tuple[Finding, ...]
    errors: tuple[FileError, ...]


@cache
def rule_class(entry: CatalogEntry) -> type[Rule]:
    """The class implementing `entry`, imported on first use (syntax rules pull in libcst)."""
    module = importlib.import_module(entry.module)
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, Rule)
            and getattr(value, "id", None) == entry.id
        ):
            return value
    raise LookupError(f"{entry.module} defines no rule with id {entry.id}")


def check_document(
    document: Document,
    entries: Sequence[CatalogEntry],
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> CheckResult:
    """Run `entries` over every unit of `document`, with the project's rule `settings`."""
    findings: list[Finding] = []
    errors: list[FileError] = []
    rules: dict[str, Rule | None] = {}

    def rule_for(entry: CatalogEntry) -> Rule | None:
        if entry.id not in rules:
            rule = rule_class(entry)(entry, document, findings.append)
            rule.configure(settings)
            rules[entry.id] = rule if rule.applies() else None
        return rules[entry.id]

    with warnings.catch_warnings():
        # CPython warns about odd string escapes while parsing ('data\images'); those are ours to report.
        warnings.simplefilter("ignore")
        units = document.units()
        # A rule that needs something the whole document lacks cannot match any unit of it.
        entries = [entry for entry in entries if _document_matches(units, entry.document_patterns)]
        for unit in units:
            text = unit.text
            triggered = [entry for entry in entries if _triggered(text, entry)]
            scanned = scan(text, unit.escape_style)
            if not scanned.is_python:
                continue
            python, dedent, dedented_lines = strip_leading_indent(scanned.masked)
            problem = python3_problem(python)
            if problem is not None:
                errors.append(_unit_error(document, unit, problem))
                continue
            if not triggered:
                continue
            active = [rule for entry in triggered if (rule := rule_for(entry)) is not None]
            if not active:
                continue
            context = UnitContext(unit, scanned, python, dedent, dedented_lines)
            for rule in active:
                rule.begin_unit(context)
            for escape in scanned.escapes:
                for rule in active:
                    rule.check_escape(escape)
            syntax_rules = [rule for rule in active if rule.uses_syntax]
            if syntax_rules:
                problem = _visit_syntax(python, syntax_rules)  # type: ignore[arg-type]
                if problem is not None:
                    errors.append(_unit_error(document, unit, problem))
        for rule in rules.values():
            if rule is not None:
                rule.end_document()
    findings.sort(key=lambda finding: finding.sort_key)
    return CheckResult(tuple(findings), tuple(errors))


def _triggered(text: str, entry: CatalogEntry) -> bool:
    if not any(trigger in text for trigger in entry.triggers):
        return False
    return entry.trigger_pattern is None or entry.trigger_pattern.search(text) is not None


def _document_matches(units: Sequence[Unit], patterns: Sequence[re.Pattern[str]]) -> bool:
    return all(any(pattern.search(unit.text) for unit in units) for pattern in patterns)


def strip_leading_indent(masked: str) -> tuple[str, int, frozenset[int]]:
    """IPython's `leading_indent`: when a cell's first non-blank line is indented, that indentation is
    removed from every line that starts with it, so `    x = 1` runs. Returns the text to parse, the
    width removed, and the (1-based) lines it was removed from.
    """
    if not masked[:1].isspace():  # the common case, decided without splitting the text
        return masked, 0, frozenset()
    lines = masked.split("\n")  # lines as LineIndex counts them: `\n` only
    first = next((line for line in lines if line.strip()), "")
    prefix = first[: len(first) - len(first.lstrip(" \t"))]
    if not prefix:
        return masked, 0, frozenset()
    dedented = frozenset(number for number, line in enumerate(lines, 1) if line.startswith(prefix))
    text = "\n".join(line[len(prefix) :] if line.startswith(prefix) else line for line in lines)
    return text, len(prefix), dedented


def python3_problem(masked: str) -> tuple[str, int] | None:
    """Why `masked` is not Python 3, and on which line (CPython's own parser, no compilation)."""
    try:
        compile(masked, "<cell>", "exec", _PARSE_ONLY, dont_inherit=True)
    except SyntaxError as error:
        return f"not valid Python 3: {error.msg}", error.lineno or 1
    except ValueError as error:  # source holding NUL characters
        return f"not valid Python 3: {error}", 1
    return None


def _visit_syntax(python: str, rules: Sequence[SyntaxRule]) -> tuple[str, int] | None:
    import libcst as cst
    from libcst.metadata import PositionProvider

    try:
        module = cst.parse_module(python)
    except cst.ParserSyntaxError as error:
        return f"libcst cannot parse it: {error.message}", error.raw_line
    cst.visit_batched(module, rules)
    # Positions cost a second full traversal: pay it only when some rule has something to report.
    if any(rule.wants_positions() for rule in rules):
        positions = cst.MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        for rule in rules:
            rule.end_unit(positions)
    return None


def _unit_error(document: Document, unit: Unit, problem: tuple[str, int]) -> FileError:
    message, line = problem
    # Notebooks count lines inside the cell; scripts count them in the file.
    text = f"{message} (line {unit.first_line + line - 1})"
    if unit.cell is not None:
        text += "; this cell was not checked, the others were"
    return FileError(document.path, text, unit.cell)
