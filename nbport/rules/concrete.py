"""Concrete syntax, for the fixes that need it: libcst, parsed one node at a time, on demand.

Rules read CPython's tree: it is fast and its positions are exact. It forgets what a rewrite inside
a node must keep, though: the commas, comments and line breaks between a call's arguments. A fix
that takes arguments out of a call written over several lines asks here; libcst is imported on the
first such request, so runs whose fixes never ask (most of them) do not pay for it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from nbport.finding import Edit
from nbport.rules.unit import UnitContext

if TYPE_CHECKING:
    import ast

    import libcst


def concrete_call(text: str) -> libcst.Call | None:
    """The concrete tree of `text` when it is exactly one call (`model.fit(x, epochs=3)`), comments
    and line breaks inside its parentheses included; None otherwise."""
    import libcst

    try:
        expression = libcst.parse_expression(text)
    except libcst.ParserSyntaxError:
        return None
    return expression if isinstance(expression, libcst.Call) else None


def without_keywords(text: str, names: Collection[str]) -> str | None:
    """`text`, the source of one call, with its keyword arguments named in `names` taken out and
    everything else as written: the other arguments, their comments, the trailing comma or its
    absence. None when `text` is not one call or has none of those keywords."""
    import libcst

    call = concrete_call(text)
    if call is None:
        return None
    kept = [arg for arg in call.args if arg.keyword is None or arg.keyword.value not in names]
    if len(kept) == len(call.args):
        return None
    if not kept:
        # `f(workers=4)` → `f()`; a comment on a removed argument's line goes with it.
        empty = libcst.SimpleWhitespace("")
        return _code(call.with_changes(args=(), whitespace_before_args=empty))
    last = call.args[-1]
    if kept[-1] is not last:
        kept[-1] = _ending_as(kept[-1], last)
    return _code(call.with_changes(args=kept))


def _ending_as(arg: libcst.Arg, removed: libcst.Arg) -> libcst.Arg:
    """`arg`, now the call's last argument, ending as the removed last one did: with its trailing
    comma or without one, and the closing parenthesis on its own line if it was (`f(a, workers=4)`
    → `f(a)`; one argument per line keeps that layout). A comment after `arg` stays on its line."""
    import libcst

    comma, own = removed.comma, arg.comma
    if not isinstance(own, libcst.Comma):
        return arg.with_changes(comma=comma, whitespace_after_arg=removed.whitespace_after_arg)
    mine = own.whitespace_after
    commented = isinstance(mine, libcst.ParenthesizedWhitespace) and mine.first_line.comment
    if not isinstance(comma, libcst.Comma) and not commented:
        return arg.with_changes(comma=comma, whitespace_after_arg=removed.whitespace_after_arg)
    # A comma stays: the removed one's, or this line's own where a comment follows it (a comment
    # cannot come before the comma). Its line keeps its comment; the `)` keeps its indentation.
    after = (
        comma.whitespace_after if isinstance(comma, libcst.Comma) else removed.whitespace_after_arg
    )
    if isinstance(mine, libcst.ParenthesizedWhitespace) and isinstance(
        after, libcst.ParenthesizedWhitespace
    ):
        after = mine.with_changes(indent=after.indent, last_line=after.last_line)
    return arg.with_changes(comma=own.with_changes(whitespace_after=after))


def _code(node: libcst.CSTNode) -> str:
    import libcst

    return libcst.Module([]).code_for_node(node)


def call_without_keywords(unit: UnitContext, call: ast.Call, names: Collection[str]) -> Edit | None:
    """An edit taking the keyword arguments named in `names` out of `call`, as written (see
    `without_keywords`); None where the call's text is not what was parsed or has none of them."""
    if not unit.editable(call):
        return None
    replacement = without_keywords(unit.source(call), names)
    if replacement is None:
        return None
    start, end = unit.ast_span(call)
    return Edit(start, end, replacement)
