"""What `check` and `fix` print: the run's report as text, JSON, SARIF or GitHub annotations.

Findings go to stdout and file errors to stderr, each coloured when its own stream is a terminal
that can show it (`nbport.terminal`); the reporters in `nbport.report` write the lines.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from nbport.cli_options import OutputFormat
from nbport.terminal import styler, use_color

if TYPE_CHECKING:
    from nbport.results import RunReport


def check_format(output_format: OutputFormat, statistics: bool, diff: bool = False) -> None:
    """A usage error when `--statistics` or `--diff`, which print text, meet another format."""
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


def print_report(
    report: RunReport,
    output_format: OutputFormat,
    *,
    statistics: bool = False,
    show_skipped: bool = False,
    fixing: bool,
    unsafe: bool,
    dry_run: bool,
) -> None:
    """Print `report` in `output_format`; as text, `statistics` counts findings per rule instead
    of listing them, and `fixing`, `unsafe` and `dry_run` word the summary."""
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

    out_color, err_color = use_color(sys.stdout), use_color(sys.stderr)
    out_style, err_style = styler(out_color), styler(err_color)
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


def maps_file_lines(output_format: OutputFormat) -> bool:
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


__all__ = ["check_format", "maps_file_lines", "print_report"]
