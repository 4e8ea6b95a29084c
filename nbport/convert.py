"""`nbport convert`: a `.py` script to a Colab-ready notebook, or a notebook to a percent script.

jupytext does the part it already does well, and is imported only here: it splits a script into
cells (`# %%` markers, `# %% [markdown]` cells, or its "light" format for a script without
markers), uncomments the magics it commented (`# !pip install x` → `!pip install x`), and writes a
notebook back as a percent script with magics commented again. nbport adds what a notebook needs to
open well in Colab and Jupyter: the `python3` kernelspec, Colab's metadata, the accelerator rule
NBP301 would ask for, cell ids that do not change from one run to the next, and a check that the
script converts back to the same code cells. Code is carried over as jupytext reads it, byte for
byte, unless `format_code` runs black's notebook mode over it.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from nbport.finding import MetadataEdit

SCRIPT_SUFFIX = ".py"
NOTEBOOK_SUFFIX = ".ipynb"

#: The kernelspec Jupyter writes for its default Python kernel; Colab runs it as its own Python.
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
# Cell metadata Colab rewrites on every save (its cell ids, output sizes, run times): noise in a
# script under review. jupytext already leaves out Jupyter's own (ExecuteTime, scrolled, ...).
_CELL_METADATA_FILTER = "-id,-colab,-outputId,-executionInfo"
# jupytext reads a comment line like this in a code cell as the start of a new cell.
_MARKER_LIKE = re.compile(r"^\s*#\s*%%(?:\s|$)", re.MULTILINE)
# PEP 263, as jupytext's header reader applies it.
_CODING_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-_.a-zA-Z0-9]+)")
_INSTALL_BLACK = "pip install 'nbport[format]' (black with its notebook extra, black[jupyter])"


class ConvertError(Exception):
    """A conversion that was not done; the message is one line and names no path."""


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
    black = _black() if format_code else None
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
    problems = _format_cells(notebook, black, destination.parent) if black else []
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
    problems = _format_cells(notebook, black, destination.parent) if black else []
    text = notebook_to_script(notebook)
    problems += changed_on_the_way_back(notebook, text)
    _write(destination, text.encode("utf-8"), force=force)
    code, markdown = _cell_counts(notebook)
    warnings = tuple(ConvertWarning(source, cell, message) for cell, message in sorted(problems))
    return Conversion(source, destination, code, markdown, None, warnings)


# --- Scripts to notebooks ----------------------------------------------------------------------


def script_to_notebook(text: str) -> NotebookNode:
    """The notebook jupytext reads from a script's text (percent, light or another format it
    recognises), with jupytext's own metadata taken out and cell ids that depend only on the
    cells. Call `add_colab_metadata` to make it ready for Colab."""
    jupytext = _jupytext()
    try:
        text = _without_coding_cookie(text)
        notebook = jupytext.reads(text, fmt=_script_format(text))
    except Exception as error:  # jupytext raises bare ValueErrors and the like on odd input
        raise ConvertError(f"jupytext cannot read this script: {_first_line(error)}") from None
    # jupytext records how the script was written; a notebook for Colab has no use for that.
    notebook.metadata.pop("jupytext", None)
    _assign_ids(notebook)
    return notebook


def _script_format(text: str) -> str:
    """The jupytext format to read a script with: the one jupytext guesses, except for one slip.

    jupytext reads a `# %%` script as "hydrogen", keeping every commented magic a comment, when
    some line not starting with `#` looks like a magic. An indented commented magic passes that
    test (`try:` / `    # %tensorflow_version 2.x`, common in Colab code), and the notebook would
    get a `try:` block holding only a comment. Such a script is read as percent, as written.
    """
    try:
        from jupytext.formats import guess_format
        from jupytext.magics import is_magic
        from jupytext.stringparser import StringParser
    except ImportError:  # jupytext moved its helpers: let it guess on its own
        return "py"
    name, _ = guess_format(text, ".py")
    if name != "hydrogen":
        return "py"
    parser = StringParser("python")
    for line in text.splitlines():
        parser.read_line(line)  # in this order, as `guess_format` reads lines
        if parser.is_quoted():
            continue
        if not line.lstrip().startswith("#") and is_magic(line, "python"):
            return "py:hydrogen"
    return "py:percent"


def _without_coding_cookie(text: str) -> str:
    """`text` without a PEP 263 `coding:` line naming an encoding other than UTF-8.

    The text is already decoded, and a notebook is UTF-8; jupytext refuses any other cookie.
    """
    lines = text.splitlines(keepends=True)
    for index in (0, 1):
        if index >= len(lines):
            break
        match = _CODING_COOKIE.match(lines[index])
        if match:
            if match[1].lower().replace("_", "-") not in ("utf-8", "utf8"):
                del lines[index]
            break
        if not lines[index].lstrip().startswith("#"):
            break  # PEP 263: the cookie is on line 1, or on line 2 below a comment line
    return "".join(lines)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def add_colab_metadata(notebook: NotebookNode) -> str | None:
    """Give `notebook` the metadata Colab writes (the `python3` kernelspec, `language_info`,
    `colab`) and, when its code uses a GPU or TPU, the accelerator rule NBP301 asks for.

    Returns the accelerator set (`"GPU"`, `"TPU"`) or None.
    """
    metadata = notebook.metadata
    metadata["kernelspec"] = dict(KERNELSPEC)
    metadata["language_info"] = {"name": "python"}
    colab = metadata.setdefault("colab", {})
    if isinstance(colab, dict):
        colab.setdefault("provenance", [])
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    # The single place where conversion asks rule NBP301 (accelerator-missing) what it decides.
    edits = accelerator_edits(code, metadata)
    for edit in edits:
        _set_metadata(metadata, edit.keys, edit.value)
    chosen = metadata.get("accelerator") if edits else None
    return chosen if isinstance(chosen, str) else None


def accelerator_edits(
    code_cells: Sequence[str], metadata: Mapping[str, Any]
) -> tuple[MetadataEdit, ...]:
    """The metadata edits rule NBP301 (accelerator-missing) makes for a notebook holding
    `code_cells` and `metadata`: `accelerator` and, for a GPU, `colab.gpuType`. None when the
    code uses no accelerator, the metadata already asks for it, or the rule is not installed.

    Runs the rule itself, through the engine, so that a notebook made by `convert` is one that
    `nbport check` passes.
    """
    from nbport.catalog import CatalogError, load_catalog
    from nbport.documents import document_from_cells
    from nbport.engine import check_document
    from nbport.fix_loop import metadata_edits

    try:
        entry = load_catalog().get("NBP301")
    except CatalogError as error:
        raise ConvertError(f"rule catalog: {error}") from None
    if entry is None:
        return ()
    document = document_from_cells(list(code_cells), "notebook", metadata=metadata)
    return metadata_edits(check_document(document, [entry]).findings)


def _set_metadata(metadata: dict[str, Any], keys: Sequence[str], value: str) -> None:
    for key in keys[:-1]:
        inner = metadata.get(key)
        if not isinstance(inner, dict):
            inner = metadata[key] = {}
        metadata = inner
    metadata[keys[-1]] = value


def _assign_ids(notebook: NotebookNode) -> None:
    """Cell ids from each cell's place and text: nbformat would pick random ones, so converting
    the same script twice would give two different files."""
    seen: set[str] = set()
    for index, cell in enumerate(notebook.cells):
        seed = f"{index}\0{cell.cell_type}\0{cell.source}"
        while True:
            cell_id = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:8]
            if cell_id not in seen:
                break
            seed += "\0"
        seen.add(cell_id)
        cell["id"] = cell_id


def notebook_bytes(notebook: NotebookNode) -> bytes:
    """The notebook as Jupyter writes it (1-space indent, sorted keys, UTF-8, final newline),
    after checking it against the nbformat schema."""
    import nbformat

    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        message = str(error).strip().splitlines()[0]
        raise ConvertError(f"the notebook would not be valid: {message}") from None
    return (nbformat.writes(notebook) + "\n").encode("utf-8")


# --- Notebooks to scripts ----------------------------------------------------------------------


def read_notebook(text: str) -> NotebookNode:
    """The notebook in `text`, of nbformat 3 or 4, as version 4 with each `source` one string.

    nbformat's reader, without the schema check `nbformat.reads` logs: the notebook is only read,
    and a fault jupytext does not mind should not stop a conversion.
    """
    import warnings

    import nbformat
    from nbformat.reader import reads

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nbformat.convert(reads(text), 4)


def notebook_to_script(notebook: NotebookNode) -> str:
    """The notebook as a percent script, the way jupytext writes one: `# %%` before each code
    cell, `# %% [markdown]` before commented Markdown, magics commented (`# !pip install x`).

    No YAML header: the notebook's metadata is Colab's and Jupyter's business, and `convert`
    writes it afresh on the way back. Cell metadata stays on the markers, except what Colab
    rewrites on every save.
    """
    jupytext = _jupytext()
    copied = copy.deepcopy(notebook)
    copied.metadata["jupytext"] = {
        "notebook_metadata_filter": "-all",
        "cell_metadata_filter": _CELL_METADATA_FILTER,
    }
    return jupytext.writes(copied, fmt="py:percent")


def changed_on_the_way_back(notebook: NotebookNode, script: str) -> list[tuple[int, str]]:
    """(cell, message) for each code cell of `notebook` that `script` does not give back when
    jupytext reads it: a code line like `# %% note` starts a new cell there."""
    jupytext = _jupytext()
    back = jupytext.reads(script, fmt="py:percent")
    before = [
        (number, cell.source)
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "code"
    ]
    after = [cell.source for cell in back.cells if cell.cell_type == "code"]
    matcher = difflib.SequenceMatcher(None, [source for _, source in before], after, autojunk=False)
    problems = []
    for tag, start, end, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        for number, source in before[start:end]:
            reason = (
                ": a line in it looks like a `# %%` cell marker"
                if _MARKER_LIKE.search(source)
                else ""
            )
            problems.append(
                (number, f"this code cell does not convert back from the script unchanged{reason}")
            )
    return problems


# --- Formatting ----------------------------------------------------------------------------------


def _black() -> ModuleType:
    """black, with what its notebook mode needs; raises `ConvertError` naming what to install."""
    import importlib.util

    try:
        import black
    except ImportError:
        raise ConvertError(f"--format needs black: {_INSTALL_BLACK}") from None
    for module in ("tokenize_rt", "IPython"):
        if importlib.util.find_spec(module) is None:
            raise ConvertError(f"--format needs black's notebook extra: {_INSTALL_BLACK}")
    return black


def _black_mode(black: ModuleType, directory: Path) -> Any:
    """black's notebook mode with the `[tool.black]` settings found from `directory` up."""
    settings: dict[str, Any] = {}
    try:
        from black.files import find_pyproject_toml, parse_pyproject_toml

        found = find_pyproject_toml((os.fspath(directory),))
        settings = parse_pyproject_toml(found) if found else {}
    except Exception:  # black's config helpers are not public API; its defaults are a fine answer
        settings = {}
    targets = {
        black.TargetVersion[str(version).upper()]
        for version in settings.get("target_version", ()) or ()
        if str(version).upper() in black.TargetVersion.__members__
    }
    return black.Mode(
        target_versions=targets,
        line_length=int(settings.get("line_length", black.DEFAULT_LINE_LENGTH)),
        string_normalization=not settings.get("skip_string_normalization", False),
        magic_trailing_comma=not settings.get("skip_magic_trailing_comma", False),
        preview=bool(settings.get("preview", False)),
        python_cell_magics=set(settings.get("python_cell_magics", ()) or ()),
        is_ipynb=True,
    )


