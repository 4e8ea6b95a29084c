"""Paths → files: the notebooks and scripts named on the command line or found in directories.

What a directory walk leaves out:

- `SKIPPED_DIRECTORIES` and virtual environments (a folder holding `pyvenv.cfg`) are never entered.
- With `respect_gitignore`, what `.gitignore` files ignore, as git reads them: each file's patterns
  are relative to its own folder, a deeper file overrides a shallower one and `!` re-includes. Inside
  a git repository (a folder above holding `.git`) the `.gitignore` files of the folders from the
  repository root down to the walked directory count too, and `.git/info/exclude`, as in ruff and
  black. Outside a repository only the walked tree's own `.gitignore` files count (ruff honours them
  there too), not those of the folders above it: without a repository nothing marks where the
  project starts, and a stray `~/.gitignore` must not hide files. The global excludes file
  (`core.excludesFile`) is not read: finding it needs git's own configuration.
- What `exclude` globs (`Globs`) match: gitignore syntax relative to their folder (the configuration
  file's, or the working directory for command-line globs), below that folder only, like the lines
  of a `.gitignore` there; a walk of a directory unrelated to that folder (`nbport check ../other
  --exclude legacy/`) matches them relative to the walked directory instead.

An ignored or excluded directory is pruned, not walked and then filtered, so, as in git, a file
inside an ignored directory cannot be re-included. Symbolic links to directories are never followed;
a link to a file is checked only when its target lies inside the walked directory, and a file reached
twice (a link and its target, a file under two named paths) is checked once, under the path it was
found at (the link's target's path when both were found).

Those settings (`WalkSettings`: exclusion globs and whether `.gitignore` files count) may change
below a folder: with a `WalkSettingsSource` such as `nbport.config_resolver.ConfigResolver`, a folder
holding a configuration file sets them for its subtree, replacing those of the folders above (as the
nearest configuration applies whole to a file), the way ruff applies a nested configuration's
`exclude`. The folder itself was let in by the settings above it.

What the user names is exempt: a file named explicitly is always checked, even when ignored or
excluded (pre-commit passes files by name), and so is a named link. A directory named explicitly is
walked even when it is ignored, a skipped name or excluded (as ruff and ripgrep do): the patterns
above it that ignore it do not apply inside it.

Everything comes out sorted by path, errors among the files: an unreadable directory (or
`.gitignore`) is one `FileError`, and the walk goes on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from nbport.documents import SKIPPED_DIRECTORIES, SUFFIXES
from nbport.finding import FileError

if TYPE_CHECKING:
    from pathspec import PathSpec

GITIGNORE = ".gitignore"


@dataclass(frozen=True)
class Globs:
    """Exclusion globs in gitignore syntax (`legacy/`, `*.py`, `/data/**`, `!keep.py`) and the
    folder they are relative to."""

    folder: Path
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class WalkSettings:
    """What a walk leaves out of a subtree: what `exclude` matches, and with `respect_gitignore`
    what `.gitignore` files ignore."""

    exclude: tuple[Globs, ...] = ()
    respect_gitignore: bool = True


class WalkSettingsSource(Protocol):
    """Where a walk takes the `WalkSettings` of each subtree from: the project's configuration
    files (`nbport.config_resolver.ConfigResolver`), or one set for everything."""

    @property
    def file_names(self) -> Collection[str]:
        """The names of the files that may set settings for the folder holding them; the walk asks
        `settings_set_in` only about folders holding one, so other folders cost nothing."""
        ...

    def settings_for(self, folder: Path) -> WalkSettings:
        """The settings in force in `folder`: its own, or those of the nearest folder above it."""
        ...

    def settings_set_in(self, folder: Path) -> WalkSettings | None:
        """The settings `folder` sets for its subtree; None when it sets none."""
        ...


@dataclass(frozen=True)
class _SameSettings:
    """One set of settings for every folder of every walk."""

    settings: WalkSettings
    file_names: tuple[str, ...] = ()

    def settings_for(self, folder: Path) -> WalkSettings:
        return self.settings

    def settings_set_in(self, folder: Path) -> WalkSettings | None:
        return None


def discover(
    paths: Sequence[Path],
    *,
    exclude: Sequence[Globs] = (),
    respect_gitignore: bool = True,
    settings: WalkSettingsSource | None = None,
) -> Iterator[Path | FileError]:
    """Each file to check once, and each path that could not be read as a `FileError`, by path.

    Named files are kept whatever ignores them; directories are walked for `.ipynb` and `.py`
    files, leaving out what `exclude` and (with `respect_gitignore`) `.gitignore` files ignore,
    as the module docstring describes. With `settings`, each subtree takes its exclusions and
    `respect_gitignore` from it instead (`exclude` and `respect_gitignore` are then unused);
    whatever it raises (a broken configuration file) ends the discovery.
    """
    source = settings
    if source is None:
        source = _SameSettings(WalkSettings(tuple(exclude), respect_gitignore))
    # real path → (is a link, path as found): a file reached twice is kept once.
    chosen: dict[str, tuple[bool, Path]] = {}
    errors: list[FileError] = []

    def keep(real: str, is_link: bool, path: Path) -> None:
        if real not in chosen or (is_link, path) < chosen[real]:
            chosen[real] = (is_link, path)

    for path in paths:
        named = _named(path)
        if isinstance(named, FileError):
            errors.append(named)
        elif named:
            for item in _walk(path, source):
                if isinstance(item, FileError):
                    errors.append(item)
                else:
                    keep(*item)
        else:
            keep(os.path.realpath(path), path.is_symlink(), path)
    found: list[Path | FileError] = [*errors, *(path for _, path in chosen.values())]
    yield from sorted(found, key=lambda item: item.path if isinstance(item, FileError) else item)


def _named(path: Path) -> bool | FileError:
    """Whether a named path is a directory (False: a file), or why it cannot be checked."""
    try:
        # Not Path.is_dir: it raises PermissionError when a folder above may not be searched
        # (chmod 000), and one such path must not stop the run (pre-commit names files).
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return FileError(path, "no such file or directory")
    except OSError as error:
        return FileError(path, f"cannot read: {error.strerror or error}")


# -- the walk


@dataclass(frozen=True)
class _Matcher:
    """Compiled patterns and how to turn a walked path (relative to the walked directory, `/`,
    a trailing `/` for a directory) into the path they match: cut its first `cut` characters (the
    folder of a `.gitignore` inside the tree), then put `prefix` (the walked directory's path below
    the patterns' folder, for patterns from above it) in front."""

    spec: PathSpec
    prefix: str = ""
    cut: int = 0

    def verdict(self, relative: str) -> bool | None:
        """True: ignored; False: re-included by a `!` pattern; None: no pattern matches."""
        return self.spec.check_file(self.prefix + relative[self.cut :]).include


@dataclass(frozen=True)
class _Scope:
    """The walk's settings in one subtree, as matchers of paths below the walked directory."""

    settings: WalkSettings
    #: Deepest first.
    gitignores: tuple[_Matcher, ...]
    excludes: tuple[_Matcher, ...]
    #: Exclude matchers that start applying inside a folder (by its path below the walked
    #: directory, with a trailing `/`): those of globs relative to that folder.
    excludes_below: Mapping[str, tuple[_Matcher, ...]]


def _walk(root: Path, source: WalkSettingsSource) -> Iterator[tuple[str, bool, Path] | FileError]:
    """(real path, is a link, path) of each file under `root`, or a `FileError`."""
    top = os.fspath(root)
    real_top = os.path.realpath(top)
    scope = yield from _scope(source.settings_for(root), real_top, "", None)
    # (directory as found, its path below `root` with a trailing `/`, the scope it is in)
    stack = [(top, "", scope)]
    while stack:
        directory, relative, scope = stack.pop()
        if relative in scope.excludes_below:
            excludes = (*scope.excludes, *scope.excludes_below[relative])
            scope = replace(scope, excludes=excludes)
        try:
            with os.scandir(directory) as scan:
                entries = list(scan)
        except OSError as error:
            yield FileError(Path(directory), f"cannot read directory: {error.strerror or error}")
            continue
        names = {entry.name for entry in entries}
        if relative and "pyvenv.cfg" in names:
            continue  # a virtual environment, seen from inside: no stat per directory to find it
        if relative and not names.isdisjoint(source.file_names):
            settings = source.settings_set_in(Path(directory))
            if settings is not None and settings != scope.settings:
                scope = yield from _scope(settings, real_top, relative, scope)
        if scope.settings.respect_gitignore:
            for entry in entries:
                if entry.name == GITIGNORE and entry.is_file():
                    read = _gitignore_matcher(entry.path, cut=len(relative))
                    if isinstance(read, FileError):
                        yield read
                    elif read is not None:
                        scope = replace(scope, gitignores=(read, *scope.gitignores))
        for entry in entries:
            name = entry.name
            if entry.is_dir(follow_symlinks=False):
                child = relative + name + "/"
                if name not in SKIPPED_DIRECTORIES and not _ignored(child, scope):
                    stack.append((entry.path, child, scope))
            elif name.endswith(SUFFIXES):
                child = relative + name
                if _ignored(child, scope):
                    continue
                if not entry.is_symlink():
                    if entry.is_file(follow_symlinks=False):  # not a socket or a fifo
                        yield os.path.join(real_top, child), False, Path(entry.path)
                    continue
                real = os.path.realpath(entry.path)
                # Only links that stay in the tree, and not to a directory (never followed).
                inside = real.startswith(os.path.join(real_top, ""))
                if inside and not os.path.isdir(real):
                    yield real, True, Path(entry.path)


def _scope(
    settings: WalkSettings, real_top: str, relative: str, outer: _Scope | None
) -> Generator[FileError, None, _Scope]:
    """The scope `settings` make for the folder `relative` below the walked directory `real_top`
    and its subtree, inside `outer` (None: for the walked directory itself); yields the ignore
    files it cannot read."""
    real_folder = os.path.normpath(os.path.join(real_top, relative))
    gitignores: tuple[_Matcher, ...] = ()
    if settings.respect_gitignore:
        if outer is not None and outer.settings.respect_gitignore:
            gitignores = outer.gitignores  # those of the folders above, read on the way down
        else:
            # Those a walk that respected .gitignore files all along would hold here.
            found = [*_gitignores_within(real_top, relative), *_gitignores_above(real_top)]
            yield from (item for item in found if isinstance(item, FileError))
            gitignores = tuple(item for item in found if isinstance(item, _Matcher))
    excludes, excludes_below = _globs_matchers(settings.exclude, real_folder, relative)
    return _Scope(settings, gitignores, excludes, excludes_below)


def _gitignores_within(real_top: str, relative: str) -> Iterator[_Matcher | FileError]:
    """The `.gitignore` files of the folders from the parent of `relative` (a folder below the
    walked directory `real_top`) up to `real_top`, deepest first, read as the walk reads them."""
    names = relative.split("/")[:-1]  # "a/b/" → a, b
    for depth in reversed(range(len(names))):
        folder = "".join(f"{name}/" for name in names[:depth])
        path = os.path.join(real_top, folder, GITIGNORE)
        if os.path.isfile(path):
            matcher = _gitignore_matcher(path, cut=len(folder))
            if matcher is not None:
                yield matcher


def _ignored(relative: str, scope: _Scope) -> bool:
    for matcher in scope.gitignores:  # the deepest .gitignore with a matching pattern decides
        verdict = matcher.verdict(relative)
        if verdict is not None:
            if verdict:
                return True
            break
    return any(matcher.verdict(relative) for matcher in scope.excludes)


def _gitignores_above(real_top: str, *, cut: int = 0) -> Iterator[_Matcher | FileError]:
    """The `.gitignore` files from the repository root down to `real_top`'s parent, deepest first,
    then `.git/info/exclude` (git's lowest precedence); nothing outside a repository. `cut`: the
    length of `real_top`'s path below the walked directory."""
    repository = _repository_root(real_top)
    if repository is None:
        return
    folder = real_top
    while folder != repository:  # the repository root is `real_top` or a folder above it
        folder = os.path.dirname(folder)
        matcher = _gitignore_matcher(
            os.path.join(folder, GITIGNORE), prefix=_below(real_top, folder), cut=cut
        )
        if matcher is not None:
            yield matcher
    info_exclude = os.path.join(repository, ".git", "info", "exclude")
    matcher = _gitignore_matcher(info_exclude, prefix=_below(real_top, repository), cut=cut)
    if matcher is not None:
        yield matcher


def _below(path: str, folder: str) -> str:
    """`path` relative to `folder` (which holds it) with `/` and a trailing `/`; "" for `folder`."""
    relative = os.path.relpath(path, folder)
    return "" if relative == "." else relative.replace(os.sep, "/") + "/"


def _repository_root(real_top: str) -> str | None:
    folder = real_top
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):  # a folder, or a file in a worktree
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _gitignore_matcher(path: str, *, prefix: str = "", cut: int = 0) -> _Matcher | FileError | None:
    """The patterns of one ignore file; None when it is missing or has none."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as file:
            text = file.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        if not os.path.exists(path):
            return None  # a dangling link, or a folder of that name in a parent
        return FileError(Path(path), f"cannot read ignore file: {error.strerror or error}")
    lines = text.replace("\r\n", "\n").split("\n")
    if not any(line.strip() and not line.startswith("#") for line in lines):
        return None
    return _matcher(lines, prefix, cut)


def _globs_matchers(
    exclude: Sequence[Globs], real_folder: str, relative: str
) -> tuple[tuple[_Matcher, ...], dict[str, tuple[_Matcher, ...]]]:
    """The matchers for the subtree of `real_folder` (`relative` below the walked directory), and
    those for folders inside it (by their path below the walked directory, with a trailing `/`),
    which apply once the walk enters them."""
    everywhere: list[_Matcher] = []
    below: dict[str, tuple[_Matcher, ...]] = {}
    for globs in exclude:
        if not globs.patterns:
            continue
        folder = os.path.realpath(globs.folder)
        if real_folder == folder or real_folder.startswith(os.path.join(folder, "")):
            everywhere.append(_matcher(globs.patterns, _below(real_folder, folder), len(relative)))
        elif folder.startswith(os.path.join(real_folder, "")):
            inside = relative + _below(folder, real_folder)
            below[inside] = (*below.get(inside, ()), _matcher(globs.patterns, "", len(inside)))
        else:  # an unrelated folder: `nbport check ../other --exclude legacy/`
            everywhere.append(_matcher(globs.patterns, "", 0))
    return tuple(everywhere), below


def _matcher(lines: Iterable[str], prefix: str, cut: int) -> _Matcher:
    lines = [_as_git_reads(line) for line in lines]
    spec = _spec(lines)
    if prefix and spec.check_file(prefix).include is not None:
        # The walked directory (named by the user) or a folder above it matches: drop the patterns
        # that ignore it, or pathspec would ignore everything inside it through its path.
        lines = [line for line in lines if _spec([line]).check_file(prefix).include is not True]
        spec = _spec(lines)
    return _Matcher(spec, prefix, cut)


def _as_git_reads(line: str) -> str:
    """`data/**` matches what is inside `data` but not `data` itself, so `!data/keep.py` can
    re-include; pathspec also matches the folder (`data/`), which would prune it."""
    line = line.rstrip("\r")
    stripped = line.rstrip(" ")
    if stripped.endswith("/**") and not stripped.endswith("\\/**"):
        return stripped + "/*"
    return line


def _spec(lines: Iterable[str]) -> PathSpec:
    # Imported here: walks with no ignore file and no exclude never pay for it.
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(list(lines))


__all__ = [
    "GITIGNORE",
    "SKIPPED_DIRECTORIES",
    "Globs",
    "WalkSettings",
    "WalkSettingsSource",
    "discover",
]
