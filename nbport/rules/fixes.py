"""Fix helpers rules share: edits that insert, replace or delete whole statements, leaving the
block around them valid Python, and the rename of a `from` import's module.

A statement is found by its `Place`: the block (statement list) that holds it, and the place of the
compound statement that owns that block, so that a rule can judge the statement's surroundings (the
`try:` around it) and delete either. The edits work on the unit's original text, line by line, so
they may take out a line whose escape was masked before parsing (`%tensorflow_version 2.x`).
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from dataclasses import dataclass

from nbport.escapes import Escape
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


@dataclass(frozen=True)
class Place:
    """Where a statement stands: `block[index]`, in the block of the compound statement at `outer`
    (None for a statement at the top of the unit)."""

    block: list[ast.stmt]
    index: int
    outer: Place | None = None

    @property
    def statement(self) -> ast.stmt:
        """The statement at this place."""
        return self.block[self.index]


def escape_place(unit: UnitContext, escape: Escape) -> Place | None:
    """The place of the statement a line escape was masked to (`%tensorflow_version 2.x` is parsed
    as a name on its first line); None if there is none (an escape assigned, `x = !ls`)."""
    return _find(unit.tree.body, escape.line, None)


def _find(block: list[ast.stmt], line: int, outer: Place | None) -> Place | None:
    # A block's statements come in line order, each ending where or before the next starts: those
    # ending above `line` are skipped by bisection, and the search stops below it, so a cell of many
    # escapes is not walked from its top for each one.
    for index in range(bisect_left(block, line, key=_last_line), len(block)):
        statement = block[index]
        if statement.lineno > line:
            break
        if (
            statement.lineno == line
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Name)
        ):
            return Place(block, index, outer)
        if line <= _last_line(statement):
            for inner in _blocks(statement):
                found = _find(inner, line, Place(block, index, outer))
                if found is not None:
                    return found
    return None


def _last_line(statement: ast.stmt) -> int:
    return statement.end_lineno or statement.lineno


def _blocks(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists a compound statement holds (handler and case bodies included)."""
    blocks: list[list[ast.stmt]] = []
    for field in ("body", "orelse", "finalbody"):
        value = getattr(statement, field, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            blocks.append(value)
    blocks.extend(handler.body for handler in getattr(statement, "handlers", ()))
    blocks.extend(case.body for case in getattr(statement, "cases", ()))
    return blocks


def delete_statement(unit: UnitContext, place: Place, end: int | None = None) -> Edit | None:
    """An edit deleting the lines of the statement at `place`, through the line of offset `end`
    when its text runs past its tree's end (an escape continued with backslashes is masked on its
    first line); None where it shares a line with other code (`x = 1; y = 2`).

    A statement alone in a nested block becomes `pass`, so that the block keeps a body. No blank
    lines are left at the top of the unit, and one stays where there were blank lines on both sides.
    """
    statement = place.statement
    first = statement.lineno
    last = _last_line(statement) if end is None else unit.lines.line_of(end)
    after = place.block[place.index + 1] if place.index + 1 < len(place.block) else None
    if not _starts_line(unit, statement) or (after is not None and after.lineno <= last):
        return None
    if place.outer is not None and len(place.block) == 1:
        indent = _indentation(unit, first)
        return Edit(unit.lines.offset(first, 0), _line_end(unit, last), f"{indent}pass")
    total = len(unit.lines.starts)  # counted once per unit, not once per deletion
    if first == 1:
        while last < total and not _line_text(unit, last + 1).strip():
            last += 1  # no blank lines left at the top of the cell
    elif (
        last < total
        and not _line_text(unit, first - 1).strip()
        and not _line_text(unit, last + 1).strip()
    ):
        last += 1  # one blank line where there were blank lines on both sides
    start = unit.lines.offset(first, 0)
    if last < total:
        return Edit(start, unit.lines.offset(last + 1, 0), "")
    if first > 1:
        start = _line_end(unit, first - 1)  # the cell's last line: take the newline before it
    return Edit(start, len(unit.unit.text), "")


def replace_statement(
    unit: UnitContext, place: Place, text: str, end: int | None = None
) -> Edit | None:
    """An edit writing `text` over the statement at `place`, from the end of its line's indentation
    to its end (offset `end` when its text runs past its tree's end: an escape); None where it does
    not start its line, or its text is not what was parsed and no `end` says where it ends."""
    statement = place.statement
    if not _starts_line(unit, statement) or (end is None and not unit.editable(statement)):
        return None
    # From the line's indentation, not from the escape: a commented escape (`# %magic` in a
    # script) is masked from its `#`, which goes too.
    line = statement.lineno
    start = unit.lines.offset(line, len(_indentation(unit, line)))
    return Edit(start, unit.ast_span(statement)[1] if end is None else end, text)


def _starts_line(unit: UnitContext, statement: ast.stmt) -> bool:
    """Whether only blanks are before `statement` on its line."""
    start, _ = unit.ast_span(statement)
    return not unit.unit.text[unit.lines.offset(statement.lineno, 0) : start].strip()


def _line_text(unit: UnitContext, line: int) -> str:
    """The text of a 1-based line of the unit, without its ending."""
    text = unit.unit.text
    start = unit.lines.offset(line, 0)
    end = text.find("\n", start)
    return text[start : len(text) if end < 0 else end].rstrip("\r")


def _indentation(unit: UnitContext, line: int) -> str:
    text = _line_text(unit, line)
    return text[: len(text) - len(text.lstrip(" \t"))]


def _line_end(unit: UnitContext, line: int) -> int:
    """The offset of the end of a 1-based line (before its newline)."""
    return unit.lines.offset(line, 0) + len(_line_text(unit, line))


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
