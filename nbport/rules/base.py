"""The rule kernel: what every rule is given, the hooks the engine calls, and `report`.

A rule is a class with no constructor arguments. The engine makes one per document and binds it
(`bind`): `entry` (its catalog entry), `document`, `names` (the document's name resolver), `options`
(its catalog options with the project's values), and the name of the Colab runtime the project
targets, whose table `runtime` reads on first use (`nbport.runtime.ColabRuntime`). Then, for each unit whose text holds one of the
entry's triggers, the engine sets `unit` and calls, in order: `begin_unit`; `check_escape` for each
IPython escape; one walk of the unit's CPython tree calling `visit_<Node>` before a node's children
and `leave_<Node>` after them (`visit_Call`, `leave_FunctionDef`, the names of `ast`'s classes),
every rule in the same walk; `end_unit`. After the last unit: `end_document`.

`report` takes an `ast` node, an `Escape`, a `Spot` (a place kept from an earlier unit: `spot`), or
offsets of the unit's text. Positions are worked out by the kernel; a fix's edits are dropped where
the node's text is not what was parsed (an escape masked on its lines, or a cell IPython de-indents).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nbport.escapes import Escape
from nbport.finding import Edit, Finding, Fix, FixSafety, Location, MetadataEdit
from nbport.rules.unit import UnitContext
from nbport.settings import DEFAULT_RUNTIME

if TYPE_CHECKING:
    from nbport.catalog import CatalogEntry
    from nbport.documents.base import Document
    from nbport.rules.names import NameResolver
    from nbport.runtime import ColabRuntime


#: What `report` and `spot` accept as a place.
Node = ast.expr | ast.stmt | ast.alias | ast.keyword | ast.arg


@dataclass(frozen=True)
class Spot:
    """A span of some unit's text, kept for a report made later (in `end_document`)."""

    unit: UnitContext
    start: int
    end: int
    #: Whether the span's text is what was parsed, so that edits of it are exact.
    editable: bool = True


