"""The SARIF 2.1.0 report, for GitHub code scanning and other tools that read static analysis logs.

One run, whose tool describes every rule that has a result (sorted by id, as ruff does), with the
catalog's summary, explanation and a bad → fixed example as its help. Each finding is a result of
its rule's level, `error` (the code fails on the target) or `warning` (it risks work or time):

- its location is the file, as a URI relative to the checked tree (`uriBaseId` `%SRCROOT%`; an
  absolute path becomes a `file://` URI), and a region;
- for a script the region is the finding's lines and columns (code points, the run's
  `columnKind`; the end column is the one after the flagged text, as SARIF wants);
- for a notebook the region holds only lines: the lines of the raw `.ipynb` file on which the
  flagged cell lines stand, so that a viewer of the file points at them (see
  `nbport.results.FileReport.file_lines`); a column inside the cell is not a column of the JSON text;
- `properties` hold what SARIF has no place for: `cell`, `cellLine`, `cellColumn`,
  `cellEndLine`, `cellEndColumn` (notebooks only; positions inside the cell as nbport prints
  them) and `fixAvailable`, `fixSafety` (as in the JSON report).

Files or cells that could not be read are `toolExecutionNotifications` of level `error` in the
run's one invocation, which is then not `executionSuccessful`. Files skipped (notebooks in another
language) are notifications of level `note` (`skipped: not Python (R)`), which leave it successful.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from nbport import __version__
from nbport.catalog import CatalogEntry, Cells
from nbport.finding import FileError, Finding, FixSafety
from nbport.report.github import line_of
from nbport.report.rules import explain
from nbport.results import FileReport, RunReport

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
#: Where users learn about nbport; SARIF viewers link the tool's name to it.
INFORMATION_URI = "https://pypi.org/project/nbport/"
#: The base that relative result URIs are resolved against: the root of the checked tree.
SOURCE_ROOT = "%SRCROOT%"
#: The level of a rule nbport's catalog does not know; errors of the run itself are notifications.
UNKNOWN_RULE_LEVEL = "warning"
# A Markdown fence must be longer than any run of backticks inside it.
_BACKTICKS = re.compile(r"`+")


def render(report: RunReport, catalog: Mapping[str, CatalogEntry]) -> str:
    """The SARIF log of `report`, a whole JSON document ending in a newline.

    `catalog` is `nbport.catalog.load_catalog()`; a rule id missing from it still gets a rule.
    """
    findings = report.findings
    rule_ids = sorted({finding.rule for finding in findings})
    rule_index = {rule: index for index, rule in enumerate(rule_ids)}
    errors = report.errors
    run = {
        "tool": {
            "driver": {
                "name": "nbport",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule, catalog.get(rule)) for rule in rule_ids],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not errors,
                "toolExecutionNotifications": notifications(report),
            }
        ],
        "columnKind": "unicodeCodePoints",
        "results": [
            result(finding, rule_index[finding.rule], file)
            for file in report.files
            for finding in file.findings
        ],
    }
    log = {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def rule_descriptor(rule: str, entry: CatalogEntry | None) -> dict[str, Any]:
    """The SARIF `reportingDescriptor` of a rule, from its catalog entry when it has one."""
    if entry is None:
        return {
            "id": rule,
            "shortDescription": {"text": f"{rule} (not in nbport's rule catalog)"},
            "defaultConfiguration": {"level": UNKNOWN_RULE_LEVEL},
        }
    return {
        "id": entry.id,
        "name": entry.name,
        "shortDescription": {"text": entry.summary, "markdown": entry.summary},
        "fullDescription": {"text": entry.why, "markdown": entry.why},
        "help": {"text": explain(entry), "markdown": help_markdown(entry)},
        "defaultConfiguration": {"level": entry.severity.value},
        "properties": {"targets": list(entry.targets), "fix": entry.fix.value},
    }


def help_markdown(entry: CatalogEntry) -> str:
    """A rule's help as Markdown: summary, why it breaks, the fix, and its first example."""
    parts = [entry.summary, "", "## Why it breaks", "", entry.why]
    if entry.fix_note:
        parts += ["", f"## Fix ({entry.fix.value})", "", entry.fix_note]
    example = entry.examples[0]
    parts += ["", f"## Example ({example.format})", "", "Flagged:", "", _code_blocks(example.bad)]
    if example.fixed == example.bad:
        parts += ["", "No automatic fix: change it by hand."]
    elif tuple(example.fixed) == tuple(example.bad):
        parts += ["", "Fixed: the same code, with this notebook metadata:", ""]
        parts += [_fenced(json.dumps(example.fixed.metadata or {}, indent=1), "json")]
    else:
        parts += ["", "Fixed:", "", _code_blocks(example.fixed)]
    parts += ["", f"Run `nbport rules {entry.id}` for every example."]
    return "\n".join(parts)


def result(finding: Finding, rule_index: int, file: FileReport) -> dict[str, Any]:
    """The SARIF `result` of one finding."""
    start, end = finding.start, finding.end
    region: dict[str, int]
    properties: dict[str, Any] = {}
    if start.cell is None:
        region = {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
        }
    else:
        region = {
            "startLine": line_of(finding, start, file),
            "endLine": line_of(finding, end, file),
        }
        properties = {
            "cell": start.cell,
            "cellLine": start.line,
            "cellColumn": start.column,
            "cellEndLine": end.line,
            "cellEndColumn": end.column,
        }
    safety = finding.fix.safety if finding.fix is not None else FixSafety.NONE
    properties.update({"fixAvailable": safety is not FixSafety.NONE, "fixSafety": safety.value})
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": finding.severity.value,
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.path),
                    "region": region,
                }
            }
        ],
        "properties": properties,
    }


def notifications(report: RunReport) -> list[dict[str, Any]]:
    """The run's notifications in file order: each file's errors, or why it was skipped."""
    items: list[dict[str, Any]] = []
    for file in report.files:
        items.extend(notification(error) for error in file.errors)
        if file.skipped is not None:
            items.append(skipped_notification(file))
    return items


def skipped_notification(report: FileReport) -> dict[str, Any]:
    """The SARIF `notification` (level `note`) of a file nbport skipped."""
    return {
        "level": "note",
        "message": {"text": f"skipped: {report.skipped}"},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(report.path)}}],
    }


def notification(error: FileError) -> dict[str, Any]:
    """The SARIF `notification` of one file error."""
    item: dict[str, Any] = {
        "level": "error",
        "message": {
            "text": error.message if error.cell is None else f"cell {error.cell}: {error.message}"
        },
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(error.path)}}],
    }
    if error.cell is not None:
        item["properties"] = {"cell": error.cell}
    return item


def artifact_location(path: PurePath) -> dict[str, str]:
    """A file as a SARIF `artifactLocation`: a relative URI on `%SRCROOT%`, or a `file://` URI."""
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix(), safe="/"), "uriBaseId": SOURCE_ROOT}


def _code_blocks(cells: Cells) -> str:
    """Each cell as a fenced Python block, a blank line between them."""
    return "\n\n".join(_fenced(cell, "python") for cell in cells)


def _fenced(code: str, language: str) -> str:
    """`code` in a Markdown fence longer than any run of backticks it holds."""
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    fence = "`" * max(3, longest + 1)
    body = code.strip("\n")
    return f"{fence}{language}\n{body}\n{fence}"
