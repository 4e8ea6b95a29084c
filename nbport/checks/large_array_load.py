"""NBP303 large-array-load: `np.load` of a file too large for Colab's memory, without `mmap_mode`.

The rule reads the `ast` tree the engine builds for every cell (`nbport.ast_rule`): its fix inserts
an argument after the last one, which needs a position, not a concrete syntax tree.
"""

from __future__ import annotations

import ast
import io
import os
import stat
import tokenize
from pathlib import Path

from nbport.ast_rule import AstRule, call_arguments, full_name
from nbport.finding import Edit, FixSafety
from nbport.rule import RuleSettings
from nbport.rules.unit import UnitContext

#: Bytes in the unit of the `large-file-mb` option.
MEBIBYTE = 1 << 20


class LargeArrayLoadRule(AstRule):
    """Flags `np.load('<file>')` when the file, found next to the notebook or in the repository, is
    larger than `large_file_bytes`; the unsafe fix memory-maps it."""

    id = "NBP303"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: Files larger than this are too big to load whole into a Colab runtime (about 12 GB of
        #: RAM, shared with everything else the notebook holds).
        self.large_file_bytes = 0  # set by `configure`
        #: Names numpy is imported as, and names bound to `numpy.load` itself.
        self._numpy_names: set[str] = {"np", "numpy"}
        self._load_names: set[str] = set()
        #: Module-level names bound to a string literal (`X_PATH = 'data/X_train.npy'`).
        self._strings: dict[str, str] = {}
        self._function_depth = 0
        self._repository_root: Path | bool | None = False  # False: not looked for yet

    def configure(self, settings: RuleSettings) -> None:
        """Use the project's `large-file-mb` (the catalog's default if it sets none)."""
        self.large_file_bytes = int(settings.options(self.entry)["large-file-mb"] * MEBIBYTE)

    def begin_unit(self, context: UnitContext) -> None:
        """Start a new unit."""
        self._function_depth = 0
        super().begin_unit(context)

    # -- names

    def visit_Import(self, node: ast.Import) -> None:
        """`import numpy as npy`."""
        for alias in node.names:
            if alias.name == "numpy" and alias.asname is not None:
                self._numpy_names.add(alias.asname)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """`from numpy import load`, `from numpy import load as npload`."""
        if node.level or node.module != "numpy":
            return
        if any(alias.name == "*" for alias in node.names):
            return
        for alias in node.names:
            if alias.name == "load":
                self._load_names.add(alias.asname or alias.name)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Names bound inside a function are not the file's."""
        self._function_depth += 1

    def leave_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """End of a function."""
        self._function_depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    leave_AsyncFunctionDef = leave_FunctionDef

    def visit_Assign(self, node: ast.Assign) -> None:
        """`X_PATH = 'data/X_train.npy'` at module level."""
        if self._function_depth:
            return
        value = _literal(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                if value is None:
                    self._strings.pop(target.id, None)
                else:
                    self._strings[target.id] = value

    # -- the calls

    def visit_Call(self, node: ast.Call) -> None:
        """`np.load(path)` without `mmap_mode`."""
        if not self._is_numpy_load(node.func):
            return
        arguments = call_arguments(node)
        path_argument = next(
            (
                argument
                for argument in arguments
                if argument.keyword is None or argument.keyword == "file"
            ),
            None,
        )
        keywords = {argument.keyword for argument in arguments if argument.keyword}
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
            self.report_node(node, message, safety=FixSafety.UNSAFE)
            return
        pickled = any(
            argument.keyword == "allow_pickle"
            and isinstance(argument.value, ast.Constant)
            and argument.value.value is True
            for argument in arguments
        )
        message = (
            f"`{written}` is {shown}: `np.load` reads it whole into Colab's ~12 GB of RAM and can "
            'kill the runtime; memory-map it with `mmap_mode="r"` (read-only, read on demand)'
        )
        edits = []
        # An array of Python objects cannot be memory-mapped: report it, but offer no fix.
        if not pickled:
            assert self.context is not None
            _, insert_at = self.context.ast_span(arguments[-1].value)
            quote = self._quote_of(path_argument.value)
            edits.append(Edit(insert_at, insert_at, f", mmap_mode={quote}r{quote}"))
        self.report_node(node, message, edits=edits, safety=FixSafety.UNSAFE)

    def _is_numpy_load(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self._load_names
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "load"
            and isinstance(func.value, ast.Name)
            and func.value.id in self._numpy_names
        )

    def _path_of(self, node: ast.expr) -> str | None:
        """The path a literal, a name bound to one, or `os.path.join` of those spells."""
        value = _literal(node)
        if value is not None:
            return value
        if isinstance(node, ast.Name):
            return self._strings.get(node.id)
        if isinstance(node, ast.Call) and full_name(node.func) in ("os.path.join", "path.join"):
            parts = [self._path_of(argument.value) for argument in call_arguments(node)]
            if parts and all(part is not None for part in parts):
                return os.path.join(*parts)  # type: ignore[arg-type]
        return None

    def _quote_of(self, node: ast.expr) -> str:
        """The quote character the path literal uses, so the new argument matches it (`"` for
        anything but a single literal)."""
        if not isinstance(node, ast.Constant):
            return '"'
        tokens = _string_tokens(self.source(node))
        if len(tokens) != 1:
            return '"'
        return tokens[0].lstrip("rRuU")[0]

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


def _literal(node: ast.expr) -> str | None:
    """The text of a plain string literal (or of adjacent ones), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _string_tokens(source: str) -> list[str]:
    """The string literals `source` is made of (one, or several written side by side)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [token.string for token in tokens if token.type == tokenize.STRING]
