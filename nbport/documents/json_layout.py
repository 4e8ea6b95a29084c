"""Where a notebook's JSON text holds its cell sources, and how the file writes JSON.

`json.loads` gives values but no positions, and silently keeps only the last of two equal keys.
This module walks the text once more (only when positions are needed) to find the span of every
cell's `source` (v3: `input`) value and every duplicate key, and learns the file's JSON style
(string escapes, list layout, indent) so that a changed source can be written back the way the
file's own writer would have written it, while every other byte of the file stays as it was.

All offsets are `str` indices into the decoded text (without a UTF-8 byte order mark).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, but not in typeshed
from json.scanner import make_scanner
from typing import Any, cast

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# What `json.loads` accepts besides strings and containers (it allows NaN and Infinity too).
_SCALAR = re.compile(
    r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null|NaN|-?Infinity"
)
# The C scanner behind `json.loads`: skips a value we do not need at C speed, telling where it ends.
# (typeshed types `make_scanner` as the class it is in pure Python; it takes the decoder.)
_scan_value = make_scanner(cast(Any, json.JSONDecoder()))


# --- Reading -------------------------------------------------------------------------------------


def _match_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where `pattern`, matched at `pos`, ends; a value `json.loads` accepted always matches."""
    match = pattern.match(text, pos)
    if match is None:
        raise ValueError(f"unexpected JSON text at offset {pos}")
    return match.end()


def loads_counting_duplicates(text: str) -> tuple[Any, int]:
    """Parse `text` like `json.loads` and count the object keys that occur twice in one object.

    Raises `json.JSONDecodeError` as `json.loads` does.
    """
    duplicates = 0

    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates
        built = dict(pairs)
        if len(built) != len(pairs):
            duplicates += len(pairs) - len(built)
        return built

    return json.loads(text, object_pairs_hook=build), duplicates


@dataclass(frozen=True)
class ValueSpan:
    """A cell's `source` (or v3 `input`) value in the text."""

    #: Offset of the value's first character (`"` or `[`).
    start: int
    #: Offset just after the value's last character.
    end: int
    #: Offset of the opening quote of the key naming this value.
    key_start: int
    #: For a list value, the span of each item; None for a string value.
    items: tuple[tuple[int, int], ...] | None


@dataclass(frozen=True)
class CellSpans:
    """One cell object of the notebook, in file order."""

    #: Offset of the cell's `{`.
    start: int
    cell_type: str | None
    #: The `source` value, if the cell has one.
    source: ValueSpan | None
    #: The `input` value (code cells of nbformat 3), if the cell has one.
    input: ValueSpan | None


@dataclass(frozen=True)
class DuplicateKey:
    """A key that occurs a second (or later) time in the same object."""

    key: str
    #: Offset of the repeated key's opening quote.
    offset: int


@dataclass(frozen=True)
class ListLayout:
    """How a non-empty list is laid out: `[` prefix item separator item ... suffix `]`."""

    prefix: str
    separator: str
    suffix: str


@dataclass(frozen=True)
class NotebookLayout:
    """The spans of a notebook's cells and duplicate keys, and what the file shows of its layout."""

    cells: tuple[CellSpans, ...]
    duplicates: tuple[DuplicateKey, ...]
    #: The whitespace the file puts after a comma between items on the same line, if it has any.
    inline_space: str | None
    #: The whitespace before the first key of the top-level object.
    top_space: str

    def list_layout(self, text: str, cell: CellSpans, value: ValueSpan) -> ListLayout:
        """The layout to write `cell`'s list `value` with, learned from the value or its siblings.

        An empty list shows nothing of the layout, so it borrows from another source list whose
        key has the same indentation, or else builds it from the file's indent unit and the key's
        indent.
        """
        own = _own_layout(text, value, self.inline_space)
        if own is not None:
            return own
        indent = _line_indent(text, value.key_start)
        single_item: ListLayout | None = None
        for other_cell in self.cells:
            for other in (other_cell.source, other_cell.input):
                if other is None or _line_indent(text, other.key_start) != indent:
                    continue
                layout = _own_layout(text, other, self.inline_space)
                if layout is not None and len(other.items or ()) > 1:
                    return layout
                single_item = single_item or layout
        if single_item is not None:
            return single_item
        if indent is None:
            # The key does not start a line: the file writes this object on one line.
            space = self.inline_space if self.inline_space is not None else " "
            return ListLayout("", "," + space, "")
        newline = _newline_before(text, value.key_start)
        inner = newline + indent + self._indent_unit(text, cell, indent)
        return ListLayout(inner, "," + inner, newline + indent)

    def _indent_unit(self, text: str, cell: CellSpans, key_indent: str) -> str:
        # The cell's `{` is one level out from its keys: the difference is one indent unit.
        cell_indent = _line_indent(text, cell.start)
        if (
            cell_indent is not None
            and key_indent.startswith(cell_indent)
            and len(key_indent) > len(cell_indent)
        ):
            return key_indent[len(cell_indent) :]
        # Otherwise the top-level object's first key is indented by exactly one unit.
        if "\n" in self.top_space:
            return self.top_space[self.top_space.rfind("\n") + 1 :]
        return " "


