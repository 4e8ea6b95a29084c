"""Rules that read the libcst syntax tree. Imported only when such a rule has something to look at."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst
from libcst.metadata import CodeRange

from nbport.finding import Edit, FixSafety
from nbport.rule import Rule, UnitContext


@dataclass(frozen=True)
class _PendingReport:
    node: cst.CSTNode
    message: str
    replacement: str | None
    edits: tuple[Edit, ...]
    safety: FixSafety | None


class SyntaxRule(Rule, cst.BatchableCSTVisitor):
    """A rule written as a libcst visitor (`visit_Import`, `leave_Call`, ...), as in Fixit.

    The engine parses a triggered unit once (escapes masked) and runs every triggered syntax rule in
    one batched traversal. Positions are resolved afterwards, and only when some rule has reported a
    node: most triggered cells have nothing to report, and positions cost a second traversal.
    """

    uses_syntax: ClassVar[bool] = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        Rule.__init__(self, *args, **kwargs)  # type: ignore[arg-type]
        cst.BatchableCSTVisitor.__init__(self)
        self._pending: list[_PendingReport] = []
        self._positions: Mapping[cst.CSTNode, CodeRange] = {}

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], object]]:
        """The `visit_*`/`leave_*` methods, found once per instance (libcst's lookup is slow)."""
        visitors = self.__dict__.get("_visitors")
        if visitors is None:
            visitors = self.__dict__["_visitors"] = super().get_visitors()
        return visitors

    def begin_unit(self, context: UnitContext) -> None:
        """Forget the previous unit's nodes."""
        super().begin_unit(context)
        self._pending = []
        self._positions = {}

    def wants_positions(self) -> bool:
        """Whether `end_unit` needs node positions; override when keeping nodes for later."""
        return bool(self._pending)

    def end_unit(self, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        """Turn the nodes reported during the visit into findings, now that positions are known."""
        self._positions = positions
        for pending in self._pending:
            start, end = self.node_span(pending.node)
            edits = pending.edits
            if pending.replacement is not None:
                edits = (*edits, Edit(start, end, pending.replacement))
            if self.touches_escape(pending.node):
                # Positions on masked lines do not map back to the original text: report, never edit.
                edits = ()
            self.report(start, end, pending.message, edits=edits, safety=pending.safety)
        self._pending = []

    def node_span(self, node: cst.CSTNode) -> tuple[int, int]:
        """Offsets of `node` in the unit's original text (valid from `end_unit` on)."""
        assert self.context is not None
        code_range = self._positions[node]
        start = self.context.offset(code_range.start.line, code_range.start.column)
        end = self.context.offset(code_range.end.line, code_range.end.column)
        return start, end

    def node_line(self, node: cst.CSTNode) -> int:
        """The 1-based line of the unit on which `node` starts (valid from `end_unit` on)."""
        return self._positions[node].start.line

    def touches_escape(self, node: cst.CSTNode) -> bool:
        """True when the source of `node` differs from the original text: it spans a masked escape
        line, or more than one line of a cell whose indentation was stripped before parsing."""
        assert self.context is not None
        code_range = self._positions[node]
        lines = range(code_range.start.line, code_range.end.line + 1)
        if self.context.dedent and len(lines) > 1:
            return True
        return any(line in self.context.escape_lines for line in lines)

    def report_node(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        replacement: str | None = None,
        edits: Sequence[Edit] = (),
        safety: FixSafety | None = None,
    ) -> None:
        """Report a finding on `node`; `replacement` is new source text for the whole node."""
        self._pending.append(_PendingReport(node, message, replacement, tuple(edits), safety))
