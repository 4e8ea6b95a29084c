"""A Jupyter notebook as a document: its code cells as units, written back byte for byte.

A changed cell is written back by replacing only the text of its `source` value (v3: `input`) in the
file, in the file's own JSON style; the rest of the file is never re-serialised, so notebooks keep
their indent, key order, escapes and everything nbport does not understand. Which files are
notebooks nbport reads is `notebook_validation`'s to say; `notebook_data` walks the parsed JSON.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from nbport.documents.base import (
    DocumentError,
    DocumentNotice,
    Unit,
    python_newlines,
    read_file,
    restore_newlines,
)
from nbport.documents.json_layout import (
    CellSpans,
    NotebookLayout,
    StringStyle,
    ValueSpan,
    decoded_tokens,
    encode_source,
    insert_first_item,
    loads_counting_duplicates,
    read_layout,
    set_member,
)
from nbport.documents.language import cell_language
from nbport.documents.notebook_data import (
    cell_tags,
    joined_source,
    notebook_cells,
    output_text,
    split_like,
    with_cells,
    with_value,
)
from nbport.documents.notebook_validation import (
    check_notebook,
    decode_notebook_bytes,
    duplicate_notice,
)
from nbport.escapes import EscapeStyle
from nbport.positions import LineIndex

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from nbport.finding import MetadataEdit


class NotebookDocument:
    """A `.ipynb` file of nbformat 3 or 4; its units are the code cells.

    Build one with `load` or `from_bytes`; it is never changed in place (`with_sources` returns a
    new one).
    """

    path: Path

    def __init__(
        self,
        path: Path,
        raw: bytes | None,
        *,
        text: str,
        data: dict[str, Any],
        notices: Sequence[DocumentNotice],
        style: StringStyle | None = None,
        bom: bytes = b"",
    ) -> None:
        """Use `load` or `from_bytes`: this takes text and data that already passed the checks.

        `raw` may be None: the bytes are then `bom` and `text` in UTF-8, made when first asked for.
        """
        self.path = path
        self._raw = raw
        self._bom = bom
        self._text = text
        self._data = data
        self._notices = tuple(notices)
        self._style = style
        self._source_offsets_cache: dict[int, tuple[list[int], list[int]]] = {}

    # --- Reading ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> NotebookDocument:
        """Read the notebook at `path`; raises `DocumentError` with a one-line reason.

        The file's bytes are let go once decoded (and made again from the text only if asked for),
        so a notebook of several hundred MB holds its text and its parsed JSON, not a third copy.
        """
        raw = read_file(path)
        bom, text = decode_notebook_bytes(raw)
        del raw
        return cls._parse(path, None, bom, text)

    @classmethod
    def from_bytes(cls, path: Path, raw: bytes) -> NotebookDocument:
        """The notebook held in `raw`, the bytes of the file at `path`.

        Raises `DocumentError` if it is not one nbport checks: empty, binary, not UTF-8, not JSON,
        or not a notebook of nbformat 3 or 4; `NotPython` if its metadata says it is written in
        another language (see `nbport.documents.language`).
        """
        bom, text = decode_notebook_bytes(raw)
        return cls._parse(path, raw, bom, text)

    @classmethod
    def _parse(cls, path: Path, raw: bytes | None, bom: bytes, text: str) -> NotebookDocument:
        try:
            data, duplicates = loads_counting_duplicates(text)
        except json.JSONDecodeError as error:
            raise DocumentError(
                f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
            ) from None
        except RecursionError:
            raise DocumentError("invalid JSON: nested too deeply") from None
        check_notebook(data)
        notices: tuple[DocumentNotice, ...] = ()
        if duplicates:
            notices = (duplicate_notice(text),)
        return cls(path, raw, text=text, data=data, notices=notices, bom=bom)

    @property
    def raw(self) -> bytes:
        """The file's bytes (for a document nbport changed: the bytes it would write)."""
        if self._raw is None:
            self._raw = self._bom + self._text.encode("utf-8")
        return self._raw

    @property
    def kind(self) -> str:
        """Always `"notebook"`."""
        return "notebook"

    @property
    def notices(self) -> Sequence[DocumentNotice]:
        """Problems that do not stop checking, such as duplicate keys (which block writing)."""
        return self._notices

    @property
    def version(self) -> tuple[int, int]:
        """The notebook's nbformat (major, minor) version."""
        return self._data["nbformat"], self._data.get("nbformat_minor", 0)

    @cached_property
    def notebook(self) -> NotebookNode:
        """The notebook as an `nbformat.NotebookNode`, in its own version (never converted)."""
        import nbformat

        return nbformat.from_dict(self._data)

    @property
    def metadata(self) -> Mapping[str, Any]:
        """The notebook's top-level metadata (read-only: change it with `with_metadata`)."""
        metadata = self._data.get("metadata")
        return MappingProxyType(metadata if isinstance(metadata, dict) else {})

    def units(self) -> Sequence[Unit]:
        """One unit per code cell, numbered by its place among all cells.

        A code cell that VS Code marks as another language (`metadata.vscode.languageId`
        `javascript`) is no unit: like the body of a `%%bash` cell, it is not Python.
        """
        return self._code_cells[0]

    @property
    def _unit_cells(self) -> tuple[int, ...]:
        """Position, among all cells, of each unit's cell."""
        return self._code_cells[1]

    @cached_property
    def _code_cells(self) -> tuple[tuple[Unit, ...], tuple[int, ...]]:
        units: list[Unit] = []
        positions: list[int] = []
        key = self._code_key
        for position, cell in enumerate(notebook_cells(self._data)):
            if cell.get("cell_type") != "code" or cell_language(cell) is not None:
                continue
            units.append(
                Unit(
                    index=len(units),
                    cell=position + 1,
                    text=python_newlines(joined_source(cell.get(key, ""))),
                    first_line=1,
                    escape_style=EscapeStyle.LIVE,
                    tags=cell_tags(cell),
                )
            )
            positions.append(position)
        return tuple(units), tuple(positions)

    def unit_output_text(self, unit_index: int) -> str:
        """The text the stored outputs of unit `unit_index`'s cell show (`output_text`): what
        the notebook printed when it last ran, for rules that judge by it (how long training took)."""
        self._check_index(unit_index)
        return output_text(notebook_cells(self._data)[self._unit_cells[unit_index]])

    @property
    def _code_key(self) -> str:
        # nbformat 3 keeps a code cell's text under "input"; other cells and version 4 use "source".
        return "input" if self._data["nbformat"] == 3 else "source"

    # --- Positions -------------------------------------------------------------------------------

    @cached_property
    def _layout(self) -> NotebookLayout:
        layout = read_layout(self._text)
        if len(layout.cells) != len(notebook_cells(self._data)):
            raise RuntimeError("nbport found a different number of cells than json.loads")
        return layout

    @cached_property
    def _lines(self) -> LineIndex:
        return LineIndex(self._text)

    def _check_index(self, unit_index: int) -> Unit:
        units = self.units()
        if not 0 <= unit_index < len(units):
            raise IndexError(f"no unit {unit_index} (the notebook has {len(units)} code cells)")
        return units[unit_index]

    def _source_span(self, unit_index: int) -> tuple[CellSpans, ValueSpan]:
        unit = self._check_index(unit_index)
        cell = self._layout.cells[self._unit_cells[unit_index]]
        value = cell.input if self._code_key == "input" else cell.source
        if value is None:
            raise ValueError(f"cell {unit.cell} has no source value to locate")
        return cell, value

    def source_line_in_file(self, unit_index: int, line: int) -> int:
        """The 1-based line of the `.ipynb` file on which `line` (1-based) of a unit's text stands.

        For a source written as a list with one line per item, each line of the cell has a line of
        its own in the file; otherwise this is the line where the value starts. Lines past the end
        of the cell map to its last line.
        """
        if line < 1:
            raise ValueError(f"line must be 1 or more, not {line}")
        _cell, value = self._source_span(unit_index)
        if not value.items:
            return self._lines.line_of(value.start)
        line_starts, item_ends = self._source_offsets(unit_index)
        # Offset, in the joined text, where the wanted line starts (or the last line, past the end).
        offset = line_starts[min(line, len(line_starts)) - 1]
        item = bisect_right(item_ends, offset)  # the first item ending after it
        if item < len(item_ends) and item < len(value.items):
            return self._lines.line_of(value.items[item][0])
        if len(value.items) != len(item_ends):
            raise ValueError("the cell's source items do not match its JSON text")
        return self._lines.line_of(value.items[-1][0])

    def _source_offsets(self, unit_index: int) -> tuple[list[int], list[int]]:
        """For a unit whose source is a list: where each of its lines starts in the joined items
        (a final newline starts no line) and where each item ends. Made once per unit: reporters
        ask for every finding's line, and a cell can hold a finding on each of its lines."""
        offsets = self._source_offsets_cache.get(unit_index)
        if offsets is None:
            cell_data = notebook_cells(self._data)[self._unit_cells[unit_index]]
            items: list[str] = cell_data[self._code_key]
            joined = "".join(items)
            line_starts = [0]
            newline = joined.find("\n")
            while newline >= 0 and newline + 1 < len(joined):
                line_starts.append(newline + 1)
                newline = joined.find("\n", newline + 1)
            offsets = line_starts, list(accumulate(len(item) for item in items))
            self._source_offsets_cache[unit_index] = offsets
        return offsets

    # --- Writing ---------------------------------------------------------------------------------

    @property
    def _string_style(self) -> StringStyle:
        if self._style is None:
            self._style = StringStyle.learn(self._text)
        return self._style

    def with_sources(self, changes: Mapping[int, str]) -> NotebookDocument:
        """A new notebook in which code cell unit `index` holds `text`, for each item of `changes`.

        `text` is unit text: in a cell written with lone `\r` line endings, `\n` is written `\r`
        (see `restore_newlines`), and text that differs only in how lines end changes nothing.

        Only the bytes of each changed cell's `source` (v3: `input`) value differ from this file;
        the value keeps its form (one string, or a list of lines split as nbformat splits them,
        keeping the items before and after the change) and is written in the file's own JSON
        style. The new document keeps this one's notices: a file that must not be written still
        must not be.
        """
        positions: dict[int, str] = {}
        cells = notebook_cells(self._data)
        for unit_index, new_text in changes.items():
            self._check_index(unit_index)
            position = self._unit_cells[unit_index]
            # Units read a lone `\r` as `\n`; the cell keeps its own line endings.
            original = joined_source(cells[position].get(self._code_key, ""))
            if python_newlines(new_text) == python_newlines(original):
                new_text = original
            positions[position] = restore_newlines(original, new_text)
        return self.with_cell_sources(positions)

    def cell_sources(self) -> list[tuple[str | None, str]]:
        """(cell type, text) of every cell in file order; code cells of nbformat 3 give `input`."""
        return [
            (cell.get("cell_type"), joined_source(cell.get(self._key_of(cell), "")))
            for cell in notebook_cells(self._data)
        ]

    def _key_of(self, cell: Mapping[str, Any]) -> str:
        return self._code_key if cell.get("cell_type") == "code" else "source"

    def with_cell_sources(self, changes: Mapping[int, str]) -> NotebookDocument:
        """`with_sources` for any cell (Markdown and raw cells too), keyed by the cell's position
        among all cells (0-based) rather than by unit."""
        edits: list[tuple[int, int, str]] = []
        new_cells: dict[int, dict[str, Any]] = {}
        cells = notebook_cells(self._data)
        for position, new_text in changes.items():
            if not 0 <= position < len(cells):
                raise IndexError(f"no cell {position} (the notebook has {len(cells)} cells)")
            key = self._key_of(cells[position])
            old_value = cells[position].get(key, "")
            if new_text == joined_source(old_value):
                continue
            cell_spans = self._layout.cells[position]
            value = cell_spans.input if key == "input" else cell_spans.source
            if value is None:
                raise ValueError(f"cell {position + 1} has no source value to locate")
            new_value: str | list[str]
            if isinstance(old_value, list):
                if value.items is None:
                    raise RuntimeError("a list source was located as a string")
                new_value = split_like(old_value, new_text)
                token = encode_source(
                    new_value,
                    self._string_style,
                    self._layout.list_layout(self._text, cell_spans, value),
                    decoded_tokens(self._text, value),
                )
            else:
                new_value = new_text
                token = self._string_style.encode(new_text)
            edits.append((value.start, value.end, token))
            new_cells[position] = {**cells[position], key: new_value}
        if not edits:
            return self
        pieces: list[str] = []
        done = 0
        for start, end, token in sorted(edits):
            pieces.append(self._text[done:start])
            pieces.append(token)
            done = end
        pieces.append(self._text[done:])
        return self._with_text("".join(pieces), with_cells(self._data, new_cells))

    def with_first_cell(self, cell: Mapping[str, Any]) -> NotebookDocument:
        """A new notebook with `cell` inserted before the first cell (nbformat 4 only).

        Only inserted bytes differ from this file: the cell is written in the file's own JSON
        style (indent, separators, one line or many, string escapes), with its keys in the order
        `cell` gives them. Raises `DocumentError` for an nbformat 3 notebook.
        """
        if self._data["nbformat"] != 4:
            raise DocumentError("nbport inserts cells only in nbformat 4 notebooks")
        start, end, replacement = insert_first_item(
            self._text, "cells", cell, self._string_style, self._layout.inline_space
        )
        text = self._text[:start] + replacement + self._text[end:]
        return self._with_text(text, {**self._data, "cells": [dict(cell), *self._data["cells"]]})

    def _with_text(self, text: str, data: dict[str, Any]) -> NotebookDocument:
        """A new document holding `text` (whose parsed value is `data`), keeping the BOM."""
        notices = self._notices
        if any(notice.blocks_writing for notice in notices):
            # The duplicate keys are still there, but lines may have moved.
            notices = (duplicate_notice(text),)
        return NotebookDocument(
            self.path,
            None,
            text=text,
            data=data,
            notices=notices,
            style=self._string_style,
            bom=self._bom,
        )

    def with_metadata(self, edits: Sequence[MetadataEdit]) -> NotebookDocument:
        """A new notebook in which each edit's string is set in the top-level `metadata`.

        Only the bytes of each value set are replaced; a missing member is inserted after the last
        member of its object (`metadata`, or `metadata.colab` when that exists), written in the
        file's own style (separators, indent, one line or many), the way Colab appends the keys it
        adds. Nothing else of the file is re-serialised. Returns `self` when every value is already
        set. Raises `DocumentError` when a value on an edit's path is not an object.
        """
        text = self._text
        data = self._data
        for edit in edits:
            keys = ("metadata", *edit.keys)
            try:
                change = set_member(
                    text, keys, edit.value, self._string_style, self._layout.inline_space
                )
            except ValueError as error:
                raise DocumentError(f"cannot set metadata.{'.'.join(edit.keys)}: {error}") from None
            if change is None:
                continue
            start, end, replacement = change
            text = text[:start] + replacement + text[end:]
            data = with_value(data, keys, edit.value)
        if text == self._text:
            return self
        return self._with_text(text, data)

    def dump(self) -> bytes:
        """The file's bytes: `raw` itself when nothing changed."""
        return self.raw