def _own_layout(text: str, value: ValueSpan, inline_space: str | None) -> ListLayout | None:
    items = value.items
    if not items:
        return None
    prefix = text[value.start + 1 : items[0][0]]
    suffix = text[items[-1][1] : value.end - 1]
    if len(items) > 1:
        # The most common separator: a list some tool edited by hand may have a few odd ones.
        separators = Counter(text[end:start] for (_, end), (start, _) in pairwise(items))
        separator = separators.most_common(1)[0][0]
    elif "\n" in prefix:
        # One item on its own line: more items go on their own lines the same way.
        separator = "," + prefix
    else:
        separator = "," + (inline_space if inline_space is not None else " ")
    return ListLayout(prefix, separator, suffix)


def _line_indent(text: str, offset: int) -> str | None:
    """The whitespace from the line start to `offset`, or None if something else precedes it."""
    line_start = text.rfind("\n", 0, offset) + 1
    indent = text[line_start:offset]
    if line_start == 0 or indent.strip(" \t"):
        return None
    return indent


def _newline_before(text: str, offset: int) -> str:
    at = text.rfind("\n", 0, offset)
    return "\r\n" if at > 0 and text[at - 1] == "\r" else "\n"


class _Walker:
    """Walks JSON text that `json.loads` already accepted, recording what a notebook edit needs."""

    def __init__(self, text: str, *, every_object: bool) -> None:
        self._text = text
        # Descend into every object (to find every duplicate key) rather than skip what edits
        # do not need with the C scanner.
        self._every_object = every_object
        self.duplicates: list[DuplicateKey] = []
        self.inline_space: str | None = None

    def _space(self, pos: int) -> int:
        return _match_end(_WHITESPACE, self._text, pos)

    def _note_comma(self, comma: int, after: int) -> None:
        if self.inline_space is None:
            space = self._text[comma + 1 : after]
            if "\n" not in space and "\r" not in space:
                self.inline_space = space

    def members(self, pos: int, on_member: Callable[[str, int, int], int]) -> int:
        """Walk the object at `pos`; `on_member(key, key_start, value_start)` returns its end."""
        text = self._text
        pos = self._space(pos + 1)
        if text[pos] == "}":
            return pos + 1
        seen: set[str] = set()
        while True:
            key_start = pos
            key, pos = scanstring(text, pos + 1)
            if key in seen:
                self.duplicates.append(DuplicateKey(key, key_start))
            seen.add(key)
            pos = self._space(self._space(pos) + 1)  # past the colon
            pos = self._space(on_member(key, key_start, pos))
            if text[pos] != ",":
                return pos + 1  # the closing brace
            after = self._space(pos + 1)
            self._note_comma(pos, after)
            pos = after

    def items(self, pos: int, on_item: Callable[[int], int]) -> int:
        """Walk the array at `pos`; `on_item(value_start)` returns the item's end."""
        text = self._text
        pos = self._space(pos + 1)
        if text[pos] == "]":
            return pos + 1
        while True:
            pos = self._space(on_item(pos))
            if text[pos] != ",":
                return pos + 1  # the closing bracket
            after = self._space(pos + 1)
            self._note_comma(pos, after)
            pos = after

    def skip(self, pos: int) -> int:
        """The end of the value at `pos`, walking it only if every object must be seen."""
        if not self._every_object:
            return _scan_value(self._text, pos)[1]
        first = self._text[pos]
        if first == "{":
            return self.members(pos, lambda _key, _key_start, value: self.skip(value))
        if first == "[":
            return self.items(pos, self.skip)
        if first == '"':
            return scanstring(self._text, pos + 1)[1]
        return _match_end(_SCALAR, self._text, pos)

    def string_or_list(self, key_start: int, pos: int) -> tuple[ValueSpan | None, int]:
        """The span of a string or list-of-strings value at `pos`, and its end."""
        text = self._text
        if text[pos] == '"':
            end = scanstring(text, pos + 1)[1]
            return ValueSpan(pos, end, key_start, None), end
        if text[pos] != "[":
            return None, self.skip(pos)
        spans: list[tuple[int, int]] = []
        all_strings = True

        def item(start: int) -> int:
            nonlocal all_strings
            if text[start] != '"':
                all_strings = False
                return self.skip(start)
            end = scanstring(text, start + 1)[1]
            spans.append((start, end))
            return end

        end = self.items(pos, item)
        if not all_strings:
            return None, end
        return ValueSpan(pos, end, key_start, tuple(spans)), end

    def cell(self, pos: int, cells: list[CellSpans]) -> int:
        """Record the cell object at `pos` in `cells`; return its end."""
        if self._text[pos] != "{":
            end = self.skip(pos)
            cells.append(CellSpans(pos, None, None, None))
            return end
        found: dict[str, Any] = {}

        def member(key: str, key_start: int, value: int) -> int:
            if key == "cell_type" and self._text[value] == '"':
                found[key], end = scanstring(self._text, value + 1)
                return end
            if key in ("source", "input"):
                # A repeated key replaces the earlier value, as in `json.loads`.
                found[key], end = self.string_or_list(key_start, value)
                return end
            return self.skip(value)

        end = self.members(pos, member)
        cells.append(
            CellSpans(pos, found.get("cell_type"), found.get("source"), found.get("input"))
        )
        return end

    def cell_list(self, pos: int) -> tuple[list[CellSpans], int]:
        """The cells of the array at `pos`, and its end."""
        cells: list[CellSpans] = []
        if self._text[pos] != "[":
            return cells, self.skip(pos)
        return cells, self.items(pos, lambda item: self.cell(item, cells))

    def notebook(self) -> tuple[list[CellSpans], str]:
        """Walk the whole text: the cells in file order (v4 `cells` or v3 worksheets' cells)."""
        text = self._text
        start = self._space(0)
        found: dict[str, list[CellSpans]] = {}
        worksheets: list[list[CellSpans]] = []

        def worksheet(pos: int) -> int:
            own: dict[str, list[CellSpans]] = {}

            def member(key: str, _key_start: int, value: int) -> int:
                if key == "cells":
                    own[key], end = self.cell_list(value)
                    return end
                return self.skip(value)

            if text[pos] != "{":
                return self.skip(pos)
            end = self.members(pos, member)
            worksheets.append(own.get("cells", []))
            return end

        def member(key: str, _key_start: int, value: int) -> int:
            nonlocal worksheets
            if key == "cells":
                found[key], end = self.cell_list(value)
                return end
            if key == "worksheets" and text[value] == "[":
                worksheets = []
                return self.items(value, worksheet)
            return self.skip(value)

        top_space = ""
        if text[start] == "{":
            first_key = self._space(start + 1)
            top_space = text[start + 1 : first_key]
            self.members(start, member)
        else:
            self.skip(start)
        if "cells" in found:
            return found["cells"], top_space
        return [cell for sheet in worksheets for cell in sheet], top_space


