"""Colab URLs and "Open In Colab" badges for notebooks on GitHub, in gists, or in a local git clone.

Nothing here touches the network. A URL is rewritten by its shape: Colab opens
`https://github.com/<owner>/<repo>/blob/<ref>/<path>` as
`https://colab.research.google.com/github/<owner>/<repo>/blob/<ref>/<path>`, and a gist
`https://gist.github.com/<owner>/<id>` as `https://colab.research.google.com/gist/<owner>/<id>`.
A local path is placed on GitHub by asking the clone's own `git` for the repository root, the
remote's URL and the checked-out branch (`git` applies `insteadOf` rewrites, worktrees and
submodules the way the user's pushes see them, which reading `.git/config` by hand would not).

Paths are percent-encoded exactly once: each segment of a URL given on the command line is decoded
first, so `a%20b.ipynb` and `a b.ipynb` both become `a%20b.ipynb`, and a Japanese or Korean file
name becomes the UTF-8 escapes GitHub itself uses.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

COLAB_HOST = "colab.research.google.com"
#: The badge image Colab's own "Save a copy in GitHub" puts at the top of a notebook.
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_ALT = "Open In Colab"

# Characters left as they are in a path segment: RFC 3986 `pchar` without `(` and `)`, which end
# a Markdown link early, and without `/`, so that an encoded slash stays one segment.
_SEGMENT_SAFE = "!$&'*+,;=:@"
_NOTEBOOK_SUFFIX = ".ipynb"
_GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})
_RAW_HOSTS = frozenset({"raw.githubusercontent.com", "raw.github.com"})
_GIST_HOSTS = frozenset({"gist.github.com"})
_GIST_RAW_HOSTS = frozenset({"gist.githubusercontent.com"})
# colab.sandbox.google.com is an older name of the same service.
_COLAB_HOSTS = frozenset({COLAB_HOST, "colab.sandbox.google.com"})
_NBVIEWER_HOSTS = frozenset({"nbviewer.org", "nbviewer.jupyter.org"})
_KNOWN_HOSTS = (
    _GITHUB_HOSTS | _RAW_HOSTS | _GIST_HOSTS | _GIST_RAW_HOSTS | _COLAB_HOSTS | _NBVIEWER_HOSTS
)
# `ssh.github.com` is GitHub's SSH-over-port-443 endpoint: the same repositories as github.com.
_REMOTE_GITHUB_HOSTS = frozenset({"github.com", "www.github.com", "ssh.github.com"})
_GIST_ID = re.compile(r"[0-9a-fA-F]+")
# `git@github.com:owner/repo.git`, `github.com:owner/repo`: scp-like syntax, which git takes only
# when no slash comes before the first colon.
_SCP_REMOTE = re.compile(r"^(?:(?P<user>[^@/]+)@)?(?P<host>[^:/]+):(?P<path>.*)$")
_OWNER_REPO = re.compile(r"^(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<repo>[A-Za-z0-9._-]+)$")
_USAGE = "a GitHub notebook URL looks like https://github.com/OWNER/REPO/blob/BRANCH/PATH.ipynb"


class ColabUrlError(ValueError):
    """A target that cannot become a Colab URL; the message is one line and names no path."""


class BadgeFormat(Enum):
    """How `nbport url` prints each location."""

    URL = "url"
    MARKDOWN = "markdown"
    HTML = "html"


@dataclass(frozen=True)
class GitHubNotebook:
    """A notebook in a GitHub repository.

    `ref_and_path` holds, decoded, the segments after `blob/`: the branch, tag or commit, then the
    path (`("main", "notebooks", "train.ipynb")`). A ref with slashes takes several segments; GitHub
    and Colab URLs do not say where the ref ends, and need not, as both carry the same segments.
    """

    owner: str
    repo: str
    ref_and_path: tuple[str, ...]

    @property
    def colab_url(self) -> str:
        """`https://colab.research.google.com/github/<owner>/<repo>/blob/<ref>/<path>`."""
        return _url(COLAB_HOST, ("github", self.owner, self.repo, "blob", *self.ref_and_path))

    @property
    def github_url(self) -> str:
        """The page GitHub shows the notebook on."""
        return _url("github.com", (self.owner, self.repo, "blob", *self.ref_and_path))


@dataclass(frozen=True)
class GistNotebook:
    """A notebook in a GitHub gist; `filename` picks one file of a gist that has several.

    Colab opens a gist's latest revision, so a revision in the URL given is not kept.
    """

    owner: str
    gist_id: str
    filename: str | None = None

    @property
    def colab_url(self) -> str:
        """`https://colab.research.google.com/gist/<owner>/<id>[/<filename>]`."""
        tail = (self.filename,) if self.filename else ()
        return _url(COLAB_HOST, ("gist", self.owner, self.gist_id, *tail))

    @property
    def github_url(self) -> str:
        """The gist's page (GitHub has no URL of one file of a gist that keeps its name)."""
        return _url("gist.github.com", (self.owner, self.gist_id))


