"""Rules that read the libcst syntax tree. Imported only when such a rule has something to look at."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

import libcst as cst
from libcst.metadata import CodePosition, CodeRange

from nbport.finding import Edit, FixSafety
from nbport.rule import Rule
from nbport.rules.unit import UnitContext


@cache
def _visitor_names(cls: type) -> tuple[str, ...]:
    """The names of the visitor methods `cls` defines: libcst's empty stubs are not visitors."""
    return tuple(
        name
        for name in dir(cls)
        if name.startswith(("visit_", "leave_"))
        and callable(method := getattr(cls, name))
        and not getattr(method, "_is_no_op", False)
    )


class UnitPositions(Mapping[cst.CSTNode, CodeRange]):
    """Positions of nodes parsed from a text made of some whole lines of a unit, on the unit's own
    lines: `lines[i]` is the unit line of the text's line `i + 1` (columns need no mapping)."""

    def __init__(self, positions: Mapping[cst.CSTNode, CodeRange], lines: Sequence[int]) -> None:
        self._positions = positions
        self._lines = lines

    def _line(self, line: int) -> int:
        lines = self._lines
        return lines[line - 1] if line <= len(lines) else lines[-1] + line - len(lines)

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        code_range = self._positions[node]
        start, end = code_range.start, code_range.end
        return CodeRange(
            CodePosition(self._line(start.line), start.column),
            CodePosition(self._line(end.line), end.column),
        )

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


@dataclass(frozen=True)
class _PendingReport:
    node: cst.CSTNode
    message: str
    replacement: str | None
    edits: tuple[Edit, ...]
    safety: FixSafety | None


class SyntaxRule(Rule, cst.BatchableCSTVisitor):
    """A rule written as a libcst visitor (`visit_Import`, `leave_Call`, ...), as in Fixit.

    The engine parses a triggered unit once (escapes masked), or only the statements the triggered
    syntax rules need when each declares a `statement_pattern`, and runs every triggered syntax rule
    in one batched traversal. Positions are resolved afterwards, and only when some rule has
    reported a node: most triggered cells have nothing to report, and positions cost a second
    traversal.
    """

    uses_syntax: ClassVar[bool] = True
    #: Matches the text of every statement this rule can report in or learn from (a name it
    #: remembers for later statements, say), at any depth, given the blocks around it: the engine
    #: then parses only the statements that match some active rule's pattern
    #: (`nbport.statement_filter`). None: the rule needs the whole unit.
    statement_pattern: ClassVar[re.Pattern[str] | None] = None

    def __init__(self, *args: object, **kwargs: object) -> None:
        Rule.__init__(self, *args, **kwargs)  # type: ignore[arg-type]
        cst.BatchableCSTVisitor.__init__(self)
        self._pending: list[_PendingReport] = []
        self._positions: Mapping[cst.CSTNode, CodeRange] = {}

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        """The `visit_*`/`leave_*` methods, as libcst's `get_visitors` finds them, but looked for
        once per class rather than with `inspect` on every call (a few ms each). Not kept on the
        instance: bound methods held by their own instance make a cycle only the GC can free."""
        return {name: getattr(self, name) for name in _visitor_names(type(self))}

    def unit_statement_pattern(self) -> re.Pattern[str] | None:
        """`statement_pattern` for the current unit: a rule that has learnt all it needs from one
        kind of statement may narrow it (a pattern that matches nothing: nothing more to parse)."""
        return self.statement_pattern

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
