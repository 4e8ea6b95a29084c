"""A notebook's JSON value, as `json.loads` gives it: its cells, and copies with some changed.

Version 4 keeps its cells in `cells`, version 3 in the `cells` of each of its `worksheets`; a cell's
text is one string or a list of lines. The copies share every value they do not change, so that a
fix to one cell of a large notebook copies little.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def cell_tags(cell: Mapping[str, Any]) -> tuple[str, ...]:
    """The strings in a cell's `metadata.tags` (Jupyter's "Add tag"); anything else is ignored."""
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    if not isinstance(tags, list):
        return ()
    return tuple(tag for tag in tags if isinstance(tag, str))


def notebook_cells(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every cell in file order: version 4's `cells`, or the cells of all version 3 worksheets."""
    if data["nbformat"] == 3:
        return [cell for sheet in data.get("worksheets", []) for cell in sheet.get("cells", [])]
    cells: list[dict[str, Any]] = data["cells"]
    return cells


def with_cells(data: dict[str, Any], replaced: Mapping[int, dict[str, Any]]) -> dict[str, Any]:
    """A copy of `data` with the cells at the given positions replaced (other values are shared)."""
    if data["nbformat"] != 3:
        cells = list(data["cells"])
        for position, cell in replaced.items():
            cells[position] = cell
        return {**data, "cells": cells}
    sheets = []
    position = 0
    for sheet in data.get("worksheets", []):
        sheet_cells = list(sheet.get("cells", []))
        for offset in range(len(sheet_cells)):
            if position + offset in replaced:
                sheet_cells[offset] = replaced[position + offset]
        position += len(sheet_cells)
        sheets.append({**sheet, "cells": sheet_cells} if "cells" in sheet else sheet)
    return {**data, "worksheets": sheets}


def with_value(data: Mapping[str, Any], keys: Sequence[str], value: str) -> dict[str, Any]:
    """A copy of `data` with the string at the path `keys` set, objects on the way copied or made."""
    first, *rest = keys
    inner = data.get(first)
    if rest:
        return {**data, first: with_value(inner if isinstance(inner, dict) else {}, rest, value)}
    return {**data, first: value}


def split_like(old: Sequence[str], text: str) -> list[str]:
    """`text` as a list of lines, split as nbformat splits (`splitlines(keepends=True)`), except
    that whole-line items of `old` that `text` still begins or ends with are kept as they were.

    Some writers split a source their own way (blank lines kept in the item before, items that
    are not whole lines); an edit in one place should not re-split the rest of the cell.
    """
    start = head = 0
    while head < len(old) and old[head].endswith("\n") and text.startswith(old[head], start):
        start += len(old[head])
        head += 1
    tail = len(old)
    end = len(text)
    while tail > head:
        item = old[tail - 1]
        begin = end - len(item)
        if begin < start or not text.startswith(item, begin) or (begin and text[begin - 1] != "\n"):
            break
        end = begin
        tail -= 1
    return [*old[:head], *text[start:end].splitlines(keepends=True), *old[tail:]]


def output_text(cell: Mapping[str, Any]) -> str:
    """The text a code cell's stored outputs show: its `stream` text and the `text/plain` of its
    results and displays (version 3 keeps a result's text under `text`), joined in order.

    Images, HTML and widgets are left out; so is an error's traceback.
    """
    texts: list[str] = []
    outputs = cell.get("outputs")
    for output in outputs if isinstance(outputs, list) else ():
        if not isinstance(output, dict):
            continue
        text = output.get("text")
        if text is None and isinstance(data := output.get("data"), dict):
            text = data.get("text/plain")
        if isinstance(text, str):
            texts.append(text)
        elif isinstance(text, list):
            texts.append("".join(item for item in text if isinstance(item, str)))
    return "\n".join(texts)


def joined_source(source: str | list[str]) -> str:
    """A cell's text, from a `source` (or `input`) written as one string or as a list of lines."""
    return source if isinstance(source, str) else "".join(source)


__all__ = [
    "cell_tags",
    "joined_source",
    "notebook_cells",
    "output_text",
    "split_like",
    "with_cells",
    "with_value",
]
