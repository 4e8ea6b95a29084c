"""What a name stands for: the imports of a document, resolved once for every rule.

`import tensorflow as tf`, `from keras import layers as L`, `import numpy as np` bind local names
to modules and their members; a rule asks `qualified_name(node)` what a call or attribute is
(`tf.estimator.DNNClassifier` → `tensorflow.estimator.DNNClassifier`) instead of tracking aliases
itself, as Fixit's `QualifiedNameProvider`, pyupgrade's `State.from_imports` and ruff's
`resolve_qualified_name` spare their rules.

The engine feeds the resolver every statement of every unit, in file order (cells run top to
bottom), after the rules have looked at it: a name is known from the statement that binds it on.
Scopes are not modelled: a binding inside a function counts from there on, as notebooks rarely
import inside functions what they use outside them. Besides imports, a plain alias (`tf = tf.compat.v1`,
`K = keras.backend`) binds its target, and any other assignment to a name forgets it (`tf = 3`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator


class NameResolver:
    """Local names → qualified names, as the statements seen so far bind them."""

    def __init__(self) -> None:
        self._bindings: dict[str, str] = {}
        #: Every qualified name any import bound, in the order first bound.
        self._imported: dict[str, None] = {}
        #: Qualified name → every local name ever bound to it, rebound since or not.
        self._ever_bound: dict[str, dict[str, None]] = {}

    def qualified_name(self, node: ast.AST) -> str | None:
        """The dotted name `node` stands for through the imports seen so far: a name, an attribute
        chain rooted at one, or a call of either (its function). None when the root is no import
        (`model.fit`, `"".join`) or `node` is something else."""
        if isinstance(node, ast.Call):
            node = node.func
        attributes: list[str] = []
        while isinstance(node, ast.Attribute):
            attributes.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        root = self._bindings.get(node.id)
        if root is None:
            return None
        return ".".join([root, *reversed(attributes)])

    def binding(self, name: str) -> str | None:
        """The qualified name the local `name` is bound to, if an import (or alias) bound it."""
        return self._bindings.get(name)

    def names_bound_to(self, qualified: str) -> list[str]:
        """The local names that stand for `qualified` now (`["tf"]` for `tensorflow`)."""
        return [name for name, bound in self._bindings.items() if bound == qualified]

    def names_ever_bound_to(self, qualified: str) -> list[str]:
        """The local names that any statement so far bound to `qualified`, whatever they stand for
        now: for a rule that judges in `end_document` what the file meant by a name
        (`import tensorflow.compat.v1 as tf` in one branch of a `try`)."""
        return list(self._ever_bound.get(qualified, ()))

    def imported(self) -> Iterator[str]:
        """Every qualified name an import bound so far, first bound first."""
        return iter(self._imported)

    def learn(self, statement: ast.stmt) -> None:
        """Take in the bindings `statement` makes (its own, not those of statements inside it)."""
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname is not None:
                    self._bind(alias.asname, alias.name)
                else:
                    # `import a.b.c` binds `a` to the package `a`.
                    root = alias.name.partition(".")[0]
                    self._bind(root, root)
                self._imported.setdefault(alias.name)
        elif isinstance(statement, ast.ImportFrom):
            if statement.level or statement.module is None:
                for alias in statement.names:
                    self._bindings.pop(alias.asname or alias.name, None)
                return
            for alias in statement.names:
                if alias.name == "*":
                    continue
                qualified = f"{statement.module}.{alias.name}"
                self._bind(alias.asname or alias.name, qualified)
                self._imported.setdefault(qualified)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self._assign(statement)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self._bindings.pop(statement.name, None)
        elif isinstance(statement, (ast.For, ast.AsyncFor)):
            self._forget(statement.target)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                if item.optional_vars is not None:
                    self._forget(item.optional_vars)

    def _bind(self, name: str, qualified: str) -> None:
        self._bindings[name] = qualified
        self._ever_bound.setdefault(qualified, {})[name] = None

    def _assign(self, statement: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        value = statement.value
        alias = None
        if not isinstance(statement, ast.AugAssign) and isinstance(
            value, (ast.Name, ast.Attribute)
        ):
            alias = self.qualified_name(value)
        for target in targets:
            if isinstance(target, ast.Name) and alias is not None:
                self._bind(target.id, alias)
            else:
                self._forget(target)

    def _forget(self, target: ast.expr) -> None:
        """Drop the names an assignment target rebinds (`x`, `x, y`, `[x, *y]`)."""
        if isinstance(target, ast.Name):
            self._bindings.pop(target.id, None)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._forget(element)
        elif isinstance(target, ast.Starred):
            self._forget(target.value)


def dotted_name(node: ast.AST) -> str | None:
    """`a.b.c` as written, for a name or a chain of attributes rooted at one; None otherwise."""
    attributes: list[str] = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(attributes)])
