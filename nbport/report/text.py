"""The human-readable report: one line per finding, one per error, then a summary."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from nbport.finding import FileError, Finding, FixSafety, Severity
from nbport.results import FileReport, RunReport

if TYPE_CHECKING:
    from nbport.catalog import CatalogEntry

Style = Callable[..., str]
#: The reason of a file skipped for its language (`nbport.documents.NotPython`).
_NOT_PYTHON = re.compile(r"not Python \((?P<language>.*)\)")


def plain(text: str, **_: object) -> str:
    """The no-colour style."""
    return text


def finding_line(finding: Finding, style: Style = plain) -> str:
    """`path:cell 3:2:5: NBP001 error: message` (notebooks) or `path:12:5: NBP302 warning: message`
    (scripts): the rule's severity after its id."""
    where = style(f"{finding.path}:{finding.start.label()}:", bold=True)
    color = "red" if finding.severity is Severity.ERROR else "yellow"
    rule = style(f"{finding.rule} {finding.severity.value}:", fg=color, bold=True)
    return f"{where} {rule} {finding.message}"


def error_line(error: FileError, style: Style = plain) -> str:
    """`path: error: what is wrong` or `path:cell 4: error: ...`."""
    return f"{style(error.label() + ':', bold=True)} {style('error:', fg='red', bold=True)} {error.message}"


def skipped_line(report: FileReport, style: Style = plain) -> str:
    """`path: skipped: not Python (R)`, for `--show-skipped`."""
    return f"{style(str(report.path) + ':', bold=True)} skipped: {report.skipped}"


def statistics_lines(findings: Sequence[Finding], catalog: Mapping[str, CatalogEntry]) -> list[str]:
    """`--statistics`: one line per rule, most frequent first: count, id, fix mark, name.

    The mark is `[*]` when some of the rule's findings have a safe fix, `[-]` when only unsafe
    fixes exist (`--unsafe-fixes`), blank when none can be fixed.
    """
    counts = Counter(finding.rule for finding in findings)
    safeties: dict[str, set[FixSafety]] = {}
    for finding in findings:
        if finding.fix is not None:
            safeties.setdefault(finding.rule, set()).add(finding.fix.safety)
    width = len(str(max(counts.values(), default=0)))
    lines = []
    for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        fixes = safeties.get(rule, set())
        mark = "[*]" if FixSafety.SAFE in fixes else "[-]" if FixSafety.UNSAFE in fixes else "   "
        entry = catalog.get(rule)
        name = entry.name if entry is not None else ""
        lines.append(f"{count:>{width}}  {rule}  {mark} {name}".rstrip())
    return lines


def summary_lines(
    report: RunReport, *, fixing: bool, unsafe: bool, dry_run: bool = False
) -> Iterable[str]:
    """What a person wants to know at the end of a run, like ruff's closing lines."""
    findings = report.findings
    files = len(report.files)
    if fixing:
        fixed = len(report.fixed)
        verb = "Would fix" if dry_run else "Fixed"
        if fixed:
            touched = sum(1 for file in report.files if file.fixed)
            yield f"{verb} {_count(fixed, 'finding')} in {_count(touched, 'file')}."
        if findings:
            yield f"{_count(len(findings), 'finding')} left{_unsafe_hint(findings, unsafe)}."
    elif findings:
        safe = sum(1 for f in findings if f.fix is not None and f.fix.safety is FixSafety.SAFE)
        unsafe_count = sum(
            1 for f in findings if f.fix is not None and f.fix.safety is FixSafety.UNSAFE
        )
        line = (
            f"Found {_count(len(findings), 'finding')} in {_count(_files_with(findings), 'file')}."
        )
        if safe:
            line += f" {safe} fixable with `nbport fix`."
        if unsafe_count:
            line += f" {unsafe_count} more with `nbport fix --unsafe-fixes`."
        yield line
    errors = len(report.errors)
    skipped = report.skipped
    checked = files - len(skipped)
    if not findings and not (fixing and report.fixed) and not errors:
        # A run that skipped every file checked nothing: it does not say that all checks passed.
        if checked or not skipped:
            yield f"All checks passed ({_count(checked, 'file')} checked)."
    elif not findings and not (fixing and report.fixed):
        yield f"No findings in what could be read; {_count(errors, 'error')} (lines marked error)."
    elif errors:
        yield f"{_count(errors, 'error')}: some files or cells were not checked (lines marked error)."
    if skipped:
        yield skipped_summary(skipped)


def skipped_summary(skipped: Sequence[FileReport]) -> str:
    """`2 files skipped: not Python (R, bash).`: how many files were skipped, and why; the
    languages in the order their first file came."""
    languages: dict[str, None] = {}
    others: dict[str, None] = {}
    for report in skipped:
        reason = report.skipped or ""
        match = _NOT_PYTHON.fullmatch(reason)
        if match is not None:
            languages[match["language"]] = None
        else:
            others[reason] = None
    reasons = [f"not Python ({', '.join(languages)})"] if languages else []
    reasons.extend(others)
    return f"{_count(len(skipped), 'file')} skipped: {'; '.join(reasons)}."


def _unsafe_hint(findings: Sequence[Finding], unsafe: bool) -> str:
    pending = sum(1 for f in findings if f.fix is not None and f.fix.safety is FixSafety.UNSAFE)
    if pending and not unsafe:
        return f"; {pending} fixable with `--unsafe-fixes`"
    return ""


def _files_with(findings: Sequence[Finding]) -> int:
    return len({finding.path for finding in findings})


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
