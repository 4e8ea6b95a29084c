"""The `nbport` command line: parses options, calls `nbport.api`, prints, picks the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nbport import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

    from nbport.config_resolver import ConfigResolver
    from nbport.results import RunReport

app = typer.Typer(
    name="nbport",
    help=(
        "Find and fix what breaks when Jupyter notebooks and Python scripts move to Google Colab"
        " (and back). nbport reads your files, never runs them.\n\n"
        "Exit codes: 0 nothing to report, 1 findings remain, 2 usage error or unreadable file."
    ),
    no_args_is_help=True,
    add_completion=False,
    # Plain help, as click writes it: rich markup would eat `[tool.nbport]` and `nbport[format]`,
    # and keep the docstrings' line breaks mid-paragraph.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Notebooks (.ipynb), scripts (.py) or directories to search for them. Default: `.`",
        show_default=False,
        # typer checks that a named path is readable and stops the whole run with a usage error
        # when one is not; nbport reports it as that path's `error:` line and checks the others.
        readable=False,
    ),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        help="Only these rules: ids (NBP001), prefixes (NBP1) or names (shell-cd); comma-separated or repeated.",
        show_default=False,
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option("--ignore", help="Skip these rules (same forms as --select).", show_default=False),
]
RemoteOption = Annotated[
    str | None,
    typer.Option(
        "--remote",
        help=(
            "For local paths: the git remote whose GitHub repository to link to (default:"
            " origin), or its URL, or OWNER/REPO."
        ),
        show_default=False,
    ),
]
RefOption = Annotated[
    str | None,
    typer.Option(
        "--ref",
        help=(
            "For local paths: the branch, tag or commit to link to (default: the checked-out"
            " branch; needed when HEAD is detached)."
        ),
        show_default=False,
    ),
]


class OutputFormat(str, Enum):
    """`--output-format`: for people, for scripts, for code scanning, for GitHub annotations."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


OutputFormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--output-format",
        help=(
            "text (one line per finding), json (see README), sarif (SARIF 2.1.0 for code"
            " scanning) or github (workflow commands that annotate a pull request)."
        ),
        case_sensitive=False,
    ),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        help=(
            "Skip files and folders matching these globs (gitignore syntax, relative to the"
            " current folder) while walking; replaces the project's `exclude`. Files named on"
            " the command line are always checked."
        ),
        show_default=False,
    ),
]
ExtendExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--extend-exclude",
        help="Skip these globs too, on top of `exclude`.",
        show_default=False,
    ),
]
RespectGitignoreOption = Annotated[
    bool | None,
    typer.Option(
        "--respect-gitignore/--no-respect-gitignore",
        help="Skip what .gitignore files ignore while walking folders. Default: the project's `respect-gitignore`, else yes.",
        show_default=False,
    ),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Check files in this many processes (large runs only). Default: the machine's cores.",
        show_default=False,
    ),
]
StatisticsOption = Annotated[
    bool,
    typer.Option(
        "--statistics",
        help="Print a count per rule instead of one line per finding (text output).",
    ),
]
ShowSkippedOption = Annotated[
    bool,
    typer.Option(
        "--show-skipped",
        help="List each skipped file (a notebook in another language), one line each (text output).",
    ),
]
UnusedSuppressionsOption = Annotated[
    bool,
    typer.Option(
        "--report-unused-suppressions",
        help="Report `# nbport: ignore` comments, nbport-ignore tags and ignore-file lines that silence nothing (NBP000).",
    ),
]
TargetOption = Annotated[
    str | None,
    typer.Option(
        "--target",
        help=(
            "Where the code is going: colab (laptop → Colab), local (Colab → laptop, server, CI) or"
            " both. Default: the project's `target`, else colab."
        ),
        case_sensitive=False,
        show_default=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nbport {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Portable notebooks for Google Colab."""


def _use_color(stream: object) -> bool:
    """Colour only on a terminal that can show it. `NO_COLOR` (https://no-color.org) turns it off;
    `FORCE_COLOR` turns it on, except `FORCE_COLOR=0` (or `false`), which turns it off; `TERM=dumb`
    turns it off unless forced."""
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR", "")
    if force:
        return force.strip().lower() not in ("0", "false", "no", "off")
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _styler(color: bool) -> Callable[..., str]:
    """`typer.style` on a terminal, else a pass-through with the same signature."""
    from nbport.report.text import plain

    return typer.style if color else plain


def _configs(paths: list[Path], command_line: dict[str, object]) -> ConfigResolver:
    """The resolver giving each file its nearest configuration with `command_line` on top, with
    the configurations of `paths` already read, so that a mistake in them or in an option is
    reported before anything runs (`_config_errors`). A prefix of `--select` that selects only
    another target's rules, beside others that run, gets a warning line."""
    from nbport.catalog import load_catalog
    from nbport.config_resolver import ConfigResolver
    from nbport.selection import other_target_notes

    resolver = ConfigResolver(command_line)
    notes: dict[str, None] = {}
    with _config_errors():
        for path in paths:
            config = resolver.for_path(path)
            config.rules  # noqa: B018 - resolves the selection now, so a bad option fails first
            selected = (*(config.select or ()), *config.extend_select)
            notes.update(dict.fromkeys(other_target_notes(load_catalog(), selected, config.target)))
    for note in notes:
        typer.echo(f"nbport: warning: {note}", err=True)
    return resolver


@contextmanager
def _config_errors() -> Iterator[None]:
    """A bad configuration file is one line and exit code 2; a bad option is a usage error."""
    from nbport.catalog import CatalogError
    from nbport.config import ConfigError
    from nbport.selection import SelectionError

    try:
        yield
    except ConfigError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    except SelectionError as error:
        raise typer.BadParameter(str(error), param_hint="--select/--ignore/--target") from None
    except CatalogError as error:
        typer.echo(f"nbport: error: rule catalog: {error}", err=True)
        raise typer.Exit(2) from None


def _command_line(
    select: list[str] | None,
    ignore: list[str] | None,
    target: str | None,
    exclude: list[str] | None = None,
    extend_exclude: list[str] | None = None,
    respect_gitignore: bool | None = None,
) -> dict[str, object]:
    """The options that override configuration keys (None: not given), keyed as in the file."""
    return {
        "select": select or None,
        "ignore": ignore or None,
        "target": target,
        "exclude": tuple(exclude) if exclude else None,
        "extend-exclude": tuple(extend_exclude) if extend_exclude else None,
        "respect-gitignore": respect_gitignore,
    }


def _run_configured(
    paths: list[Path] | None,
    command_line: dict[str, object],
    jobs: int | None,
    run: Callable[..., RunReport],
) -> RunReport:
    """One report over `paths` (default `.`), each file checked with its nearest configuration.

    `run(paths, config=..., jobs=..., progress=...)` gets a `ConfigResolver`, the worker count
    (default: the cores) and a progress bar only on a terminal. A broken configuration file met
    in a walk ends the run like one above the named paths: one line, exit code 2, nothing checked
    or written (its settings are unknown, and checking those files with others' would report or
    fix what it may turn off).
    """
    from nbport.file_pool import default_jobs

    named = paths or [Path(".")]
    resolver = _configs(named, command_line)
    workers = jobs or default_jobs()
    progress = sys.stderr.isatty() and not os.environ.get("CI")
    with _config_errors():
        return run(named, config=resolver, jobs=workers, progress=progress)


def _check_format(output_format: OutputFormat, statistics: bool, diff: bool = False) -> None:
    if output_format is OutputFormat.text:
        return
    if statistics:
        raise typer.BadParameter(
            "--statistics is a text report; drop it or use --output-format text",
            param_hint="--statistics",
        )
    if diff:
        raise typer.BadParameter(
            "--diff prints a text diff; drop it or use --output-format text",
            param_hint="--diff",
        )


def _print_report(
    report: RunReport,
    output_format: OutputFormat,
    *,
    statistics: bool = False,
    show_skipped: bool = False,
    fixing: bool,
    unsafe: bool,
    dry_run: bool,
) -> None:
    if output_format is not OutputFormat.text:
        typer.echo(_machine_report(report, output_format), nl=False)
        return
    from nbport.report.text import (
        error_line,
        finding_line,
        skipped_line,
        statistics_lines,
        summary_lines,
    )

    out_color, err_color = _use_color(sys.stdout), _use_color(sys.stderr)
    out_style, err_style = _styler(out_color), _styler(err_color)
    for file in report.files:
        if show_skipped and file.skipped is not None:
            typer.echo(skipped_line(file, out_style), color=out_color)
        for error in file.errors:
            typer.echo(error_line(error, err_style), err=True, color=err_color)
        if not statistics:
            for finding in file.findings:
                typer.echo(finding_line(finding, out_style), color=out_color)
    if statistics:
        from nbport.catalog import load_catalog

        for line in statistics_lines(report.findings, load_catalog()):
            typer.echo(line)
    for line in summary_lines(report, fixing=fixing, unsafe=unsafe, dry_run=dry_run):
        typer.echo(line)


def _maps_file_lines(output_format: OutputFormat) -> bool:
    """SARIF and GitHub annotations point at notebook findings by the `.ipynb` file's lines."""
    return output_format in (OutputFormat.sarif, OutputFormat.github)


def _machine_report(report: RunReport, output_format: OutputFormat) -> str:
    if output_format is OutputFormat.json:
        from nbport.report import json_format

        return json_format.render(report)
    if output_format is OutputFormat.sarif:
        from nbport.catalog import load_catalog
        from nbport.report import sarif

        return sarif.render(report, load_catalog())
    from nbport.report import github

    return github.render(report)


@app.command()
def check(
    paths: PathsArgument = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    target: TargetOption = None,
    output_format: OutputFormatOption = OutputFormat.text,
    statistics: StatisticsOption = False,
    exclude: ExcludeOption = None,
    extend_exclude: ExtendExcludeOption = None,
    respect_gitignore: RespectGitignoreOption = None,
    report_unused_suppressions: UnusedSuppressionsOption = False,
    show_skipped: ShowSkippedOption = False,
    jobs: JobsOption = None,
) -> None:
    """Report Colab portability problems, one line each: `path:cell N:line:col: ID message`.

    Notebooks give the cell (counting every cell, as Jupyter numbers them) and the line and column inside
    it; scripts give the line and column in the file. Folders are searched for .ipynb and .py files,
    skipping what .gitignore files and `exclude` name. A notebook in another language (R, Julia...) is
    skipped and counted in the summary (--show-skipped lists them). Nothing is written. Exit code 0
    when nothing is found, 1 when something is, 2 when a file could not be read (in every output
    format); skipped files change none of them.
    """
    from nbport.api import check_paths

    _check_format(output_format, statistics)
    options = _command_line(select, ignore, target, exclude, extend_exclude, respect_gitignore)
    run = partial(
        check_paths,
        report_unused_suppressions=report_unused_suppressions,
        file_lines=_maps_file_lines(output_format),
    )
    report = _run_configured(paths, options, jobs, run)
    _print_report(
        report,
        output_format,
        statistics=statistics,
        show_skipped=show_skipped,
        fixing=False,
        unsafe=False,
        dry_run=False,
    )
    raise typer.Exit(report.exit_code())


@app.command()
def fix(
    paths: PathsArgument = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    target: TargetOption = None,
    unsafe_fixes: Annotated[
        bool,
        typer.Option(
            "--unsafe-fixes",
            help="Also apply fixes that may change behaviour (each rule's fix safety is in `nbport rules`).",
        ),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff", help="Print a unified diff of the cells that would change; write nothing."
        ),
    ] = False,
    output_format: OutputFormatOption = OutputFormat.text,
    statistics: StatisticsOption = False,
    exclude: ExcludeOption = None,
    extend_exclude: ExtendExcludeOption = None,
    respect_gitignore: RespectGitignoreOption = None,
    report_unused_suppressions: UnusedSuppressionsOption = False,
    show_skipped: ShowSkippedOption = False,
    jobs: JobsOption = None,
) -> None:
    """Apply safe fixes in place and report what is left.

    Only the changed cells are rewritten; the notebook keeps its own JSON layout, and a file with nothing
    to fix is not touched. A file nbport cannot read whole is never written, nor is a notebook in another
    language (skipped, as by `check`). Exit code 0 when nothing is left, 1 when findings remain (with
    --diff: or changes would be made), 2 on unreadable files.
    """
    from nbport.api import fix_paths

    _check_format(output_format, statistics, diff)
    options = _command_line(select, ignore, target, exclude, extend_exclude, respect_gitignore)
    run = partial(
        fix_paths,
        unsafe=unsafe_fixes,
        write=not diff,
        report_unused_suppressions=report_unused_suppressions,
        file_lines=_maps_file_lines(output_format),
    )
    report = _run_configured(paths, options, jobs, run)
    if diff:
        from nbport.report.diff import unified_diff

        typer.echo(unified_diff(report.changes), nl=False)
    _print_report(
        report,
        output_format,
        statistics=statistics,
        show_skipped=show_skipped,
        fixing=True,
        unsafe=unsafe_fixes,
        dry_run=diff,
    )
    raise typer.Exit(report.exit_code(changes_count=diff))


@app.command("config")
def show_config(
    path: Annotated[
        Path,
        typer.Argument(
            help="The file or folder whose configuration to show (found walking up from it).",
            readable=False,  # the configuration of a file nbport cannot read is still shown
        ),
    ] = Path("."),
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    target: TargetOption = None,
    exclude: ExcludeOption = None,
    extend_exclude: ExtendExcludeOption = None,
    respect_gitignore: RespectGitignoreOption = None,
) -> None:
    """Show the effective configuration for PATH and where each value came from.

    Values come from the defaults, from `nbport.toml` or `[tool.nbport]` in `pyproject.toml` (the
    nearest, walking up from PATH), or from the command line, which wins. The last line lists the
    rules that run. Exit code 0, or 2 when the configuration file has a mistake.
    """
    from nbport.config import display_path

    options = _command_line(select, ignore, target, exclude, extend_exclude, respect_gitignore)
    config = _configs([path], options).for_path(path)
    where = display_path(config.file) if config.file is not None else "no configuration file"
    typer.echo(f"# {display_path(path)}: {where}")
    for line in config.describe():
        typer.echo(line)


@app.command()
def rules(
    rule: Annotated[
        str | None,
        typer.Argument(help="A rule id or name (NBP001, shell-cd) to explain.", show_default=False),
    ] = None,
) -> None:
    """List the rules, or explain one with its examples."""
    from nbport.catalog import CatalogError, load_catalog
    from nbport.report.rules import explain, rule_table

    try:
        catalog = load_catalog()
    except CatalogError as error:
        typer.echo(f"nbport: error: rule catalog: {error}", err=True)
        raise typer.Exit(2) from None
    if rule is None:
        typer.echo(rule_table(catalog.values()))
        return
    wanted = rule.strip()
    for entry in catalog.values():
        if wanted.upper() == entry.id or wanted.lower() == entry.name:
            typer.echo(explain(entry))
            if entry.options:
                typer.echo("\nOptions (set in nbport.toml or [tool.nbport] of pyproject.toml)")
            for option in entry.options:
                typer.echo(f"  {option.name} = {option.default}    # {option.label}")
                typer.echo(f"    {option.doc}")
            return
    raise typer.BadParameter(f"no rule {wanted!r}; `nbport rules` lists them", param_hint="RULE")


class UrlFormat(str, Enum):
    """`nbport url --format`: a bare URL or an "Open In Colab" badge."""

    url = "url"
    markdown = "markdown"
    html = "html"


@app.command()
def url(
    targets: Annotated[
        list[str],
        typer.Argument(
            help=(
                "GitHub file URLs (scheme and www. optional), raw.githubusercontent.com or gist"
                " URLs, Colab URLs, or notebooks and directories in a git clone."
            ),
            show_default=False,
        ),
    ],
    form: Annotated[
        UrlFormat,
        typer.Option(
            "--format",
            help="Print the bare URL, or an 'Open In Colab' badge in Markdown or HTML.",
            case_sensitive=False,
        ),
    ] = UrlFormat.url,
    reverse: Annotated[
        bool,
        typer.Option("--reverse", help="Print the GitHub URL instead (of a Colab URL, a path...)."),
    ] = False,
    remote: RemoteOption = None,
    ref: RefOption = None,
) -> None:
    """Print the Colab URL of each notebook, one per line: opens the file GitHub shows.

    A local path is placed on GitHub from its clone: owner and repository from the `origin`
    remote, the checked-out branch, the path from the repository root. A directory gives one URL
    per notebook git tracks in it. Nothing is fetched from the network. A target that has no Colab
    URL (another host, no GitHub remote, not a notebook) gets one line `target: error: <why>` on
    stderr, and the others still print. Exit code 0 when every target gave a URL, 2 otherwise.
    """
    from nbport.colab import BadgeFormat
    from nbport.url_targets import colab_urls

    if reverse and form is not UrlFormat.url:
        raise typer.BadParameter(
            "a badge opens Colab, so it cannot hold a GitHub URL; drop --format or --reverse",
            param_hint="--format/--reverse",
        )
    failed = False
    for line in colab_urls(
        targets, form=BadgeFormat(form.value), reverse=reverse, remote=remote, ref=ref
    ):
        if line.error is not None:
            failed = True
            typer.echo(f"{line.target}: error: {line.error}", err=True)
        else:
            typer.echo(line.text)
    raise typer.Exit(2 if failed else 0)


@app.command()
def badge(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Notebooks, Markdown files (checked only) or directories in a git clone.",
            show_default=False,
        ),
    ],
    check_only: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 if a badge is missing or points elsewhere."
        ),
    ] = False,
    remote: RemoteOption = None,
    ref: RefOption = None,
) -> None:
    """Add or update each notebook's "Open In Colab" badge so it opens the notebook itself.

    A badge already in a Markdown cell gets its URL updated in place; otherwise a first Markdown
    cell holding the badge is added the way Colab's "Save a copy in GitHub" adds it. The URL
    comes from the clone, as with `nbport url`. A second run changes nothing. Colab links in
    Markdown files must open notebooks that exist in this repository. With --check nothing is
    written. Exit code 0 when every badge and link is right, 1 when one is missing, stale or
    broken (without --check: a broken Markdown link), 2 when a file could not be handled.
    """
    from nbport.badge import Outcome, badge_paths

    failed = errors = False
    for result in badge_paths(paths, write=not check_only, remote=remote, ref=ref):
        outcome = result.outcome
        if outcome is Outcome.ERROR:
            errors = True
            typer.echo(f"{result.path}: error: {result.error}", err=True)
        elif outcome is Outcome.MISSING:
            typer.echo(f"{result.path}: no Open In Colab badge (expected {result.expected})")
        elif outcome is Outcome.STALE:
            typer.echo(f"{result.path}: badge opens {result.found}, not {result.expected}")
        elif outcome is Outcome.ADDED:
            typer.echo(f"{result.path}: badge added ({result.expected})")
        elif outcome is Outcome.UPDATED:
            typer.echo(f"{result.path}: badge updated ({result.found} -> {result.expected})")
        for link in result.broken:
            typer.echo(f"{result.path}:{link.line}: Colab link {link.url}: {link.reason}")
        failed = failed or result.failed
    raise typer.Exit(2 if errors else 1 if failed else 0)


