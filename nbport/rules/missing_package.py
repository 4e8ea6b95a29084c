"""NBP105 missing-package: an import of a module Colab's runtime does not ship, never installed."""

from __future__ import annotations

import ast

from nbport.escapes import EscapeStyle
from nbport.finding import Edit
from nbport.rules.base import Spot
from nbport.rules.imports import ImportRule, needs
from nbport.rules.installs import document_installs
from nbport.rules.repository import Repository
from nbport.rules.stdlib import Removed


class MissingPackageRule(ImportRule):
    """Collects each module's first unguarded import; at the end, reports those that neither the
    runtime, the standard library, the repository nor the file's own pip lines provide."""

    def __init__(self) -> None:
        self._written = False
        self._seen: set[str] = set()
        #: The first unguarded import of each candidate: (module as written, where, the package
        #: to install or what became of a standard module).
        self._candidates: list[tuple[str, Spot, str | Removed]] = []
        #: The files looked at for the notebook's own modules (set in `end_document`).
        self.repository: Repository | None = None

    def begin_unit(self) -> None:
        """A `%%writefile x.py` cell is not run: its imports are the written file's."""
        self._written = self.unit.unit.text.lstrip().startswith(("%%writefile", "%%file"))

    def consider(self, module: str, node: ast.alias | ast.ImportFrom) -> None:
        """Keep the first import of a module no package of the runtime provides."""
        top = module.split(".", 1)[0]
        if self._written or module in self._seen:
            return
        self._seen.add(module)
        found = needs(self.colab_runtime, module)
        if isinstance(found, Removed):
            self._candidates.append((top, self.spot(node), found))
        elif found:  # none known to provide it (a typo, a git checkout's): nothing to install
            self._candidates.append((module, self.spot(node), found))

    def end_document(self) -> None:
        """Report the candidates the file does not provide itself."""
        if not self._candidates:
            return
        installs = document_installs(self.document.units())
        repository = self.repository = Repository(self.document.path)
        reported = set()
        for module, spot, found in self._candidates:
            if isinstance(found, Removed):  # only its backport brings it back, not a dependency
                key, installed = found.name, installs.name(module, found.install or module)
            else:
                key, installed = found, installs.provide(module, self.runtime)
            if (
                key in reported
                or installed
                or repository.own_module(module.split(".")[0], above=True)
            ):
                continue
            reported.add(key)
            if isinstance(found, Removed):
                self._report_removed(module, spot, found)
            else:
                message = (
                    f"`{module}` is not installed on {self.runtime.label}, and this file never "
                    f"installs it: add `%pip install {found}` before the import"
                )
                self.report(spot, message, edits=[self._install(spot, found)])

    def _report_removed(self, module: str, spot: Spot, gone: Removed) -> None:
        python = "Python 3" if gone.python == (3, 0) else "Python {}.{}".format(*gone.python)
        what = "a Python 2 module" if gone.python == (3, 0) else "gone from the standard library"
        message = (
            f"`{module}` is {what} ({python} and later have no `{module}`; "
            f"{self.runtime.label} runs {self.runtime.describe_python()}): use {gone.use}"
        )
        if gone.install is None:
            self.report(spot, message)
        else:
            message += f", or `%pip install {gone.install}`"
            self.report(spot, message, edits=[self._install(spot, gone.install)])

    def _install(self, spot: Spot, distribution: str) -> Edit | None:
        """`%pip install x` on a line at the top of the import's cell (after a cell magic's line);
        `# %pip install x` in a percent script, as jupytext writes it; none in a plain script,
        which runs no IPython line (and a comment would change nothing)."""
        style = spot.unit.unit.escape_style
        if style is EscapeStyle.NONE:
            return None
        text = spot.unit.unit.text
        line = f"%pip install {distribution}"
        at = text.index("\n") + 1 if text.startswith("%%") and "\n" in text else 0
        ending = "\r\n" if "\r\n" in text else "\n"
        return Edit(at, at, ("# " if style is EscapeStyle.COMMENTED else "") + line + ending)