@dataclass(frozen=True)
class ColabOnlyNotebook:
    """A notebook Colab opens from somewhere other than GitHub: Google Drive (`/drive/<id>`) or
    Colab's own examples (`/notebooks/...`). It has a Colab URL but no GitHub one."""

    segments: tuple[str, ...]

    @property
    def colab_url(self) -> str:
        """The normalised Colab URL."""
        return _url(COLAB_HOST, self.segments)

    @property
    def github_url(self) -> str:
        """Always raises `ColabUrlError`: the notebook is not on GitHub."""
        where = "on Google Drive" if self.segments[0] == "drive" else "one of Colab's own"
        raise ColabUrlError(f"this notebook is {where}, not on GitHub: it has no GitHub URL")


NotebookLocation = GitHubNotebook | GistNotebook | ColabOnlyNotebook


# --- Rendering ---------------------------------------------------------------------------------


def encode_segment(segment: str) -> str:
    """One path segment, percent-encoded as UTF-8 (spaces as `%20`, `/` as `%2F`)."""
    return quote(segment, safe=_SEGMENT_SAFE)


def _url(host: str, segments: Sequence[str]) -> str:
    return f"https://{host}/" + "/".join(encode_segment(segment) for segment in segments)


def badge(url: str, form: BadgeFormat) -> str:
    """`url` as a bare URL, or inside the standard "Open In Colab" badge in Markdown or HTML.

    The HTML is the badge Colab itself writes when it saves a notebook to GitHub.
    """
    if form is BadgeFormat.MARKDOWN:
        return f"[![{BADGE_ALT}]({BADGE_IMAGE})]({url})"
    if form is BadgeFormat.HTML:
        return (
            f'<a href="{html.escape(url)}" target="_parent">'
            f'<img src="{BADGE_IMAGE}" alt="{BADGE_ALT}"/></a>'
        )
    return url


# --- URLs --------------------------------------------------------------------------------------


def looks_like_url(target: str) -> bool:
    """Whether a command-line target is a URL rather than a local path.

    With a scheme it is a URL. Without one, an existing path wins (a Go-style checkout may well
    have a directory named `github.com`); otherwise a first segment naming a known host, or any
    host with "github" in it (a GitHub Enterprise server, to be refused by name), makes it a URL.
    """
    if "://" in target:
        return True
    if Path(target).exists():
        return False
    first = target.split("/", 1)[0].lower()
    return first in _KNOWN_HOSTS or ("." in first and "github" in first)


