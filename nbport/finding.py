"""The values a check produces: findings, their locations and the text edits that fix them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class FixSafety(Enum):
    """How far a fix can be trusted, as in ruff: safe fixes keep behaviour, unsafe ones may not."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    NONE = "none"


class Severity(Enum):
    """What a rule's findings mean for the code: it *fails* on the target (an import error, an
    AttributeError, a cell that hangs), or it *risks* work or time (a run lost to a reset)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace `text[start:end]` of a unit's source with `replacement`."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, order=True)
class MetadataEdit:
    """Set one string in a notebook's top-level `metadata`: `keys` is the path below it.

    `MetadataEdit(("colab", "gpuType"), "T4")` sets `metadata.colab.gpuType`, creating the `colab`
    object if the notebook has none. Only notebooks have metadata (see
    `nbport.documents.base.MetadataDocument`).
    """

    keys: tuple[str, ...]
    value: str


@dataclass(frozen=True)
class Fix:
    """The edits that fix one finding, applied together or not at all.

    `edits` change the text of the finding's unit; `metadata` changes the notebook's own metadata
    (a fix may have either or both).
    """

    edits: tuple[Edit, ...]
    safety: FixSafety
    metadata: tuple[MetadataEdit, ...] = ()

    @property
    def start(self) -> int:
        """The first offset any edit touches (0 for a fix that only edits metadata)."""
        return min((edit.start for edit in self.edits), default=0)

    @property
    def end(self) -> int:
        """The last offset any edit touches (0 for a fix that only edits metadata)."""
        return max((edit.end for edit in self.edits), default=0)


@dataclass(frozen=True, order=True)
class Location:
    """Where a finding stands: 1-based cell (None for scripts), 1-based line and column.

    For a notebook the line counts inside the cell; for a script it counts in the file.
    """

    cell: int | None
    line: int
    column: int

    def label(self) -> str:
        """`cell 3:2:5` for a notebook cell, `12:5` for a script line."""
        if self.cell is None:
            return f"{self.line}:{self.column}"
        return f"cell {self.cell}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Finding:
    """One problem a rule found, with an optional fix."""

    rule: str
    message: str
    path: Path
    start: Location
    end: Location
    #: Index of the unit (see `Document.units`) the finding and its fix's edits belong to.
    unit: int
    fix: Fix | None = None
    severity: Severity = Severity.ERROR

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        """Findings print in file order, then by rule id."""
        return (str(self.path), self.start.cell or 0, self.start.line, self.start.column, self.rule)


@dataclass(frozen=True)
class FileError:
    """A file, or a cell of it, that nbport could not read or analyse: one line of text."""

    path: Path
    message: str
    cell: int | None = None

    def label(self) -> str:
        """`path` or `path:cell 4`, the prefix of the printed error line."""
        return str(self.path) if self.cell is None else f"{self.path}:cell {self.cell}"
