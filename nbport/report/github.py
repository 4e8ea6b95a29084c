"""The GitHub Actions report: one workflow command per finding and per error.

GitHub turns each line into an annotation on the pull request diff::

    ::error file=train.py,line=7,col=3,endLine=7,endColumn=20,title=NBP001::`!cd data` runs ...
    ::warning file=nb.ipynb,line=53,endLine=53,title=NBP302::cell 3, line 1, column 1: `fit` ...
    ::error file=broken.ipynb,title=nbport::invalid JSON: Expecting value (line 1, column 1)
    ::notice file=survival.ipynb,title=nbport::skipped: not Python (R)

A diff shows a notebook as its raw JSON, so for a notebook `line` is the line of the `.ipynb` file
on which the flagged source line stands (`FileReport.file_lines`, which the run found when it
read the notebook: no report reads a file), and the message starts with the cell, line
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

from nbport.finding import FileError, Finding, Location
from nbport.results import FileReport, RunReport

#: The title of an error or notice annotation (a finding's title is its rule id).
ERROR_TITLE = "nbport"


def render(report: RunReport) -> str:
    """The workflow commands for `report`, one line each, per file its errors (or why it was
    skipped) then its findings.

    Empty when there is nothing to report.
    """
    commands: list[str] = []
    for file in report.files:
        commands.extend(error_command(error) for error in file.errors)
        if file.skipped is not None:
            commands.append(skipped_command(file))
        commands.extend(finding_command(finding, file) for finding in file.findings)
    return "".join(command + "\n" for command in commands)


def finding_command(finding: Finding, file: FileReport) -> str:
    """`::error file=…,line=…,…,title=NBP001::message` for one finding of `file`: `::error` or
    `::warning` as the rule's severity says."""
    start = line_of(finding, finding.start, file)
    end = line_of(finding, finding.end, file)
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
    return workflow_command(finding.severity.value, properties, message)


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


def line_of(finding: Finding, location: Location, file: FileReport) -> int:
    """The line of the file on which `location` (a finding's start or end) stands: a script's
    line, or for a notebook the `.ipynb` line the run found (`FileReport.file_lines`; line 1,
    with the cell named in the message, when it has none)."""
    if location.cell is None:
        return location.line
    return file.file_lines.get((finding.unit, location.line), 1)