def parse_url(text: str) -> NotebookLocation:
    """The notebook a GitHub, raw, gist, nbviewer or Colab URL points at (scheme and `www.`
    optional; query and fragment ignored). Raises `ColabUrlError` for anything else."""
    target = text.strip()
    if "://" not in target:
        target = "https://" + target
    parts = urlsplit(target)
    if parts.scheme.lower() not in ("http", "https"):
        raise ColabUrlError(f"not a web URL ({parts.scheme}://); {_USAGE}")
    host = (parts.hostname or "").lower()
    segments = _decode_path(parts.path)
    if host in _GITHUB_HOSTS:
        return _github_page(segments)
    if host in _RAW_HOSTS:
        return _raw_file(segments)
    if host in _GIST_HOSTS:
        return _gist_page(segments)
    if host in _GIST_RAW_HOSTS:
        return _gist_raw_file(segments)
    if host in _COLAB_HOSTS:
        return _colab_page(segments)
    if host in _NBVIEWER_HOSTS:
        return _nbviewer_page(segments)
    raise ColabUrlError(_other_host(host or "(no host)"))


def _other_host(host: str) -> str:
    return (
        f"{host} is not github.com: Colab opens notebooks only from github.com and gists"
        " (GitHub Enterprise servers and other git hosts are not supported)"
    )


def _decode_path(path: str) -> tuple[str, ...]:
    """The decoded, non-empty segments of a URL path; raises on escapes that are not UTF-8."""
    try:
        return tuple(unquote(part, errors="strict") for part in path.split("/") if part)
    except UnicodeDecodeError:
        raise ColabUrlError("the URL's path has %-escapes that are not UTF-8") from None


def _notebook_path(ref_and_path: tuple[str, ...], what: str) -> tuple[str, ...]:
    """`ref_and_path` if it names a `.ipynb` file below a ref, else raise."""
    if len(ref_and_path) < 2:
        raise ColabUrlError(f"{what} names no file; {_USAGE}")
    if not ref_and_path[-1].lower().endswith(_NOTEBOOK_SUFFIX):
        raise ColabUrlError(f"{_not_a_notebook(ref_and_path[-1])}")
    return ref_and_path


def _not_a_notebook(name: str) -> str:
    if name.lower().endswith(".py"):
        return "not a notebook: Colab opens .ipynb files (`nbport convert` turns a script into one)"
    return "not a notebook: Colab opens .ipynb files"


def _github_page(segments: tuple[str, ...]) -> GitHubNotebook:
    if len(segments) < 2:
        raise ColabUrlError(f"not a repository file; {_USAGE}")
    owner, repo, rest = segments[0], _strip_git(segments[1]), segments[2:]
    if not rest:
        raise ColabUrlError(f"a repository, not a notebook; {_USAGE}")
    if rest[0] == "tree":
        raise ColabUrlError(
            "a directory on GitHub, not a notebook: name one notebook, or run `nbport url` on the"
            " directory in a clone"
        )
    if rest[0] not in ("blob", "raw"):
        raise ColabUrlError(f"not a notebook's page; {_USAGE}")
    return GitHubNotebook(owner, repo, _notebook_path(rest[1:], "the URL"))


def _raw_file(segments: tuple[str, ...]) -> GitHubNotebook:
    if len(segments) < 4:
        raise ColabUrlError(f"not a raw file URL; {_USAGE}")
    owner, repo, rest = segments[0], segments[1], segments[2:]
    # Newer raw URLs spell the ref out in full: `refs/heads/main/...`, `refs/tags/v1/...`.
    if len(rest) > 3 and rest[0] == "refs" and rest[1] in ("heads", "tags"):
        rest = rest[2:]
    return GitHubNotebook(owner, repo, _notebook_path(rest, "the URL"))


def _gist(owner: str, gist_id: str, filename: str | None) -> GistNotebook:
    if not _GIST_ID.fullmatch(gist_id):
        raise ColabUrlError(
            f"not a gist URL ({gist_id!r} is not a gist id); a gist URL looks like"
            " https://gist.github.com/OWNER/ID"
        )
    if filename is not None and not filename.lower().endswith(_NOTEBOOK_SUFFIX):
        raise ColabUrlError(_not_a_notebook(filename))
    return GistNotebook(owner, gist_id, filename)


