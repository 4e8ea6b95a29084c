"""Runs the selected rules over a document's units, cheapest test first.

For each unit: the rules' triggers (substrings, each looked for once in the whole document first,
then the rules' document and trigger patterns); the IPython escapes (with a fast path for cells that
have none); CPython's own parser checks that the masked cell is Python 3, so that no cell is passed
as clean unread. A unit that no rule looks at is only checked (a symbol table costs less than an
`ast` tree); for the others the `ast` tree is built once and handed to every rule, those that read
`ast` (`nbport.ast_rule`) and the engine itself, which uses it to give libcst only the statements
the libcst rules need (`nbport.statement_filter`): one libcst parse per unit at most, and only when
a rule needs the concrete syntax tree.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import symtable
import warnings
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

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
from nbport.rule import DEFAULT_SETTINGS, Rule, RuleSettings
from nbport.rules import base
from nbport.rules.names import NameResolver
from nbport.rules.unit import UnitContext
from nbport.rules.unused_suppression import UnusedSuppressionRule
from nbport.statement_filter import keep_statements
from nbport.suppressions import MARKER, UNUSED_SUPPRESSION, find_suppressions, silence
from nbport.walk import learn_bindings, walk

if TYPE_CHECKING:
    from nbport.syntax_rule import SyntaxRule

_PARSE_ONLY = ast.PyCF_ONLY_AST


def rule_class(entry: CatalogEntry) -> type[Rule] | type[base.Rule]:
    """The class implementing `entry`, imported on first use (syntax rules pull in libcst)."""
    # Cached by name: hashing a whole entry (its examples too) on every call costs more than this.
    return _rule_class(entry.name, entry.id)


@cache
def _rule_class(name: str, rule_id: str) -> type[Rule] | type[base.Rule]:
    module_name = f"nbport.rules.{name.replace('-', '_')}"
    if importlib.util.find_spec(module_name) is not None:
        module = importlib.import_module(module_name)
        kernel_rules = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, base.Rule)
            and value.__module__ == module_name
        ]
        if len(kernel_rules) != 1:
            raise LookupError(f"{module_name} must define one rule, not {len(kernel_rules)}")
        return kernel_rules[0]
    module_name = f"nbport.checks.{name.replace('-', '_')}"
    module = importlib.import_module(module_name)
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, Rule)
            and getattr(value, "id", None) == rule_id
        ):
            return value
    raise LookupError(f"{module_name} defines no rule with id {rule_id}")


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
    rules: dict[str, Rule | base.Rule | None] = {}
    names = NameResolver()

    def rule_for(entry: CatalogEntry) -> Rule | base.Rule | None:
        if entry.id not in rules:
            cls = rule_class(entry)
            if issubclass(cls, base.Rule):
                kernel_rule = cls()
                kernel_rule.bind(
                    entry,
                    document,
                    names,
                    settings.options(entry),
                    findings.append,
                    colab_runtime=settings.colab_runtime,
                )
                rules[entry.id] = kernel_rule if kernel_rule.begin_document() else None
            else:
                rule = cls(entry, document, findings.append)
                rule.configure(settings)
                rules[entry.id] = rule if rule.applies() else None
        return rules[entry.id]

    with warnings.catch_warnings():
        # CPython warns about odd string escapes while parsing ('data\images'); those are ours to report.
        warnings.simplefilter("ignore")
        units = document.units()
        # NBP000 judges the suppressions after the walk (below), not in it.
        walked = [entry for entry in entries if entry.id != UNUSED_SUPPRESSION]
        triggers = _Triggers(units, walked)
        # Rules of the kernel read the document's imports, from every unit that has some.
        reads_names = any(issubclass(rule_class(entry), base.Rule) for entry in walked)
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
            kernel_rules = [rule for rule in active if isinstance(rule, base.Rule)]
            if not kernel_rules:
                learn_bindings(tree, names)  # later units' rules may need its imports
            if not active:
                continue
            context = UnitContext(unit, scanned, python, tree, dedent, dedented_lines)
            for rule in active:
                if isinstance(rule, base.Rule):
                    rule.unit = context
                    rule.begin_unit()
                else:
                    rule.begin_unit(context)
            for escape in scanned.escapes:
                for rule in active:
                    rule.check_escape(escape)
            if kernel_rules:
                walk(tree, kernel_rules, names)
                for kernel_rule in kernel_rules:
                    kernel_rule.end_unit()
            syntax_rules = [rule for rule in active if isinstance(rule, Rule) and rule.uses_syntax]
            if syntax_rules:
                problem = _visit_syntax(context, syntax_rules)  # type: ignore[arg-type]
                if problem is not None:
                    errors.append(_unit_error(document, unit, problem))
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


def _visit_syntax(context: UnitContext, rules: Sequence[SyntaxRule]) -> tuple[str, int] | None:
    """Parse the unit with libcst (only the statements the rules need, when they all say which) and
    run the rules over it in one batched visit; returns why libcst cannot parse it, if it cannot."""
    import libcst as cst
    from libcst.metadata import PositionProvider

    from nbport.syntax_rule import UnitPositions

    module = None
    kept = None
    patterns = [rule.unit_statement_pattern() for rule in rules]
    if all(pattern is not None for pattern in patterns):
        kept = keep_statements(context.python, context.tree, patterns)  # type: ignore[arg-type]
        if kept is not None and not kept.lines:
            return None  # no statement that any of the rules needs
        if kept is not None:
            try:
                module = cst.parse_module(kept.text)
            except cst.ParserSyntaxError:
                # Whole statements parse on their own; should libcst disagree, it parses the unit.
                kept = None
    if module is None:
        try:
            module = cst.parse_module(context.python)
        except cst.ParserSyntaxError as error:
            return f"libcst cannot parse it: {error.message}", error.raw_line
    cst.visit_batched(module, rules)
    # Positions cost a second full traversal: pay it only when some rule has something to report.
    if any(rule.wants_positions() for rule in rules):
        positions = cst.MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        if kept is not None:
            positions = UnitPositions(positions, kept.lines)
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
