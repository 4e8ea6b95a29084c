"""`nbport convert --format`: black's notebook mode over a notebook's code cells.

black is an optional dependency (`nbport[format]`), imported only when asked for.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from nbport.convert.base import ConvertError, first_line

if TYPE_CHECKING:
    from nbformat import NotebookNode

_INSTALL_BLACK = "pip install 'nbport[format]' (black with its notebook extra, black[jupyter])"


def load_black() -> ModuleType:
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


def format_cells(
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
                (number, f"left as it was: black cannot format it ({first_line(error)})")
            )
    return problems


__all__ = ["format_cells", "load_black"]