def _gist_page(segments: tuple[str, ...]) -> GistNotebook:
    if len(segments) == 1 and _GIST_ID.fullmatch(segments[0]):
        raise ColabUrlError(
            "a gist URL without its owner: Colab needs https://gist.github.com/OWNER/ID"
        )
    if len(segments) not in (2, 3):  # OWNER/ID or OWNER/ID/REVISION
        raise ColabUrlError(
            "not a gist URL; a gist URL looks like https://gist.github.com/OWNER/ID"
        )
    return _gist(segments[0], segments[1], None)


def _gist_raw_file(segments: tuple[str, ...]) -> GistNotebook:
    # OWNER/ID/raw/FILE or OWNER/ID/raw/REVISION/FILE
    if len(segments) not in (4, 5) or segments[2] != "raw":
        raise ColabUrlError("not a raw gist file URL")
    return _gist(segments[0], segments[1], segments[-1])


def _colab_page(segments: tuple[str, ...]) -> NotebookLocation:
    kind = segments[0] if segments else ""
    if kind == "github" and len(segments) >= 4 and segments[3] == "blob":
        ref_and_path = _notebook_path(segments[4:], "the Colab URL")
        return GitHubNotebook(segments[1], _strip_git(segments[2]), ref_and_path)
    if kind == "gist" and 3 <= len(segments) <= 5:
        # OWNER/ID, OWNER/ID/FILE or OWNER/ID/REVISION/FILE
        filename = segments[-1] if len(segments) > 3 else None
        return _gist(segments[1], segments[2], filename)
    if kind == "drive" and len(segments) == 2:
        return ColabOnlyNotebook(segments)
    if kind == "notebooks" and len(segments) >= 2 and segments[-1].endswith(_NOTEBOOK_SUFFIX):
        return ColabOnlyNotebook(segments)
    raise ColabUrlError(
        "not a Colab notebook URL (expected colab.research.google.com/github/..., /gist/... or"
        " /drive/...)"
    )


def _nbviewer_page(segments: tuple[str, ...]) -> NotebookLocation:
    if segments and segments[0] in ("github", "gist"):
        return _colab_page(segments)
    raise ColabUrlError("this nbviewer URL does not point at GitHub or a gist")


def _strip_git(repo: str) -> str:
    return repo[: -len(".git")] if repo.endswith(".git") and len(repo) > 4 else repo


# --- Git remotes -------------------------------------------------------------------------------


def parse_remote(remote: str) -> tuple[str, str]:
    """(owner, repository) of a github.com remote URL: `https://`, `ssh://`, `git://` or
    `git@github.com:` forms, `.git` suffix optional; also a bare `OWNER/REPO`.

    Raises `ColabUrlError` for another host (GitHub Enterprise, GitLab, an SSH alias, a path).
    The message never repeats credentials written in the URL.
    """
    text = remote.strip()
    shorthand = _OWNER_REPO.match(text)
    if shorthand and "://" not in text:
        return shorthand["owner"], _strip_git(shorthand["repo"])
    if "://" in text:
        parts = urlsplit(text)
        host, path = (parts.hostname or "").lower(), parts.path
        if parts.scheme.lower() == "file":
            raise ColabUrlError("the remote is a local path, not a GitHub repository")
    else:
        scp = _SCP_REMOTE.match(text)
        if scp is None or "/" in text.split(":", 1)[0]:
            raise ColabUrlError("the remote is a local path, not a GitHub repository")
        host, path = scp["host"].lower(), scp["path"]
    if host not in _REMOTE_GITHUB_HOSTS:
        message = _other_host(host or "(no host)")
        if "." not in host:
            message += (
                f"; if `{host}` is a Host alias in ~/.ssh/config, name the repository with"
                " --remote OWNER/REPO"
            )
        raise ColabUrlError(message)
    parts_of_path = [part for part in path.split("/") if part]
    if len(parts_of_path) != 2:
        raise ColabUrlError(f"the remote's path {path!r} is not OWNER/REPO")
    return parts_of_path[0], _strip_git(parts_of_path[1])