def read_layout(text: str, *, every_object: bool = False) -> NotebookLayout:
    """Find the cells' source spans in notebook JSON `text`, which `json.loads` must accept.

    With `every_object`, every object is walked so that every duplicate key is found; otherwise only
    the objects on the way to the cell sources are (the rest is skipped at C speed).
    """
    walker = _Walker(text, every_object=every_object)
    cells, top_space = walker.notebook()
    return NotebookLayout(tuple(cells), tuple(walker.duplicates), walker.inline_space, top_space)


# --- Writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StringStyle:
    """How a file's writer escapes JSON strings; the defaults are Python's `json.dumps`."""

    #: Every non-ASCII character as `\\uXXXX` (astral ones as surrogate pairs).
    ensure_ascii: bool = False
    #: `<`, `>`, `&` as `\\u003c`, `\\u003e`, `\\u0026` (Go's encoding/json; Colab in 2018-19).
    escape_html: bool = False
    #: `/` as `\\/`.
    escape_slash: bool = False
    #: U+2028 and U+2029 as `\\u2028`, `\\u2029` even when other non-ASCII is written as is.
    escape_line_separators: bool = False
    #: DEL (U+007F) as `\\u007f`.
    escape_del: bool = False
    #: Backspace and form feed as `\\b`, `\\f` rather than `\\u0008`, `\\u000c`.
    short_escapes: bool = True
    #: Hex digits of `\\u` escapes in upper case.
    uppercase_hex: bool = False

    @classmethod
    def learn(cls, text: str) -> StringStyle:
        """The style of the strings in JSON `text`, by majority where a file mixes styles."""
        non_ascii_escaped = separators_escaped = html_escaped = del_escaped = 0
        slash_escaped = short = long = upper = lower = 0
        for match in _ESCAPE.finditer(text):
            hex_digits, letter = match.groups()
            if letter is not None:
                if letter == "/":
                    slash_escaped += 1
                else:
                    short += 1
                continue
            if hex_digits is None:
                continue  # an escaped backslash
            code = int(hex_digits, 16)
            if hex_digits != hex_digits.lower():
                upper += 1
            elif hex_digits != hex_digits.upper():
                lower += 1
            if code in (0x2028, 0x2029):
                separators_escaped += 1
            elif code >= 0x80:
                non_ascii_escaped += 1
            elif code in (0x3C, 0x3E, 0x26):
                html_escaped += 1
            elif code == 0x7F:
                del_escaped += 1
            elif code in (0x08, 0x0C):
                long += 1
        # Valid JSON holds none of these characters outside strings: each occurrence is in one.
        separators_literal = text.count("\u2028") + text.count("\u2029")
        non_ascii_literal = len(_NON_ASCII.findall(text)) - separators_literal
        html_literal = text.count("<") + text.count(">") + text.count("&")
        del_literal = text.count("\x7f")
        ensure_ascii = non_ascii_escaped > non_ascii_literal
        escape_html = html_escaped > html_literal
        if separators_escaped or separators_literal:
            escape_line_separators = separators_escaped > separators_literal
        else:
            # Writers that escape HTML characters (Go) escape these too; Python's never does.
            escape_line_separators = escape_html
        return cls(
            ensure_ascii=ensure_ascii,
            escape_html=escape_html,
            # Each `\/` holds a slash too.
            escape_slash=slash_escaped > text.count("/") - slash_escaped,
            escape_line_separators=escape_line_separators,
            escape_del=del_escaped > del_literal if del_escaped or del_literal else ensure_ascii,
            short_escapes=short >= long,
            uppercase_hex=upper > lower,
        )

    def encode(self, value: str) -> str:
        """`value` as a JSON string token in this style."""
        return '"' + value.translate(_escape_table(self)) + '"'


