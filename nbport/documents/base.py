"""What every document (notebook or script) offers the engine: its units of Python code."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from nbport.escapes import EscapeStyle

if TYPE_CHECKING:
    from nbport.finding import MetadataEdit


class DocumentError(Exception):
    """A file that cannot be read as a document; the message is one line, without the path."""


class NotPython(DocumentError):
    """A document written in another language (an R notebook): nbport skips it, it is no error.

    A `DocumentError` all the same, so that whatever needs Python (`nbport convert`) refuses it;
    `nbport.api` reports it as skipped, with `str(error)` (`not Python (R)`) as the reason.
    """

    def __init__(self, language: str) -> None:
        """`language` as the file names it (`R`, `julia`, `C++17`)."""
        super().__init__(f"not Python ({language})")
        #: The language the file is written in.
        self.language = language

    def __reduce__(self) -> tuple[type[NotPython], tuple[str]]:
        # Rebuilt from the language, not the message, when sent between processes.
        return NotPython, (self.language,)


def read_file(path: Path) -> bytes:
    """The bytes of `path`; an unreadable path raises `DocumentError` with a one-line reason."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DocumentError("no such file") from None
    except IsADirectoryError:
        raise DocumentError("is a directory") from None
    except OSError as error:
        raise DocumentError(f"cannot read: {error.strerror or error}") from None


# A carriage return that does not start a `\r\n` pair: a line ending of its own to Python.
_LONE_CR = re.compile(r"\r(?!\n)")


def python_newlines(text: str) -> str:
    """`text` with each lone `\r` (old Mac line endings) read as `\n`, as CPython's tokenizer
    and IPython read them. Same length, so offsets in it are offsets in `text`; every later step
    (escapes, lines, suppressions) then needs to know only `\n` and `\r\n`."""
    return _LONE_CR.sub("\n", text) if "\r" in text else text


def restore_newlines(original: str, new: str) -> str:
    """The file's form of `new`, text for a unit whose file text is `original`: a unit written
    with `\r` alone gets `\r` for each `\n`, unless `new` brings carriage returns of its own.
    Either way `python_newlines` of the result is `python_newlines(new)`."""
    if "\r" in original and "\n" not in original and "\r" not in new:
        return new.replace("\n", "\r")
    return new


@dataclass(frozen=True)
class Unit:
    """One piece of Python source a rule looks at: a notebook code cell, a percent-script cell, or a script.

    `text` is the source as the file holds it (for a script, the slice of the file, with its own
    line endings), except that a lone `\r` reads as `\n` (`python_newlines`: the same length, so
    offsets are the file's). Positions inside `text` map back to the file through `cell` and
    `first_line`.
    """

    #: Position of this unit in `Document.units()` (0-based); `Document.with_sources` is keyed by it.
    index: int
    #: 1-based cell number counting every cell as Jupyter shows them, or None for a script.
    cell: int | None
    #: The unit's source.
    text: str
    #: 1-based line, in the file, of the first line of `text` (1 for notebook cells).
    first_line: int
    escape_style: EscapeStyle
    #: The cell's Jupyter tags (`metadata.tags`), such as `nbport-ignore`; none for scripts.
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentNotice:
    """Something about a whole document the user must hear, such as why it will not be rewritten."""

    message: str
    #: True when the notice means the file must never be written.
    blocks_writing: bool = False


class Document(Protocol):
    """A notebook or a script, read from `path` and able to write itself back byte for byte."""

    path: Path

    @property
    def raw(self) -> bytes:
        """The bytes the document was read from (for a changed document: the bytes it would write)."""
        ...

    @property
    def kind(self) -> str:
        """`"notebook"` or `"script"`."""
        ...

    @property
    def notices(self) -> Sequence[DocumentNotice]:
        """Problems found while reading that do not stop the document from being checked."""
        ...

    def units(self) -> Sequence[Unit]:
        """The units holding Python code, in file order."""
        ...

    def with_sources(self, changes: Mapping[int, str]) -> Document:
        """A new document in which each unit `index` in `changes` holds the new text."""
        ...

    def dump(self) -> bytes:
        """The file's bytes; equal to `raw` when nothing changed."""
        ...


@runtime_checkable
class MetadataDocument(Document, Protocol):
    """A document with document-level metadata that fixes may edit: notebooks, not scripts.

    An optional capability: `nbport.api.fix_document` applies a fix's `MetadataEdit`s only to
    documents that have it, and rules that need metadata report nothing for the others.
    """

    @property
    def metadata(self) -> Mapping[str, Any]:
        """The document's top-level metadata, read-only."""
        ...

    def with_metadata(self, edits: Sequence[MetadataEdit]) -> MetadataDocument:
        """A new document with each edit's string set in the metadata; `self` if none changes it.

        Only the bytes of each set value (or each inserted member) differ from this file.
        """
        ...


@runtime_checkable
class OutputDocument(Document, Protocol):
    """A document that keeps what its code printed when it last ran: notebooks, not scripts.

    An optional capability, like `MetadataDocument`: a rule that judges by stored outputs
    (NBP302: how long a training run took) reads them only from documents that have it.
    """

    def unit_output_text(self, unit_index: int) -> str:
        """The text of the stored outputs of unit `unit_index`'s cell ("" if it has none)."""
        ...
