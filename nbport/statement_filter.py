"""The statements of a unit that some rules need, for libcst to parse instead of all of it.

A 3,000-line script that mentions `keras` in three imports needs those three statements parsed, not
3,000 lines: libcst costs about ten times CPython's parser, and most of a triggered unit is code that
no rule looks at. A syntax rule that can say which statements matter to it declares a
`statement_pattern` (see `nbport.syntax_rule.SyntaxRule`). The engine then parses only the
statements whose text matches some active rule's pattern, found in the CPython `ast` tree it already
has, with the lines that open the blocks around them (`def f():`, `for x in y:`, `else:`): a block
left with none of its statements gets a `pass`. The rules get positions mapped back to the unit's
lines (whole lines are kept, so columns need no mapping). A statement is always parsed whole.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from nbport.positions import LineIndex


@dataclass(frozen=True)
class KeptStatements:
    """The statements of a unit that some rules need, as text libcst can parse, and the line of the
    unit each line of that text comes from (for a `pass` standing in for a block's statements, the
    line of the first of them)."""

    text: str
    #: `lines[i]` is the unit line (1-based) of line `i + 1` of `text`.
    lines: tuple[int, ...]


def keep_statements(
    python: str, tree: ast.Module, patterns: Sequence[re.Pattern[str]]
) -> KeptStatements | None:
    """The statements of `python` whose text matches one of `patterns`, inside the headers of the
    blocks that hold them; None when no statement can be left out.

    `tree` is CPython's `ast` of `python`. Statements that share a line (`a = 1; b = 2`) are kept or
    left out together; comments and blank lines between statements are left out.
    """
    index = LineIndex(python)
    matched: set[int] = set()
    for pattern in patterns:
        for match in pattern.finditer(python):
            first = index.line_of(match.start())
            last = index.line_of(max(match.start(), match.end() - 1))
            matched.update(range(first, last + 1))
    builder = _Builder(python.split("\n"), sorted(matched))
    builder.block(tree.body)
    if not builder.left_out:
        return None
    return KeptStatements("\n".join(builder.text), tuple(builder.numbers))


class _Builder:
    """Collects the kept lines of a unit, block by block."""

    def __init__(self, source: list[str], matched: list[int]) -> None:
        self.source = source
        self.matched = matched
        self.text: list[str] = []
        self.numbers: list[int] = []
        self.left_out = False

    def holds_match(self, first: int, last: int) -> bool:
        index = bisect_left(self.matched, first)
        return index < len(self.matched) and self.matched[index] <= last

    def copy(self, first: int, last: int) -> None:
        """Keep lines `first` to `last` (1-based, inclusive) as they are."""
        self.text.extend(self.source[first - 1 : last])
        self.numbers.extend(range(first, last + 1))

    def block(self, body: Sequence[ast.stmt]) -> bool:
        """Keep what `body` holds that matters; False if that is nothing."""
        kept = False
        for first, last, statements in _groups(body):
            if not self.holds_match(first, last):
                self.left_out = True
            elif len(statements) == 1 and _blocks(statements[0]):
                self.compound(statements[0], first, last)
                kept = True
            else:
                self.copy(first, last)
                kept = True
        return kept

    def compound(self, statement: ast.stmt, first: int, last: int) -> None:
        """A compound statement holding a match: its headers, with what its blocks hold."""
        blocks = _blocks(statement)
        opened = first  # the first line not yet kept or left out
        for body in blocks:
            body_first = _first_line(body[0])
            body_last = _last_line(body[-1])
            if self._shares_line(body[0]):
                # `if x: y` or `else: z`: the header and the block are the same lines.
                self.copy(opened, body_last)
            else:
                self.copy(opened, body_first - 1)  # the header, or `else:` and the comments before
                if not self.block(body):
                    line = self.source[body[0].lineno - 1]
                    ending = "\r" if line.endswith("\r") else ""
                    self.text.append(f"{line[: body[0].col_offset]}pass{ending}")
                    self.numbers.append(body_first)
            opened = body_last + 1
        if opened <= last:
            self.copy(opened, last)

    def _shares_line(self, statement: ast.stmt) -> bool:
        """Whether something other than blanks comes before `statement` on its first line."""
        line = self.source[_first_line(statement) - 1].encode("utf-8")
        column = statement.col_offset if not _decorators(statement) else 0
        return bool(line[:column].strip())


def _groups(body: Sequence[ast.stmt]) -> list[tuple[int, int, list[ast.stmt]]]:
    """(first line, last line, statements) for the statements of `body`, those that share a line
    (`a = 1; b = 2`) grouped."""
    groups: list[tuple[int, int, list[ast.stmt]]] = []
    for statement in body:
        first, last = _first_line(statement), _last_line(statement)
        if groups and first <= groups[-1][1]:
            start, end, statements = groups[-1]
            groups[-1] = (start, max(last, end), [*statements, statement])
        else:
            groups.append((first, last, [statement]))
    return groups


def _blocks(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The blocks of a compound statement in the order they are written; [] for a simple one."""
    blocks: list[list[ast.stmt]] = []
    body = getattr(statement, "body", None)
    if isinstance(body, list) and body:
        blocks.append(body)
    for handler in getattr(statement, "handlers", ()):
        blocks.append(handler.body)
    for case in getattr(statement, "cases", ()):
        blocks.append(case.body)
    for name in ("orelse", "finalbody"):
        block = getattr(statement, name, None)
        if isinstance(block, list) and block:
            blocks.append(block)
    return blocks


def _decorators(statement: ast.stmt) -> list[ast.expr]:
    decorators = getattr(statement, "decorator_list", None)
    return decorators if isinstance(decorators, list) else []


def _first_line(statement: ast.stmt) -> int:
    """The first line of a statement, its decorators included."""
    return min([statement.lineno, *(decorator.lineno for decorator in _decorators(statement))])


def _last_line(statement: ast.stmt) -> int:
    return statement.end_lineno or statement.lineno
