"""The base every rule builds on: its catalog entry, the unit it is looking at, and `report`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from nbport.documents.base import Document
from nbport.finding import Edit, Finding, Fix, FixSafety, MetadataEdit
from nbport.rules.unit import UnitContext

if TYPE_CHECKING:
    from nbport.catalog import CatalogEntry
    from nbport.escapes import Escape
    from nbport.runtime import ColabRuntime

#: `nbport.runtime.DEFAULT_RUNTIME`, spelled out: a run whose rules never ask for the runtime does
#: not import `nbport.runtime` at all (tests check that the two agree).
DEFAULT_RUNTIME = "latest"


@dataclass(frozen=True)
class RuleSettings:
    """The project's values of the rules' options (`min-epochs = 5`), by option name, and the
    Colab runtime the rules judge against (`colab-runtime`).

    An option the project does not set has the default its catalog entry declares, so callers
    that pass nothing see exactly the behaviour the catalog examples test.
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    #: A name of `nbport.runtime.runtime_names()`: `latest`, or a past runtime (`2025.07`).
    colab_runtime: str = DEFAULT_RUNTIME

    @property
    def runtime(self) -> ColabRuntime:
        """The Colab runtime, read from the shipped table on first use (not before)."""
        from nbport.runtime import load_runtime

        return load_runtime(self.colab_runtime)

    def options(self, entry: CatalogEntry) -> Mapping[str, Any]:
        """Each option of `entry`'s rule with its value: the project's, else the default."""
        return {
            option.name: self.values.get(option.name, option.default) for option in entry.options
        }


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
