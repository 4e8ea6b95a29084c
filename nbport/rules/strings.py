"""String literals as written: the spelling CPython's tree does not keep.

`ast` keeps a string's value: `'cu' 'da'` is one `Constant`, `r'\\d'` and `'\\\\d'` are equal, and an
f-string's own text is a `Constant` too. `string_literals` reads the literals a string is written as
from the unit's text; `LiteralRule` is the base of rules that look at each literal of the code.
"""

from __future__ import annotations

import ast
import re
import tokenize
from dataclasses import dataclass
from typing import ClassVar

from nbport.rules.base import Rule
from nbport.rules.tokens import read_tokens
from nbport.rules.unit import Positioned, UnitContext

#: Python 3.12 splits an f-string into tokens of its own; earlier versions read it as one STRING.
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)
_PREFIX_LETTERS = "rRbBuUfF"
#: `{{`, `}}`, or a replacement field of an f-string (`{x}`, `{x:{width}}`).
_FIELD = re.compile(r"\{\{|\}\}|\{(?:[^{}]|\{[^{}]*\})*\}")


@dataclass(frozen=True)
class Literal:
    """One string literal as written (`rb'x'`, `f"{a}"`, `'''...'''`), at `start:end` of the unit."""

    text: str
    start: int
    end: int

    @property
    def prefix(self) -> str:
        """`r`, `b`, `f`, `rb`, ... as written; "" for none."""
        return self.text[: len(self.text) - len(self.text.lstrip(_PREFIX_LETTERS))]

    @property
    def quote(self) -> str:
        """`'`, `"`, `'''` or `\"\"\"`."""
        rest = self.text[len(self.prefix) :]
        return rest[:3] if rest[:3] in ("'''", '"""') else rest[:1]

    @property
    def body(self) -> str:
        """The text between the quotes, escapes as written."""
        return self.text[len(self.prefix) + len(self.quote) : len(self.text) - len(self.quote)]

    @property
    def plain(self) -> str | None:
        """The value of a literal that needs no reading: a string (not bytes, not an f-string)
        with no backslash, or a raw one; None for the others."""
        prefix = self.prefix.lower()
        if "b" in prefix or "f" in prefix:
            return None
        body = self.body
        return body if "\\" not in body or "r" in prefix else None

    @property
    def template(self) -> str:
        """An f-string's text as written, each replacement field made `{}`: `f'cuda:{rank}'` →
        `cuda:{}` (`{{` and `}}` stay as written)."""
        return _FIELD.sub(lambda field: field[0] if field[0] in ("{{", "}}") else "{}", self.body)

    @property
    def value(self) -> str:
        """What a string literal (not bytes) holds: its value, or an f-string's `template`."""
        return self.template if "f" in self.prefix.lower() else ast.literal_eval(self.text)

    def text_parts(self) -> list[tuple[int, str]]:
        """An f-string's text between its replacement fields, as written (`{{` and `}}` too), each
        piece with its offset in `text`: `f'a{x}b'` → `(2, 'a')`, `(6, 'b')`. Another literal's
        body is one piece."""
        start = len(self.prefix) + len(self.quote)
        body = self.body
        if "f" not in self.prefix.lower():
            return [(start, body)]
        parts = []
        copied = 0  # the body before this offset is in `parts` or in a field
        for field in _FIELD.finditer(body):
            if field[0] not in ("{{", "}}"):
                if field.start() > copied:
                    parts.append((start + copied, body[copied : field.start()]))
                copied = field.end()
        if copied < len(body):
            parts.append((start + copied, body[copied:]))
        return parts


def string_literals(unit: UnitContext, node: Positioned) -> list[Literal]:
    """The literals a string node (`ast.Constant`, `ast.JoinedStr`) is written as: one, or several
    side by side (`'cu' 'da'`, `'a' f'{b}'`)."""
    source = unit.source(node)
    one = Literal(source, *unit.ast_span(node))
    # The common case, decided without the tokenizer: literals side by side would put the first
    # one's closing quote between the opening and the closing one.
    if one.quote and one.quote not in one.body and one.text.endswith(one.quote):
        return [one]
    literals = []
    depth = 0
    opening = (0, 0)  # where the outermost f-string being read starts: in `source`, in the unit
    for kind, first, last, (start, end) in read_tokens(unit, node):
        if kind == tokenize.STRING and not depth:
            literals.append(Literal(source[first:last], start, end))
        elif kind == _FSTRING_START:
            opening = opening if depth else (first, start)
            depth += 1
        elif kind == _FSTRING_END:
            depth -= 1
            if not depth:
                literals.append(Literal(source[opening[0] : last], opening[1], end))
    return literals


def shortened(text: str, width: int = 60) -> str:
    """`text` (a path a literal holds) as a message shows it: at most `width` characters, `...`
    ending it where it was cut."""
    return text if len(text) <= width else text[: width - 3] + "..."


def plain_string(unit: UnitContext, node: ast.expr | None) -> str | None:
    """The value of a string written as one plain literal (`Literal.plain`: `'cuda'`, `r'a\\b'`),
    else None (another node, bytes, an f-string, an escape, literals side by side)."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return None
    literals = string_literals(unit, node)
    return literals[0].plain if len(literals) == 1 else None


class LiteralRule(Rule):
    """A rule that looks at the string literals of the code one by one, as written: the kernel
    calls `check_literal` for each literal of each string (`'cu' 'da'` is two), and never for the
    text or format spec of an f-string, which `ast` keeps as strings too. A subclass that has a
    `visit_Constant`, `visit_JoinedStr` or `leave_JoinedStr` of its own calls this one's."""

    #: A cheap test of a string's value (an f-string's: its text): only matching strings are read.
    literal_filter: ClassVar[re.Pattern[str]] = re.compile("")
    #: The f-strings around the node being visited, innermost last.
    _fstrings: tuple[ast.JoinedStr, ...] = ()

    def check_literal(self, literal: Literal, string: ast.expr, prose: bool) -> None:
        """Look at one literal of `string`; `prose` when the string stands alone as a statement
        (a docstring, or a string used as a comment)."""

    def visit_Constant(self, node: ast.Constant) -> None:
        """A string, unless it is a piece of the text of the f-string around it."""
        if isinstance(node.value, str) and not (
            self._fstrings and node in self._fstrings[-1].values
        ):
            self._read(node, node.value)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        """An f-string, unless it is the format spec of the one around it (`{x:>{width}}`)."""
        around = self._fstrings[-1].values if self._fstrings else []
        self._fstrings = (*self._fstrings, node)
        if not any(getattr(value, "format_spec", None) is node for value in around):
            texts = (value.value for value in node.values if isinstance(value, ast.Constant))
            self._read(node, "".join(map(str, texts)))

    def leave_JoinedStr(self, node: ast.JoinedStr) -> None:
        """Out of an f-string."""
        self._fstrings = self._fstrings[:-1]

    def _read(self, node: ast.Constant | ast.JoinedStr, value: str) -> None:
        if self.literal_filter.search(value):
            statement = self.statement
            prose = isinstance(statement, ast.Expr) and statement.value is node
            for literal in string_literals(self.unit, node):
                self.check_literal(literal, node, prose)
