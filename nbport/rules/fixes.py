"""Fix helpers rules share: edits that insert or remove whole lines around a statement, or rename
the module of a `from` import."""

from __future__ import annotations

import ast
import re

from nbport.finding import Edit
from nbport.rules.unit import UnitContext


def insert_before(unit: UnitContext, statement: ast.stmt, line: str) -> Edit | None:
    """An edit putting `line` on a line of its own before `statement`, indented as it is, in the
    unit's own line ending; None where `statement` does not start its line (`x = 1; y()`) or its
    text is not what was parsed."""
    if not unit.editable(statement):
        return None
    start, _ = unit.ast_span(statement)
    line_start = unit.lines.offset(unit.lines.line_of(start), 0)
    indent = unit.unit.text[line_start:start]
    if indent.strip():
        return None
    ending = "\r\n" if "\r\n" in unit.unit.text else "\n"
    return Edit(line_start, line_start, f"{indent}{line}{ending}")


def insert_after(unit: UnitContext, statement: ast.stmt, line: str) -> Edit | None:
    """An edit putting `line` on a line of its own after the line `statement` ends on, indented as
    `statement` is, in that line's ending (the unit's own at the end of the unit); None where
    `statement` does not start its line (`if x: import y`) or its text is not what was parsed."""
    if not unit.editable(statement):
        return None
    start, end = unit.ast_span(statement)
    text = unit.unit.text
    indent = text[unit.lines.offset(unit.lines.line_of(start), 0) : start]
    if indent.strip():
        return None
    newline = text.find("\n", end)
    if newline < 0:
        ending = "\r\n" if "\r\n" in text else "\n"
        return Edit(len(text), len(text), f"{ending}{indent}{line}")
    ending = "\r\n" if text[newline - 1 : newline] == "\r" else "\n"
    return Edit(newline + 1, newline + 1, f"{indent}{line}{ending}")


#: What may separate the words of `from a.b import`: blanks, and backslash line continuations.
_GAP = r"(?:[ \t\f]|\\\r?\n)"
#: The module of `from <module> import`, dots and all (`from a . b import c` too).
_FROM_MODULE = re.compile(rf"from{_GAP}+(\w+(?:{_GAP}*\.{_GAP}*\w+)*){_GAP}+import\b")
_GAPS = re.compile(_GAP)


def from_module_span(unit: UnitContext, statement: ast.ImportFrom) -> tuple[int, int] | None:
    """Offsets of the module name in `from <module> import ...` (None for a relative import)."""
    start, end = unit.ast_span(statement)
    match = _FROM_MODULE.match(unit.unit.text, start, end)
    if match is None or _GAPS.sub("", match.group(1)) != statement.module:
        return None
    return match.span(1)


def rename_from_module(unit: UnitContext, statement: ast.ImportFrom, module: str) -> Edit | None:
    """An edit making `from a.b import c` import from `module` instead; None for a relative import
    or where the statement's text is not what was parsed."""
    span = from_module_span(unit, statement)
    if span is None or not unit.editable(statement):
        return None
    return Edit(*span, module)