@app.command()
def convert(
    source: Annotated[
        Path,
        typer.Argument(
            help="A .py script (plain or # %% percent format) or a .ipynb notebook.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write (a file, or a directory to put it in). Default: SOURCE with the other suffix.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the destination if it exists.")
    ] = False,
    format_code: Annotated[
        bool,
        typer.Option(
            "--format",
            help="Run black's notebook mode over the code cells (pip install 'nbport[format]').",
        ),
    ] = False,
) -> None:
    """Turn a script into a Colab-ready notebook, or a notebook into a percent script.

    `.py` → `.ipynb`: cells from `# %%` markers (`# %% [markdown]` for Markdown; a script without
    markers is split the way jupytext splits it), commented magics (`# !pip install x`) restored,
    kernelspec python3 and Colab metadata, and a GPU or TPU asked for when the code uses one (as
    rule NBP301 decides). `.ipynb` → `.py`: a jupytext percent script, magics commented, that
    converts back to the same code cells. Code is carried over unchanged unless --format. An
    existing destination is never overwritten without --force. Exit code 0 when written, 1 when
    written but a cell needs a look (listed on stderr), 2 when nothing was written.
    """
    from nbport.convert import ConvertError
    from nbport.convert import convert as convert_file

    try:
        conversion = convert_file(source, output, force=force, format_code=format_code)
    except ConvertError as error:
        typer.echo(f"{source}: error: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(conversion.summary())
    for warning in conversion.warnings:
        typer.echo(f"{warning.label()}: warning: {warning.message}", err=True)
    raise typer.Exit(1 if conversion.warnings else 0)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("nbport: interrupted", err=True)
        sys.exit(130)
