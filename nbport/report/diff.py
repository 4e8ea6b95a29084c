"""Unified diffs of changed cells, labelled by path and cell rather than by raw JSON lines."""

from __future__ import annotations

from collections.abc import Iterable

from nbport.report.matching import unified_diff as unified_lines
from nbport.results import SourceChange


def unified_diff(changes: Iterable[SourceChange]) -> str:
    """One unified diff per changed cell or script, concatenated."""
    parts: list[str] = []
    for change in changes:
        before = change.before.splitlines(keepends=True)
        after = change.after.splitlines(keepends=True)
        # `difflib.unified_diff`'s lines, without its quadratic worst case (`nbport.report.matching`).
        lines = unified_lines(before, after, f"{change.label} (before)", f"{change.label} (after)")
        parts.extend(line if line.endswith("\n") else line + "\n" for line in lines)
    return "".join(parts)
