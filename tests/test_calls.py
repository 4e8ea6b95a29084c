"""Reading calls and names in CPython's tree as libcst spelled them: argument order, dotted names."""

from __future__ import annotations

import ast

import pytest

from nbport.rules.base import Rule
from nbport.rules.calls import EnclosingCalls, call_arguments, full_name, leaf_name
from nbport.rules.names import NameResolver
from nbport.walk import walk


def test_call_arguments_come_in_the_order_they_are_written() -> None:
    (statement,) = ast.parse("f(a, *b, c=1, **d)\ng(x=1, *y)").body[:1]
    call = statement.value  # type: ignore[attr-defined]
    written = [(a.keyword, ast.unparse(a.value), a.star) for a in call_arguments(call)]
    assert written == [(None, "a", ""), (None, "b", "*"), ("c", "1", ""), (None, "d", "**")]
    later = ast.parse("g(x=1, *y)").body[0].value  # type: ignore[attr-defined]
    assert [(a.keyword, a.star) for a in call_arguments(later)] == [("x", ""), (None, "*")]


@pytest.mark.parametrize(
    ("expression", "name"),
    [
        ("a.b.c", "a.b.c"),
        ("f().g", "f.g"),
        ("x[0].y", "x.y"),
        ("''.join", "None.join"),
        ("None", "None"),
        ("True", "True"),
        ("1", None),
        ("(a + b).fit", "None.fit"),
    ],
)
def test_full_names_are_spelled_as_libcst_spells_them(expression: str, name: str | None) -> None:
    node = ast.parse(expression, mode="eval").body
    assert full_name(node) == name


class _InsidePrint(EnclosingCalls, Rule):
    """Notes each name and whether a `print(...)` is around it."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, bool]] = []

    def is_enclosing(self, node: ast.Call) -> bool:
        return leaf_name(node.func) == "print"

    def visit_Name(self, node: ast.Name) -> None:
        self.seen.append((node.id, self.in_enclosing_call))


def test_enclosing_calls_hold_all_they_hold_at_any_depth() -> None:
    rule = _InsidePrint()
    walk(ast.parse("a(b, print(c, f(d)), e)\nprint(print(g), h)\ni"), [rule], NameResolver())
    assert rule.seen == [
        ("a", False),
        ("b", False),
        ("print", True),  # the function of the call is inside it
        ("c", True),
        ("f", True),
        ("d", True),
        ("e", False),
        ("print", True),
        ("print", True),
        ("g", True),
        ("h", True),
        ("i", False),
    ]
