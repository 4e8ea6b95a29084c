"""Runs the selected rules over a document's units, cheapest test first.

For each unit: the rules' triggers (substrings, each looked for once in the whole document first,
then the rules' document and trigger patterns); the IPython escapes (with a fast path for cells that
have none); CPython's own parser checks that the masked cell is Python 3, so that no cell is passed
as clean unread. A unit that no rule looks at is only checked (a symbol table costs less than an
`ast` tree), unless it may import something the name resolver must learn; for the others the `ast`
tree is built once and walked once for every rule that looks at it (`nbport.walk`). Suppressions
are found from the engine's own scans and applied in the same pass; NBP000 judges them last.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import symtable
import warnings
from collections.abc import Sequence
from functools import cache

from nbport.catalog import CatalogEntry, load_catalog
from nbport.documents.base import Document, Unit
from nbport.escapes import (
    EscapeStyle,
    ScannedUnit,
    automagic_candidate,
    bound_in,
    scan,
    strip_leading_indent,
)
from nbport.finding import FileError, Finding
from nbport.results import CheckResult
from nbport.rules.base import Rule
from nbport.rules.names import NameResolver
from nbport.rules.unit import UnitContext
from nbport.rules.unused_suppression import UnusedSuppressionRule
from nbport.settings import DEFAULT_SETTINGS, RuleSettings
from nbport.suppressions import MARKER, UNUSED_SUPPRESSION, find_suppressions, silence
from nbport.walk import learn_bindings, walk, walks

_PARSE_ONLY = ast.PyCF_ONLY_AST


def rule_class(entry: CatalogEntry) -> type[Rule]:
    """The class implementing `entry`: the one rule of the module named after it
    (`shell-cd` → `nbport.rules.shell_cd`), imported on first use."""
    # Cached by name: hashing a whole entry (its examples too) on every call costs more than this.
    return _rule_class(entry.name)


@cache
def _rule_class(name: str) -> type[Rule]:
    module_name = f"nbport.rules.{name.replace('-', '_')}"
    module = importlib.import_module(module_name)
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module_name
    ]
    if len(found) != 1:
        raise LookupError(f"{module_name} must define one rule, not {len(found)}")
    return found[0]


def check_document(
    document: Document,
    entries: Sequence[CatalogEntry],
    settings: RuleSettings = DEFAULT_SETTINGS,
    *,
    report_unused_suppressions: bool = False,
) -> CheckResult:
    """Run `entries` over every unit of `document`, with the project's rule `settings`, less the
    findings the document's suppressions silence (`nbport.suppressions`), found in the same pass;
    with `report_unused_suppressions`, plus an `NBP000` finding for each suppression that silences
    nothing."""
    findings: list[Finding] = []
    #: The scans of the units that hold a suppression comment, for `nbport.suppressions`.
    suppression_scans: dict[int, ScannedUnit] = {}
    errors: list[FileError] = []
    rules: dict[str, Rule | None] = {}
    names = NameResolver()

    def rule_for(entry: CatalogEntry) -> Rule | None:
        if entry.id not in rules:
            rule = rule_class(entry)()
            rule.bind(
                entry,
                document,
                names,
                settings.options(entry),
                findings.append,
                colab_runtime=settings.colab_runtime,
            )
            rules[entry.id] = rule if rule.begin_document() else None
        return rules[entry.id]

    with warnings.catch_warnings():
        # CPython warns about odd string escapes while parsing ('data\images'); those are ours to report.
        warnings.simplefilter("ignore")
        units = document.units()
        # NBP000 judges the suppressions after the walk (below), not in it.
        walked = [entry for entry in entries if entry.id != UNUSED_SUPPRESSION]
        triggers = _Triggers(units, walked)
        # Rules read the document's imports through the resolver, from every unit that has some.
        reads_names = bool(walked)
        # What the notebook binds shadows automagic (`nbport.escapes.bound_in`): read if needed.
        shadowed = bound_in([unit.text for unit in units])
        for unit in units:
            text = unit.text
            triggered = triggers.triggered(trigger_text(unit))
            scanned = scan(text, unit.escape_style, shadowed)
            if MARKER in text:
                suppression_scans[unit.index] = scanned
            if not scanned.is_python:
                continue
            python, dedent, dedented_lines = strip_leading_indent(scanned.masked)
            if not triggered and not (reads_names and "import" in python):
                # No rule looks at it: only whether it is Python 3 is wanted, not its tree.
                problem = python3_problem(python)
                if problem is not None:
                    errors.append(_unit_error(document, unit, problem))
                continue
            tree = python3_tree(python)
            if not isinstance(tree, ast.Module):
                errors.append(_unit_error(document, unit, tree))
                continue
            active = [rule for entry in triggered if (rule := rule_for(entry)) is not None]
            context = UnitContext(unit, scanned, python, tree, dedent, dedented_lines)
            for rule in active:
                rule.unit = context
                rule.begin_unit()
            for escape in scanned.escapes:
                for rule in active:
                    rule.check_escape(escape)
            walking = [rule for rule in active if walks(type(rule))]
            if walking:
                walk(tree, walking, names)
            else:
                learn_bindings(tree, names)  # later units' rules may need its imports
            for rule in active:
                rule.end_unit()
        for rule in rules.values():
            if rule is not None:
                rule.end_document()
    unused = next((entry for entry in entries if entry.id == UNUSED_SUPPRESSION), None)
    if unused is None and report_unused_suppressions:
        unused = load_catalog()[UNUSED_SUPPRESSION]
    if findings or unused is not None:
        # Files without findings never look for suppressions, unless NBP000 is to judge them.
        suppressions = find_suppressions(document, suppression_scans.get)
        findings, uses = silence(document, findings, suppressions)
        if unused is not None:
            judge = UnusedSuppressionRule()
            judge.bind(unused, document, names, {}, findings.append)
            ran = {entry.id for entry in walked}
            judge.judge(suppressions, uses, errors, ran)
    findings.sort(key=lambda finding: finding.sort_key)
    return CheckResult(tuple(findings), tuple(errors))


class _Triggers:
    """Which entries each unit of a document triggers, cheapest test first: one of the entry's
    substrings (each looked for once in the whole document first), then its document patterns
    (searched once per document, and only for an entry that some unit triggers), then its
    trigger pattern."""

    def __init__(self, units: Sequence[Unit], entries: Sequence[CatalogEntry]) -> None:
        self._texts = [trigger_text(unit) for unit in units]
        # No trigger holds a NUL, so none can match across two units joined by one.
        whole = "\0".join(self._texts)
        present = {trigger for entry in entries for trigger in entry.triggers if trigger in whole}
        #: Each entry with one of its triggers in the document, and those triggers.
        self._entries = [
            (entry, found)
            for entry in entries
            if (found := [trigger for trigger in entry.triggers if trigger in present])
        ]
        self._document_matches: dict[str, bool] = {}

    def triggered(self, text: str) -> list[CatalogEntry]:
        """The entries that look at a unit whose `trigger_text` is `text`."""
        triggered = []
        for entry, triggers in self._entries:
            if not any(trigger in text for trigger in triggers):
                continue
            matches = self._document_matches.get(entry.id)
            if matches is None:
                # A rule that needs something the whole document lacks cannot match any unit of it.
                matches = all(
                    any(pattern.search(unit_text) for unit_text in self._texts)
                    for pattern in entry.document_patterns
                )
                self._document_matches[entry.id] = matches
            pattern = entry.trigger_pattern
            if matches and (pattern is None or pattern.search(text) is not None):
                triggered.append(entry)
        return triggered


def trigger_text(unit: Unit) -> str:
    """The text the rules' triggers look for in `unit`: its own, and for a notebook cell of one
    line that may be a line magic written without its `%` (`pip uninstall x`, which IPython's
    automagic runs as `%pip uninstall x`), that line again with the `%`, so that triggers written
    for `%pip` or `%matplotlib` wake on it too. The rules themselves read the escapes."""
    text = unit.text
    if unit.escape_style is EscapeStyle.LIVE and automagic_candidate(text):
        return f"{text}\n%{text.strip()}"
    return text


def python3_problem(python: str) -> tuple[str, int] | None:
    """Why `python` is not Python 3, and on which line, or None if it is: `python3_tree`'s verdict
    without the tree. CPython's parser builds a symbol table for less than the `ast` objects cost;
    the symbol table also rejects some code the parser takes (`nonlocal` at module level), so a
    rejection is checked with `python3_tree`, whose verdict and words are the ones reported."""
    try:
        symtable.symtable(python, "<cell>", "exec")
    except (SyntaxError, ValueError, RecursionError):
        tree = python3_tree(python)
        return None if isinstance(tree, ast.Module) else tree
    return None


def python3_tree(python: str) -> ast.Module | tuple[str, int]:
    """CPython's syntax tree of `python` (its own parser, no compilation), or why it is not
    Python 3 and on which line. Rules that can work on `ast` reuse the tree rather than parse again.
    """
    try:
        tree: ast.Module = compile(python, "<cell>", "exec", _PARSE_ONLY, dont_inherit=True)
    except SyntaxError as error:
        return f"not valid Python 3: {error.msg}", error.lineno or 1
    except ValueError as error:  # source holding NUL characters
        return f"not valid Python 3: {error}", 1
    except RecursionError:  # CPython cannot build the tree either: it would not run the cell
        return "not valid Python 3: nested too deeply for Python's parser", 1
    return tree


def _unit_error(document: Document, unit: Unit, problem: tuple[str, int]) -> FileError:
    message, line = problem
    # Notebooks count lines inside the cell; scripts count them in the file.
    text = f"{message} (line {unit.first_line + line - 1})"
    if unit.cell is not None:
        text += "; this cell was not checked, the others were"
    return FileError(document.path, text, unit.cell)
