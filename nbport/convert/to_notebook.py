"""A script's text to a notebook ready for Colab.

jupytext splits the script into cells (`# %%` markers, `# %% [markdown]` cells, or its "light"
format for a script without markers) and uncomments the magics it commented (`# !pip install x` →
`!pip install x`); nbport adds the `python3` kernelspec, Colab's metadata, the accelerator rule
NBP301 would ask for, and cell ids that do not change from one run to the next.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from nbport.convert.base import ConvertError, first_line, load_jupytext

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from nbport.finding import MetadataEdit

#: The kernelspec Jupyter writes for its default Python kernel; Colab runs it as its own Python.
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
# PEP 263, as jupytext's header reader applies it.
_CODING_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-_.a-zA-Z0-9]+)")


def script_to_notebook(text: str) -> NotebookNode:
    """The notebook jupytext reads from a script's text (percent, light or another format it
    recognises), with jupytext's own metadata taken out and cell ids that depend only on the
    cells. Call `add_colab_metadata` to make it ready for Colab."""
    jupytext = load_jupytext()
    try:
        text = _without_coding_cookie(text)
        notebook = jupytext.reads(text, fmt=_script_format(text))
    except Exception as error:  # jupytext raises bare ValueErrors and the like on odd input
        raise ConvertError(f"jupytext cannot read this script: {first_line(error)}") from None
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


__all__ = [
    "KERNELSPEC",
    "accelerator_edits",
    "add_colab_metadata",
    "notebook_bytes",
    "script_to_notebook",
]
