"""Colab and GitHub URLs of notebooks on GitHub or in gists, and "Open In Colab" badges.

Nothing here touches the network. A URL is rewritten by its shape: Colab opens
`https://github.com/<owner>/<repo>/blob/<ref>/<path>` as
`https://colab.research.google.com/github/<owner>/<repo>/blob/<ref>/<path>`, and a gist
`https://gist.github.com/<owner>/<id>` as `https://colab.research.google.com/gist/<owner>/<id>`.
A git remote's URL names its GitHub repository the same way (`parse_remote`); asking a local clone
for its remote is `nbport.git_checkout`'s business.

Paths are percent-encoded exactly once: each segment of a URL given on the command line is decoded
first, so `a%20b.ipynb` and `a b.ipynb` both become `a%20b.ipynb`, and a Japanese or Korean file
name becomes the UTF-8 escapes GitHub itself uses.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
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
NOTEBOOK_SUFFIX = ".ipynb"
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
    if not ref_and_path[-1].lower().endswith(NOTEBOOK_SUFFIX):
        raise ColabUrlError(f"{not_a_notebook(ref_and_path[-1])}")
    return ref_and_path


def not_a_notebook(name: str) -> str:
    """Why a file called `name` has no Colab URL: Colab opens only `.ipynb` files."""
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
    if filename is not None and not filename.lower().endswith(NOTEBOOK_SUFFIX):
        raise ColabUrlError(not_a_notebook(filename))
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
    if kind == "notebooks" and len(segments) >= 2 and segments[-1].endswith(NOTEBOOK_SUFFIX):
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


__all__ = [
    "BADGE_ALT",
    "BADGE_IMAGE",
    "COLAB_HOST",
    "NOTEBOOK_SUFFIX",
    "BadgeFormat",
    "ColabOnlyNotebook",
    "ColabUrlError",
    "GistNotebook",
    "GitHubNotebook",
    "NotebookLocation",
    "badge",
    "encode_segment",
    "looks_like_url",
    "not_a_notebook",
    "parse_remote",
    "parse_url",
]
