"""Reading calls and names in CPython's tree as libcst spelled them: argument order, dotted names."""

from __future__ import annotations

import ast

import pytest

from nbport.rules.calls import call_arguments, full_name


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
