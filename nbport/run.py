"""A run over paths: discovery, each file's configuration, files spread over processes, and what
checking or fixing one file gives (`check_file`, `fix_file`), written back when it changed.

Per-file problems become `FileError`s in the file's report, never exceptions: one bad file never
stops a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from nbport.catalog import CatalogEntry, load_catalog
from nbport.config import Config
from nbport.config_resolver import ConfigResolver
from nbport.discovery import discover
from nbport.documents import Document, DocumentError, NotPython, load_document
from nbport.documents.notebook import NotebookDocument
from nbport.engine import check_document
from nbport.file_pool import map_files
from nbport.finding import FileError
from nbport.fix_loop import fix_document, notice_errors, source_changes
from nbport.results import FileReport
from nbport.selection import select_rules
from nbport.settings import DEFAULT_SETTINGS, RuleSettings


@dataclass(frozen=True)
class Plan:
    """What a run over paths applies to each file: from explicit rules, or from a `Config`."""

    rules: Sequence[CatalogEntry] | None
    config: Config | None

    @classmethod
    def of(cls, rules: Sequence[CatalogEntry] | None, config: Config | None) -> Plan:
        if rules is not None and config is not None:
            raise TypeError("pass rules or config, not both: the config chooses the rules")
        return cls(
            select_rules(load_catalog()) if rules is None and config is None else rules, config
        )

    @property
    def settings(self) -> RuleSettings:
        return self.config.settings if self.config is not None else DEFAULT_SETTINGS

    def rules_for(self, path: Path) -> Sequence[CatalogEntry]:
        if self.config is not None:
            return self.config.rules_for(path)
        assert self.rules is not None
        return self.rules


@dataclass(frozen=True)
class FileTask:
    """Check or fix one file as the run asks: a value, so worker processes can receive it.

    It is called with a file and the index of its plan in `plans`: each worker receives the plans
    once, not a configuration with every file.
    """

    plans: tuple[Plan, ...]
    report_unused_suppressions: bool
    fixing: bool = False
    unsafe: bool = False
    write: bool = True
    #: Whether reports carry their notebook findings' lines in the `.ipynb` file (`file_lines`).
    file_lines: bool = False

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
                    file_lines=self.file_lines,
                )
            return check_file(
                path,
                rules,
                settings=settings,
                report_unused_suppressions=self.report_unused_suppressions,
                file_lines=self.file_lines,
            )
        except Exception as error:  # one file's bug must not end the run (nor lose the others)
            message = f"internal error ({type(error).__name__}: {error}); please report it"
            return FileReport(path, errors=(FileError(path, message),))


def check_file(
    path: Path,
    rules: Sequence[CatalogEntry],
    *,
    settings: RuleSettings = DEFAULT_SETTINGS,
    report_unused_suppressions: bool = False,
    file_lines: bool = False,
) -> FileReport:
    """Check one file, with the rules' `settings` (thresholds); suppressed findings are left out.

    A notebook in another language is skipped (`FileReport.skipped`), not checked. With
    `file_lines`, the report holds the `.ipynb` line of each notebook finding's lines.
    """
    try:
        document = load_document(path)
    except NotPython as skip:
        return FileReport(path, skipped=str(skip))
    except DocumentError as error:
        return FileReport(path, errors=(FileError(path, str(error)),))
    result = check_document(
        document, rules, settings, report_unused_suppressions=report_unused_suppressions
    )
    report = FileReport(path, result.findings, notice_errors(document) + result.errors)
    return with_file_lines(report, document) if file_lines else report


def fix_file(
    path: Path,
    rules: Sequence[CatalogEntry],
    *,
    unsafe: bool = False,
    write: bool = True,
    settings: RuleSettings = DEFAULT_SETTINGS,
    report_unused_suppressions: bool = False,
    file_lines: bool = False,
) -> FileReport:
    """Fix one file and write it back (`nbport.atomic_write.write_back`) only if its bytes changed.

    A file that must not or cannot be written (read-only, in a read-only folder) is left unchanged,
    with an error saying why and its findings as they stand. Suppressed findings are not fixed;
    see `fix_document` for `report_unused_suppressions`. A notebook in another language is
    skipped (`FileReport.skipped`): never read as Python, never written. `file_lines` as for
    `check_file`, in the file as it is left.
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
    errors = notice_errors(original) + outcome.result.errors

    def mapped(report: FileReport, document: Document) -> FileReport:
        return with_file_lines(report, document) if file_lines else report

    if outcome.refused is not None:
        return mapped(
            FileReport(path, outcome.result.findings, (*errors, outcome.refused)), original
        )
    data = outcome.document.dump()
    if data == original.raw:
        return mapped(FileReport(path, outcome.result.findings, errors), original)
    if write:
        from nbport.atomic_write import WriteError, write_back

        try:
            write_back(path, data)
        except WriteError as error:
            # The file keeps its findings: report them as `check` would, beside the reason.
            unfixed = check_document(
                original, rules, settings, report_unused_suppressions=report_unused_suppressions
            )
            refusal = FileError(path, f"cannot write: {error}; not fixed")
            unfixed_errors = (*notice_errors(original), *unfixed.errors, refusal)
            return mapped(FileReport(path, unfixed.findings, unfixed_errors), original)
    changes = tuple(source_changes(original, outcome.document))
    report = FileReport(path, outcome.result.findings, errors, outcome.fixed, changes, write)
    return mapped(report, outcome.document)


def with_file_lines(report: FileReport, document: Document) -> FileReport:
    """`report` with the `.ipynb` line of each line its notebook findings start or end on (a diff
    shows a notebook as its JSON: GitHub annotates those lines). Scripts' lines are the file's."""
    if not isinstance(document, NotebookDocument) or not report.findings:
        return report
    lines: dict[tuple[int, int], int] = {}
    for finding in report.findings:
        for location in (finding.start, finding.end):
            key = (finding.unit, location.line)
            if key not in lines:
                try:
                    lines[key] = document.source_line_in_file(*key)
                except (IndexError, ValueError, RuntimeError):
                    continue  # the reporter falls back on the cell's first line
    return replace(report, file_lines=lines)


def each_file(
    paths: Sequence[Path],
    task: Callable[[tuple[Plan, ...]], FileTask],
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
) -> tuple[tuple[Plan, ...], list[tuple[Path, int]]]:
    """One plan per configuration in play, and each file with the index of its plan."""
    if not isinstance(config, ConfigResolver):
        return (Plan.of(rules, config),), [(path, 0) for path in files]
    if rules is not None:
        raise TypeError("pass rules or config, not both: the config chooses the rules")
    plans: list[Plan] = []
    index_of: dict[int, int] = {}  # id of a Config → index of its plan
    jobs: list[tuple[Path, int]] = []
    for path in files:
        # Discovery gives files only; the resolver caches each folder's answer.
        nearest = config.for_folder(path.parent)
        if id(nearest) not in index_of:
            nearest.rules  # noqa: B018 - selected once here, not in every worker process
            index_of[id(nearest)] = len(plans)
            plans.append(Plan(None, nearest))
        jobs.append((path, index_of[id(nearest)]))
    return tuple(plans), jobs
