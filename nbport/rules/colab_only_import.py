"""NBP401 colab-only-import: `google.colab` imported where nothing guards it, which fails off Colab."""

from __future__ import annotations

import ast
import re

from nbport.escapes import Escape, EscapeKind
from nbport.rules.base import Rule
from nbport.rules.guards import ColabGuards, imports_google_colab, is_colab_module

#: A `;` after a statement, which the message shows as part of it.
_SEMICOLON = re.compile(r"(?:[ \t\f]|\\\r?\n)*;")


class ColabOnlyImportRule(Rule):
    """Flags `google.colab` imports (and `%load_ext google.colab...`) that nothing guards."""

    def __init__(self) -> None:
        self.guards = ColabGuards()
        #: The tests of the `if`s (and ternaries) around the node being visited.
        self._tests: list[ast.expr] = []

    def visit_If(self, node: ast.If | ast.IfExp) -> None:
        """An `if` whose test may name a flag set by hand (`if IS_COLAB:`)..."""
        self._tests.append(node.test)

    def leave_If(self, node: ast.If | ast.IfExp) -> None:
        """... up to its end."""
        self._tests.pop()

    visit_IfExp = visit_If
    leave_IfExp = leave_If

    def _hard_coded_note(self) -> str:
        """`IS_COLAB` set to True by hand, where an `if` around names it: why that is no guard."""
        for test in reversed(self._tests):
            for node in ast.walk(test):
                if isinstance(node, ast.Name) and node.id in self.guards.hard_coded:
                    place = self.guards.hard_coded[node.id]
                    return (
                        f" (`{node.id}` is set to True by hand at {place}, not computed from the "
                        "machine, so `if` on it guards nothing)"
                    )
        return ""

    def begin_unit(self) -> None:
        """Flags set in this unit guard the later ones."""
        self.guards.add_unit(self.unit)

    def check_escape(self, escape: Escape) -> None:
        """`%load_ext google.colab.data_table`: an extension that exists only on Colab."""
        extension = escape.args.split(None, 1)[0] if escape.args else None
        if not (
            escape.kind is EscapeKind.LINE_MAGIC
            and escape.name == "load_ext"
            and is_colab_module(extension)
        ) or self.guards.escape_colab_only(self.unit, escape):
            return
        self.report(
            escape,
            f"`%load_ext {escape.args.strip()}` loads an extension that exists only on Colab and "
            "fails everywhere else; run it under `if 'google.colab' in sys.modules:`",
        )

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        """`import google.colab`."""
        if not imports_google_colab(node) or self.guards.colab_only(self.unit, node):
            return
        _, end = self.unit.ast_span(node)
        semicolon = _SEMICOLON.match(self.unit.unit.text, end)
        written = self.source(node) + (semicolon[0] if semicolon else "")
        statement = " ".join(written.split())
        self.report(
            node,
            f"`{statement}` raises ModuleNotFoundError everywhere but Colab"
            f"{self._hard_coded_note()}; guard it: "
            f"`try: {statement}` / `except ImportError: ...`, or run it only "
            'under `if "google.colab" in sys.modules:`',
        )

    #: `from google.colab import drive`, `from google import colab`.
    visit_ImportFrom = visit_Import
