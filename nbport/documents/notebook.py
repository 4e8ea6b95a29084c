"""A Jupyter notebook as a document: its code cells as units, written back byte for byte.

A changed cell is written back by replacing only the text of its `source` value (v3: `input`) in the
file, in the file's own JSON style; the rest of the file is never re-serialised, so notebooks keep
their indent, key order, escapes and everything nbport does not understand.
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from functools import cache, cached_property
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from nbport.documents.base import (
    DocumentError,
    DocumentNotice,
    NotPython,
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
from nbport.documents.language import cell_language, notebook_language
from nbport.escapes import EscapeStyle
from nbport.positions import LineIndex

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from nbport.finding import MetadataEdit

_BOM = b"\xef\xbb\xbf"
_SUPPORTED_VERSIONS = (3, 4)


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
        bom, text = _decoded(raw)
        del raw
        return cls._parse(path, None, bom, text)

    @classmethod
    def from_bytes(cls, path: Path, raw: bytes) -> NotebookDocument:
        """The notebook held in `raw`, the bytes of the file at `path`.

        Raises `DocumentError` if it is not one nbport checks: empty, binary, not UTF-8, not JSON,
        or not a notebook of nbformat 3 or 4; `NotPython` if its metadata says it is written in
        another language (see `nbport.documents.language`).
        """
        bom, text = _decoded(raw)
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
        _check_notebook(data)
        notices: tuple[DocumentNotice, ...] = ()
        if duplicates:
            notices = (_duplicate_notice(text),)
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
        for position, cell in enumerate(_cells(self._data)):
            if cell.get("cell_type") != "code" or cell_language(cell) is not None:
                continue
            units.append(
                Unit(
                    index=len(units),
                    cell=position + 1,
                    text=python_newlines(_joined(cell.get(key, ""))),
                    first_line=1,
                    escape_style=EscapeStyle.LIVE,
                    tags=_tags(cell),
                )
            )
            positions.append(position)
        return tuple(units), tuple(positions)

    @property
    def _code_key(self) -> str:
        # nbformat 3 keeps a code cell's text under "input"; other cells and version 4 use "source".
        return "input" if self._data["nbformat"] == 3 else "source"

    # --- Positions -------------------------------------------------------------------------------

    @cached_property
    def _layout(self) -> NotebookLayout:
        layout = read_layout(self._text)
        if len(layout.cells) != len(_cells(self._data)):
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
            cell_data = _cells(self._data)[self._unit_cells[unit_index]]
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
        cells = _cells(self._data)
        for unit_index, new_text in changes.items():
            self._check_index(unit_index)
            position = self._unit_cells[unit_index]
            # Units read a lone `\r` as `\n`; the cell keeps its own line endings.
            original = _joined(cells[position].get(self._code_key, ""))
            if python_newlines(new_text) == python_newlines(original):
                new_text = original
            positions[position] = restore_newlines(original, new_text)
        return self.with_cell_sources(positions)

    def cell_sources(self) -> list[tuple[str | None, str]]:
        """(cell type, text) of every cell in file order; code cells of nbformat 3 give `input`."""
        return [
            (cell.get("cell_type"), _joined(cell.get(self._key_of(cell), "")))
            for cell in _cells(self._data)
        ]

    def _key_of(self, cell: Mapping[str, Any]) -> str:
        return self._code_key if cell.get("cell_type") == "code" else "source"

    def with_cell_sources(self, changes: Mapping[int, str]) -> NotebookDocument:
        """`with_sources` for any cell (Markdown and raw cells too), keyed by the cell's position
        among all cells (0-based) rather than by unit."""
        edits: list[tuple[int, int, str]] = []
        new_cells: dict[int, dict[str, Any]] = {}
        cells = _cells(self._data)
        for position, new_text in changes.items():
            if not 0 <= position < len(cells):
                raise IndexError(f"no cell {position} (the notebook has {len(cells)} cells)")
            key = self._key_of(cells[position])
            old_value = cells[position].get(key, "")
            if new_text == _joined(old_value):
                continue
            cell_spans = self._layout.cells[position]
            value = cell_spans.input if key == "input" else cell_spans.source
            if value is None:
                raise ValueError(f"cell {position + 1} has no source value to locate")
            new_value: str | list[str]
            if isinstance(old_value, list):
                if value.items is None:
                    raise RuntimeError("a list source was located as a string")
                new_value = _split_like(old_value, new_text)
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
        return self._with_text("".join(pieces), _with_cells(self._data, new_cells))

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
            notices = (_duplicate_notice(text),)
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
            data = _with_value(data, keys, edit.value)
        if text == self._text:
            return self
        return self._with_text(text, data)

    def dump(self) -> bytes:
        """The file's bytes: `raw` itself when nothing changed."""
        return self.raw