def _format_cells(
    notebook: NotebookNode, black: ModuleType, directory: Path
) -> list[tuple[int, str]]:
    """Run black's notebook mode over each code cell; (cell, why) for each it could not format.

    black's `format_cell` masks magics the way `black notebook.ipynb` does and leaves cells it
    cannot handle (`%%bash`, a syntax error) to us: such a cell is kept as it was.
    """
    mode = _black_mode(black, directory)
    problems = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        try:
            cell.source = black.format_cell(cell.source, fast=False, mode=mode)
        except black.NothingChanged:
            continue
        except Exception as error:
            problems.append(
                (number, f"left as it was: black cannot format it ({_first_line(error)})")
            )
    return problems


# --- Shared ------------------------------------------------------------------------------------


def _jupytext() -> ModuleType:
    try:
        import jupytext
    except ImportError:
        raise ConvertError("nbport convert needs jupytext: pip install jupytext") from None
    return jupytext


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
    "KERNELSPEC",
    "NOTEBOOK_SUFFIX",
    "SCRIPT_SUFFIX",
    "Conversion",
    "ConvertError",
    "ConvertWarning",
    "accelerator_edits",
    "add_colab_metadata",
    "changed_on_the_way_back",
    "convert",
    "destination_for",
    "notebook_bytes",
    "notebook_to_script",
    "read_notebook",
    "script_to_notebook",
]