# --- Local clones ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkout:
    """Where a local clone lives on GitHub."""

    root: Path
    owner: str
    repo: str
    ref: str

    def notebook(self, path: Path) -> GitHubNotebook:
        """The GitHub location of `path`, a file inside this clone."""
        try:
            relative = _real(path).relative_to(self.root)
        except ValueError:
            raise ColabUrlError(
                f"a symbolic link leads out of the clone at {self.root}, so it is not on GitHub"
            ) from None
        return GitHubNotebook(self.owner, self.repo, (*self.ref.split("/"), *relative.parts))


def _real(path: Path) -> Path:
    """`path` with its directories' symbolic links resolved, but not the file's own: GitHub shows
    a link as the link, not as the file it points to."""
    return Path(os.path.realpath(path.parent if path.name else path), path.name)


class GitRepositories:
    """Asks `git` where local files live on GitHub, once per clone."""

    def __init__(self, *, remote: str | None = None, ref: str | None = None) -> None:
        """`remote`: a remote's name or URL, or OWNER/REPO (default `origin`); `ref`: the branch,
        tag or commit to link to (default: the checked-out branch)."""
        self.remote = remote
        self.ref = ref
        self._roots: dict[Path, Path] = {}
        self._checkouts: dict[Path, Checkout] = {}

    def checkout(self, directory: Path) -> Checkout:
        """The clone `directory` is in; raises `ColabUrlError`."""
        directory = Path(os.path.realpath(directory))
        root = self._roots.get(directory)
        if root is None:
            output = _git_output(directory, "rev-parse", "--show-toplevel")
            root = Path(os.path.realpath(output.rstrip("\n")))
            self._roots[directory] = root
        known = self._checkouts.get(root)
        if known is None:
            known = self._read_checkout(root)
            self._checkouts[root] = known
        return known

    def _read_checkout(self, root: Path) -> Checkout:
        remote_name, (owner, repo) = self._remote(root)
        ref = self.ref or _current_branch(root, remote_name)
        return Checkout(root, owner, repo, ref)

    def _remote(self, root: Path) -> tuple[str | None, tuple[str, str]]:
        """The remote's name (None when given as a URL) and its (owner, repository)."""
        names = _git_output(root, "remote").split()
        wanted = self.remote or "origin"
        if wanted in names:
            url = _git_output(root, "remote", "get-url", wanted).strip()
            try:
                return wanted, parse_remote(url)
            except ColabUrlError as error:
                raise ColabUrlError(f"remote {wanted!r}: {error}") from None
        if self.remote is not None and ("/" in wanted or ":" in wanted):
            return None, parse_remote(wanted)
        have = f"this clone has {', '.join(names)}" if names else "this clone has no remotes"
        raise ColabUrlError(
            f"no remote named {wanted!r} ({have}); pick one with --remote NAME, or name the"
            " repository with --remote OWNER/REPO"
        )

    def notebooks(self, directory: Path) -> list[Path]:
        """The notebooks under `directory` that git tracks or would add (`.gitignore` honoured),
        sorted; checkpoints, virtual environments and the like are left out."""
        return self.files(directory, (_NOTEBOOK_SUFFIX,))

    def files(self, directory: Path, suffixes: Sequence[str]) -> list[Path]:
        """`notebooks`, for files whose names end with any of `suffixes` (lower case)."""
        from nbport.discovery import SKIPPED_DIRECTORIES

        output = _git_output(
            directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."
        )
        found = set()
        for name in output.split("\0"):
            path = directory / name
            if (
                name.lower().endswith(tuple(suffixes))
                and not SKIPPED_DIRECTORIES.intersection(Path(name).parts[:-1])
                and path.is_file()  # a tracked file deleted from the working tree is left out
            ):
                found.add(path)
        return sorted(found)

    def exists_at(self, root: Path, ref: str, path: str) -> bool:
        """Whether `path` (from the root of the clone at `root`) is a file at `ref`, as the
        clone's own objects know it (a local branch, tag or commit, or the remote's branch as last
        fetched); nothing is fetched."""
        remote = self.remote if self.remote and "/" not in self.remote else "origin"
        for name in (ref, f"{remote}/{ref}"):
            if _git(root, "cat-file", "-e", f"{name}:{path}").returncode == 0:
                return True
        return False

    def is_ignored(self, path: Path) -> bool:
        """Whether git ignores `path` (an untracked file matching `.gitignore`)."""
        result = _git(path.parent, "check-ignore", "-q", "--", path.name)
        return result.returncode == 0


