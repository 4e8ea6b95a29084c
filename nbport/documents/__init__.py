"""Documents: notebooks and scripts read from disk, or built from cell texts for examples and tests."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nbport.documents.base import Document, DocumentError, NotPython, read_file

#: The file kinds nbport reads, by suffix.
SUFFIXES = (".ipynb", ".py")

#: Directories never entered: tool caches, version control, virtual environments, checkpoints.
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".ipynb_checkpoints",
        "__pycache__",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        "build",
        "dist",
    }
)


def load_document(path: Path) -> Document:
    """Read `path` as a notebook or a script; raises `DocumentError` with a one-line reason
    (`NotPython`, a kind of it, for a notebook in another language)."""
    if path.suffix == ".ipynb":
        from nbport.documents.notebook import NotebookDocument

        # Not through `document_from_bytes`: the notebook lets go of the bytes once decoded.
        return NotebookDocument.load(path)
    return document_from_bytes(path, read_file(path))


def document_from_bytes(path: Path, raw: bytes) -> Document:
    """Build the right document for `path`'s suffix from its bytes."""
    if path.suffix == ".ipynb":
        from nbport.documents.notebook import NotebookDocument

        return NotebookDocument.from_bytes(path, raw)
    if path.suffix == ".py":
        from nbport.documents.script import ScriptDocument

        return ScriptDocument.from_bytes(path, raw)
    raise DocumentError(f"not a notebook or Python script (nbport reads {', '.join(SUFFIXES)})")


def document_from_cells(
    cells: Sequence[str],
    layout: str,
    path: Path | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Document:
    """A document holding `cells`: a one-code-cell-per-entry notebook, a plain script, or a percent script.

    Used for catalog examples and `nbport.api.check_source`. A plain script takes exactly one cell.
    `metadata` (by default that of `cells` when it is a catalog `Cells`) adds top-level notebook
    metadata keys after the default `kernelspec`; only a notebook has any.
    """
    if metadata is None:
        metadata = getattr(cells, "metadata", None)
    if metadata and layout != "notebook":
        raise ValueError(f"a {layout} document has no notebook metadata")
    if layout == "notebook":
        notebook = {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": f"cell-{number}",
                    "metadata": {},
                    "outputs": [],
                    "source": source,
                }
                for number, source in enumerate(cells, start=1)
            ],
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                **(metadata or {}),
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        raw = (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode()
        return document_from_bytes(path or Path("example.ipynb"), raw)
    if layout == "script":
        if len(cells) != 1:
            raise ValueError("a plain script holds exactly one cell")
        return document_from_bytes(path or Path("example.py"), cells[0].encode())
    if layout == "percent":
        text = "".join(f"# %%\n{cell}" + ("" if cell.endswith("\n") else "\n") for cell in cells)
        return document_from_bytes(path or Path("example.py"), text.encode())
    raise ValueError(f"unknown layout {layout!r}")


__all__ = [
    "Document",
    "DocumentError",
    "NotPython",
    "document_from_bytes",
    "document_from_cells",
    "load_document",
]
