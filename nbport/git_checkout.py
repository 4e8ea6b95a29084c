"""Where files in a local git clone live on GitHub, asked of the clone's own `git`.

A local path is placed on GitHub by asking `git` for the repository root, the remote's URL and the
checked-out branch (`git` applies `insteadOf` rewrites, worktrees and submodules the way the user's
pushes see them, which reading `.git/config` by hand would not), and for the files it tracks.
Nothing here touches the network.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbport.colab import NOTEBOOK_SUFFIX, ColabUrlError, GitHubNotebook, parse_remote


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
        return self.files(directory, (NOTEBOOK_SUFFIX,))

    def files(self, directory: Path, suffixes: Sequence[str]) -> list[Path]:
        """`notebooks`, for files whose names end with any of `suffixes` (lower case)."""
        from nbport.documents import SKIPPED_DIRECTORIES

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


__all__ = ["Checkout", "GitRepositories"]