# An escape sequence; an escaped backslash is matched as a whole so the scan stays aligned.
_ESCAPE = re.compile(r"\\(?:\\|u([0-9a-fA-F]{4})|([/bf]))")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class _EscapeTable(dict[int, str]):
    """A `str.translate` table that works out (and remembers) the token of each new character."""

    def __init__(self, style: StringStyle) -> None:
        super().__init__()
        self._style = style
        hex_format = "\\u{:04X}" if style.uppercase_hex else "\\u{:04x}"
        self._hex_format = hex_format
        for code in range(0x20):
            self[code] = hex_format.format(code)
        self.update({0x22: '\\"', 0x5C: "\\\\", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"})
        if style.short_escapes:
            self.update({0x08: "\\b", 0x0C: "\\f"})
        if style.escape_html:
            self.update({code: hex_format.format(code) for code in (0x3C, 0x3E, 0x26)})
        if style.escape_slash:
            self[0x2F] = "\\/"
        if style.escape_del:
            self[0x7F] = hex_format.format(0x7F)
        if style.escape_line_separators:
            self.update({code: hex_format.format(code) for code in (0x2028, 0x2029)})

    def __missing__(self, code: int) -> str:
        if 0xD800 <= code <= 0xDFFF:
            # A lone surrogate cannot be written as UTF-8: only as an escape.
            token = self._hex_format.format(code)
        elif code < 0x80 or not self._style.ensure_ascii:
            token = chr(code)
        elif code > 0xFFFF:
            high, low = divmod(code - 0x10000, 0x400)
            token = self._hex_format.format(0xD800 + high) + self._hex_format.format(0xDC00 + low)
        else:
            token = self._hex_format.format(code)
        self[code] = token
        return token


@lru_cache(maxsize=64)
def _escape_table(style: StringStyle) -> _EscapeTable:
    return _EscapeTable(style)


def encode_source(
    value: str | Sequence[str],
    style: StringStyle,
    layout: ListLayout | None,
    known_tokens: Mapping[str, str] | None = None,
) -> str:
    """A `source` value (one string, or a list of line strings) as JSON text in the file's style.

    `layout` is required for a list. A line found in `known_tokens` is written with that token, so
    lines that did not change keep their exact original bytes.
    """
    if isinstance(value, str):
        return style.encode(value)
    if not value:
        return "[]"
    if layout is None:
        raise ValueError("a list value needs a layout")
    known = known_tokens or {}
    tokens = [known.get(line) or style.encode(line) for line in value]
    return "[" + layout.prefix + layout.separator.join(tokens) + layout.suffix + "]"


def decoded_tokens(text: str, value: ValueSpan) -> dict[str, str]:
    """Each item of the list `value` decoded, mapped to its token as the file writes it."""
    tokens: dict[str, str] = {}
    for start, end in value.items or ():
        tokens.setdefault(scanstring(text, start + 1)[0], text[start:end])
    return tokens


# --- Setting a member of an object ---------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    """One member of an object in the text."""

    key: str
    key_start: int
    #: Offset just after the key's closing quote.
    key_end: int
    value_start: int
    value_end: int


#: A value `set_member` can write: a string, or objects of them for members it has to create.
NewValue = str | Mapping[str, "NewValue"]


def set_member(
    text: str, keys: Sequence[str], value: str, style: StringStyle, inline_space: str | None
) -> tuple[int, int, str] | None:
    """The one edit of JSON `text` that makes the member at `keys` hold the string `value`.

    `keys` is a path of object keys from the top-level object. The edit is `(start, end,
    replacement)` for `text[start:end]`, or None when the member already holds `value`. An existing
    member keeps its place and only its value is replaced; a missing one is appended to the
    deepest object of the path that exists, with new objects for the rest of the path, written the
    way the file writes that object's other members (separators, indent, one line or many).
    `inline_space` is the whitespace the file puts after a comma on one line, if known. Raises
    `ValueError` when a value on the path is not an object.
    """
    if not keys:
        raise ValueError("set_member needs at least one key")
    walker = _Walker(text, every_object=False)
    pos = walker._space(0)
    # Each object on the path so far: (offset of its `{`, its members).
    path: list[tuple[int, list[_Member]]] = []
    member: _Member | None = None
    for depth, key in enumerate(keys):
        if text[pos] != "{":
            where = ".".join(keys[:depth]) or "the top-level value"
            raise ValueError(f"{where} is not an object")
        members, end = _object_members(walker, pos)
        path.append((pos, members))
        found = [candidate for candidate in members if candidate.key == key]
        if not found:
            new_value: NewValue = value
            for inner in reversed(keys[depth + 1 :]):
                new_value = {inner: new_value}
            return _insert_member(text, path, end, key, new_value, style, inline_space)
        member = found[-1]  # json.loads keeps the last of repeated keys
        pos = member.value_start
    assert member is not None
    if text[pos] == '"' and scanstring(text, pos + 1)[0] == value:
        return None
    return member.value_start, member.value_end, style.encode(value)


def _object_members(walker: _Walker, pos: int) -> tuple[list[_Member], int]:
    """The members of the object at `pos`, and its end."""
    text = walker._text
    members: list[_Member] = []

    def on_member(key: str, key_start: int, value: int) -> int:
        end = walker.skip(value)
        key_end = scanstring(text, key_start + 1)[1]
        members.append(_Member(key, key_start, key_end, value, end))
        return end

    return members, walker.members(pos, on_member)


def _insert_member(
    text: str,
    path: Sequence[tuple[int, Sequence[_Member]]],
    end: int,
    key: str,
    value: NewValue,
    style: StringStyle,
    inline_space: str | None,
) -> tuple[int, int, str]:
    """The edit appending member `key` to the last object of `path`, which ends at `end`."""
    start, members = path[-1]
    newline = _newline_before(text, end)
    # The file is written on many lines when its top-level object's first key starts a line.
    top_start, top_members = path[0]
    top_prefix = text[top_start + 1 : top_members[0].key_start] if top_members else ""
    many_lines = "\n" in top_prefix or "\r" in top_prefix
    colon = _colon(text, path)
    unit = _indent_unit(text, path, top_prefix)
    inline_separator = _inline_separator(text, path, inline_space)

    def written(value: NewValue, indent: str) -> str:
        if isinstance(value, str):
            return style.encode(value)
        inner = indent + unit
        parts = [style.encode(name) + colon + written(item, inner) for name, item in value.items()]
        if not many_lines:
            return "{" + inline_separator.join(parts) + "}"
        return "{" + newline + inner + ("," + newline + inner).join(parts) + newline + indent + "}"

    if not members:
        # `{}` shows nothing of its layout: write the whole object again, as the file would.
        indent = _leading_space(text, start)
        return start, end, written({key: value}, indent)
    last = members[-1]
    if len(members) > 1:
        between = Counter(text[a.value_end : b.key_start] for a, b in pairwise(members))
        separator = between.most_common(1)[0][0]
    else:
        prefix = text[start + 1 : last.key_start]
        separator = "," + prefix if "\n" in prefix else inline_separator
    # The new member's line starts the way the separator ends (nothing on one line).
    member_indent = separator[max(separator.rfind("\n"), separator.rfind("\r")) + 1 :]
    if member_indent.strip(" \t"):
        member_indent = ""
    member = style.encode(key) + colon + written(value, member_indent)
    return last.value_end, last.value_end, separator + member


def _inline_separator(
    text: str, path: Sequence[tuple[int, Sequence[_Member]]], inline_space: str | None
) -> str:
    """What the file writes between two members on one line: `, ` (Python's default) or `,`."""
    for _start, members in reversed(path):
        for first, second in pairwise(members):
            between = text[first.value_end : second.key_start]
            if "\n" not in between and "\r" not in between:
                return between
    return "," + (inline_space if inline_space is not None else " ")


def _colon(text: str, path: Sequence[tuple[int, Sequence[_Member]]]) -> str:
    """What the file writes between a key and its value, from the nearest object that shows it."""
    for _start, members in reversed(path):
        for member in members:
            return text[member.key_end : member.value_start]
    return ": "


def _indent_unit(text: str, path: Sequence[tuple[int, Sequence[_Member]]], top_prefix: str) -> str:
    """One level of indent: how much deeper the nearest object's keys stand than its `{` line."""
    for start, members in reversed(path):
        if not members:
            continue
        outer = _leading_space(text, start)
        inner = _line_indent(text, members[0].key_start)
        if inner is not None and inner.startswith(outer) and len(inner) > len(outer):
            return inner[len(outer) :]
    return top_prefix[max(top_prefix.rfind("\n"), top_prefix.rfind("\r")) + 1 :]


def _leading_space(text: str, offset: int) -> str:
    """The spaces and tabs that begin the line holding `offset`."""
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    line_end = line_start
    while line_end < offset and text[line_end] in " \t":
        line_end += 1
    return text[line_start:line_end]


# --- Inserting an item at the start of an array --------------------------------------------------

#: A value `insert_first_item` can write: strings, lists and objects of them.
ItemValue = str | Sequence["ItemValue"] | Mapping[str, "ItemValue"]


def insert_first_item(
    text: str, key: str, value: ItemValue, style: StringStyle, inline_space: str | None
) -> tuple[int, int, str]:
    """The edit of JSON `text` that puts `value` first in the array of top-level member `key`.

    The edit is `(start, end, replacement)` for `text[start:end]`; for a non-empty array it is a
    pure insertion before the first item. `value` is written the way the file writes the array's
    current first item (its indent, indent unit, separators, colon, one line or many), so a cell
    added to a Colab notebook looks like Colab wrote it and one added to a Jupyter notebook looks
    like Jupyter did. Raises `ValueError` when the member is missing or not an array.
    """
    walker = _Walker(text, every_object=False)
    top = walker._space(0)
    if text[top] != "{":
        raise ValueError("the top-level value is not an object")
    members, _end = _object_members(walker, top)
    found = [member for member in members if member.key == key]
    if not found or text[found[-1].value_start] != "[":
        raise ValueError(f"no {key!r} array")
    array = found[-1].value_start
    items: list[tuple[int, int]] = []

    def on_item(start: int) -> int:
        end = walker.skip(start)
        items.append((start, end))
        return end

    array_end = walker.items(array, on_item)
    top_prefix = text[top + 1 : members[0].key_start]
    newline = _newline_before(text, array_end)
    colon = _colon(text, [(top, members)])
    inline_separator = _inline_separator(text, [(top, members)], inline_space)
    if not items:
        # `[]` shows nothing of its layout: build it from the key's indent and the file's unit.
        many_lines = "\n" in top_prefix or "\r" in top_prefix
        unit = _indent_unit(text, [(top, members)], top_prefix)
        outer = _leading_space(text, found[-1].key_start)
        writer = _ValueWriter(style, colon, unit, newline, inline_separator, many_lines)
        inner = outer + unit
        if not many_lines:
            return array, array_end, "[" + writer.write(value, "") + "]"
        return (
            array,
            array_end,
            "[" + newline + inner + writer.write(value, inner) + newline + outer + "]",
        )
    first_start, first_end = items[0]
    prefix = text[array + 1 : first_start]
    many_lines = "\n" in prefix or "\r" in prefix
    if len(items) > 1:
        separator = text[first_end : items[1][0]]
    else:
        separator = "," + prefix if many_lines else inline_separator
    indent = _leading_space(text, first_start) if many_lines else ""
    unit = _indent_unit(text, [(top, members)], top_prefix)
    if text[first_start] == "{":
        # The first item's own members show the unit and colon nearest to where `value` goes.
        item_members, _ = _object_members(walker, first_start)
        if item_members:
            path = [(first_start, item_members)]
            unit = _indent_unit(text, path, top_prefix) if many_lines else unit
            colon = _colon(text, path)
            inline_separator = _inline_separator(text, path, inline_separator[1:])
    writer = _ValueWriter(style, colon, unit, newline, inline_separator, many_lines)
    return first_start, first_start, writer.write(value, indent) + separator


@dataclass(frozen=True)
class _ValueWriter:
    """Writes a new JSON value in a file's style."""

    style: StringStyle
    colon: str
    unit: str
    newline: str
    inline_separator: str
    many_lines: bool

    def write(self, value: ItemValue, indent: str) -> str:
        """`value` as JSON text whose first line is at `indent` (the rest follow the unit)."""
        if isinstance(value, str):
            return self.style.encode(value)
        if isinstance(value, Mapping):
            parts = [
                self.style.encode(name) + self.colon + self.write(item, indent + self.unit)
                for name, item in value.items()
            ]
            return self._wrap("{", parts, "}", indent)
        return self._wrap(
            "[", [self.write(item, indent + self.unit) for item in value], "]", indent
        )

    def _wrap(self, opening: str, parts: list[str], closing: str, indent: str) -> str:
        if not parts:
            return opening + closing
        if not self.many_lines:
            return opening + self.inline_separator.join(parts) + closing
        inner = self.newline + indent + self.unit
        return opening + inner + ("," + inner).join(parts) + self.newline + indent + closing
