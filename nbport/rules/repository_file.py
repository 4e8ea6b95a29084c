"""NBP106 repository-file: an import or a data path that only the notebook's repository has."""

from __future__ import annotations

import ast
import os
import re

from nbport.rules.base import Spot
from nbport.rules.calls import call_arguments
from nbport.rules.imports import ImportRule, needs
from nbport.rules.installs import document_installs
from nbport.rules.repository import Repository, opens_to_read
from nbport.rules.strings import plain_string
from nbport.rules.tables import rule_table

_TABLE = rule_table(__file__)
_READERS = frozenset(_TABLE["readers"])
_FETCHES = tuple(_TABLE["fetches"])
_WILDCARD = re.compile(r"[*?[]")
#: What a unit holds if a call of it may read a literal path or change `sys.path`.
_CALLS = re.compile(
    r"""sys\.path|(?:open|read_\w+|load\w*|imread|i?glob|File)\s*\(\s*[rRuU]?['"]"""
)
#: A line that writes or makes a file: `df.to_csv(...)`, `np.save(...)`, `open(..., 'w')`.
_WRITES = re.compile(
    r"\b(?:to_\w+|save\w*|dump\w*|imwrite|write\w*|copy\w*|move|rename|makedirs|mkdir)\b"
    r"|,\s*(?:mode\s*=\s*)?['\"][wax]"
)
#: Calls that make a folder of literals: `sys.path.append(os.path.abspath('..'))`.
_PATH_CALLS = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "os.path.join"})


class RepositoryFileRule(ImportRule):
    """Collects imports no package provides and literal paths read; at the end, reports those the
    notebook's folder holds, unless the notebook fetches files of its own."""

    def __init__(self) -> None:
        self._modules: dict[str, Spot] = {}  # top-level module → its first unguarded import
        self._paths: dict[str, Spot] = {}  # relative path as written → its first read
        self._import_folders: list[str] = []  # as written: `sys.path.append('../lib')`
        #: The files this rule looked at for the document (set in `end_document`).
        self.repository: Repository | None = None

    def begin_document(self) -> bool:
        """Notebooks only: Colab opens a notebook alone; a script reaches Colab with its folder
        (cloned, uploaded) or pasted into a cell, where the rule cannot know."""
        return self.document.kind == "notebook"

    def consider(self, module: str, node: ast.alias | ast.ImportFrom) -> None:
        """Keep the first import of a module neither the runtime nor its Python ships."""
        top = module.split(".", 1)[0]
        if top in self._modules:
            return
        if needs(self.colab_runtime, module) is not None:
            self._modules[top] = self.spot(node)

    def end_unit(self) -> None:
        """The unit's imports, then the calls of the statements whose text holds a call that may
        read a literal path or change `sys.path` (only those statements are walked)."""
        super().end_unit()
        python = self.unit.python
        lines, line, at = set(), 1, 0
        for match in _CALLS.finditer(python):  # lines counted on from the last match: linear
            line += python.count("\n", at, match.start())
            at = match.start()
            lines.add(line)
        for statement in self.unit.tree.body if lines else ():
            last = statement.end_lineno or statement.lineno
            if any(line in lines for line in range(statement.lineno, last + 1)):
                for node in ast.walk(statement):
                    if isinstance(node, ast.Call):
                        self._call(node)

    def _call(self, node: ast.Call) -> None:
        """`sys.path.append('..')`, `pd.read_csv('data/train.csv')`, `open('x.txt')`."""
        name = self.qualified_name(node)
        if name is None and isinstance(node.func, ast.Name) and node.func.id == "open":
            name = "open"
        if name is None:
            return
        arguments = [a for a in call_arguments(node) if a.keyword is None and not a.star]
        if name in ("sys.path.append", "sys.path.insert"):
            folder = (
                arguments[-1].value if len(arguments) == (1 if name.endswith("d") else 2) else None
            )
            written = self._path(folder)
            if written is not None:
                self._import_folders.append(written)
        elif name in _READERS or name.startswith("pandas.read_"):
            first = arguments[0].value if arguments else None
            written = plain_string(self.unit, first)
            if first is None or written is None or written in self._paths:
                return
            if name not in ("open", "io.open") or opens_to_read(node):
                self._paths[written] = self.spot(first)

    def _path(self, node: ast.expr | None) -> str | None:
        """A folder written as a literal, or as `os.path.abspath`/`join` of literals."""
        if not isinstance(node, ast.Call):
            return plain_string(self.unit, node)
        name = self.qualified_name(node)
        parts = [self._path(argument) for argument in node.args]
        if name in _PATH_CALLS and parts and None not in parts and not node.keywords:
            return os.path.join(*parts)  # type: ignore[arg-type]
        return None

    def end_document(self) -> None:
        """Report what the notebook's folder holds, unless the notebook fetches, installs or
        writes it itself (those reads of the whole text only once something was found on disk)."""
        if not (self._modules or self._paths):
            return
        repository = self.repository = Repository(self.document.path)
        for folder in self._import_folders:
            repository.add_import_folder(folder)
        modules = {m: found for m in self._modules if (found := repository.own_module(m))}
        paths = [written for written in self._paths if _on_disk(repository, written)]
        if not (modules or paths):
            return
        units = self.document.units()
        text = "\n".join(unit.text for unit in units)
        if any(word in text for word in _FETCHES):
            return
        installs = document_installs(units)
        hint: str | None = None
        for module, found in modules.items():
            if not installs.provide(module, self.runtime):
                hint = hint or repository.clone_hint()
                shown = found.name + ("/" if found.suffix != ".py" else "")
                self.report(
                    self._modules[module],
                    f"`{module}` is the notebook's own `{shown}`, a file of its repository: Colab "
                    f"opens the notebook alone, without it; {hint}",
                )
        writes = [line for line in text.splitlines() if _WRITES.search(line)]
        for written in paths:
            if any(_base(written) in line for line in writes):
                continue  # the notebook writes (or makes) it before reading it, most likely
            hint = hint or repository.clone_hint()
            self.report(
                self._paths[written],
                f"`{written}` is read from the notebook's repository, which Colab does not have: it "
                f"opens the notebook alone; {hint}",
            )


def _base(written: str) -> str:
    """The path itself, or for a pattern (`data/*.csv`) the folder before its first wildcard."""
    wildcard = _WILDCARD.search(written)
    return os.path.dirname(written[: wildcard.start()]) if wildcard else written


def _on_disk(repository: Repository, written: str) -> bool:
    """Whether the notebook's folder holds what a relative path (or pattern) names."""
    base = _base(written)
    return base.rstrip("/") not in ("", ".", "..") and repository.data_file(base) is not None
