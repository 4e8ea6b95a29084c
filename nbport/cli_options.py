"""The options and arguments the `nbport` commands share, as typer's `Annotated` types.

A command takes `select: SelectOption = None` and gets the option's flag, help and parsing from
here, so that each option reads the same in every command that has it.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

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


class SeverityChoice(str, Enum):
    """`--severity`: the least severity reported."""

    error = "error"
    warning = "warning"


SeverityOption = Annotated[
    SeverityChoice | None,
    typer.Option(
        "--severity",
        help=(
            "Report only findings at least this severe: error (code that fails on the target) or"
            " warning (also what risks work or time: every finding). Default: the project's"
            " `severity`, else warning."
        ),
        case_sensitive=False,
        show_default=False,
    ),
]
ColabRuntimeOption = Annotated[
    str | None,
    typer.Option(
        "--colab-runtime",
        help=(
            "The Colab runtime to judge against: latest (today's) or a past one a notebook can pin"
            " (2025.07...). Default: the project's `colab-runtime`, else latest."
        ),
        show_default=False,
    ),
]


class UrlFormat(str, Enum):
    """`nbport url --format`: a bare URL or an "Open In Colab" badge."""

    url = "url"
    markdown = "markdown"
    html = "html"


__all__ = [
    "ColabRuntimeOption",
    "ExcludeOption",
    "ExtendExcludeOption",
    "IgnoreOption",
    "JobsOption",
    "OutputFormat",
    "OutputFormatOption",
    "PathsArgument",
    "RefOption",
    "RemoteOption",
    "RespectGitignoreOption",
    "SelectOption",
    "SeverityChoice",
    "SeverityOption",
    "ShowSkippedOption",
    "StatisticsOption",
    "TargetOption",
    "UnusedSuppressionsOption",
    "UrlFormat",
]