def _decoded(raw: bytes) -> tuple[bytes, str]:
    """The byte order mark (or `b""`) and the text of a notebook's bytes; `DocumentError` if they
    are empty, binary or not UTF-8."""
    bom = _BOM if raw.startswith(_BOM) else b""
    body = raw[len(bom) :]
    if not body.strip(b" \t\r\n"):
        raise DocumentError("empty file")
    if b"\0" in body:
        raise DocumentError("binary file, not a notebook")
    try:
        return bom, body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = len(bom) + error.start
        raise DocumentError(
            f"not UTF-8: invalid byte 0x{body[error.start]:02x} at offset {offset}"
        ) from None


def _check_notebook(data: Any) -> None:
    """Raise `DocumentError` unless `data` is a valid nbformat 3 or 4 notebook for Python
    (`NotPython` for a notebook in another language)."""
    if not isinstance(data, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
            type(data), "a number"
        )
        raise DocumentError(f"not a Jupyter notebook: the JSON value is {kind}, not an object")
    version = data.get("nbformat")
    if version is None:
        raise DocumentError("not a Jupyter notebook: no 'nbformat' key")
    minor = data.get("nbformat_minor", 0)
    if type(version) is not int or type(minor) is not int:
        raise DocumentError(
            "not a Jupyter notebook: 'nbformat' and 'nbformat_minor' must be integers"
        )
    if version not in _SUPPORTED_VERSIONS:
        raise DocumentError(
            f"unsupported nbformat version {version}; nbport reads versions 3 and 4"
        )
    # Before the schema: a notebook in another language is none of nbport's business, even one
    # that nbformat would reject, and it must not block a run (pre-commit) as an error would.
    language = notebook_language(data.get("metadata"))
    if language is not None:
        raise NotPython(language)
    message = _validation_error(data) or _cell_structure_error(data)
    if message is not None:
        raise DocumentError(f"not a Jupyter notebook: {message}")


def _cell_structure_error(data: dict[str, Any]) -> str | None:
    """What nbformat's version 3 schema lets through but no notebook holds: worksheets or cells
    that are not objects (`"worksheets": [null]`)."""
    if data["nbformat"] != 3:
        return None
    sheets = data.get("worksheets", [])
    if not isinstance(sheets, list):
        return "'worksheets' is not an array"
    for number, sheet in enumerate(sheets):
        if not isinstance(sheet, dict):
            return f"worksheets[{number}] is not an object"
        cells = sheet.get("cells", [])
        if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
            return f"worksheets[{number}].cells is not an array of objects"
    return None


