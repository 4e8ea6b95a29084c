"""NBP303 large-array-load: `np.load` of a file too large for Colab's memory, without `mmap_mode`.

The threshold is the `large-file-mb` option. The fix adds an argument after the last one: it needs
a position, which `ast` gives, not concrete syntax.
"""

from __future__ import annotations

import ast
import os
import stat
from pathlib import Path

from nbport.finding import Edit, FixSafety
from nbport.rules.base import Rule
from nbport.rules.calls import call_arguments, full_name
from nbport.rules.names import dotted_name
from nbport.rules.strings import string_literals

#: Bytes in the unit of the `large-file-mb` option.
MEBIBYTE = 1 << 20


class LargeArrayLoadRule(Rule):
    """Flags `np.load('<file>')` when the file, found next to the notebook or in the repository, is
    larger than `large-file-mb`; the unsafe fix memory-maps it."""

    def __init__(self) -> None:
        #: Module-level names bound to a string literal (`X_PATH = 'data/X_train.npy'`).
        self._strings: dict[str, str] = {}
        self._function_depth = 0
        self._repository_root: Path | bool | None = False  # False: not looked for yet

    def begin_unit(self) -> None:
        """A unit starts at module level."""
        self._function_depth = 0

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Names bound inside a function are not the file's."""
        self._function_depth += 1

    def leave_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """End of a function."""
        self._function_depth -= 1

    visit_AsyncFunctionDef, leave_AsyncFunctionDef = visit_FunctionDef, leave_FunctionDef

    def visit_Assign(self, node: ast.Assign) -> None:
        """`X_PATH = 'data/X_train.npy'` at module level."""
        value = _literal(node.value)
        for target in node.targets if not self._function_depth else ():
            if isinstance(target, ast.Name) and value is None:
                self._strings.pop(target.id, None)
            elif isinstance(target, ast.Name) and value is not None:
                self._strings[target.id] = value

    def visit_Call(self, node: ast.Call) -> None:
        """`np.load(path)` without `mmap_mode`, of a file larger than the threshold."""
        # `np.load` is numpy's with no import in sight too (`%pylab`, an import in a broken cell).
        load = dotted_name(node.func) in ("np.load", "numpy.load")
        if not (load or self.qualified_name(node.func) == "numpy.load"):
            return
        arguments = call_arguments(node)
        path = next((a for a in arguments if a.keyword is None or a.keyword == "file"), None)
        if path is None or path.star or any(a.keyword == "mmap_mode" for a in arguments):
            return
        written = self._path_of(path.value)
        size = self._size(written) if written is not None else None
        limit = self.options["large-file-mb"] * MEBIBYTE
        if written is None or size is None or size <= int(limit):
            return
        shown = f"{size / 1e9:.1f} GB"
        if written.lower().endswith(".npz"):
            message = (
                f"`{written}` is {shown}: each array read from this .npz is loaded whole into "
                "Colab's ~12 GB of RAM, which can kill the runtime; `mmap_mode` does not apply to "
                ".npz, so save the large arrays as .npy files and load those with `mmap_mode='r'`"
            )
            self.report(node, message, safety=FixSafety.UNSAFE)
            return
        message = (
            f"`{written}` is {shown}: `np.load` reads it whole into Colab's ~12 GB of RAM and can "
            'kill the runtime; memory-map it with `mmap_mode="r"` (read-only, read on demand)'
        )
        edits = []
        # An array of Python objects cannot be memory-mapped: report it, but offer no fix.
        if not any(a.keyword == "allow_pickle" and _is_true(a.value) for a in arguments):
            _, after = self.unit.ast_span(arguments[-1].value)
            literals = (
                string_literals(self.unit, path.value) if _literal(path.value) is not None else []
            )
            quote = literals[0].quote[0] if len(literals) == 1 else '"'  # as the path is written
            edits.append(Edit(after, after, f", mmap_mode={quote}r{quote}"))
        self.report(node, message, edits=edits, safety=FixSafety.UNSAFE)

    def _path_of(self, node: ast.expr) -> str | None:
        """The path a literal, a name bound to one, or `os.path.join` of those spells."""
        if (value := _literal(node)) is not None:
            return value
        if isinstance(node, ast.Name):
            return self._strings.get(node.id)
        if isinstance(node, ast.Call) and full_name(node.func) in ("os.path.join", "path.join"):
            parts = [self._path_of(argument.value) for argument in call_arguments(node)]
            if parts and all(part is not None for part in parts):
                return os.path.join(*parts)  # type: ignore[arg-type]
        return None

    def _size(self, written: str) -> int | None:
        """The size of the file `written` names, relative to the document's folder, then to the
        repository root (one stat each, never a read). Backslashes count as separators."""
        if not written or "\0" in written:
            return None
        # A Windows path (`dataset\\X_train.npy`, NBP101's to fix) names the same file here.
        relative = written.replace("\\", "/")
        for base in (self.document.path.parent, self._root()):
            try:
                status = (base / relative).stat() if base is not None else None
            except (OSError, ValueError):
                continue
            if status is not None:
                # A directory or a device is nothing np.load would read whole.
                return status.st_size if stat.S_ISREG(status.st_mode) else None
        return None

    def _root(self) -> Path | None:
        """The nearest folder above the document holding `.git`, looked for once per document."""
        if self._repository_root is False:
            folder = self.document.path.parent.absolute()
            found = (
                candidate
                for candidate in (folder, *folder.parents)
                if (candidate / ".git").exists()
            )
            self._repository_root = next(found, None)
        return self._repository_root if isinstance(self._repository_root, Path) else None


def _literal(node: ast.expr) -> str | None:
    """The value of a string literal (or of several side by side), else None."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True
