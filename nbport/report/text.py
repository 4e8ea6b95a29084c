"""The human-readable report: one line per finding, one per error, then a summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from nbport.api import RunReport
from nbport.finding import FileError, Finding, FixSafety

Style = Callable[..., str]


def plain(text: str, **_: object) -> str:
    """The no-colour style."""
    return text


def finding_line(finding: Finding, style: Style = plain) -> str:
    """`path:cell 3:2:5: NBP001 message` (notebooks) or `path:12:5: NBP001 message` (scripts)."""
    where = style(f"{finding.path}:{finding.start.label()}:", bold=True)
    return f"{where} {style(finding.rule, fg='red', bold=True)} {finding.message}"


def error_line(error: FileError, style: Style = plain) -> str:
    """`path: error: what is wrong` or `path:cell 4: error: ...`."""
    return f"{style(error.label() + ':', bold=True)} {style('error:', fg='red', bold=True)} {error.message}"


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
    if not findings and not (fixing and report.fixed) and not errors:
        yield f"All checks passed ({_count(files, 'file')} checked)."
    elif not findings and not (fixing and report.fixed):
        yield f"No findings in what could be read; {_count(errors, 'error')} (lines marked error)."
    elif errors:
        yield f"{_count(errors, 'error')}: some files or cells were not checked (lines marked error)."


def _unsafe_hint(findings: Sequence[Finding], unsafe: bool) -> str:
    pending = sum(1 for f in findings if f.fix is not None and f.fix.safety is FixSafety.UNSAFE)
    if pending and not unsafe:
        return f"; {pending} fixable with `--unsafe-fixes`"
    return ""


def _files_with(findings: Sequence[Finding]) -> int:
    return len({finding.path for finding in findings})


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
