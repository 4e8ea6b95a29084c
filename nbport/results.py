"""What a check or a fix gives: per document, per file and per run. Values only.

Reporters take these and nothing else (`nbport.report`); the engine, the fix loop and the run make
them. A notebook finding's lines in the `.ipynb` file travel with its file's report (`file_lines`),
so that no reporter reads a file again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nbport.finding import FileError, Finding


@dataclass(frozen=True)
class CheckResult:
    """What checking one document gave: findings in file order, and cells that could not be read."""

    findings: tuple[Finding, ...]
    errors: tuple[FileError, ...]


@dataclass(frozen=True)
class SourceChange:
    """The text of one changed cell (or script) before and after fixing, for `--diff`.

    A change to a notebook's own metadata is shown as a pseudo-cell labelled `path:metadata`,
    holding the changed top-level metadata keys as JSON.
    """

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class FileReport:
    """The outcome for one file."""

    path: Path
    #: Findings still there (after fixing, when fixing).
    findings: tuple[Finding, ...] = ()
    errors: tuple[FileError, ...] = ()
    #: Findings whose fix was applied.
    fixed: tuple[Finding, ...] = ()
    changes: tuple[SourceChange, ...] = ()
    written: bool = False
    #: Why the file was not checked at all, when it was skipped: `not Python (R)` for a notebook
    #: in another language. Neither an error nor a pass; None for every file nbport read.
    skipped: str | None = None
    #: For a notebook, when asked for: (unit index, line in the unit) → the line of the `.ipynb`
    #: file it stands on, for each line a finding starts or ends on (GitHub's annotations).
    file_lines: Mapping[tuple[int, int], int] = field(default_factory=dict)


@dataclass(frozen=True)
class RunReport:
    """The outcome for a whole run, files in path order."""

    files: tuple[FileReport, ...] = field(default_factory=tuple)

    @property
    def findings(self) -> list[Finding]:
        """All findings left, in file order."""
        return [finding for report in self.files for finding in report.findings]

    @property
    def errors(self) -> list[FileError]:
        """All files or cells that could not be read or analysed."""
        return [error for report in self.files for error in report.errors]

    @property
    def skipped(self) -> list[FileReport]:
        """The files not checked at all (see `FileReport.skipped`), in path order."""
        return [report for report in self.files if report.skipped is not None]

    @property
    def fixed(self) -> list[Finding]:
        """All findings fixed."""
        return [finding for report in self.files for finding in report.fixed]

    @property
    def changes(self) -> list[SourceChange]:
        """All changed sources."""
        return [change for report in self.files for change in report.changes]

    def exit_code(self, *, changes_count: bool = False) -> int:
        """2 if anything could not be read, else 1 if findings (or, with `--diff`, changes) remain.

        Skipped files count for neither: a notebook in another language is no Python file that
        could not be read, and must not fail every run (pre-commit) of the repository holding it.
        """
        if self.errors:
            return 2
        if self.findings or (changes_count and self.changes):
            return 1
        return 0
