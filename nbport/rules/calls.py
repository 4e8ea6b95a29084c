"""Reading calls and dotted names in CPython's tree the way libcst spells them.

`ast` keeps a call's keywords apart from its positional arguments; `call_arguments` gives them in
the order they are written. `full_name` spells a dotted name as libcst's `get_full_name_for_node`
does, a call or subscript in the chain included (`get_model().save` → `get_model.save`): what a
rule matches by name (`.save`, `os.path.join`) without asking what the name was imported as.
`EnclosingCalls` tells a rule whether the node it visits is inside a call of a kind it picks.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Argument:
    """One argument of a call, in the order they are written (`ast` keeps keywords apart)."""

    #: The keyword of `name=value`; None for positional arguments, `*args` and `**kwargs`.
    keyword: str | None
    #: The value; for `*args` and `**kwargs`, the expression after the stars.
    value: ast.expr
    #: `*`, `**` or "".
    star: str = ""


def call_arguments(node: ast.Call) -> list[Argument]:
    """The arguments of a call in the order they are written, as libcst lists them."""
    every = [
        *((argument.lineno, argument.col_offset, None, argument) for argument in node.args),
        *((keyword.lineno, keyword.col_offset, keyword.arg, keyword) for keyword in node.keywords),
    ]
    every.sort(key=lambda item: (item[0], item[1]))
    arguments = []
    for _, _, keyword, item in every:
        if isinstance(item, ast.keyword):
            arguments.append(Argument(keyword, item.value, "**" if keyword is None else ""))
        elif isinstance(item, ast.Starred):
            arguments.append(Argument(None, item.value, "*"))
        elif isinstance(item, ast.expr):
            arguments.append(Argument(None, item))
    return arguments


def full_name(node: ast.expr) -> str | None:
    """The dotted name of a name, attribute, call or subscript, spelled as libcst's
    `get_full_name_for_node` spells it: `None`, `True` and `False` are names there, and a part
    that has no name is written `None` (`None.join` for `"".join`)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant) and (
        node.value is None or node.value is True or node.value is False
    ):
        return str(node.value)
    if isinstance(node, ast.Attribute):
        return f"{full_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return full_name(node.func)
    if isinstance(node, ast.Subscript):
        return full_name(node.value)
    return None


def leaf_name(node: ast.expr) -> str:
    """The last part of a dotted name: `fit` for `model.fit`; "" for no name."""
    return (full_name(node) or "").rpartition(".")[2]


class EnclosingCalls:
    """Mixed into a rule: whether the node being visited is inside a call of the kind the rule
    picks with `is_enclosing` (`print(...)`, `re.sub(...)`): its function, its arguments and all
    they hold, at any depth. A rule with a `visit_Call` of its own calls this one's."""

    def __init__(self) -> None:
        #: The picked calls around the node being visited, innermost last.
        self._enclosing_calls: list[ast.Call] = []

    def is_enclosing(self, node: ast.Call) -> bool:
        """Whether `node` is a call of the kind picked."""
        return False

    @property
    def in_enclosing_call(self) -> bool:
        """Whether some picked call is around the node being visited."""
        return bool(self._enclosing_calls)

    def visit_Call(self, node: ast.Call) -> None:
        """Into a call, perhaps a picked one..."""
        if self.is_enclosing(node):
            self._enclosing_calls.append(node)

    def leave_Call(self, node: ast.Call) -> None:
        """... and out of it."""
        if self._enclosing_calls and self._enclosing_calls[-1] is node:
            self._enclosing_calls.pop()
