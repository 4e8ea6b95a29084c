"""The library face of nbport: check and fix paths or source text. The CLI, hooks and tests use it.

A thin face over the run (`nbport.run`), the fix loop (`nbport.fix_loop`) and the engine
(`nbport.engine`); the values they give are in `nbport.results`. Per-file problems become
`FileError`s in the result, never exceptions, so one bad file never stops a run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path

from nbport.catalog import CatalogEntry, load_catalog
from nbport.config import Config
from nbport.config_resolver import ConfigResolver
from nbport.documents import document_from_cells
from nbport.engine import check_document
from nbport.fix_loop import FixOutcome, apply_fixes, fix_document, metadata_edits
from nbport.results import CheckResult, FileReport, RunReport, SourceChange
from nbport.run import FileTask, check_file, each_file, fix_file
from nbport.selection import select_rules
from nbport.settings import DEFAULT_SETTINGS, RuleSettings


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
    file_lines: bool = False,
) -> RunReport:
    """Check every notebook and script found under `paths`.

    With `config` (see `nbport.config.load_config`), its rules less each file's per-file ignores,
    its thresholds, its exclusions and `respect-gitignore` apply, and `rules` must be None. A
    `ConfigResolver` gives each file, and each folder a walk enters, its nearest configuration
    (as the CLI does); it raises `ConfigError` for a broken configuration file it meets, before
    any file is checked. With `report_unused_suppressions`, suppressions that silence
    nothing are findings (`NBP000`). With `jobs` > 1, large runs are spread over that many
    processes (see `nbport.file_pool`); with `progress`, a progress bar shows on standard error
    for long runs. Files come back in path order either way. With `file_lines`, each report
    holds the `.ipynb` lines its notebook findings stand on (`FileReport.file_lines`).
    """
    task = partial(
        FileTask, report_unused_suppressions=report_unused_suppressions, file_lines=file_lines
    )
    files = each_file(paths, task, rules, config, jobs=jobs, progress=progress)
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
    file_lines: bool = False,
) -> RunReport:
    """Fix every file under `paths`; with `write=False` only report what would change.

    `config`, `jobs` and `progress` work as for `check_paths` (a broken configuration file
    raises before any file is written). With `report_unused_suppressions`, suppressions that
    silence nothing are findings (`NBP000`), and their safe fixes remove them.
    """
    task = partial(
        FileTask,
        report_unused_suppressions=report_unused_suppressions,
        fixing=True,
        unsafe=unsafe,
        write=write,
        file_lines=file_lines,
    )
    files = each_file(paths, task, rules, config, jobs=jobs, progress=progress)
    return RunReport(tuple(files))


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
    return check_document(
        document, chosen, settings, report_unused_suppressions=report_unused_suppressions
    )


__all__ = [
    "CheckResult",
    "FileReport",
    "FixOutcome",
    "RunReport",
    "SourceChange",
    "apply_fixes",
    "check_document",
    "check_file",
    "check_paths",
    "check_source",
    "fix_document",
    "fix_file",
    "fix_paths",
    "metadata_edits",
    "rules_for",
]
