"""The GitHub Actions report: one workflow command per finding and per error.

GitHub turns each line into an annotation on the pull request diff::

    ::warning file=train.py,line=7,col=3,endLine=7,endColumn=20,title=NBP001::`!cd data` runs ...
    ::warning file=nb.ipynb,line=53,endLine=53,title=NBP001::cell 3, line 1, column 1: `!cd ...
    ::error file=broken.ipynb,title=nbport::invalid JSON: Expecting value (line 1, column 1)
    ::notice file=survival.ipynb,title=nbport::skipped: not Python (R)

A diff shows a notebook as its raw JSON, so for a notebook `line` is the line of the `.ipynb` file
on which the flagged source line stands (`FileLines`), and the message starts with the cell, line
and column as Jupyter shows them. No `col` is given for a notebook: a column inside the cell is not
a column of the JSON text, which adds the indent, the quote and the escapes before it. GitHub takes
columns only when the annotation starts and ends on one line, so a finding over several lines gets
none either.

Values are escaped as GitHub's own toolkit escapes them (`escapeData` and `escapeProperty` in
`actions/toolkit`, `packages/core/src/command.ts`), so a message can neither end the command early
nor start another one. A file nbport skipped (a notebook in another language) gets a `notice`, so
that it is never passed over in silence.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from nbport.documents import DocumentError, load_document
from nbport.documents.notebook import NotebookDocument
from nbport.finding import FileError, Finding, Location
from nbport.results import FileReport, RunReport

#: The title of an error or notice annotation (a finding's title is its rule id).
ERROR_TITLE = "nbport"


def render(report: RunReport) -> str:
    """The workflow commands for `report`, one line each, per file its errors (or why it was
    skipped) then its findings.

    Empty when there is nothing to report.
    """
    lines = FileLines()
    commands: list[str] = []
    for file in report.files:
        commands.extend(error_command(error) for error in file.errors)
        if file.skipped is not None:
            commands.append(skipped_command(file))
        commands.extend(finding_command(finding, lines) for finding in file.findings)
    return "".join(command + "\n" for command in commands)


def finding_command(finding: Finding, lines: FileLines) -> str:
    """`::warning file=…,line=…,…,title=NBP001::message` for one finding."""
    start = lines.line_of(finding, finding.start)
    end = lines.line_of(finding, finding.end)
    # Columns only for a script finding on one line (see the module docstring).
    columns = finding.start.cell is None and start == end
    properties: list[tuple[str, object]] = [("file", finding.path.as_posix()), ("line", start)]
    if columns:
        properties.append(("col", finding.start.column))
    properties.append(("endLine", end))
    if columns:
        properties.append(("endColumn", finding.end.column))
    message = finding.message
    if finding.start.cell is not None:
        where = finding.start
        message = f"cell {where.cell}, line {where.line}, column {where.column}: {message}"
    properties.append(("title", finding.rule))
    return workflow_command("warning", properties, message)


def error_command(error: FileError) -> str:
    """`::error file=…,title=nbport::message` for one file error (the cell, if any, leads the message)."""
    message = error.message if error.cell is None else f"cell {error.cell}: {error.message}"
    return workflow_command(
        "error", [("file", error.path.as_posix()), ("title", ERROR_TITLE)], message
    )


def skipped_command(report: FileReport) -> str:
    """`::notice file=…,title=nbport::skipped: not Python (R)` for a file nbport skipped."""
    return workflow_command(
        "notice",
        [("file", report.path.as_posix()), ("title", ERROR_TITLE)],
        f"skipped: {report.skipped}",
    )


def workflow_command(name: str, properties: Iterable[tuple[str, object]], message: str) -> str:
    """`::name key=value,key=value::message`, with values and message escaped."""
    pairs = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{name}{' ' + pairs if pairs else ''}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Escape a command's message: `%`, carriage return and newline."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as a message, and also `:` and `,`, which end a value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class FileLines:
    """The line of the file on which a finding's line stands.

    A script's lines are the file's already. A notebook's finding counts lines inside its cell, so
    the notebook is read again (once, however many findings it has) and each cell line is looked up
    in the raw JSON text with `NotebookDocument.source_line_in_file`. A notebook that can no longer
    be read, or no longer has that cell, gives line 1: the cell is still named by the caller.
    """

    def __init__(self) -> None:
        """An empty cache of notebooks read again."""
        self._notebooks: dict[Path, NotebookDocument | None] = {}

    def line_of(self, finding: Finding, location: Location) -> int:
        """The 1-based line of `finding`'s file on which `location` (its start or end) stands."""
        if location.cell is None:
            return location.line
        notebook = self._notebook(finding.path)
        if notebook is None:
            return 1
        unit_index = _unit_index(notebook, finding.unit, location.cell)
        if unit_index is None:
            return 1
        try:
            return notebook.source_line_in_file(unit_index, location.line)
        except (IndexError, ValueError, RuntimeError):
            return 1

    def _notebook(self, path: Path) -> NotebookDocument | None:
        if path not in self._notebooks:
            try:
                document = load_document(path)
            except DocumentError:
                document = None
            self._notebooks[path] = document if isinstance(document, NotebookDocument) else None
        return self._notebooks[path]


def _unit_index(notebook: NotebookDocument, unit_index: int, cell: int) -> int | None:
    """The index of the unit holding `cell`: `unit_index` when it still does (the file may have
    changed since it was checked), else the unit found by its cell number, or None."""
    units = notebook.units()
    if 0 <= unit_index < len(units) and units[unit_index].cell == cell:
        return unit_index
    return next((unit.index for unit in units if unit.cell == cell), None)