def _validation_error(data: dict[str, Any]) -> str | None:
    """The first line of nbformat's complaint about `data`, or None if it is a valid notebook.

    A notebook that nbformat's own schema for its version accepts as it is, nbformat accepts too:
    that test comes first, as the rest (ids repaired on copies, the complaint worded) is needed
    only for the few notebooks it rejects.
    """
    cells = data.get("cells")
    # nbformat has one schema for version 3 and fails (KeyError) on a later 3.x; check those
    # against it, as Jupyter reads them.
    version = data["nbformat"]
    minor = 0 if version == 3 else None
    schema = _schema_validator(version, data.get("nbformat_minor", 0) if minor is None else minor)
    if schema is not None:
        try:
            schema(data)
            return None
        except Exception:  # rejected (or odd input): nbformat.validate says why, below
            pass
    from nbformat import validate
    from nbformat.validator import ValidationError, iter_validate

    with warnings.catch_warnings():
        # nbformat warns about (and fills in) missing or repeated cell ids of a 4.5 notebook.
        warnings.simplefilter("ignore")
        try:
            if isinstance(cells, list) and all(isinstance(cell, dict) for cell in cells):
                # `validate` writes those cell ids into the cells: give it copies, so that the
                # notebook nbport reads is the file's.
                copy = {**data, "cells": [dict(cell) for cell in cells]}
                validate(copy, version=version, version_minor=minor)
            else:
                # `validate` would fail on these before checking the schema; this is the same
                # check minus the id repair.
                error = next(iter_validate(data, version=version, version_minor=minor), None)
                if error is not None:
                    raise error
        except ValidationError as error:
            lines = [line for line in str(error).splitlines() if line.strip()]
            return lines[0] if lines else "invalid notebook structure"
        except Exception as error:
            # nbformat's own bugs on odd input must still end as this file's error, not the run's.
            reason = " ".join(f"{type(error).__name__}: {error}".split())
            return f"nbformat cannot validate it ({reason[:200]})"
    return None


@cache
def _schema_validator(version: int, minor: int) -> Callable[[Any], object] | None:
    """nbformat's JSON schema for notebooks of `version.minor`, compiled with fastjsonschema as
    nbformat compiles it, but with errors that do not describe themselves: a schema's `oneOf`
    (a cell is markdown, code or raw) raises an error for each branch it tries, and building their
    descriptions costs more than the rest of the check. The schema file is read from nbformat's
    folder without importing nbformat (and jsonschema with it). None for a version nbformat has no
    schema file for (it relaxes its latest schema for notebooks newer than itself)."""
    import fastjsonschema

    spec = importlib.util.find_spec("nbformat")
    if spec is None or not spec.submodule_search_locations:
        return None
    name = "nbformat.v3.schema.json" if version == 3 else f"nbformat.v{version}.{minor}.schema.json"
    path = Path(spec.submodule_search_locations[0]) / f"v{version}" / name
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return fastjsonschema.compile(schema, use_default=False, detailed_exceptions=False)


def _tags(cell: Mapping[str, Any]) -> tuple[str, ...]:
    """The strings in a cell's `metadata.tags` (Jupyter's "Add tag"); anything else is ignored."""
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    if not isinstance(tags, list):
        return ()
    return tuple(tag for tag in tags if isinstance(tag, str))


def _cells(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every cell in file order: version 4's `cells`, or the cells of all version 3 worksheets."""
    if data["nbformat"] == 3:
        return [cell for sheet in data.get("worksheets", []) for cell in sheet.get("cells", [])]
    cells: list[dict[str, Any]] = data["cells"]
    return cells


def _with_cells(data: dict[str, Any], replaced: Mapping[int, dict[str, Any]]) -> dict[str, Any]:
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


def _with_value(data: Mapping[str, Any], keys: Sequence[str], value: str) -> dict[str, Any]:
    """A copy of `data` with the string at the path `keys` set, objects on the way copied or made."""
    first, *rest = keys
    inner = data.get(first)
    if rest:
        return {**data, first: _with_value(inner if isinstance(inner, dict) else {}, rest, value)}
    return {**data, first: value}


def _split_like(old: Sequence[str], text: str) -> list[str]:
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


def _joined(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def _duplicate_notice(text: str) -> DocumentNotice:
    """The notice for a text in which `json.loads` found duplicate keys, with where they are."""
    try:
        duplicates = read_layout(text, every_object=True).duplicates
    except RecursionError:
        # Nested deeper than nbport's walker goes (json.loads went deeper): say so without a line.
        duplicates = ()
    if not duplicates:
        # Still block writing: json.loads did find duplicates.
        return DocumentNotice(
            "duplicate JSON key; nbport will not rewrite this file", blocks_writing=True
        )
    first = duplicates[0]
    line = LineIndex(text).line_of(first.offset)
    more = f" (and {len(duplicates) - 1} more)" if len(duplicates) > 1 else ""
    return DocumentNotice(
        f"duplicate JSON key {first.key!r} at line {line}{more}; nbport will not rewrite this file",
        blocks_writing=True,
    )
