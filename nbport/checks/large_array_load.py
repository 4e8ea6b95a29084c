"""NBP303 large-array-load: `np.load` of a file too large for Colab's memory, without `mmap_mode`."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import CodeRange

from nbport.finding import Edit, FixSafety
from nbport.rule import RuleSettings, UnitContext
from nbport.syntax_rule import SyntaxRule

#: Files larger than this are too big to load whole into a Colab runtime (about 12 GB of RAM, shared
#: with everything else the notebook holds). The default; the project's `large-file-mb` replaces it
#: through `LargeArrayLoadRule.configure` (read from here when a rule is made).
LARGE_FILE_BYTES = 1 << 30


@dataclass(frozen=True)
class _Load:
    """An `np.load(<literal>)` call seen during the visit, to report once positions are known."""

    call: cst.Call
    #: Where `, mmap_mode="r"` goes: after this argument's value (None: no fix).
    last_value: cst.BaseExpression | None
    quote: str
    message: str


class LargeArrayLoadRule(SyntaxRule):
    """Flags `np.load('<file>')` when the file, found next to the notebook or in the repository, is
    larger than `large_file_bytes`; the unsafe fix memory-maps it."""

    id = "NBP303"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.large_file_bytes = LARGE_FILE_BYTES
        #: Names numpy is imported as, and names bound to `numpy.load` itself.
        self._numpy_names: set[str] = {"np", "numpy"}
        self._load_names: set[str] = set()
        #: Module-level names bound to a string literal (`X_PATH = 'data/X_train.npy'`).
        self._strings: dict[str, str] = {}
        self._function_depth = 0
        self._loads: list[_Load] = []
        self._repository_root: Path | bool | None = False  # False: not looked for yet

    def configure(self, settings: RuleSettings) -> None:
        """Use the project's `large-file-mb`, if it sets one."""
        if settings.large_file_bytes is not None:
            self.large_file_bytes = settings.large_file_bytes

    def begin_unit(self, context: UnitContext) -> None:
        """Start a new unit."""
        super().begin_unit(context)
        self._loads = []
        self._function_depth = 0

    # -- names

    def visit_Import(self, node: cst.Import) -> None:
        """`import numpy as npy`."""
        for alias in node.names:
            if (
                get_full_name_for_node(alias.name) == "numpy"
                and alias.asname is not None
                and isinstance(alias.asname.name, cst.Name)
            ):
                self._numpy_names.add(alias.asname.name.value)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """`from numpy import load`, `from numpy import load as npload`."""
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        if get_full_name_for_node(node.module) != "numpy":
            return
        for alias in node.names:
            if get_full_name_for_node(alias.name) == "load":
                name = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(name, cst.Name):
                    self._load_names.add(name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Names bound inside a function are not the file's."""
        self._function_depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        """End of a function."""
        self._function_depth -= 1

    def visit_Assign(self, node: cst.Assign) -> None:
        """`X_PATH = 'data/X_train.npy'` at module level."""
        if self._function_depth:
            return
        value = _literal(node.value)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if value is None:
                    self._strings.pop(target.target.value, None)
                else:
                    self._strings[target.target.value] = value

    # -- the calls

    def visit_Call(self, node: cst.Call) -> None:
        """`np.load(path)` without `mmap_mode`."""
        if not self._is_numpy_load(node.func):
            return
        path_argument = next(
            (
                argument
                for argument in node.args
                if argument.keyword is None or argument.keyword.value == "file"
            ),
            None,
        )
        keywords = {argument.keyword.value for argument in node.args if argument.keyword}
        if path_argument is None or "mmap_mode" in keywords or path_argument.star:
            return
        written = self._path_of(path_argument.value)
        if written is None:
            return
        found = self._resolve(written)
        if found is None:
            return
        size = found[1]
        if size <= self.large_file_bytes:
            return
        shown = f"{size / 1e9:.1f} GB"
        if written.lower().endswith(".npz"):
            message = (
                f"`{written}` is {shown}: each array read from this .npz is loaded whole into "
                "Colab's ~12 GB of RAM, which can kill the runtime; `mmap_mode` does not apply to "
                ".npz, so save the large arrays as .npy files and load those with `mmap_mode='r'`"
            )
            self._loads.append(_Load(node, None, '"', message))
            return
        pickled = any(
            argument.keyword is not None
            and argument.keyword.value == "allow_pickle"
            and isinstance(argument.value, cst.Name)
            and argument.value.value == "True"
            for argument in node.args
        )
        message = (
            f"`{written}` is {shown}: `np.load` reads it whole into Colab's ~12 GB of RAM and can "
            'kill the runtime; memory-map it with `mmap_mode="r"` (read-only, read on demand)'
        )
        # An array of Python objects cannot be memory-mapped: report it, but offer no fix.
        last_value = None if pickled else node.args[-1].value
        quote = _quote_of(path_argument.value)
        self._loads.append(_Load(node, last_value, quote, message))

    def _is_numpy_load(self, func: cst.BaseExpression) -> bool:
        if isinstance(func, cst.Name):
            return func.value in self._load_names
        return (
            isinstance(func, cst.Attribute)
            and func.attr.value == "load"
            and isinstance(func.value, cst.Name)
            and func.value.value in self._numpy_names
        )

    def _path_of(self, node: cst.BaseExpression) -> str | None:
        """The path a literal, a name bound to one, or `os.path.join` of those spells."""
        value = _literal(node)
        if value is not None:
            return value
        if isinstance(node, cst.Name):
            return self._strings.get(node.value)
        if isinstance(node, cst.Call) and get_full_name_for_node(node.func) in (
            "os.path.join",
            "path.join",
        ):
            parts = [self._path_of(argument.value) for argument in node.args]
            if parts and all(part is not None for part in parts):
                return os.path.join(*parts)  # type: ignore[arg-type]
        return None

    def _resolve(self, written: str) -> tuple[Path, int] | None:
        """The file `written` names, relative to the document's folder, then to the repository
        root, and its size (one stat each, never a read). Backslashes count as separators."""
        if not written or "\0" in written:
            return None
        # A Windows path (`dataset\\X_train.npy`, NBP101's to fix) names the same file here.
        relative = written.replace("\\", "/")
        bases = [self.path.parent]
        root = self._root()
        if root is not None:
            bases.append(root)
        for base in bases:
            candidate = base / relative
            try:
                status = candidate.stat()
            except (OSError, ValueError):
                continue
            if stat.S_ISREG(status.st_mode):
                return candidate, status.st_size
            return None  # a directory or a device: nothing np.load would read whole
        return None

    def _root(self) -> Path | None:
        """The nearest folder above the document holding `.git`, looked for once per document."""
        if self._repository_root is False:
            self._repository_root = None
            folder = self.path.parent.absolute()
            for candidate in (folder, *folder.parents):
                if (candidate / ".git").exists():
                    self._repository_root = candidate
                    break
        return self._repository_root if isinstance(self._repository_root, Path) else None

    # -- reporting

    def wants_positions(self) -> bool:
        """Positions are needed for each large load found."""
        return super().wants_positions() or bool(self._loads)

    def end_unit(self, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        """Report the loads, each with its `mmap_mode` edit where one can be made."""
        super().end_unit(positions)
        for load in self._loads:
            start, end = self.node_span(load.call)
            edits = []
            if load.last_value is not None and not self.touches_escape(load.call):
                _, insert_at = self.node_span(load.last_value)
                edits.append(Edit(insert_at, insert_at, f", mmap_mode={load.quote}r{load.quote}"))
            self.report(start, end, load.message, edits=edits, safety=FixSafety.UNSAFE)
        self._loads = []


def _literal(node: cst.BaseExpression) -> str | None:
    """The text of a plain string literal (or of adjacent ones), else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except Exception:  # an escape libcst cannot evaluate
            return None
        return value if isinstance(value, str) else None
    return None


def _quote_of(node: cst.BaseExpression) -> str:
    """The quote character the path literal uses, so the new argument matches it."""
    if isinstance(node, cst.SimpleString):
        return node.quote[0]
    return '"'
