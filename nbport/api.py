"""The library face of nbport: check and fix paths or source text. The CLI, hooks and tests use it.

Per-file problems become `FileError`s in the result, never exceptions, so one bad file never stops a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from nbport.catalog import CatalogEntry, load_catalog
from nbport.config import Config
from nbport.config_resolver import ConfigResolver
from nbport.discovery import discover
from nbport.documents import (
    Document,
    DocumentError,
    NotPython,
    document_from_cells,
    load_document,
)
from nbport.documents.base import MetadataDocument
from nbport.edits import apply_edits
from nbport.engine import CheckResult, check_document
from nbport.file_pool import map_files
from nbport.finding import Edit, FileError, Finding, FixSafety, MetadataEdit
from nbport.rule import DEFAULT_SETTINGS, RuleSettings
from nbport.selection import select_rules
from nbport.suppressions import apply_suppressions

#: Fixes can make new fixable findings (or expose ones they overlapped); re-run, but not forever.
MAX_FIX_ROUNDS = 10


@dataclass(frozen=True)
class SourceChange:
    """The text of one changed cell (or script) before and after fixing, for `--diff`.

    A change to a notebook's own metadata is shown as a pseudo-cell labelled `path:metadata`,
    holding the changed top-level metadata keys as JSON.
    """

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class FileReport:
    """The outcome for one file."""

    path: Path
    #: Findings still there (after fixing, when fixing).
    findings: tuple[Finding, ...] = ()
    errors: tuple[FileError, ...] = ()
    #: Findings whose fix was applied.
    fixed: tuple[Finding, ...] = ()
    changes: tuple[SourceChange, ...] = ()
    written: bool = False
    #: Why the file was not checked at all, when it was skipped: `not Python (R)` for a notebook
    #: in another language. Neither an error nor a pass; None for every file nbport read.
    skipped: str | None = None


@dataclass(frozen=True)
class RunReport:
    """The outcome for a whole run, files in path order."""

    files: tuple[FileReport, ...] = field(default_factory=tuple)

    @property
    def findings(self) -> list[Finding]:
        """All findings left, in file order."""
        return [finding for report in self.files for finding in report.findings]

    @property
    def errors(self) -> list[FileError]:
        """All files or cells that could not be read or analysed."""
        return [error for report in self.files for error in report.errors]

    @property
    def skipped(self) -> list[FileReport]:
        """The files not checked at all (see `FileReport.skipped`), in path order."""
        return [report for report in self.files if report.skipped is not None]

    @property
    def fixed(self) -> list[Finding]:
        """All findings fixed."""
        return [finding for report in self.files for finding in report.fixed]

    @property
    def changes(self) -> list[SourceChange]:
        """All changed sources."""
        return [change for report in self.files for change in report.changes]

    def exit_code(self, *, changes_count: bool = False) -> int:
        """2 if anything could not be read, else 1 if findings (or, with `--diff`, changes) remain.

        Skipped files count for neither: a notebook in another language is no Python file that
        could not be read, and must not fail every run (pre-commit) of the repository holding it.
        """
        if self.errors:
            return 2
        if self.findings or (changes_count and self.changes):
            return 1
        return 0


def rules_for(
    select: Iterable[str] = (), ignore: Iterable[str] = (), target: str = "colab"
) -> tuple[CatalogEntry, ...]:
    """The catalog entries for `target` chosen by `select`/`ignore`.

    Raises `SelectionError` on an unknown code or target.
    """
    return select_rules(load_catalog(), select, ignore, target)


def check_paths(
    paths: Sequence[Path],
    rules: Sequence[CatalogEntry] | None = None,
    *,
    config: Config | ConfigResolver | None = None,
    report_unused_suppressions: bool = False,
    jobs: int = 1,
    progress: bool = False,
) -> RunReport:
    """Check every notebook and script found under `paths`.

    With `config` (see `nbport.config.load_config`), its rules less each file's per-file ignores,
    its thresholds, its exclusions and `respect-gitignore` apply, and `rules` must be None. A
    `ConfigResolver` gives each file, and each folder a walk enters, its nearest configuration
    (as the CLI does); it raises `ConfigError` for a broken configuration file it meets, before
    any file is checked. With `report_unused_suppressions`, suppressions that silence
    nothing are findings (`NBP000`). With `jobs` > 1, large runs are spread over that many
    processes (see `nbport.file_pool`); with `progress`, a progress bar shows on standard error
    for long runs. Files come back in path order either way.
    """
    task = partial(_FileTask, report_unused_suppressions=report_unused_suppressions)
    files = _each_file(paths, task, rules, config, jobs=jobs, progress=progress)
    return RunReport(tuple(files))


def fix_paths(
    paths: Sequence[Path],
    rules: Sequence[CatalogEntry] | None = None,
    *,
    unsafe: bool = False,
    write: bool = True,
    config: Config | ConfigResolver | None = None,
    report_unused_suppressions: bool = False,
    jobs: int = 1,
    progress: bool = False,
) -> RunReport:
    """Fix every file under `paths`; with `write=False` only report what would change.

    `config`, `jobs` and `progress` work as for `check_paths` (a broken configuration file
    raises before any file is written). With `report_unused_suppressions`, suppressions that
    silence nothing are findings (`NBP000`), and their safe fixes remove them.
    """
    task = partial(
        _FileTask,
        report_unused_suppressions=report_unused_suppressions,
        fixing=True,
        unsafe=unsafe,
        write=write,
    )
    files = _each_file(paths, task, rules, config, jobs=jobs, progress=progress)
    return RunReport(tuple(files))


@dataclass(frozen=True)
class _Plan:
    """What a run over paths applies to each file: from explicit rules, or from a `Config`."""

    rules: Sequence[CatalogEntry] | None
    config: Config | None

    @classmethod
    def of(cls, rules: Sequence[CatalogEntry] | None, config: Config | None) -> _Plan:
        if rules is not None and config is not None:
            raise TypeError("pass rules or config, not both: the config chooses the rules")
        return cls(rules_for() if rules is None and config is None else rules, config)

    @property
    def settings(self) -> RuleSettings:
        return self.config.settings if self.config is not None else DEFAULT_SETTINGS

    def rules_for(self, path: Path) -> Sequence[CatalogEntry]:
        if self.config is not None:
            return self.config.rules_for(path)
        assert self.rules is not None
        return self.rules


@dataclass(frozen=True)
class _FileTask:
    """Check or fix one file as the run asks: a value, so worker processes can receive it.

    It is called with a file and the index of its plan in `plans`: each worker receives the plans
    once, not a configuration with every file.
    """

    plans: tuple[_Plan, ...]
    report_unused_suppressions: bool
    fixing: bool = False
    unsafe: bool = False
    write: bool = True

    def __call__(self, job: tuple[Path, int]) -> FileReport:
        path, plan = job[0], self.plans[job[1]]
        rules, settings = plan.rules_for(path), plan.settings
        try:
            if self.fixing:
                return fix_file(
                    path,
                    rules,
                    unsafe=self.unsafe,
                    write=self.write,
                    settings=settings,
                    report_unused_suppressions=self.report_unused_suppressions,
                )
            return check_file(
                path,
                rules,
                settings=settings,
                report_unused_suppressions=self.report_unused_suppressions,
            )
        except Exception as error:  # one file's bug must not end the run (nor lose the others)
            message = f"internal error ({type(error).__name__}: {error}); please report it"
            return FileReport(path, errors=(FileError(path, message),))


def check_source(
    source: str | Sequence[str],
    layout: str = "notebook",
    rules: Sequence[CatalogEntry] | None = None,
    *,
    settings: RuleSettings = DEFAULT_SETTINGS,
    report_unused_suppressions: bool = False,
) -> CheckResult:
    """Check source text held in memory: one cell (a string) or several, as a notebook or a script.

    Suppression comments in the source apply, as in a file.
    """
    cells = [source] if isinstance(source, str) else list(source)
    document = document_from_cells(cells, layout)
    chosen = rules_for() if rules is None else rules
    return check_suppressed(document, chosen, settings, report_unused_suppressions)


def check_suppressed(
    document: Document,
    rules: Sequence[CatalogEntry],
    settings: RuleSettings = DEFAULT_SETTINGS,
    report_unused_suppressions: bool = False,
) -> CheckResult:
    """`check_document`, less the findings the document's suppressions silence (`nbport.suppressions`);
    with `report_unused_suppressions`, plus an `NBP000` finding for each suppression that silences
    nothing."""
    result = check_document(document, rules, settings)
    return apply_suppressions(document, result, rules, report_unused=report_unused_suppressions)


def check_file(
    path: Path,
    rules: Sequence[CatalogEntry],
    *,
    settings: RuleSettings = DEFAULT_SETTINGS,
    report_unused_suppressions: bool = False,
) -> FileReport:
    """Check one file, with the rules' `settings` (thresholds); suppressed findings are left out.

    A notebook in another language is skipped (`FileReport.skipped`), not checked.
    """
    try:
        document = load_document(path)
    except NotPython as skip:
        return FileReport(path, skipped=str(skip))
    except DocumentError as error:
        return FileReport(path, errors=(FileError(path, str(error)),))
    result = check_suppressed(document, rules, settings, report_unused_suppressions)
    return FileReport(path, result.findings, _notice_errors(document) + result.errors)


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
    result = original_result = check_suppressed(document, rules, settings, unused)
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
                f" ({_plural(fixable, 'fixable finding')} left)",
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
        candidate_result = check_suppressed(candidate, rules, settings, unused)
        if candidate_result.errors:
            broken = ", ".join(error.label() for error in candidate_result.errors)
            refusal = FileError(
                document.path, f"a fix would leave unreadable code ({broken}); file left unchanged"
            )
            return FixOutcome(original, original_result, (), refusal)
        document, result = candidate, candidate_result
        fixed.extend(applied)
    return FixOutcome(document, result, tuple(fixed))


def fix_file(
    path: Path,
    rules: Sequence[CatalogEntry],
    *,
    unsafe: bool = False,
    write: bool = True,
    settings: RuleSettings = DEFAULT_SETTINGS,
    report_unused_suppressions: bool = False,
) -> FileReport:
    """Fix one file and write it back (`nbport.atomic_write.write_back`) only if its bytes changed.

    A file that must not or cannot be written (read-only, in a read-only folder) is left unchanged,
    with an error saying why and its findings as they stand. Suppressed findings are not fixed;
    see `fix_document` for `report_unused_suppressions`. A notebook in another language is
    skipped (`FileReport.skipped`): never read as Python, never written.
    """
    try:
        original = load_document(path)
    except NotPython as skip:
        return FileReport(path, skipped=str(skip))
    except DocumentError as error:
        return FileReport(path, errors=(FileError(path, str(error)),))
    outcome = fix_document(
        original,
        rules,
        unsafe=unsafe,
        settings=settings,
        report_unused_suppressions=report_unused_suppressions,
    )
    errors = _notice_errors(original) + outcome.result.errors
    if outcome.refused is not None:
        return FileReport(path, outcome.result.findings, (*errors, outcome.refused))
    data = outcome.document.dump()
    if data == original.raw:
        return FileReport(path, outcome.result.findings, errors)
    if write:
        from nbport.atomic_write import WriteError, write_back

        try:
            write_back(path, data)
        except WriteError as error:
            # The file keeps its findings: report them as `check` would, beside the reason.
            unfixed = check_suppressed(original, rules, settings, report_unused_suppressions)
            refusal = FileError(path, f"cannot write: {error}; not fixed")
            unfixed_errors = (*_notice_errors(original), *unfixed.errors, refusal)
            return FileReport(path, unfixed.findings, unfixed_errors)
    changes = tuple(_source_changes(original, outcome.document))
    return FileReport(path, outcome.result.findings, errors, outcome.fixed, changes, write)


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


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _notice_errors(document: Document) -> tuple[FileError, ...]:
    return tuple(FileError(document.path, notice.message) for notice in document.notices)


def _source_changes(before: Document, after: Document) -> Iterable[SourceChange]:
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
    import json

    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    if not keys:
        return None

    def shown(metadata: Mapping[str, Any]) -> str:
        changed = {key: metadata[key] for key in keys if key in metadata}
        return json.dumps(changed, indent=1, ensure_ascii=False) + "\n"

    return shown(before), shown(after)


def _decode(data: bytes) -> str:
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    return data.decode(encoding, errors="replace")


def _each_file(
    paths: Sequence[Path],
    task: Callable[[tuple[_Plan, ...]], _FileTask],
    rules: Sequence[CatalogEntry] | None,
    config: Config | ConfigResolver | None,
    *,
    jobs: int = 1,
    progress: bool = False,
) -> Iterable[FileReport]:
    """The report of each file under `paths`, by path: `task(plans)` runs on each file with the
    plan of its configuration (one `Config`, or each file's nearest with a `ConfigResolver`)."""
    # Discovery prunes what `exclude`, `extend-exclude` and .gitignore files leave out of directory
    # walks; a file named explicitly is always checked (pre-commit passes files by name).
    if isinstance(config, ConfigResolver):
        found = list(discover(paths, settings=config))
    else:
        found = list(
            discover(
                paths,
                exclude=config.exclusions if config is not None else (),
                respect_gitignore=config.respect_gitignore if config is not None else True,
            )
        )
    files = [item for item in found if not isinstance(item, FileError)]
    plans, jobs_of_files = _plans(files, rules, config)
    reports = map_files(task(plans), jobs_of_files, jobs=jobs, progress=progress)
    # Discovery's errors keep their sorted places among the files' reports.
    for item in found:
        if isinstance(item, FileError):
            yield FileReport(item.path, errors=(item,))
        else:
            yield next(reports)


def _plans(
    files: Sequence[Path],
    rules: Sequence[CatalogEntry] | None,
    config: Config | ConfigResolver | None,
) -> tuple[tuple[_Plan, ...], list[tuple[Path, int]]]:
    """One plan per configuration in play, and each file with the index of its plan."""
    if not isinstance(config, ConfigResolver):
        return (_Plan.of(rules, config),), [(path, 0) for path in files]
    if rules is not None:
        raise TypeError("pass rules or config, not both: the config chooses the rules")
    plans: list[_Plan] = []
    index_of: dict[int, int] = {}  # id of a Config → index of its plan
    jobs: list[tuple[Path, int]] = []
    for path in files:
        # Discovery gives files only; the resolver caches each folder's answer.
        nearest = config.for_folder(path.parent)
        if id(nearest) not in index_of:
            nearest.rules  # noqa: B018 - selected once here, not in every worker process
            index_of[id(nearest)] = len(plans)
            plans.append(_Plan(None, nearest))
        jobs.append((path, index_of[id(nearest)]))
    return tuple(plans), jobs


__all__ = [
    "FileReport",
    "FixOutcome",
    "RunReport",
    "SourceChange",
    "apply_fixes",
    "check_file",
    "check_paths",
    "check_source",
    "check_suppressed",
    "fix_document",
    "fix_file",
    "fix_paths",
    "metadata_edits",
    "rules_for",
]
