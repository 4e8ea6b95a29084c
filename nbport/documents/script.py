"""`.py` files: plain scripts (one unit, the whole file) and jupytext percent scripts (a unit per cell).

The file is decoded by hand, never through text mode, so that its line endings (`\\r\\n` in hundreds
of real scripts) and byte order mark come back exactly as they were. The encoding is the one Python
itself would use (`tokenize.detect_encoding`: BOM, then a `coding:` cookie, else UTF-8).

Percent scripts are split the way jupytext reads them (`jupytext/formats.py` `guess_format`,
`jupytext/cell_reader.py` `DoublePercentScriptCellReader`, `jupytext/header.py`): a `# %%` marker
outside a string starts a cell; `[markdown]`, `[md]` and `[raw]` cells are not Python; a shebang,
coding line and `# ---` YAML header at the top belong to no cell.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbport.documents.base import (
    DocumentError,
    DocumentNotice,
    Unit,
    python_newlines,
    read_file,
    restore_newlines,
)
from nbport.escapes import EscapeStyle, jupytext_is_magic

# jupytext's `guess_format`: a file is a percent script if a line outside strings is one of these.
_PERCENT_DETECT = (
    re.compile(r"^#( %%|%%)$"),
    re.compile(r"^#( %%|%%)\s"),
    re.compile(r"^#( <codecell>| In\[[0-9 ]*\]:?)"),
)
# Cheap test first: most scripts have no line that could be a marker.
_MAY_BE_PERCENT = re.compile(r"^#( ?%%| <codecell>| In\[)", re.MULTILINE)
# jupytext's `DoublePercentScriptCellReader`: the cell markers it splits on (indented ones too).
_CELL_MARKER = re.compile(r"^\s*#\s*%%(%*)\s(.*)$")
_BARE_CELL_MARKER = re.compile(r"^\s*#\s*(%%|<codecell>|In\[[0-9 ]*\]:?)\s*$")
_NOT_CODE = ("[markdown]", "[md]", "[raw]")
# jupytext/header.py
_HEADER_ENCODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-_.a-zA-Z0-9]+)")
_YAML_DELIMITER = re.compile(r"^---\s*$")
# jupytext/cell_reader.py: markdown fences, inside which `# %%` is text (jupytext issue #1533).
_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


@dataclass(frozen=True)
class _Span:
    """Where a unit's text lies in the file's text."""

    start: int
    end: int
    first_line: int


class ScriptDocument:
    """A `.py` file: a plain script, or a jupytext percent script (`# %%` cells).

    Build one with `load` or `from_bytes`; it is never changed in place (`with_sources` returns a
    new one, whose `raw` holds its new bytes).
    """

    path: Path
    raw: bytes

    def __init__(self, path: Path, raw: bytes, *, text: str, encoding: str) -> None:
        """Use `load` or `from_bytes`: this takes text already decoded from `raw` with `encoding`."""
        self.path = path
        self.raw = raw
        self._text = text
        self._encoding = encoding
        # Units are read with Python's newlines (a lone `\r` ends a line); same offsets as `text`.
        self._python_text = python_newlines(text)
        self._spans, self._style = _split(self._python_text)

    # --- Reading ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> ScriptDocument:
        """Read the script at `path`; raises `DocumentError` with a one-line reason."""
        return cls.from_bytes(path, read_file(path))

    @classmethod
    def from_bytes(cls, path: Path, raw: bytes) -> ScriptDocument:
        """The script held in `raw` (read from `path`); raises `DocumentError` if it is binary or
        cannot be decoded with its declared (or the default UTF-8) encoding. An empty file is an
        empty script.
        """
        if b"\0" in raw:
            raise DocumentError("binary file, not a Python script")
        encoding = _detect_encoding(raw)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            label = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding
            # utf-8-sig reports offsets after the BOM it skipped.
            offset = error.start + (3 if encoding == "utf-8-sig" else 0)
            raise DocumentError(
                f"not {label}: invalid byte 0x{raw[offset]:02x} at offset {offset}"
            ) from None
        return cls(path, raw, text=text, encoding=encoding)

    @property
    def kind(self) -> str:
        """Always `"script"`."""
        return "script"

    @property
    def notices(self) -> Sequence[DocumentNotice]:
        """Nothing about a script stops it from being checked or written."""
        return ()

    @property
    def text(self) -> str:
        """The whole file, decoded, line endings as they are."""
        return self._text

    @property
    def python_text(self) -> str:
        """`text` with a lone `\r` read as `\n` (the same length), as units hold it."""
        return self._python_text

    @property
    def encoding(self) -> str:
        """The codec the file is read and written with (`utf-8-sig` when it has a BOM)."""
        return self._encoding

    @property
    def is_percent(self) -> bool:
        """Whether this is a jupytext percent script (one unit per `# %%` code cell)."""
        return self._style is not EscapeStyle.NONE

    def units(self) -> Sequence[Unit]:
        """The whole file for a plain script; each code cell for a percent script."""
        return tuple(
            Unit(
                index=index,
                cell=None,
                text=self._python_text[span.start : span.end],
                first_line=span.first_line,
                escape_style=self._style,
            )
            for index, span in enumerate(self._spans)
        )

    # --- Writing ---------------------------------------------------------------------------------

    def with_sources(self, changes: Mapping[int, str]) -> ScriptDocument:
        """A new script in which unit `index` holds the new text, for each item of `changes`.

        Only each changed unit's span of the file differs. If a percent cell's old text ended with
        a line ending and its new text does not, the old ending is added back so that the next
        cell's `# %%` marker stays on its own line; new text for an empty last cell whose marker
        ends the file gets a line ending before it, for the same reason. Raises `DocumentError` if the new text cannot be
        written in the file's encoding.
        """
        edits: list[tuple[int, int, str]] = []
        for unit_index, new_text in changes.items():
            if not 0 <= unit_index < len(self._spans):
                raise IndexError(f"no unit {unit_index} in {self.path}")
            span = self._spans[unit_index]
            old_text = self._text[span.start : span.end]
            if python_newlines(new_text) == python_newlines(old_text):
                continue
            new_text = restore_newlines(old_text, new_text)
            ending = _line_ending(old_text)
            if ending and span.end < len(self._text) and new_text and not new_text.endswith("\n"):
                new_text += ending
            at_end = span.start == len(self._text)
            if new_text and at_end and self._text and not self._text.endswith("\n"):
                # An empty last cell whose marker ends the file without a newline.
                new_text = ("\r\n" if "\r\n" in self._text else "\n") + new_text
            edits.append((span.start, span.end, new_text))
        if not edits:
            return self
        pieces: list[str] = []
        done = 0
        for start, end, new_text in sorted(edits):
            pieces.append(self._text[done:start])
            pieces.append(new_text)
            done = end
        pieces.append(self._text[done:])
        text = "".join(pieces)
        try:
            raw = text.encode(self._encoding)
        except UnicodeEncodeError as error:
            character = error.object[error.start]
            raise DocumentError(
                f"cannot write {character!r} in this file's encoding ({self._encoding})"
            ) from None
        return ScriptDocument(self.path, raw, text=text, encoding=self._encoding)

    def dump(self) -> bytes:
        """The file's bytes: `raw` itself when nothing changed."""
        return self.raw


