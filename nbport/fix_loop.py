"""The fix loop: apply the findings' edits without overlaps, check again, until nothing changes.

Fixes can make new fixable findings, or expose ones an overlapping fix hid: each round applies
what does not overlap, and checks the result; the loop stops when no fix applies, and after
`MAX_FIX_ROUNDS` at most. A document that cannot be read whole, or whose fixed text no longer
parses, is never changed.
"""

from __future__ import annotations

import io
import json
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nbport.catalog import CatalogEntry
from nbport.documents import Document, DocumentError
from nbport.documents.base import MetadataDocument
from nbport.edits import apply_edits
from nbport.engine import check_document
from nbport.finding import Edit, FileError, Finding, FixSafety, MetadataEdit
from nbport.results import CheckResult, SourceChange
from nbport.settings import DEFAULT_SETTINGS, RuleSettings

#: Fixes can make new fixable findings (or expose ones they overlapped); re-run, but not forever.
MAX_FIX_ROUNDS = 10


@dataclass(frozen=True)
class FixOutcome:
    """A document after fixing, with what was fixed and what is left."""

    document: Document
    result: CheckResult
    fixed: tuple[Finding, ...]
    #: Set when the document must not be written; the reason, one line.
    refused: FileError | None = None


def fix_document(
    document: Document,
    rules: Sequence[CatalogEntry],
    *,
    unsafe: bool = False,
    settings: RuleSettings = DEFAULT_SETTINGS,
    report_unused_suppressions: bool = False,
) -> FixOutcome:
    """Apply fixes to `document` in memory, re-checking after each round, until none is left.

    Suppressed findings are neither reported nor fixed. With `report_unused_suppressions`, the
    safe fixes of `NBP000` findings remove the suppressions that silence nothing.
    A document with unreadable cells, or one whose file must not be rewritten, is returned unchanged.
    """
    original = document
    unused = report_unused_suppressions
    result = original_result = check_document(
        document, rules, settings, report_unused_suppressions=unused
    )
    allowed = {FixSafety.SAFE, FixSafety.UNSAFE} if unsafe else {FixSafety.SAFE}
    if any(notice.blocks_writing for notice in document.notices):
        return FixOutcome(document, result, ())  # the notice itself says the file is not written
    if result.errors:
        fixable = sum(1 for f in result.findings if f.fix is not None and f.fix.safety in allowed)
        refusal = None
        if fixable:
            # The error lines name the cells; this line says what it means for the file.
            refusal = FileError(
                document.path,
                f"not fixed: nbport writes no file it could not read whole"
                f" ({plural(fixable, 'fixable finding')} left)",
            )
        return FixOutcome(document, result, (), refusal)
    fixed: list[Finding] = []
    for _ in range(MAX_FIX_ROUNDS):
        chosen = [f for f in result.findings if f.fix is not None and f.fix.safety in allowed]
        changes, applied = apply_fixes(document, chosen)
        metadata = metadata_edits(applied)
        if not changes and not metadata:
            break
        try:
            candidate = document.with_sources(changes) if changes else document
            if metadata and isinstance(candidate, MetadataDocument):
                candidate = candidate.with_metadata(metadata)
        except DocumentError as error:  # e.g. a fixed script no longer fits its declared encoding
            refusal = FileError(document.path, f"cannot apply fixes: {error}; file left unchanged")
            return FixOutcome(original, original_result, (), refusal)
        if candidate is document:
            break  # the metadata already held what the fixes set
        candidate_result = check_document(
            candidate, rules, settings, report_unused_suppressions=unused
        )
        if candidate_result.errors:
            broken = ", ".join(error.label() for error in candidate_result.errors)
            refusal = FileError(
                document.path, f"a fix would leave unreadable code ({broken}); file left unchanged"
            )
            return FixOutcome(original, original_result, (), refusal)
        document, result = candidate, candidate_result
        fixed.extend(applied)
    return FixOutcome(document, result, tuple(fixed))


