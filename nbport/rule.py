"""The base every rule builds on: its catalog entry, the unit it is looking at, and `report`."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from nbport.documents.base import Document, Unit
from nbport.finding import Edit, Finding, Fix, FixSafety, Location, MetadataEdit
from nbport.positions import LineIndex

if TYPE_CHECKING:
    from nbport.catalog import CatalogEntry
    from nbport.escapes import Escape, ScannedUnit


@dataclass
class UnitContext:
    """One unit as the rules see it: its text, its escapes and its masked Python, computed once.

    `python` is what is parsed: the masked text, with the indentation IPython strips from a cell whose
    first line is indented (`dedent` characters, on the lines in `dedented_lines`) removed. `tree` is
    CPython's `ast` of `python`, built once by the engine when it checks that the unit is Python 3.
    """

    unit: Unit
    scanned: ScannedUnit
    python: str
    tree: ast.Module
    dedent: int = 0
    dedented_lines: frozenset[int] = frozenset()

    @cached_property
    def lines(self) -> LineIndex:
        """Line starts of the unit's original text."""
        return LineIndex(self.unit.text)

    @cached_property
    def escape_lines(self) -> frozenset[int]:
        """The lines (1-based) an escape occupies, where the masked text differs from the original."""
        lines: set[int] = set()
        for escape in self.scanned.escapes:
            last, _ = self.lines.line_column(escape.end)
            lines.update(range(escape.line, last + 1))
        return frozenset(lines)

    def offset(self, line: int, column: int) -> int:
        """The offset in the original text of a (1-based line, 0-based column) of `python`."""
        if line in self.dedented_lines:
            column += self.dedent
        return self.lines.offset(line, column)

    @cached_property
    def python_lines(self) -> list[str]:
        """The lines of `python`, split on `\\n` as `LineIndex` counts them."""
        return self.python.split("\n")

    def ast_offset(self, line: int, byte_column: int) -> int:
        """`offset` for an `ast` position: `ast` columns count UTF-8 bytes of the line of `python`."""
        source = self.python_lines[line - 1]
        column = byte_column
        if not source.isascii():
            column = len(source.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))
        return self.offset(line, column)

    def ast_span(self, node: ast.expr | ast.stmt | ast.alias | ast.keyword) -> tuple[int, int]:
        """Start and end offsets of an `ast` node in the original text."""
        end_line = node.end_lineno or node.lineno
        end_column = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return self.ast_offset(node.lineno, node.col_offset), self.ast_offset(end_line, end_column)

    def location(self, offset: int) -> Location:
        """The printed location of an offset: cell line for notebooks, file line for scripts."""
        line, column = self.lines.line_column(offset)
        return Location(self.unit.cell, self.unit.first_line + line - 1, column + 1)


@dataclass(frozen=True)
class RuleSettings:
    """The project's thresholds (`min-epochs`, `large-file-mb`), for the rules that have one.

    None keeps the rule's own default (its module constant), so callers that pass nothing see
    exactly the behaviour the catalog examples test.
    """

    #: NBP302: a run of at least this many epochs must save while it trains.
    min_epochs: int | None = None
    #: NBP303: `np.load` of a file larger than this many bytes needs `mmap_mode`.
    large_file_bytes: int | None = None


#: No project settings: every rule keeps its default.
DEFAULT_SETTINGS = RuleSettings()


class Rule:
    """A rule: a catalog entry plus the code that finds (and maybe fixes) one pattern.

    The engine makes one instance per document, calls `check_escape` for each IPython escape of each
    unit whose text holds one of the entry's triggers, then `end_document`. Rules that need the Python
    syntax tree derive from `nbport.syntax_rule.SyntaxRule` instead.
    """

    #: The catalog id this class implements.
    id: ClassVar[str]
    #: Whether the engine must parse triggered units with libcst for this rule.
    uses_syntax: ClassVar[bool] = False

    def __init__(
        self, entry: CatalogEntry, document: Document, collect: Callable[[Finding], None]
    ) -> None:
        self.entry = entry
        self.document = document
        self.path = document.path
        self._collect = collect
        self.context: UnitContext | None = None

    def applies(self) -> bool:
        """Whether the rule has anything to look for in `self.document`; the engine drops it if not.

        Decided once per document, when the rule first triggers (e.g. a rule about notebook
        metadata has nothing to say about a script).
        """
        return True

    def configure(self, settings: RuleSettings) -> None:
        """Take the project's thresholds; called once, right after the rule is made.

        Rules without a threshold have nothing to take, so the default does nothing.
        """

    def begin_unit(self, context: UnitContext) -> None:
        """Called before the hooks run on a unit."""
        self.context = context

    def check_escape(self, escape: Escape) -> None:
        """Look at one IPython escape of the current unit."""

    def end_document(self) -> None:
        """Called once after the last unit: rules that judge the whole file report here."""

    def report(
        self,
        start: int,
        end: int,
        message: str,
        *,
        edits: Sequence[Edit] = (),
        metadata: Sequence[MetadataEdit] = (),
        safety: FixSafety | None = None,
        context: UnitContext | None = None,
    ) -> None:
        """Report a finding over `text[start:end]` of the unit, fixed by `edits` (and `metadata`
        edits of the notebook) if any.

        `safety` defaults to the catalog's; a catalog entry whose fix is `none` never carries a fix.
        """
        where = context or self.context
        assert where is not None, "report() outside a unit"
        chosen = safety or self.entry.fix
        fix = None
        fixable = chosen is not FixSafety.NONE and self.entry.fix is not FixSafety.NONE
        if (edits or metadata) and fixable:
            fix = Fix(tuple(sorted(edits)), chosen, tuple(metadata))
        self._collect(
            Finding(
                rule=self.entry.id,
                message=message,
                path=self.path,
                start=where.location(start),
                end=where.location(end),
                unit=where.unit.index,
                fix=fix,
            )
        )
