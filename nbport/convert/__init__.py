"""`nbport convert`: a `.py` script to a Colab-ready notebook, or a notebook to a percent script.

jupytext does the part it already does well, and is imported only in this package: it splits a
script into cells (`# %%` markers, `# %% [markdown]` cells, or its "light" format for a script
without markers), uncomments the magics it commented (`# !pip install x` → `!pip install x`), and
writes a notebook back as a percent script with magics commented again. nbport adds what a notebook
needs to open well in Colab and Jupyter: the `python3` kernelspec, Colab's metadata, the accelerator
rule NBP301 would ask for, cell ids that do not change from one run to the next, and a check that
the script converts back to the same code cells. Code is carried over as jupytext reads it, byte for
byte, unless `format_code` runs black's notebook mode over it.

This module checks the paths, reads the source and writes the result; `to_notebook` and
`to_script` hold the two directions, `black_format` the formatting, `base` the error they share.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from nbport.colab import NOTEBOOK_SUFFIX
from nbport.convert.base import ConvertError
from nbport.convert.black_format import format_cells, load_black
from nbport.convert.to_notebook import add_colab_metadata, notebook_bytes, script_to_notebook
from nbport.convert.to_script import changed_on_the_way_back, notebook_to_script, read_notebook

if TYPE_CHECKING:
    from nbformat import NotebookNode

SCRIPT_SUFFIX = ".py"


@dataclass(frozen=True)
class ConvertWarning:
    """Something to check in a conversion that was done: `cell` counts every cell of the notebook
    (the source or the result), from 1, as Jupyter shows them."""

    notebook: Path
    cell: int | None
    message: str

    def label(self) -> str:
        """`path:cell N`, the prefix of the printed warning line."""
        return str(self.notebook) if self.cell is None else f"{self.notebook}:cell {self.cell}"


@dataclass(frozen=True)
class Conversion:
    """A file written by `convert`."""

    source: Path
    destination: Path
    code_cells: int
    markdown_cells: int
    #: The accelerator the new notebook asks Colab for (`"GPU"`, `"TPU"`), or None.
    accelerator: str | None = None
    warnings: tuple[ConvertWarning, ...] = ()

    def summary(self) -> str:
        """One line for the user: what was written, and what it holds."""
        counts = [_count(self.code_cells, "code cell")]
        if self.markdown_cells:
            counts.append(_count(self.markdown_cells, "Markdown cell"))
        line = f"Wrote {self.destination}: {', '.join(counts)}"
        if self.accelerator:
            line += f"; asks Colab for a {self.accelerator} (the code uses one)"
        return line


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def destination_for(source: Path, output: Path | None = None) -> Path:
    """Where `convert` writes: `output`, a file of that name inside `output` when it is a
    directory, or by default `source` with the other suffix."""
    other = NOTEBOOK_SUFFIX if source.suffix == SCRIPT_SUFFIX else SCRIPT_SUFFIX
    if output is None:
        return source.with_suffix(other)
    if output.is_dir():
        return output / (source.stem + other)
    return output


def convert(
    source: Path, output: Path | None = None, *, force: bool = False, format_code: bool = False
) -> Conversion:
    """Convert `source` (`.py` → `.ipynb`, `.ipynb` → percent `.py`) and write the result.

    Never overwrites an existing file unless `force`. Raises `ConvertError` with a one-line reason
    when nothing was written.
    """
    if source.suffix not in (SCRIPT_SUFFIX, NOTEBOOK_SUFFIX):
        raise ConvertError("nbport converts .py scripts and .ipynb notebooks")
    destination = destination_for(source, output)
    wanted = NOTEBOOK_SUFFIX if source.suffix == SCRIPT_SUFFIX else SCRIPT_SUFFIX
    if destination.suffix != wanted:
        raise ConvertError(f"the result of converting a {source.suffix} file must end in {wanted}")
    if destination.exists() and not force:
        raise ConvertError(f"{destination} exists; pass --force to overwrite it")
    if not destination.parent.is_dir():
        raise ConvertError(f"no such directory: {destination.parent}")
    from nbport.documents.base import DocumentError, read_file

    try:
        raw = read_file(source)
    except DocumentError as error:
        raise ConvertError(str(error)) from None
    black = load_black() if format_code else None
    if source.suffix == SCRIPT_SUFFIX:
        return _script_to_notebook_file(source, raw, destination, force=force, black=black)
    return _notebook_to_script_file(source, raw, destination, force=force, black=black)


def _script_to_notebook_file(
    source: Path, raw: bytes, destination: Path, *, force: bool, black: ModuleType | None
) -> Conversion:
    from nbport.documents.base import DocumentError
    from nbport.documents.script import ScriptDocument

    try:
        # The script's own encoding (BOM, coding cookie) and line endings, as `check` reads it.
        text = ScriptDocument.from_bytes(source, raw).text
    except DocumentError as error:
        raise ConvertError(str(error)) from None
    notebook = script_to_notebook(text)
    problems = format_cells(notebook, black, destination.parent) if black else []
    accelerator = add_colab_metadata(notebook)
    data = notebook_bytes(notebook)
    _write(destination, data, force=force)
    code, markdown = _cell_counts(notebook)
    warnings = tuple(ConvertWarning(destination, cell, message) for cell, message in problems)
    return Conversion(source, destination, code, markdown, accelerator, warnings)


def _notebook_to_script_file(
    source: Path, raw: bytes, destination: Path, *, force: bool, black: ModuleType | None
) -> Conversion:
    from nbport.documents.base import DocumentError
    from nbport.documents.notebook import NotebookDocument

    try:
        # Refuses what `check` refuses, with the same reasons: not JSON, not a notebook, not Python.
        NotebookDocument.from_bytes(source, raw)
    except DocumentError as error:
        raise ConvertError(str(error)) from None
    notebook = read_notebook(raw.decode("utf-8-sig"))
    problems = format_cells(notebook, black, destination.parent) if black else []
    text = notebook_to_script(notebook)
    problems += changed_on_the_way_back(notebook, text)
    _write(destination, text.encode("utf-8"), force=force)
    code, markdown = _cell_counts(notebook)
    warnings = tuple(ConvertWarning(source, cell, message) for cell, message in sorted(problems))
    return Conversion(source, destination, code, markdown, None, warnings)


def _cell_counts(notebook: NotebookNode) -> tuple[int, int]:
    kinds = [cell.cell_type for cell in notebook.cells]
    return kinds.count("code"), kinds.count("markdown")


def _write(path: Path, data: bytes, *, force: bool) -> None:
    """Write `data` to `path` through a temporary file beside it, so that a crash never leaves half
    a file; an existing `path` is replaced only with `force` (and keeps its mode)."""
    from nbport.atomic_write import WriteError, write_back

    if path.exists():
        if not force:
            raise ConvertError(f"{path} exists; pass --force to overwrite it")
        try:
            write_back(path, data)
        except WriteError as error:
            raise ConvertError(f"cannot write {path}: {error}") from None
        return
    # Created with open() rather than mkstemp so that the new file gets the usual mode (umask).
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.nbport")
    try:
        with open(temporary, "xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists() and not force:
            raise ConvertError(f"{path} exists; pass --force to overwrite it")
        os.replace(temporary, path)
    except OSError as error:
        raise ConvertError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        temporary.unlink(missing_ok=True)


__all__ = [
    "NOTEBOOK_SUFFIX",
    "SCRIPT_SUFFIX",
    "Conversion",
    "ConvertError",
    "ConvertWarning",
    "convert",
    "destination_for",
]
