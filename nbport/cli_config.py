"""From the command line to each file's configuration, and a run over the paths with it.

The options that override configuration keys, the resolver that gives each file its nearest
configuration with them on top, mistakes in either reported before anything runs (a bad file: one
line and exit code 2; a bad option: a usage error), and the run of `check` or `fix` over the paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from nbport.terminal import shows_progress

if TYPE_CHECKING:
    from collections.abc import Callable

    from nbport.config_resolver import ConfigResolver
    from nbport.results import RunReport


def config_resolver(paths: list[Path], command_line: dict[str, object]) -> ConfigResolver:
    """The resolver giving each file its nearest configuration with `command_line` on top, with
    the configurations of `paths` already read, so that a mistake in them or in an option is
    reported before anything runs (`config_errors`). A prefix of `--select` that selects only
    another target's rules, beside others that run, gets a warning line."""
    from nbport.catalog import load_catalog
    from nbport.config_resolver import ConfigResolver
    from nbport.selection import other_target_notes

    resolver = ConfigResolver(command_line)
    notes: dict[str, None] = {}
    with config_errors():
        for path in paths:
            config = resolver.for_path(path)
            config.rules  # noqa: B018 - resolves the selection now, so a bad option fails first
            selected = (*(config.select or ()), *config.extend_select)
            notes.update(dict.fromkeys(other_target_notes(load_catalog(), selected, config.target)))
    for note in notes:
        typer.echo(f"nbport: warning: {note}", err=True)
    return resolver


@contextmanager
def config_errors() -> Iterator[None]:
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


def option_overrides(
    select: list[str] | None,
    ignore: list[str] | None,
    target: str | None,
    exclude: list[str] | None = None,
    extend_exclude: list[str] | None = None,
    respect_gitignore: bool | None = None,
    colab_runtime: str | None = None,
    severity: str | None = None,
) -> dict[str, object]:
    """The options that override configuration keys (None: not given), keyed as in the file."""
    return {
        "select": select or None,
        "ignore": ignore or None,
        "target": target,
        "colab-runtime": colab_runtime,
        "severity": severity,
        "exclude": tuple(exclude) if exclude else None,
        "extend-exclude": tuple(extend_exclude) if extend_exclude else None,
        "respect-gitignore": respect_gitignore,
    }


def run_configured(
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
    resolver = config_resolver(named, command_line)
    workers = jobs or default_jobs()
    progress = shows_progress()
    with config_errors():
        return run(named, config=resolver, jobs=workers, progress=progress)


__all__ = ["config_errors", "config_resolver", "option_overrides", "run_configured"]
