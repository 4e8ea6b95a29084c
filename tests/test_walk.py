"""The kernel's shared walk (`nbport.walk`): hook order, the current statement, and when the
resolver learns a statement's bindings."""

from __future__ import annotations

import ast

from nbport.rules.base import Rule
from nbport.rules.names import NameResolver
from nbport.walk import walk


class _Recorder(Rule):
    """Records the hooks the walk calls, the statement around each, and what `tf` stood for."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def _note(self, what: str) -> None:
        statement = type(self.statement).__name__ if self.statement else None
        self.events.append(f"{what} in {statement}")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._note(f"def {node.name}")

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._note(f"end {node.name}")

    def visit_Name(self, node: ast.Name) -> None:
        self._note(f"{node.id}={self.names.binding(node.id)}")

    def leave_Import(self, node: ast.Import) -> None:
        self._note(f"import tf={self.names.binding('tf')}")


def _walk(python: str, rules: int = 1) -> list[list[str]]:
    names = NameResolver()
    recorders = [_Recorder() for _ in range(rules)]
    for recorder in recorders:
        recorder.names = names
    walk(ast.parse(python), recorders, names)
    return [recorder.events for recorder in recorders]


def test_hooks_come_in_libcst_order_with_the_innermost_statement() -> None:
    ((events),) = _walk("@deco\ndef f(a=default):\n    body\nafter")
    assert events == [
        "def f in FunctionDef",
        "deco=None in FunctionDef",
        "default=None in FunctionDef",
        "body=None in Expr",
        "end f in FunctionDef",
        "after=None in Expr",
    ]


def test_a_statement_binds_its_names_after_its_own_hooks() -> None:
    ((events),) = _walk("import tensorflow as tf\ntf\nimport numpy as tf\ntf")
    assert events == [
        "import tf=None in Import",
        "tf=tensorflow in Expr",
        "import tf=tensorflow in Import",
        "tf=numpy in Expr",
    ]


def test_every_rule_gets_every_hook_in_one_walk() -> None:
    first, second = _walk("x\nif y:\n    z", rules=2)
    assert first == second == ["x=None in Expr", "y=None in If", "z=None in Expr"]


def test_a_deeply_nested_expression_does_not_exhaust_the_stack() -> None:
    ((events),) = _walk("total = a" + " + a" * 1500)
    assert len(events) == 1502  # `total` and 1501 `a`