def _detect_encoding(raw: bytes) -> str:
    """The encoding Python would read `raw` with, as a codec name; raises `DocumentError`."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as error:
        message = str(error.msg if hasattr(error, "msg") else error)
        if "invalid or missing encoding declaration" in message:
            # No cookie, and the first lines are not UTF-8: report where, like any other file.
            return "utf-8"
        raise DocumentError(f"bad encoding declaration: {message}") from None
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DocumentError(f"unknown encoding: {encoding}") from None
    return encoding


def _line_ending(text: str) -> str:
    """The line ending `text` ends with (`\\r\\n` or `\\n`), or ""."""
    if text.endswith("\r\n"):
        return "\r\n"
    return "\n" if text.endswith("\n") else ""


# --- Splitting percent scripts ---------------------------------------------------------------------


def _split(text: str) -> tuple[tuple[_Span, ...], EscapeStyle]:
    """The units' spans in `text` and how escapes are written in them."""
    if not _MAY_BE_PERCENT.search(text):
        return (_Span(0, len(text), 1),), EscapeStyle.NONE
    lines = text.split("\n")
    # Offsets of each line's start; "lines" are split on \n so \r\n files keep their \r.
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    bare = [line[:-1] if line.endswith("\r") else line for line in lines]
    if text == "" or not _is_percent(bare):
        return (_Span(0, len(text), 1),), EscapeStyle.NONE
    style = EscapeStyle.LIVE if _has_live_magic(bare) else EscapeStyle.COMMENTED
    spans: list[_Span] = []
    position = _header_end(bare)
    count = len(bare)
    if text.endswith("\n"):
        count -= 1  # the empty string after the last newline is not a line
    while position < count:
        marker = bare[position]
        has_marker = bool(_CELL_MARKER.match(marker) or _BARE_CELL_MARKER.match(marker))
        code = not has_marker or _is_code_marker(marker)
        following = _next_cell(bare, position, count, code)
        first = position + 1 if has_marker else position
        start = starts[first] if first < len(starts) else len(text)
        end = starts[following] if following < len(starts) else len(text)
        if code and (has_marker or text[start:end].strip()):
            spans.append(_Span(start, end, first + 1))
        position = following
    return tuple(spans), style


def _is_percent(lines: Sequence[str]) -> bool:
    """jupytext's `guess_format` test for the percent (or hydrogen) format."""
    quotes = _QuoteTracker()
    for line in lines:
        quotes.read_line(line)
        if quotes.is_quoted():
            continue
        if any(pattern.match(line) for pattern in _PERCENT_DETECT):
            return True
    return False