def _current_branch(root: Path, remote_name: str | None) -> str:
    """The checked-out branch, as the remote knows it when it is the branch's upstream."""
    result = _git(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    if result.returncode != 0:
        raise ColabUrlError(
            "HEAD is detached (no branch is checked out); name the branch, tag or commit to link"
            " to with --ref"
        )
    branch = os.fsdecode(result.stdout).strip()
    if remote_name is not None:
        # A local `dev` that tracks `origin/develop` is `develop` on GitHub.
        upstream_remote = _git(root, "config", "--get", f"branch.{branch}.remote")
        upstream_ref = _git(root, "config", "--get", f"branch.{branch}.merge")
        merge = os.fsdecode(upstream_ref.stdout).strip()
        if (
            os.fsdecode(upstream_remote.stdout).strip() == remote_name
            and upstream_ref.returncode == 0
            and merge.startswith("refs/heads/")
        ):
            return merge[len("refs/heads/") :]
    return branch


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run `git -C directory args...`; raises `ColabUrlError` if git is not installed."""
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(
            ["git", "-C", os.fspath(directory), *args],
            capture_output=True,
            env=environment,
            check=False,
            timeout=60,
        )
    except FileNotFoundError:
        raise ColabUrlError(
            "git is not installed, so nbport cannot tell where this file is on GitHub; give its"
            " GitHub URL instead"
        ) from None


def _git_output(directory: Path, *args: str) -> str:
    """The output of a git command that must succeed; its first error line otherwise."""
    result = _git(directory, *args)
    if result.returncode == 0:
        return os.fsdecode(result.stdout)
    message = os.fsdecode(result.stderr).strip().splitlines()
    first = message[0] if message else f"git {args[0]} failed"
    if "not a git repository" in first:
        raise ColabUrlError(
            "not inside a git clone, so nbport cannot tell where it is on GitHub; give its"
            " GitHub URL instead"
        )
    first = first.removeprefix("fatal: ").removeprefix("error: ")
    raise ColabUrlError(f"git: {first}")


# --- Targets -----------------------------------------------------------------------------------


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
    if not path.name.lower().endswith(_NOTEBOOK_SUFFIX):
        raise ColabUrlError(_not_a_notebook(path.name))
    checkout = repositories.checkout(path.parent)
    if repositories.is_ignored(path):
        raise ColabUrlError("git ignores this file (.gitignore), so it is not on GitHub")
    yield path, checkout.notebook(path)


__all__ = [
    "BADGE_ALT",
    "BADGE_IMAGE",
    "COLAB_HOST",
    "BadgeFormat",
    "Checkout",
    "ColabOnlyNotebook",
    "ColabUrlError",
    "GistNotebook",
    "GitHubNotebook",
    "GitRepositories",
    "NotebookLocation",
    "UrlLine",
    "badge",
    "colab_urls",
    "encode_segment",
    "looks_like_url",
    "parse_remote",
    "parse_url",
]
