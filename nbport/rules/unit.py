"""One unit as the rules see it: its text, escapes, masked Python and tree, computed once.

The engine builds a `UnitContext` for each unit some rule looks at; the kernel (`nbport.rules.base`)
and the shared readers work out positions and source text from it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from nbport.documents.base import Unit
from nbport.finding import Location
from nbport.positions import LineIndex

if TYPE_CHECKING:
    from nbport.escapes import ScannedUnit

#: The `ast` nodes that have positions.
Positioned = ast.expr | ast.stmt | ast.alias | ast.keyword | ast.arg | ast.excepthandler


@dataclass
class UnitContext:
    """One unit as the rules see it: its text, its escapes and its masked Python, computed once.

    `python` is what is parsed: the masked text, with the indentation IPython strips from a cell whose
    first line is indented (`dedent` characters, on the lines in `dedented_lines`) removed. `tree` is
    CPython's `ast` of `python`, built once by the engine when it checks that the unit is Python 3.
    """

    unit: Unit
    scanned: ScannedUnit
    python: str
    tree: ast.Module
    dedent: int = 0
    dedented_lines: frozenset[int] = frozenset()

    @cached_property
    def lines(self) -> LineIndex:
        """Line starts of the unit's original text."""
        return LineIndex(self.unit.text)

    @cached_property
    def escape_lines(self) -> frozenset[int]:
        """The lines (1-based) an escape occupies, where the masked text differs from the original."""
        lines: set[int] = set()
        for escape in self.scanned.escapes:
            last, _ = self.lines.line_column(escape.end)
            lines.update(range(escape.line, last + 1))
        return frozenset(lines)

    def offset(self, line: int, column: int) -> int:
        """The offset in the original text of a (1-based line, 0-based column) of `python`."""
        if line in self.dedented_lines:
            column += self.dedent
        return self.lines.offset(line, column)

    @cached_property
    def python_lines(self) -> list[str]:
        """The lines of `python`, split on `\\n` as `LineIndex` counts them."""
        return self.python.split("\n")

    def ast_offset(self, line: int, byte_column: int) -> int:
        """`offset` for an `ast` position: `ast` columns count UTF-8 bytes of the line of `python`."""
        source = self.python_lines[line - 1]
        column = byte_column
        if not source.isascii():
            column = len(source.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))
        return self.offset(line, column)

    def ast_span(self, node: Positioned) -> tuple[int, int]:
        """Start and end offsets of an `ast` node in the original text."""
        end_line = node.end_lineno or node.lineno
        end_column = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return self.ast_offset(node.lineno, node.col_offset), self.ast_offset(end_line, end_column)

    def location(self, offset: int) -> Location:
        """The printed location of an offset: cell line for notebooks, file line for scripts."""
        line, column = self.lines.line_column(offset)
        return Location(self.unit.cell, self.unit.first_line + line - 1, column + 1)

    def place(self, node: Positioned) -> str:
        """`cell 3, line 2` (`line 12` in a script): the line `node` starts on, as a message names
        the place of something other than the finding (the cause it points at)."""
        where = self.location(self.offset(node.lineno, 0))
        return (
            f"line {where.line}" if where.cell is None else f"cell {where.cell}, line {where.line}"
        )

    def editable(self, node: Positioned, end: Positioned | None = None) -> bool:
        """Whether the original text of `node` (to `end`) is what was parsed: no masked escape on
        its lines, and not several lines of a cell whose indentation was stripped before parsing."""
        last = end if end is not None else node
        return self._editable_lines(node.lineno, last.end_lineno or last.lineno)

    def editable_span(self, start: int, end: int) -> bool:
        """`editable` for offsets of the original text (a piece of a node: one literal of a
        string written as several, the text of an f-string)."""
        return self._editable_lines(self.lines.line_of(start), self.lines.line_of(end))

    def _editable_lines(self, first: int, last: int) -> bool:
        if self.dedent and last > first:
            return False
        escape_lines = self.escape_lines
        return not escape_lines or not any(line in escape_lines for line in range(first, last + 1))

    def source(self, node: Positioned) -> str:
        """The text of `node` in the parsed Python (`ast` columns count UTF-8 bytes)."""
        lines = self.python_lines[node.lineno - 1 : node.end_lineno]
        end = node.end_col_offset
        if len(lines) == 1:
            return lines[0].encode("utf-8")[node.col_offset : end].decode("utf-8", "replace")
        first = lines[0].encode("utf-8")[node.col_offset :].decode("utf-8", "replace")
        last = lines[-1].encode("utf-8")[:end].decode("utf-8", "replace")
        return "\n".join([first, *lines[1:-1], last])
