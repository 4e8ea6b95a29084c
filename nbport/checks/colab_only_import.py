"""NBP401 colab-only-import: `google.colab` imported where nothing guards it, which fails off Colab."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
from libcst.metadata import CodeRange

from nbport.colab_guards import ColabGuards, imports_google_colab, is_colab_module
from nbport.escapes import Escape, EscapeKind
from nbport.rules.unit import UnitContext
from nbport.syntax_rule import SyntaxRule


class ColabOnlyImportRule(ColabGuards, SyntaxRule):
    """Flags `google.colab` imports (and `%load_ext google.colab...`) that nothing guards."""

    id = "NBP401"

    def __init__(self, *args: object, **kwargs: object) -> None:
        SyntaxRule.__init__(self, *args, **kwargs)
        ColabGuards.__init__(self)
        self._load_ext: list[Escape] = []

    def begin_unit(self, context: UnitContext) -> None:
        """Reset the guards for a new unit."""
        super().begin_unit(context)
        self.begin_guards(context)
        self._load_ext = []

    def check_escape(self, escape: Escape) -> None:
        """`%load_ext google.colab.data_table`: an extension that exists only on Colab."""
        extension = escape.args.split(None, 1)[0] if escape.args else None
        if (
            escape.kind is EscapeKind.LINE_MAGIC
            and escape.name == "load_ext"
            and is_colab_module(extension)
        ):
            self._load_ext.append(escape)

    def visit_Import(self, node: cst.Import) -> None:
        """`import google.colab`."""
        self._check_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """`from google.colab import drive`, `from google import colab`."""
        self._check_import(node)

    def _check_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if imports_google_colab(node) and not self.colab_only:
            statement = " ".join(cst.Module([]).code_for_node(node).split())
            self.report_node(
                node,
                f"`{statement}` raises ModuleNotFoundError everywhere but Colab; guard it: "
                f"`try: {statement}` / `except ImportError: ...`, or run it only "
                'under `if "google.colab" in sys.modules:`',
            )

    def wants_positions(self) -> bool:
        """Escape findings need `end_unit` too (their offsets are known already)."""
        return super().wants_positions() or bool(self._load_ext)

    def end_unit(self, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        """Report the unguarded imports, then the unguarded `%load_ext google.colab...` lines."""
        super().end_unit(positions)
        assert self.context is not None
        escapes = self.context.scanned.escapes
        for escape in self._load_ext:
            if self.escape_colab_only.get(escapes.index(escape), False):
                continue
            self.report(
                escape.start,
                escape.end,
                f"`%load_ext {escape.args.strip()}` loads an extension that exists only on Colab and "
                "fails everywhere else; run it under `if 'google.colab' in sys.modules:`",
            )
        self._load_ext = []
