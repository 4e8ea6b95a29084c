"""Unified diffs of changed cells, labelled by path and cell rather than by raw JSON lines."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from nbport.api import SourceChange


def unified_diff(changes: Iterable[SourceChange]) -> str:
    """One unified diff per changed cell or script, concatenated."""
    parts: list[str] = []
    for change in changes:
        before = change.before.splitlines(keepends=True)
        after = change.after.splitlines(keepends=True)
        lines = difflib.unified_diff(
            before, after, f"{change.label} (before)", f"{change.label} (after)"
        )
        parts.extend(line if line.endswith("\n") else line + "\n" for line in lines)
    return "".join(parts)
