"""The `nbport` command line: parses options, calls `nbport.api`, prints, picks the exit code.

The options the commands share are in `cli_options`. Each command imports the rest when it runs
(`cli_config` to configure and run, `cli_output` to print the report), so that
`nbport --version` loads only typer and the option types.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from nbport import __version__
from nbport.cli_options import (
    ColabRuntimeOption,
    ExcludeOption,
    ExtendExcludeOption,
    IgnoreOption,
    JobsOption,
    OutputFormat,
    OutputFormatOption,
    PathsArgument,
    RefOption,
    RemoteOption,
    RespectGitignoreOption,
    SelectOption,
    SeverityOption,
    ShowSkippedOption,
    StatisticsOption,
    TargetOption,
    UnusedSuppressionsOption,
    UrlFormat,
)

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


@app.command()
def check(
    paths: PathsArgument = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    target: TargetOption = None,
    colab_runtime: ColabRuntimeOption = None,
    severity: SeverityOption = None,
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
    from nbport.cli_config import option_overrides, run_configured
    from nbport.cli_output import check_format, maps_file_lines, print_report

    check_format(output_format, statistics)
    options = option_overrides(
        select,
        ignore,
        target,
        exclude,
        extend_exclude,
        respect_gitignore,
        colab_runtime,
        severity.value if severity is not None else None,
    )
    run = partial(
        check_paths,
        report_unused_suppressions=report_unused_suppressions,
        file_lines=maps_file_lines(output_format),
    )
    report = run_configured(paths, options, jobs, run)
    print_report(
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
    colab_runtime: ColabRuntimeOption = None,
    severity: SeverityOption = None,
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
    from nbport.cli_config import option_overrides, run_configured
    from nbport.cli_output import check_format, maps_file_lines, print_report

    check_format(output_format, statistics, diff)
    options = option_overrides(
        select,
        ignore,
        target,
        exclude,
        extend_exclude,
        respect_gitignore,
        colab_runtime,
        severity.value if severity is not None else None,
    )
    run = partial(
        fix_paths,
        unsafe=unsafe_fixes,
        write=not diff,
        report_unused_suppressions=report_unused_suppressions,
        file_lines=maps_file_lines(output_format),
    )
    report = run_configured(paths, options, jobs, run)
    if diff:
        from nbport.report.diff import unified_diff

        typer.echo(unified_diff(report.changes), nl=False)
    print_report(
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
    colab_runtime: ColabRuntimeOption = None,
    severity: SeverityOption = None,
    exclude: ExcludeOption = None,
    extend_exclude: ExtendExcludeOption = None,
    respect_gitignore: RespectGitignoreOption = None,
) -> None:
    """Show the effective configuration for PATH and where each value came from.

    Values come from the defaults, from `nbport.toml` or `[tool.nbport]` in `pyproject.toml` (the
    nearest, walking up from PATH), or from the command line, which wins. The last line lists the
    rules that run. Exit code 0, or 2 when the configuration file has a mistake.
    """
    from nbport.cli_config import config_resolver, option_overrides
    from nbport.config import display_path

    options = option_overrides(
        select,
        ignore,
        target,
        exclude,
        extend_exclude,
        respect_gitignore,
        colab_runtime,
        severity.value if severity is not None else None,
    )
    config = config_resolver([path], options).for_path(path)
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
