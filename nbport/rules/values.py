"""What names hold, as written: `EPOCHS = 50`, `cbs = [EarlyStopping()]`, followed through a walk.

The name resolver (`nbport.rules.names`) knows what a name was imported as; `Values` knows the
expression a name was last bound to, so that `fit(epochs=EPOCHS)` reads as 50. A rule feeds it from
its own hooks, when it sees a binding (before the bound expression is walked): each function and
class has its scope; the module's is shared by a document's cells (`module_level` between units).
"""

from __future__ import annotations

import ast


class Values:
    """Names bound to expressions in the scopes around the node being walked, innermost last."""

    def __init__(self) -> None:
        self._scopes: list[dict[str, ast.expr]] = [{}]

    def module_level(self) -> None:
        """Back at module level (a new unit starts there), the module's names kept."""
        del self._scopes[1:]

    def enter(self) -> None:
        """Into a function or class: a scope of its own."""
        self._scopes.append({})

    def leave(self) -> None:
        """Out of it: its names are gone."""
        self._scopes.pop()

    def bind(
        self, node: ast.Assign | ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor
    ) -> None:
        """Take in what a statement binds: `x = 1`, `x: int = 1`, `a, b = 1, 2`; `x += 1` and
        `for x in ...` leave `x` bound to nothing known."""
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        for target in targets:
            self._bind(target, value)

    def _bind(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            if value is None:
                self._scopes[-1].pop(target.id, None)
            else:
                self._scopes[-1][target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            values: list[ast.expr | None] = [None] * len(target.elts)
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                values = [_unstarred(element) for element in value.elts]
            for element, item in zip(target.elts, values, strict=True):
                self._bind(_unstarred(element), item)

    def lookup(self, name: str) -> ast.expr | None:
        """The expression `name` was last bound to in the scopes around, innermost first."""
        return next((scope[name] for scope in reversed(self._scopes) if name in scope), None)

    def integer(self, node: ast.expr | None, depth: int = 0) -> int | None:
        """The value of an integer literal, a name bound to one, or `+`, `-`, `*` of those."""
        if node is None or depth > 5:
            return None
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.Name):
            return self.integer(self.lookup(node.id), depth + 1)
        if not isinstance(node, ast.BinOp) or not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            return None
        left, right = self.integer(node.left, depth + 1), self.integer(node.right, depth + 1)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        return left - right if isinstance(node.op, ast.Sub) else left * right


def _unstarred(node: ast.expr) -> ast.expr:
    """The expression under a `*`, or `node` itself."""
    return node.value if isinstance(node, ast.Starred) else node
