"""Imports as the rules about modules read them (NBP105, NBP106): each import's module, except
relative ones, and whether a `try:` with an ImportError handler (a fallback) is around it."""

from __future__ import annotations

import ast

from nbport.rules.base import Rule
from nbport.rules.guards import catches_import_error


class ImportRule(Rule):
    """A base for rules that judge imported modules: `consider` is called for each module an
    unguarded `import` or absolute `from ... import` names, with the node to report at."""

    _guards = 0  # how many `try:` bodies with an ImportError handler the walk is inside

    def consider(self, module: str, node: ast.alias | ast.ImportFrom) -> None:
        """`module` (`gensim.models`), imported at `node` where nothing guards the import."""
        raise NotImplementedError

    def visit_Try(self, node: ast.Try) -> None:
        """Imports in a `try:` that catches ImportError have a fallback."""
        self._guards += catches_import_error(node)

    def leave_Try(self, node: ast.Try) -> None:
        """The end of a `try:`."""
        self._guards -= catches_import_error(node)

    visit_TryStar, leave_TryStar = visit_Try, leave_Try

    def visit_Import(self, node: ast.Import) -> None:
        """`import gensim`, `import tensorflow_addons as tfa`."""
        for alias in node.names if not self._guards else ():
            self.consider(alias.name, alias)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """`from gensim.models import Word2Vec` (not `from . import x`: the package's own)."""
        if node.module is not None and not node.level and not self._guards:
            self.consider(node.module, node)