def apply_fixes(
    document: Document, findings: Sequence[Finding]
) -> tuple[dict[int, str], list[Finding]]:
    """New unit texts with the fixes of `findings` applied, skipping fixes that overlap an earlier one.

    A fix that also edits the notebook's metadata is skipped when the document has no metadata or
    when an earlier fix sets the same key to another value; `metadata_edits(applied)` gives the
    metadata edits of the fixes applied, for `MetadataDocument.with_metadata`.
    """
    has_metadata = isinstance(document, MetadataDocument)
    metadata_set: dict[tuple[str, ...], str] = {}
    by_unit: dict[int, list[Finding]] = {}
    for finding in findings:
        by_unit.setdefault(finding.unit, []).append(finding)
    units = document.units()
    changes: dict[int, str] = {}
    applied: list[Finding] = []
    for index, unit_findings in by_unit.items():
        edits: list[Edit] = []
        last_end = -1
        for finding in sorted(unit_findings, key=lambda f: (f.fix.start, f.fix.end)):  # type: ignore[union-attr]
            fix = finding.fix
            assert fix is not None
            if fix.metadata and not (has_metadata and _fits(fix.metadata, metadata_set)):
                continue
            if fix.edits:
                if fix.start < last_end or (fix.start == last_end and fix.start == fix.end):
                    continue  # overlaps: the next round picks it up if it still applies
                edits.extend(fix.edits)
                last_end = fix.end
            metadata_set.update((edit.keys, edit.value) for edit in fix.metadata)
            applied.append(finding)
        text = apply_edits(units[index].text, edits)
        if text != units[index].text:
            changes[index] = text
    return changes, applied


def metadata_edits(findings: Iterable[Finding]) -> tuple[MetadataEdit, ...]:
    """The metadata edits of the fixes of `findings`, each once, in order."""
    edits = (edit for finding in findings if finding.fix for edit in finding.fix.metadata)
    return tuple(dict.fromkeys(edits))


def _fits(edits: Sequence[MetadataEdit], already: Mapping[tuple[str, ...], str]) -> bool:
    """Whether `edits` agree with the metadata values already set (same value, or other keys)."""
    for edit in edits:
        for keys, value in already.items():
            if keys == edit.keys and value != edit.value:
                return False
            shorter = min(len(keys), len(edit.keys))
            if keys != edit.keys and keys[:shorter] == edit.keys[:shorter]:
                return False  # one would set a string where the other needs an object
    return True


def plural(count: int, noun: str) -> str:
    """`1 finding`, `2 findings`."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def notice_errors(document: Document) -> tuple[FileError, ...]:
    """The document's notices (duplicate keys...) as error lines of its file."""
    return tuple(FileError(document.path, notice.message) for notice in document.notices)


def source_changes(before: Document, after: Document) -> Iterable[SourceChange]:
    """What fixing changed, per cell (a script whole), for `--diff`."""
    if before.kind != "notebook":
        # A script is diffed whole, as the file it is.
        yield SourceChange(str(before.path), _decode(before.raw), _decode(after.dump()))
        return
    for old, new in zip(before.units(), after.units(), strict=True):
        if old.text != new.text:
            yield SourceChange(f"{before.path}:cell {old.cell}", old.text, new.text)
    if isinstance(before, MetadataDocument) and isinstance(after, MetadataDocument):
        change = _metadata_change(before.metadata, after.metadata)
        if change is not None:
            yield SourceChange(f"{before.path}:metadata", *change)


def _metadata_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, str] | None:
    """The changed top-level metadata keys as JSON text, before and after, or None if none changed."""
    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    if not keys:
        return None

    def shown(metadata: Mapping[str, Any]) -> str:
        changed = {key: metadata[key] for key in keys if key in metadata}
        return json.dumps(changed, indent=1, ensure_ascii=False) + "\n"

    return shown(before), shown(after)


def _decode(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    return data.decode(encoding, errors="replace")