def _has_live_magic(lines: Sequence[str]) -> bool:
    """jupytext's test for the hydrogen flavour: a magic that is not commented out.

    jupytext reads such a file with `comment_magics` off, so `# !cmd` stays a comment there. Unlike
    jupytext, an indented commented magic (`    # %tensorflow_version 2.x` under `try:`, common in
    Colab code) counts as commented: read as hydrogen, its `try:` would hold only a comment and the
    cell would not parse (`nbport convert` reads such scripts the same way).
    """
    quotes = _QuoteTracker()
    for line in lines:
        quotes.read_line(line)
        if quotes.is_quoted():
            continue
        if not line.lstrip().startswith("#") and jupytext_is_magic(line):
            return True
    return False


def _header_end(lines: Sequence[str]) -> int:
    """Index of the first line after the header jupytext strips (`header_to_metadata_and_cell`)."""
    start = 0
    started = False
    for index, line in enumerate(lines):
        if index == 0 and line.startswith("#!"):
            start = index + 1
            continue
        if (index == 0 or (index == 1 and not _HEADER_ENCODING.match(lines[0]))) and (
            _HEADER_ENCODING.match(line)
        ):
            start = index + 1
            continue
        if not line.startswith("#"):
            break
        uncommented = line[2:] if line.startswith("# ") else line[1:]
        if _YAML_DELIMITER.match(uncommented):
            if not started:
                started = True
                continue
            # The header ends here, with one blank line after it if there is one.
            if index + 1 < len(lines) and not lines[index + 1].strip():
                return index + 2
            return index + 1
        if not started and uncommented.strip():
            break
    return start


def _is_code_marker(line: str) -> bool:
    """Whether the cell a marker opens is a code cell (not `[markdown]`, `[md]`, `[raw]`)."""
    match = _CELL_MARKER.match(line)
    if match is None:
        return True
    return not any(kind in _marker_title(match.group(2)) for kind in _NOT_CODE)


def _marker_title(options: str) -> str:
    """The title part of a marker's options, before its metadata (jupytext's `text_to_metadata`)."""
    text = options.strip()
    brace = text.find("{")
    equals = text.find("=")
    if brace >= 0 and not 0 <= equals < brace:
        return text[:brace].strip()  # JSON metadata
    if equals >= 0:
        words = text[:equals].split(" ")
        while words and not words[-1]:
            words.pop()
        if words:
            words.pop()  # the key of the first key=value
    else:
        words = text.split(" ")
    while words and (not words[-1].strip() or words[-1].startswith(".")):
        words.pop()
    return " ".join(words)


def _next_cell(lines: Sequence[str], position: int, count: int, code: bool) -> int:
    """Index of the marker starting the cell after the one at `position` (or `count`)."""
    quotes = _QuoteTracker()
    fence: tuple[str, int] | None = None
    for index in range(position, count):
        line = lines[index]
        if quotes.is_quoted():
            quotes.read_line(line)
            continue
        quotes.read_line(line)
        if not code:
            text = _uncomment(line)
            if fence is not None:
                if _closes_fence(text, fence):
                    fence = None
                continue
            opening = _opening_fence(text)
            if opening is not None and any(
                _closes_fence(_uncomment(later), opening) for later in lines[index + 1 : count]
            ):
                fence = opening
                continue
        if index > position and (_CELL_MARKER.match(line) or _BARE_CELL_MARKER.match(line)):
            return index
    return count


def _uncomment(line: str) -> str:
    """jupytext's `uncomment` with the `#` prefix."""
    if line.startswith("# "):
        return line[2:]
    return line[1:] if line.startswith("#") else line


def _opening_fence(text: str) -> tuple[str, int] | None:
    match = _CODE_FENCE.match(text)
    if not match or (match.group(1)[0] == "`" and "`" in match.group(2)):
        return None
    return match.group(1)[0], len(match.group(1))


def _closes_fence(text: str, fence: tuple[str, int]) -> bool:
    match = _CODE_FENCE.match(text)
    return (
        match is not None
        and match.group(1)[0] == fence[0]
        and len(match.group(1)) >= fence[1]
        and not match.group(2).strip()
    )


class _QuoteTracker:
    """jupytext's `StringParser` for Python: is the next line inside a string?

    A heuristic on purpose: jupytext decides with it where cells start, and so must we.
    """

    def __init__(self) -> None:
        self.single: str | None = None
        self.triple: str | None = None

    def is_quoted(self) -> bool:
        """Whether the next line starts inside a string."""
        return bool(self.single or self.triple)

    def read_line(self, line: str) -> None:
        """Follow the quotes on `line`."""
        if not self.is_quoted() and line.lstrip().startswith("#"):
            return
        triple_start = -1
        for index, char in enumerate(line):
            if self.single is None and self.triple is None and char == "#":
                break
            if char not in "\"'":
                continue
            if line[index - 1 : index] == "\\":
                continue
            if self.single == char:
                self.single = None
                continue
            if self.single is not None:
                continue
            if line[index - 2 : index + 1] == 3 * char and index >= triple_start + 3:
                if self.triple == char:
                    self.triple = None
                    triple_start = index
                    continue
                if self.triple is not None:
                    continue
                self.triple = char
                triple_start = index
                continue
            if self.triple is not None:
                continue
            self.single = char
        self.single = None
