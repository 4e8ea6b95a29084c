"""The `ast` walk rules moved from libcst rely on: libcst's order, written argument order, names."""

from __future__ import annotations

import ast

import pytest

from nbport.ast_rule import AstRule, call_arguments, full_name
from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.escapes import scan
from nbport.rules.unit import UnitContext


class _Recorder(AstRule):
    """Records the hooks the walk calls, in order."""

    id = "TEST"

    def __init__(self) -> None:
        document = document_from_cells(["x = 1"], "notebook")
        super().__init__(load_catalog()["NBP302"], document, lambda finding: None)
        self.events: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.events.append(f"def {node.name}")

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.events.append(f"end {node.name}")

    def visit_Name(self, node: ast.Name) -> None:
        self.events.append(node.id)

    visit_AsyncFunctionDef = visit_FunctionDef
    leave_AsyncFunctionDef = leave_FunctionDef


def walk(python: str) -> list[str]:
    rule = _Recorder()
    unit = document_from_cells([python], "notebook").units()[0]
    rule.begin_unit(UnitContext(unit, scan(python, unit.escape_style), python, ast.parse(python)))
    return rule.events


def test_decorators_parameters_and_returns_come_before_the_body_as_in_libcst() -> None:
    python = "@deco\ndef f(a=default) -> kind:\n    body\nafter"
    assert walk(python) == ["def f", "deco", "default", "kind", "body", "end f", "after"]


def test_async_functions_and_nested_functions_nest_their_hooks() -> None:
    python = "async def outer():\n    def inner():\n        x\n    y"
    assert walk(python) == ["def outer", "def inner", "x", "end inner", "y", "end outer"]


def test_a_deeply_nested_expression_does_not_exhaust_the_stack() -> None:
    python = "total = a" + " + a" * 1500
    assert walk(python).count("a") == 1501


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