class Rule:
    """The base of every rule; see the module docstring for the hooks and their order."""

    entry: CatalogEntry
    document: Document
    names: NameResolver
    options: Mapping[str, Any]
    #: The name of the Colab runtime the project targets (`colab-runtime`): `latest`, `2025.07`...
    colab_runtime: str = DEFAULT_RUNTIME
    #: The unit being looked at (set by the engine before `begin_unit`).
    unit: UnitContext
    #: The innermost statement around the node being visited (None outside the walk).
    statement: ast.stmt | None = None

    def bind(
        self,
        entry: CatalogEntry,
        document: Document,
        names: NameResolver,
        options: Mapping[str, Any],
        collect: Callable[[Finding], None],
        colab_runtime: str = DEFAULT_RUNTIME,
    ) -> None:
        """Called by the engine once, right after making the rule."""
        self.entry = entry
        self.document = document
        self.names = names
        self.options = options
        self._collect = collect
        self.colab_runtime = colab_runtime

    @property
    def runtime(self) -> ColabRuntime:
        """What Colab ships on the runtime the project targets: its Python, its packages
        (`self.runtime.version_of("tensorflow")`). Read from the shipped table the first time a
        rule asks, so that runs whose rules never ask do not pay for it."""
        from nbport.runtime import load_runtime

        return load_runtime(self.colab_runtime)

    # --- Hooks -----------------------------------------------------------------------------------

    def begin_document(self) -> bool:
        """Whether the rule has anything to look for in `document` (decided when it first
        triggers); the engine drops it for the document if not."""
        return True

    def begin_unit(self) -> None:
        """Called before the escapes and the tree of `unit` are visited."""

    def check_escape(self, escape: Escape) -> None:
        """Look at one IPython escape of `unit` (`!cd data`, `%pip install x`)."""

    def end_unit(self) -> None:
        """Called after the walk of `unit`'s tree."""

    def end_document(self) -> None:
        """Called once after the last unit: rules that judge the whole file report here."""

    # --- Reading ---------------------------------------------------------------------------------

    def qualified_name(self, node: ast.AST) -> str | None:
        """What a name, attribute or call stands for through the document's imports
        (`tf.Session()` → `tensorflow.Session`); None when it is no imported name."""
        return self.names.qualified_name(node)

    def source(self, node: Node) -> str:
        """The text of `node` as parsed (escapes masked)."""
        return self.unit.source(node)

    def spot(self, where: Node | Escape, end: Node | None = None) -> Spot:
        """The place of `where` (to `end`) in the current unit, to report in a later hook."""
        if isinstance(where, Escape):
            return Spot(self.unit, where.start, where.end)
        start, stop = self.unit.ast_span(where)
        if end is not None:
            _, stop = self.unit.ast_span(end)
        return Spot(self.unit, start, stop, self.unit.editable(where, end))

    def edit(self, node: Node, replacement: str) -> Edit | None:
        """An edit replacing the text of `node`, or None where its text is not what was parsed."""
        if not self.unit.editable(node):
            return None
        start, end = self.unit.ast_span(node)
        return Edit(start, end, replacement)

    # --- Reporting -------------------------------------------------------------------------------

    def report(
        self,
        where: Node | Escape | Spot | tuple[int, int],
        message: str,
        *,
        end: Node | None = None,
        fix: str | None = None,
        edits: Sequence[Edit | None] = (),
        metadata: Sequence[MetadataEdit] = (),
        safety: FixSafety | None = None,
    ) -> None:
        """A finding over `where` (to the end of `end`), in the unit it belongs to.

        `fix` is new text for the whole of `where`; `edits` are further edits of the same unit (a
        None among them, from `edit`, means the fix cannot be made exactly: no fix at all).
        `metadata` edits set notebook metadata. `safety` defaults to the catalog's `fix`.
        """
        spot = where if isinstance(where, Spot) else self.spot_of(where, end)
        chosen = list(edits)
        if fix is not None:
            chosen.append(Edit(spot.start, spot.end, fix))
        if not spot.editable or any(edit is None for edit in chosen):
            chosen = []
        kept = [edit for edit in chosen if edit is not None]
        self._collect(
            Finding(
                rule=self.entry.id,
                message=message,
                path=self.document.path,
                start=spot.unit.location(spot.start),
                end=spot.unit.location(spot.end),
                unit=spot.unit.unit.index,
                fix=self._fix(kept, metadata, safety),
                severity=self.entry.severity,
            )
        )

    def report_at(
        self,
        start: Location,
        end: Location,
        unit: int,
        message: str,
        *,
        edits: Sequence[Edit] = (),
        safety: FixSafety | None = None,
    ) -> None:
        """A finding at locations already worked out, in unit `unit` (edits of that unit's text):
        for what is found in the text rather than in a unit's tree (suppression comments)."""
        self._collect(
            Finding(
                rule=self.entry.id,
                message=message,
                path=self.document.path,
                start=start,
                end=end,
                unit=unit,
                fix=self._fix(edits, (), safety),
                severity=self.entry.severity,
            )
        )

    def spot_of(self, where: Node | Escape | tuple[int, int], end: Node | None = None) -> Spot:
        """`spot` for anything `report` takes but a `Spot`."""
        if isinstance(where, tuple):
            return Spot(self.unit, *where)
        return self.spot(where, end)

    def _fix(
        self, edits: Sequence[Edit], metadata: Sequence[MetadataEdit], safety: FixSafety | None
    ) -> Fix | None:
        entry_safety = self.entry.fix
        chosen = safety or entry_safety
        if not (edits or metadata) or FixSafety.NONE in (chosen, entry_safety):
            return None
        return Fix(tuple(sorted(edits)), chosen, tuple(metadata))


__all__ = ["Node", "Rule", "Spot"]
