"""A notebook to a percent script, and a check that the script gives back the same code cells.

jupytext writes the script (`# %%` before each code cell, `# %% [markdown]` before commented
Markdown, magics commented) and reads it back for the check.
"""

from __future__ import annotations

import copy
import difflib
import re
from typing import TYPE_CHECKING

from nbport.convert.base import load_jupytext

if TYPE_CHECKING:
    from nbformat import NotebookNode

# Cell metadata Colab rewrites on every save (its cell ids, output sizes, run times): noise in a
# script under review. jupytext already leaves out Jupyter's own (ExecuteTime, scrolled, ...).
_CELL_METADATA_FILTER = "-id,-colab,-outputId,-executionInfo"
# jupytext reads a comment line like this in a code cell as the start of a new cell.
_MARKER_LIKE = re.compile(r"^\s*#\s*%%(?:\s|$)", re.MULTILINE)


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
    jupytext = load_jupytext()
    copied = copy.deepcopy(notebook)
    copied.metadata["jupytext"] = {
        "notebook_metadata_filter": "-all",
        "cell_metadata_filter": _CELL_METADATA_FILTER,
    }
    return jupytext.writes(copied, fmt="py:percent")


def changed_on_the_way_back(notebook: NotebookNode, script: str) -> list[tuple[int, str]]:
    """(cell, message) for each code cell of `notebook` that `script` does not give back when
    jupytext reads it: a code line like `# %% note` starts a new cell there."""
    jupytext = load_jupytext()
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


__all__ = ["changed_on_the_way_back", "notebook_to_script", "read_notebook"]
