"""NBP000 unused-suppression: a suppression that silences nothing, names no rule, or is misspelt.

Not a rule of the walk: the engine calls `judge` once the other rules have run and their findings
met the document's suppressions (`nbport.suppressions.silence`). Like ruff's RUF100, only codes of
rules that ran can be unused, and only in units that could be read.
"""

from __future__ import annotations

from collections.abc import Sequence

from nbport.finding import Edit, FileError
from nbport.rules.base import Rule
from nbport.rules.tables import rule_table
from nbport.suppressions import (
    CELL_TAG,
    Suppression,
    SuppressionKind,
    SuppressionUse,
    known_codes,
)

#: What the findings say, in `unused_suppression.toml` beside this module.
_MESSAGES = rule_table(__file__)["messages"]


class UnusedSuppressionRule(Rule):
    """Reports each suppression that silenced nothing; its safe fix removes it (or its unused codes)."""

    def judge(
        self,
        suppressions: Sequence[Suppression],
        uses: Sequence[SuppressionUse],
        errors: Sequence[FileError],
        ran: set[str],
    ) -> None:
        """Report the suppressions that `uses` show silenced nothing, among the rules in `ran`."""
        # A unit that could not be read was not checked: its suppressions' use is unknown. Script
        # errors carry no cell (None), like script units: any error leaves a script unjudged.
        error_cells = {error.cell for error in errors}
        unread = {unit.index for unit in self.document.units() if unit.cell in error_cells}
        for suppression, use in zip(suppressions, uses, strict=True):
            if suppression.kind is SuppressionKind.FILE or suppression.unit is None:
                judged = not errors
            else:
                judged = suppression.unit not in unread
            self._judge_one(suppression, use, judged, ran)

    def _judge_one(
        self, suppression: Suppression, use: SuppressionUse, judged: bool, ran: set[str]
    ) -> None:
        kind, text = suppression.kind, suppression.text
        if kind is SuppressionKind.MALFORMED:
            self._report(suppression, _MESSAGES["malformed"].format(text=text))
        elif kind is SuppressionKind.MISPLACED:
            self._report(suppression, _MESSAGES["misplaced"].format(text=text))
        elif kind is SuppressionKind.CELL:
            if judged and not use.rules:
                self._report(suppression, _MESSAGES["cell"].format(tag=CELL_TAG))
        elif suppression.codes is None:
            if judged and not use.rules:
                self._report(suppression, _unused(suppression, "unused"), suppression.removal)
        else:
            self._unused_codes(suppression, use, judged, ran)

    def _unused_codes(
        self, suppression: Suppression, use: SuppressionUse, judged: bool, ran: set[str]
    ) -> None:
        assert suppression.codes is not None  # a suppression with codes, by the caller's test
        known = known_codes()
        keep: list[str] = []
        unknown: list[str] = []
        for code in suppression.codes:
            rule = known.get(code.upper())
            if rule is None:
                unknown.append(code)
            elif rule in use.rules or not judged or rule not in ran:
                keep.append(code)
        if len(keep) == len(suppression.codes):
            return
        note = _MESSAGES["unknown"].format(codes=", ".join(unknown)) if unknown else ""
        if not keep:
            message = _unused(suppression, "unused", note=note)
            self._report(suppression, message, suppression.removal)
            return
        dropped = ", ".join(code for code in suppression.codes if code not in keep)
        message = _unused(suppression, "unused-codes", codes=dropped, note=note)
        span = suppression.codes_span
        self._report(suppression, message, Edit(*span, ", ".join(keep)) if span else None)

    def _report(self, suppression: Suppression, message: str, edit: Edit | None = None) -> None:
        # A line outside every unit (a percent script's header) has no unit text to edit.
        fixable = edit is not None and suppression.unit is not None
        self.report_at(
            suppression.start,
            suppression.end,
            suppression.unit if suppression.unit is not None else 0,
            message,
            edits=[edit] if fixable and edit is not None else [],
        )


def _unused(suppression: Suppression, key: str, codes: str = "", note: str = "") -> str:
    """The message `key` about `suppression`, which silences nothing where it acts."""
    where = "in this file" if suppression.kind is SuppressionKind.FILE else "here"
    return _MESSAGES[key].format(text=suppression.text, where=where, codes=codes, note=note)
