"""`nbport url`: each target (a URL, a notebook or a directory in a git clone) as lines of output.

A URL is rewritten by its shape (`nbport.colab`); a local path is placed on GitHub from its clone
(`nbport.git_checkout`). Nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbport.colab import (
    NOTEBOOK_SUFFIX,
    BadgeFormat,
    ColabUrlError,
    GitHubNotebook,
    NotebookLocation,
    badge,
    looks_like_url,
    not_a_notebook,
    parse_url,
)
from nbport.git_checkout import GitRepositories


@dataclass(frozen=True)
class UrlLine:
    """One line of `nbport url`'s output: the text for a notebook, or why a target has none."""

    #: The target as given, or a notebook found in a directory target.
    target: str
    text: str | None = None
    error: str | None = None


def colab_urls(
    targets: Sequence[str],
    *,
    form: BadgeFormat = BadgeFormat.URL,
    reverse: bool = False,
    remote: str | None = None,
    ref: str | None = None,
) -> Iterator[UrlLine]:
    """One `UrlLine` per target, in order; a directory gives one per notebook in it, sorted.

    `form` picks a bare URL or a badge; `reverse` gives GitHub URLs instead of Colab ones;
    `remote` and `ref` are those of `GitRepositories`, for local paths.
    """
    repositories = GitRepositories(remote=remote, ref=ref)

    def line(target: str, location: NotebookLocation) -> UrlLine:
        try:
            url = location.github_url if reverse else location.colab_url
        except ColabUrlError as error:
            return UrlLine(target, error=str(error))
        return UrlLine(target, text=badge(url, form))

    for target in targets:
        try:
            if looks_like_url(target):
                yield line(target, parse_url(target))
                continue
            for path, location in _local(Path(target), repositories):
                if isinstance(location, ColabUrlError):
                    yield UrlLine(str(path), error=str(location))
                else:
                    yield line(str(path), location)
        except ColabUrlError as error:
            yield UrlLine(target, error=str(error))


def _local(
    path: Path, repositories: GitRepositories
) -> Iterator[tuple[Path, GitHubNotebook | ColabUrlError]]:
    """Each notebook `path` names, with its place on GitHub or why it has none.

    Raises `ColabUrlError` when `path` as a whole cannot give any URL.
    """
    if path.is_dir():
        checkout = repositories.checkout(path)
        notebooks = repositories.notebooks(path)
        if not notebooks:
            raise ColabUrlError("no notebooks (.ipynb) in this directory that git would track")
        for notebook in notebooks:
            try:
                yield notebook, checkout.notebook(notebook)
            except ColabUrlError as error:
                yield notebook, error
        return
    if not path.exists():
        raise ColabUrlError("no such file or directory, and not a GitHub, gist or Colab URL")
    if not path.name.lower().endswith(NOTEBOOK_SUFFIX):
        raise ColabUrlError(not_a_notebook(path.name))
    checkout = repositories.checkout(path.parent)
    if repositories.is_ignored(path):
        raise ColabUrlError("git ignores this file (.gitignore), so it is not on GitHub")
    yield path, checkout.notebook(path)


__all__ = ["UrlLine", "colab_urls"]
