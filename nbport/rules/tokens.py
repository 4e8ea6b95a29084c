"""A node's text as Python's tokenizer reads it: the spelling CPython's tree does not keep.

The dotted names of an import have no positions in `ast` (nor have a string's literals: see
`nbport.rules.strings`). A rule that needs them reads them here, for the few nodes it needs them
for: tokenizing costs more than parsing.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from nbport.rules.unit import Positioned, UnitContext

_LAYOUT = {
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.COMMENT,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
}


@dataclass(frozen=True)
class Token:
    """One token of a node's text: its kind (`tokenize.NAME`, `OP`...), its text, and its offsets
    in the unit's original text."""

    kind: int
    text: str
    start: int
    end: int


def tokens(unit: UnitContext, node: Positioned) -> list[Token]:
    """The tokens of `node`'s text, comments and line breaks left out; [] where it does not
    tokenize on its own."""
    source = unit.source(node)
    found = read_tokens(unit, node)
    return [Token(kind, source[first:last], *span) for kind, first, last, span in found]


def read_tokens(unit: UnitContext, node: Positioned) -> list[tuple[int, int, int, tuple[int, int]]]:
    """Each token of `node`'s text: its kind, its offsets in `unit.source(node)`, and its offsets
    in the unit's original text."""
    source = unit.source(node)
    node_start, _ = unit.ast_span(node)
    # In brackets, the lines after the first may be indented any way (`(x,\n    y)`).
    bracketed = "(" + source + ")"
    # Rows as the tokenizer's `readline` counts them: `\n` alone ends a line, as in `LineIndex`.
    line_starts = [0, *(newline.end() for newline in re.finditer("\n", bracketed))]

    def in_source(row: int, column: int) -> int:
        return line_starts[row - 1] + column - 1

    def in_unit(row: int, column: int) -> int:
        if row == 1:
            return node_start + column - 1
        return unit.offset(node.lineno + row - 1, column)

    try:
        every = list(tokenize.generate_tokens(io.StringIO(bracketed).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [
        (
            token.type,
            in_source(*token.start),
            in_source(*token.end),
            (in_unit(*token.start), in_unit(*token.end)),
        )
        for token in every[1:]
        if token.type not in _LAYOUT
    ][:-1]  # the closing bracket


def dotted_names(unit: UnitContext, node: ast.Import | ast.ImportFrom) -> list[list[Token]]:
    """The dotted names an import spells, each as its name tokens, in order: `from a.b import c as
    d` → `a.b`, `c`, `d` (the dots of a relative import belong to no name)."""
    names: list[list[Token]] = []
    state = ""  # "name": the last token was part of a name; "dot": a dot right after one
    for token in tokens(unit, node):
        if token.kind == tokenize.NAME and token.text not in ("from", "import", "as"):
            if state == "dot":
                names[-1].append(token)
            else:
                names.append([token])
            state = "name"
        else:
            state = "dot" if token.text == "." and state == "name" else ""
    return names


def import_names(
    unit: UnitContext, node: ast.Import | ast.ImportFrom
) -> list[tuple[ast.Name | ast.Attribute, int, int]]:
    """The names an import spells, each read as the expression it would be in code, with its
    offsets in the unit, in the order a walk of that expression meets them: for `a.b.c`, `a.b.c`,
    `a.b`, then `a`, `b` and `c`. A rule that reads names in code reads them here too."""
    found: list[tuple[ast.Name | ast.Attribute, int, int]] = []
    for parts in dotted_names(unit, node):
        dotted = ast.parse(".".join(part.text for part in parts), mode="eval").body
        for last in range(len(parts) - 1, 0, -1):
            assert isinstance(dotted, ast.Attribute)
            found.append((dotted, parts[0].start, parts[last].end))
            dotted = dotted.value
        found += [(ast.Name(part.text), part.start, part.end) for part in parts]
    return found
