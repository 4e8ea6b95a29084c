"""The JSON report: every finding and error of a run as one JSON document, for scripts and tools.

The schema is stable: a field is never renamed or removed, nor its meaning changed, without raising
`version`. A new key may be added within a version (`skipped` was): that is a compatible change, so
a consumer should ignore keys it does not know. It is written as a JSON Schema in `json_schema.json`
beside this module (`SCHEMA_PATH`). The document is one object, keys always in this order, with
every key present::

    {
      "version": 1,
      "findings": [
        {
          "rule": "NBP001",
          "severity": "error",
          "message": "`!cd data` runs in a throw-away shell: ...",
          "path": "notebooks/train.ipynb",
          "cell": 3,
          "line": 2,
          "column": 1,
          "end": {"line": 2, "column": 10},
          "fix": {"available": true, "safety": "safe"}
        }
      ],
      "errors": [
        {"path": "notebooks/broken.ipynb", "cell": null, "message": "invalid JSON: ..."}
      ],
      "skipped": [
        {"path": "notebooks/survival.ipynb", "reason": "not Python (R)"}
      ]
    }

- `version`: the schema version, 1. A consumer should refuse a version it does not know.
- `findings`: what is left to fix (after `nbport fix`, what it left), in file order, then by
  position in the file.
  - `rule`: the rule id, `NBP` and three digits (`NBP000` is an unused suppression).
  - `severity`: `error` (the code fails on the target) or `warning` (it risks work or time), the
    rule's own (see `nbport rules`).
  - `message`: one line of text, the same as the text report's.
  - `path`: the file as nbport was given or found it, with `/` separators (not made absolute).
  - `cell`: the 1-based cell number as Jupyter shows it, Markdown cells counted; `null` for a
    script.
  - `line`, `column`: 1-based; in a notebook the line counts inside the cell, in a script inside
    the file. Columns count characters (Unicode code points), not bytes.
  - `end`: where the flagged text ends, `line` and `column` of the character after it (the same
    cell as the start).
  - `fix.available`: whether `nbport fix` can rewrite this finding (with `--unsafe-fixes` when
    `fix.safety` is `unsafe`).
  - `fix.safety`: `safe` (keeps behaviour), `unsafe` (may change it: review the result), or
    `none` when there is no fix.
- `errors`: files, or cells of them, that could not be read or analysed, in file order.
  - `path`: as for findings.
  - `cell`: the 1-based cell the error is about, or `null` when it is about the whole file.
  - `message`: one line saying what is wrong.
- `skipped`: files nbport did not check at all, in file order: notebooks written in another
  language (their kernel, `language_info` or jupytext's `main_language` says R, Julia, bash...).
  They are neither errors nor passes, and change no exit code.
  - `path`: as for findings.
  - `reason`: one line saying why, `not Python (<language as the file names it>)`.

The text is UTF-8 with non-ASCII characters written as they are, indented by two spaces, and ends
with a newline. The same run gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Any

from nbport.finding import FileError, Finding, FixSafety
from nbport.results import FileReport, RunReport

#: The version of the schema `render` writes.
SCHEMA_VERSION = 1
#: The JSON Schema (draft 2020-12) of the document `render` writes.
SCHEMA_PATH = Path(__file__).with_name("json_schema.json")


def render(report: RunReport) -> str:
    """The JSON report of `report`, a whole document ending in a newline."""
    document = {
        "version": SCHEMA_VERSION,
        "findings": [finding_object(finding) for finding in report.findings],
        "errors": [error_object(error) for error in report.errors],
        "skipped": [skipped_object(file) for file in report.skipped],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def finding_object(finding: Finding) -> dict[str, Any]:
    """One finding as the JSON report writes it."""
    # `nbport fix` applies only safe and unsafe fixes: a fix marked `none` is not one it can apply.
    safety = finding.fix.safety if finding.fix is not None else FixSafety.NONE
    available = safety is not FixSafety.NONE
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": posix_path(finding.path),
        "cell": finding.start.cell,
        "line": finding.start.line,
        "column": finding.start.column,
        "end": {"line": finding.end.line, "column": finding.end.column},
        "fix": {"available": available, "safety": safety.value},
    }


def error_object(error: FileError) -> dict[str, Any]:
    """One file error as the JSON report writes it."""
    return {"path": posix_path(error.path), "cell": error.cell, "message": error.message}


def skipped_object(report: FileReport) -> dict[str, Any]:
    """One skipped file as the JSON report writes it."""
    return {"path": posix_path(report.path), "reason": report.skipped}


def posix_path(path: PurePath) -> str:
    """`path` as given, with `/` between its parts on every system."""
    return path.as_posix()
