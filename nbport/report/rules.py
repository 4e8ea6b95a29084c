"""`nbport rules`: the catalog as a table, and one rule explained with its examples."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

from nbport.catalog import CatalogEntry, Cells


def rule_table(entries: Iterable[CatalogEntry]) -> str:
    """One line per rule: id, name, targets, severity, fix safety, summary."""
    rows = [("ID", "NAME", "TARGETS", "SEVERITY", "FIX", "SUMMARY")]
    rows += [
        (
            entry.id,
            entry.name,
            ",".join(entry.targets),
            entry.severity.value,
            entry.fix_label,
            entry.summary,
        )
        for entry in entries
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True))
        + "  "
        + row[5]
        for row in rows
    )


def explain(entry: CatalogEntry) -> str:
    """The full explanation of a rule, as `nbport rules NBP001` prints it."""
    parts = [
        f"{entry.id} {entry.name}",
        entry.summary,
        "",
        f"Targets: {', '.join(entry.targets)}    Severity: {entry.severity.value}"
        f"    Fix: {entry.fix_label}",
        "",
        "Why it breaks",
        _indent(entry.why),
    ]
    if entry.fix_note:
        parts += ["", "Fix", _indent(entry.fix_note)]
    for number, example in enumerate(entry.examples, start=1):
        parts += ["", f"Example {number} ({example.format})", "  bad:"]
        parts += _side(example.bad)
        if example.fixed == example.bad:
            parts.append("  (no automatic fix)")
        elif tuple(example.fixed) == tuple(example.bad):
            parts += ["  fixed: the same cells, with notebook metadata"]
            parts.append(_indent(_metadata_text(example.fixed.metadata), 4))
        else:
            parts += ["  fixed:", *_side(example.fixed)]
    if entry.clean:
        parts += ["", "Not flagged"]
        for clean in entry.clean:
            parts += [_indent(cell, 4) for cell in clean.code]
            if clean.note:
                parts.append(_indent(f"({clean.note})", 4))
    return "\n".join(parts)


def _side(cells: Cells) -> list[str]:
    lines = [_indent(cell, 4) for cell in cells]
    if cells.metadata:
        lines += ["    with notebook metadata:", _indent(_metadata_text(cells.metadata), 6)]
    return lines


def _metadata_text(metadata: Mapping[str, Any] | None) -> str:
    return json.dumps(metadata or {}, indent=1, ensure_ascii=False)


def _indent(text: str, spaces: int = 2) -> str:
    return textwrap.indent(text.rstrip("\n"), " " * spaces, lambda line: True)
