"""`nbport badge`: keep each notebook's "Open In Colab" badge pointing at the notebook itself.

A notebook's badge is placed the way Colab's "Save a copy in GitHub" places it: a first Markdown
cell whose metadata is `{"id": "view-in-github", "colab_type": "text"}` holding the HTML badge.
An existing badge (Markdown or HTML, in any Markdown cell) is updated in place instead, and only
its URL's bytes change. Markdown files are only checked: each Colab link into this repository must
name a notebook that exists there.

Where a notebook lives on GitHub comes from its clone (`git_checkout.GitRepositories`): nothing
here touches the network.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from nbport.atomic_write import WriteError, write_back
from nbport.colab import (
    NOTEBOOK_SUFFIX,
    BadgeFormat,
    ColabUrlError,
    GitHubNotebook,
    badge,
    parse_url,
)
from nbport.documents.base import DocumentError
from nbport.documents.notebook import NotebookDocument
from nbport.git_checkout import Checkout, GitRepositories

#: The cell id Colab gives the badge cell it adds (in the cell's metadata, and nbport also uses
#: it as the nbformat 4.5 cell id when it is free).
BADGE_CELL_ID = "view-in-github"
_COLAB_URL = r"https?://colab\.(?:research|sandbox)\.google\.com/[^\s\"'<>)\]]+"
# `<a href="URL" ...><img src=".../colab-badge.svg" .../></a>`, as Colab writes it.
_HTML_BADGE = re.compile(
    r"<a\s[^>]*?href\s*=\s*([\"'])(?P<url>" + _COLAB_URL + r")\1[^>]*>\s*"
    r"<img\s[^>]*colab-badge\.svg[^>]*>\s*</a>",
    re.IGNORECASE,
)
# `[![Open In Colab](.../colab-badge.svg)](URL)`
_MARKDOWN_BADGE = re.compile(
    r"\[!\[[^\]]*\]\([^)]*colab-badge\.svg[^)]*\)\]\(\s*(?P<url>" + _COLAB_URL + r")"
)
# Colab links that open a file of a GitHub repository (not the badge image, gists or Drive).
_COLAB_LINK = re.compile(r"https?://colab\.(?:research|sandbox)\.google\.com/github/[^\s\"'<>)\]]+")
_MARKDOWN_SUFFIXES = (".md", ".markdown")
_CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")


class Outcome(Enum):
    """What `nbport badge` did, or would do, to one file."""

    RIGHT = "right"
    ADDED = "added"
    UPDATED = "updated"
    MISSING = "missing"
    STALE = "stale"
    BROKEN_LINKS = "broken links"
    ERROR = "error"


@dataclass(frozen=True)
class BrokenLink:
    """A Colab link in a Markdown file that opens no notebook of this repository."""

    line: int
    url: str
    reason: str


@dataclass(frozen=True)
class BadgeResult:
    """One file's result: its outcome, and the URLs or links behind it."""

    path: Path
    outcome: Outcome
    #: The URL the badge holds now (or held before an update), if it has one.
    found: str | None = None
    #: The URL the badge should hold.
    expected: str | None = None
    error: str | None = None
    broken: tuple[BrokenLink, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> bool:
        """Whether this result makes `--check` fail (exit 1)."""
        return self.outcome in (Outcome.MISSING, Outcome.STALE, Outcome.BROKEN_LINKS)


@dataclass(frozen=True)
class _Badge:
    """A badge found in a Markdown cell: the cell's position and the URL's span in its text."""

    cell: int
    start: int
    end: int
    url: str
    is_html: bool


def badge_paths(
    paths: Sequence[Path],
    *,
    write: bool,
    remote: str | None = None,
    ref: str | None = None,
) -> Iterator[BadgeResult]:
    """One result per notebook or Markdown file `paths` name (directories searched as `nbport
    url` searches them, `.gitignore` honoured), in order.

    With `write`, a missing badge is added and a stale one updated, atomically; otherwise nothing
    is written and those come back as MISSING or STALE. `remote` and `ref` are those of
    `GitRepositories`.
    """
    repositories = GitRepositories(remote=remote, ref=ref)
    for path in paths:
        try:
            files = _files(path, repositories)
        except ColabUrlError as error:
            yield BadgeResult(path, Outcome.ERROR, error=str(error))
            continue
        for file in files:
            try:
                if file.suffix.lower() == NOTEBOOK_SUFFIX:
                    yield _notebook(file, repositories, write=write)
                else:
                    yield _markdown(file, repositories)
            except (ColabUrlError, DocumentError, WriteError, OSError) as error:
                message = error.strerror if isinstance(error, OSError) else str(error)
                yield BadgeResult(file, Outcome.ERROR, error=message or str(error))


def _files(path: Path, repositories: GitRepositories) -> list[Path]:
    if path.is_dir():
        files = repositories.files(path, (NOTEBOOK_SUFFIX, *_MARKDOWN_SUFFIXES))
        if not files:
            raise ColabUrlError("no notebooks or Markdown files here that git would track")
        return files
    if not path.exists():
        raise ColabUrlError("no such file or directory")
    if not path.name.lower().endswith((NOTEBOOK_SUFFIX, *_MARKDOWN_SUFFIXES)):
        raise ColabUrlError("not a notebook (.ipynb) or Markdown file (.md)")
    return [path]


# --- Notebooks ---------------------------------------------------------------------------------


def _notebook(path: Path, repositories: GitRepositories, *, write: bool) -> BadgeResult:
    checkout = repositories.checkout(path.parent)
    if repositories.is_ignored(path):
        raise ColabUrlError("git ignores this file (.gitignore), so it is not on GitHub")
    expected = checkout.notebook(path).colab_url
    document = NotebookDocument.load(path)
    found = find_badge(document)
    if found is not None and _same(found.url, expected):
        return BadgeResult(path, Outcome.RIGHT, found=found.url, expected=expected)
    if not write:
        outcome = Outcome.MISSING if found is None else Outcome.STALE
        return BadgeResult(
            path, outcome, found=found.url if found is not None else None, expected=expected
        )
    if any(notice.blocks_writing for notice in document.notices):
        blocking = next(notice for notice in document.notices if notice.blocks_writing)
        raise DocumentError(blocking.message)
    changed = with_badge(document, expected, found)
    # Read the result back as nbport reads any notebook: it must still be a valid one.
    NotebookDocument.from_bytes(path, changed.dump())
    write_back(path, changed.dump())
    outcome = Outcome.ADDED if found is None else Outcome.UPDATED
    return BadgeResult(
        path, outcome, found=found.url if found is not None else None, expected=expected
    )


def _same(found: str, expected: str) -> bool:
    """Whether a badge's URL opens the expected notebook (normalised, so `%20` and ` ` agree)."""
    try:
        return parse_url(html.unescape(found)).colab_url == expected
    except ColabUrlError:
        return False


def find_badge(document: NotebookDocument) -> _Badge | None:
    """The notebook's own badge: the one in Colab's badge cell, else the first badge that opens a
    notebook of the same file name, else the first badge if it stands before the first code cell
    (a header's badge, after a rename); None if none is.

    Badges further down that open other notebooks ("next lesson") are links, not its own.
    """
    badges: list[_Badge] = []
    cells = document.cell_sources()
    for position, (cell_type, text) in enumerate(cells):
        if cell_type != "markdown":
            continue
        for pattern, is_html in ((_HTML_BADGE, True), (_MARKDOWN_BADGE, False)):
            for match in pattern.finditer(text):
                start, end = match.span("url")
                badges.append(_Badge(position, start, end, match["url"], is_html))
    if not badges:
        return None
    badges.sort(key=lambda found: (found.cell, found.start))
    raw_cells = document.notebook.get("cells", [])
    for found in badges:
        metadata = raw_cells[found.cell].get("metadata", {}) if found.cell < len(raw_cells) else {}
        if isinstance(metadata, dict) and metadata.get("id") == BADGE_CELL_ID:
            return found
    name = document.path.name
    for found in badges:
        if _file_name(found.url) == name:
            return found
    first_code = next(
        (position for position, (kind, _text) in enumerate(cells) if kind == "code"), len(cells)
    )
    return badges[0] if badges[0].cell < first_code else None


def _file_name(url: str) -> str | None:
    try:
        location = parse_url(html.unescape(url))
    except ColabUrlError:
        return None
    if isinstance(location, GitHubNotebook):
        return location.ref_and_path[-1]
    return None


def with_badge(document: NotebookDocument, url: str, found: _Badge | None) -> NotebookDocument:
    """`document` with `found`'s URL replaced by `url`, or with Colab's badge cell inserted first
    when `found` is None. Only the replaced or inserted bytes differ."""
    if found is not None:
        text = document.cell_sources()[found.cell][1]
        new_url = html.escape(url) if found.is_html else url
        return document.with_cell_sources(
            {found.cell: text[: found.start] + new_url + text[found.end :]}
        )
    return document.with_first_cell(badge_cell(document, url))


def badge_cell(document: NotebookDocument, url: str) -> dict[str, Any]:
    """The Markdown cell Colab's "Save a copy in GitHub" adds, with its keys in the order the
    file's own writer uses: sorted when the file sorts keys (Jupyter), Colab's order otherwise."""
    notebook = document.notebook
    cells = notebook.get("cells", [])
    # The top-level keys tell the writers apart: Jupyter sorts them (`cells` first), Colab
    # starts with `nbformat`. A code cell's own keys happen to be sorted in both.
    top_keys = list(notebook)
    sorts_keys = top_keys == sorted(top_keys)
    # Colab writes the HTML badge as a one-item list, and `id` before `colab_type`.
    metadata = {"id": BADGE_CELL_ID, "colab_type": "text"}
    cell: dict[str, Any] = {"cell_type": "markdown"}
    if document.version >= (4, 5):
        taken = {cell.get("id") for cell in cells}
        cell["id"] = _free_id(taken)
    cell["metadata"] = metadata
    cell["source"] = [badge(url, BadgeFormat.HTML)]
    if sorts_keys:
        cell = {key: cell[key] for key in sorted(cell)}
        cell["metadata"] = {key: metadata[key] for key in sorted(metadata)}
    return cell


def _free_id(taken: set[Any]) -> str:
    candidate, number = BADGE_CELL_ID, 1
    while candidate in taken or not _CELL_ID.match(candidate):
        number += 1
        candidate = f"{BADGE_CELL_ID}-{number}"
    return candidate


# --- Markdown files ----------------------------------------------------------------------------


def _markdown(path: Path, repositories: GitRepositories) -> BadgeResult:
    checkout = repositories.checkout(path.parent)
    text = path.read_text(encoding="utf-8", errors="replace")
    broken = tuple(_broken_links(text, checkout, repositories))
    return BadgeResult(path, Outcome.BROKEN_LINKS if broken else Outcome.RIGHT, broken=broken)


def _broken_links(
    text: str, checkout: Checkout, repositories: GitRepositories
) -> Iterator[BrokenLink]:
    """Colab links into this repository (same owner and name) whose notebook is not there.

    Links to other repositories, gists and Drive are someone else's to keep.
    """
    for match in _COLAB_LINK.finditer(text):
        url = html.unescape(match.group(0)).rstrip(".,;:")
        line = text.count("\n", 0, match.start()) + 1
        try:
            location = parse_url(url)
        except ColabUrlError as error:
            yield BrokenLink(line, url, str(error))
            continue
        if not isinstance(location, GitHubNotebook) or (
            location.owner.lower(),
            location.repo.lower(),
        ) != (checkout.owner.lower(), checkout.repo.lower()):
            continue
        reason = _missing(location.ref_and_path, checkout, repositories)
        if reason is not None:
            yield BrokenLink(line, url, reason)


def _missing(
    ref_and_path: tuple[str, ...], checkout: Checkout, repositories: GitRepositories
) -> str | None:
    """Why the notebook at `ref_and_path` is not in the repository, or None when it is."""
    branch = tuple(checkout.ref.split("/"))
    if ref_and_path[: len(branch)] == branch:
        relative = Path(*ref_and_path[len(branch) :])
        if (checkout.root / relative).is_file():
            return None
        return f"no notebook {relative.as_posix()} on {checkout.ref}"
    # Another ref: the URL does not say where the ref ends, so try each split.
    for cut in range(1, len(ref_and_path)):
        ref, rest = "/".join(ref_and_path[:cut]), "/".join(ref_and_path[cut:])
        if repositories.exists_at(checkout.root, ref, rest):
            return None
    return f"no notebook at {'/'.join(ref_and_path)} in this clone's branches, tags or commits"


__all__ = [
    "BADGE_CELL_ID",
    "BadgeResult",
    "BrokenLink",
    "Outcome",
    "badge_cell",
    "badge_paths",
    "find_badge",
    "with_badge",
]
