"""Fix helpers rules share: edits that insert or remove whole lines around a statement."""

from __future__ import annotations

import ast

from nbport.finding import Edit
from nbport.rules.unit import UnitContext


def insert_before(unit: UnitContext, statement: ast.stmt, line: str) -> Edit | None:
    """An edit putting `line` on a line of its own before `statement`, indented as it is, in the
    unit's own line ending; None where `statement` does not start its line (`x = 1; y()`) or its
    text is not what was parsed."""
    if not unit.editable(statement):
        return None
    start, _ = unit.ast_span(statement)
    line_start = unit.lines.offset(unit.lines.line_of(start), 0)
    indent = unit.unit.text[line_start:start]
    if indent.strip():
        return None
    ending = "\r\n" if "\r\n" in unit.unit.text else "\n"
    return Edit(line_start, line_start, f"{indent}{line}{ending}")
