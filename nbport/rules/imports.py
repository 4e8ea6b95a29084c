"""Imports as the rules about modules read them (NBP105, NBP106): each import's module, except
relative ones, and whether a `try:` with an ImportError handler (a fallback) is around it.

Imports are statements, so they are found by going down the unit's statement lists only (bodies
of `if`, `for`, `def`, `try`, `with`, `match`...), never into expressions: no `visit_` hook, so a
cell that only these rules look at costs the engine no walk of its tree.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache

from nbport.rules.base import Rule
from nbport.rules.guards import catches_import_error
from nbport.rules.stdlib import Removed, in_standard_library, removed
from nbport.runtime import KINDS, distribution_for, load_runtime

#: `try:` and (Python 3.11+) `try: ... except*`.
_TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))
#: The statements that hold blocks of statements.
_COMPOUND = (
    *_TRIES,
    *(ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith),
    *(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef),
    getattr(ast, "Match", ast.If),
)


class ImportRule(Rule):
    """A base for rules that judge imported modules: `consider` is called, after each unit, for
    each module an unguarded `import` or absolute `from ... import` of it names."""

    def consider(self, module: str, node: ast.alias | ast.ImportFrom) -> None:
        """`module` (`gensim.models`), imported at `node` where nothing guards the import."""
        raise NotImplementedError

    def end_unit(self) -> None:
        """Hand each unguarded import of the unit to `consider`, in the order they are written."""
        if "import" not in self.unit.python:
            return
        for statement in unguarded_imports(self.unit.tree.body):
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    self.consider(alias.name, alias)
            elif statement.module is not None and not statement.level:
                self.consider(statement.module, statement)


@cache
def needs(runtime: str, module: str) -> str | Removed | None:
    """What `import module` needs on the runtime named `runtime`: None when the runtime (any kind
    of machine) or its Python's standard library has it; what became of a module the standard
    library dropped; else the distribution to install, or "" when no known one provides it.
    Cached: notebooks import the same modules over and over."""
    found = load_runtime(runtime)
    if any(found.provides_module(module, kind) for kind in KINDS):
        return None
    top = module.split(".", 1)[0]
    gone = removed(top, found.python)
    if gone is not None:
        return gone
    if in_standard_library(top, found.python):
        return None
    return distribution_for(module) or ""


def unguarded_imports(block: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements of `block` and the blocks inside it, except those inside a `try:`
    that catches ImportError (its body, handlers, `else:` and `finally:`)."""
    for statement in block:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            yield statement
        elif not isinstance(statement, _COMPOUND) or (
            isinstance(statement, _TRIES) and catches_import_error(statement)
        ):
            continue
        else:
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                for inner in getattr(statement, field, ()):
                    if isinstance(inner, ast.stmt):
                        yield from unguarded_imports([inner])
                    else:  # an `except` handler or a `case`: their bodies
                        yield from unguarded_imports(inner.body)
