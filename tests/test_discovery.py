"""Paths → files: skipped folders, .gitignore files, exclude globs, links, odd names, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPOSITORY

import nbport.discovery
import nbport.run
from nbport.api import check_paths
from nbport.config import load_config
from nbport.discovery import Globs, discover
from nbport.finding import FileError

#: A cell NBP001 flags (`!cd` does not persist between cells).
SHELL_CD = "!cd data"
#: A script line NBP101 flags (a Windows path).
WINDOWS = "p = 'data\\\\x.csv'\n"


def _touch(path: Path, text: str = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _notebook(path: Path, source: str = SHELL_CD) -> Path:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    document = {
        "cells": [{**cell, "source": source}],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return _touch(path, json.dumps(document, indent=1))


def _git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True)


def _found(root: Path, paths: list[Path] | None = None, **options: object) -> list[str]:
    """What `discover` yields, as `/`-paths relative to `root` (errors as `error: path`)."""
    shown = []
    for item in discover(paths if paths is not None else [root], **options):  # type: ignore[arg-type]
        if isinstance(item, FileError):
            shown.append(f"error: {item.path.relative_to(root).as_posix()}: {item.message}")
        else:
            shown.append(item.relative_to(root).as_posix())
    return shown


def _git_lists(root: Path, *paths: str) -> list[str]:
    """What git itself calls tracked-or-untracked-and-not-ignored, for comparison."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z", "--", *paths],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    return sorted(path for path in listed if path.endswith((".py", ".ipynb")))


# -- skipped folders and named paths


def test_directories_are_searched_and_caches_skipped(tmp_path: Path) -> None:
    wanted = [
        _touch(tmp_path / "a.ipynb"),
        _touch(tmp_path / "pkg" / "b.py"),
        _touch(tmp_path / "pkg" / "deep" / "c.ipynb"),
    ]
    for skipped in (
        ".ipynb_checkpoints/a-checkpoint.ipynb",
        ".git/x.py",
        "__pycache__/x.py",
        "node_modules/x.py",
        "env/lib/x.py",
    ):
        _touch(tmp_path / skipped)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    _touch(tmp_path / "notes.txt")
    assert list(discover([tmp_path])) == sorted(wanted)


def test_named_files_are_always_checked_once(tmp_path: Path) -> None:
    checkpoint = _touch(tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb")
    other = _touch(tmp_path / "notes.txt")
    assert list(discover([checkpoint, other, checkpoint])) == sorted([checkpoint, other])


def test_a_file_under_two_named_paths_is_found_once(tmp_path: Path) -> None:
    script = _touch(tmp_path / "sub" / "a.py")
    assert list(discover([tmp_path, tmp_path / "sub", script])) == [script]


def test_missing_paths_are_errors(tmp_path: Path) -> None:
    result = list(discover([tmp_path / "missing.ipynb"]))
    assert result == [FileError(tmp_path / "missing.ipynb", "no such file or directory")]


def test_errors_and_files_come_out_sorted_by_path(tmp_path: Path) -> None:
    _touch(tmp_path / "b.py")
    _touch(tmp_path / "d" / "e.ipynb")
    paths = [tmp_path / "z-missing.py", tmp_path, tmp_path / "c-missing.py"]
    assert _found(tmp_path, paths) == [
        "b.py",
        "error: c-missing.py: no such file or directory",
        "d/e.ipynb",
        "error: z-missing.py: no such file or directory",
    ]
    assert _found(tmp_path, paths) == _found(tmp_path, list(reversed(paths)))


# -- .gitignore files


def test_gitignore_root_nested_and_negations_as_git_reads_them(tmp_path: Path) -> None:
    _git_init(tmp_path)
    _touch(
        tmp_path / ".gitignore",
        "# scratch work\ndata/\n!data/a.py\nout/**\n!out/keep.py\n*.tmp.py\n/top.py\n",
    )
    # `sub/.gitignore`: relative to `sub`; `!keep.tmp.py` re-includes what the root file ignores.
    _touch(tmp_path / "sub" / ".gitignore", "*.ipynb\n!keep.tmp.py\n/nested/\n")
    _touch(tmp_path / "all" / ".gitignore", "*\n!.gitignore\n")
    for name in (
        "a.py",
        "top.py",
        "sub/top.py",  # `/top.py` is anchored to the root
        "data/a.py",  # a file in an ignored folder cannot be re-included
        "out/keep.py",  # `out/**` ignores what is inside `out`, not `out`: this one comes back
        "out/x.py",
        "out/deep/y.py",
        "x.tmp.py",
        "sub/keep.tmp.py",
        "sub/n.ipynb",
        "sub/nested/z.py",
        "sub/deeper/nested/w.py",  # `/nested/` is anchored to `sub`
        "all/q.py",
    ):
        _touch(tmp_path / name)
    expected = ["a.py", "out/keep.py", "sub/deeper/nested/w.py", "sub/keep.tmp.py", "sub/top.py"]
    assert _found(tmp_path) == expected
    assert _git_lists(tmp_path) == expected


def test_gitignore_files_above_the_walked_folder_apply_up_to_the_repository_root(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outer"
    _touch(outside / ".gitignore", "*.py\n")  # above the repository: not the project's
    repository = outside / "repo"
    _git_init(repository)
    _touch(repository / ".gitignore", "drafts/\n/project/anchored.py\n")
    _touch(repository / "project" / ".gitignore", "*.ipynb\n!keep.ipynb\n")
    _touch(repository / ".git" / "info" / "exclude", "private.py\n")
    for name in (
        "project/work/a.py",
        "project/work/drafts/b.py",
        "project/work/c.ipynb",
        "project/work/keep.ipynb",
        "project/anchored.py",
        "project/work/anchored.py",
        "project/work/private.py",
    ):
        _touch(repository / name)
    walked = repository / "project"
    expected = ["work/a.py", "work/anchored.py", "work/keep.ipynb"]
    assert _found(walked) == expected
    assert _git_lists(repository, "project") == ["project/" + path for path in expected]
    assert _found(walked / "work") == ["a.py", "anchored.py", "keep.ipynb"]


def test_outside_a_repository_only_the_walked_trees_gitignore_files_count(tmp_path: Path) -> None:
    _touch(tmp_path / ".gitignore", "*.py\n")  # a folder above, with no repository: not read
    walked = tmp_path / "project"
    _touch(walked / ".gitignore", "scratch/\n")
    _touch(walked / "a.py")
    _touch(walked / "scratch" / "b.py")
    assert _found(walked) == ["a.py"]
    assert _found(tmp_path) == []  # walked from the folder holding it, `*.py` applies


def test_respect_gitignore_false_reads_no_gitignore(tmp_path: Path) -> None:
    _git_init(tmp_path)
    _touch(tmp_path / ".gitignore", "scratch/\n*.ipynb\n")
    _touch(tmp_path / "a.py")
    _touch(tmp_path / "scratch" / "b.py")
    _touch(tmp_path / "c.ipynb")
    assert _found(tmp_path) == ["a.py"]
    assert _found(tmp_path, respect_gitignore=False) == ["a.py", "c.ipynb", "scratch/b.py"]


def test_named_files_and_folders_are_checked_even_when_ignored(tmp_path: Path) -> None:
    _git_init(tmp_path)
    _touch(tmp_path / ".gitignore", "scratch/\n*.tmp.py\n")
    named = _touch(tmp_path / "scratch" / "a.py")
    _touch(tmp_path / "scratch" / "b.tmp.py")
    _touch(tmp_path / "scratch" / "inner" / "c.py")
    assert _found(tmp_path) == []
    assert _found(tmp_path, [named]) == ["scratch/a.py"]
    # A named folder is walked; only the patterns that ignore the folder itself stop applying.
    assert _found(tmp_path, [tmp_path / "scratch"]) == ["scratch/a.py", "scratch/inner/c.py"]


def test_ignored_directories_are_pruned_not_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _git_init(tmp_path)
    _touch(tmp_path / ".gitignore", "data/\n")
    _touch(tmp_path / "nbport.toml", 'exclude = ["legacy/"]\n')
    _touch(tmp_path / "data" / "deep" / "a.py")
    _touch(tmp_path / "legacy" / "deep" / "b.py")
    _touch(tmp_path / "src" / "c.py")
    scanned: list[str] = []
    real_scandir = os.scandir

    def recording_scandir(path: str) -> object:
        # Only the walk of the tree counts (the rule catalog may be read from disk meanwhile).
        if Path(path).is_relative_to(tmp_path):
            scanned.append(Path(path).relative_to(tmp_path).as_posix())
        return real_scandir(path)

    monkeypatch.setattr(nbport.discovery.os, "scandir", recording_scandir)
    config = load_config(tmp_path)
    assert _found(tmp_path, exclude=config.exclusions) == ["src/c.py"]
    assert sorted(scanned) == [".", "src"]


def test_pathspec_is_imported_only_when_something_ignores(tmp_path: Path) -> None:
    _touch(tmp_path / "plain" / "a.py")
    _touch(tmp_path / "ignoring" / ".gitignore", "b.py\n")
    _touch(tmp_path / "ignoring" / "b.py")
    script = (
        "import sys; from pathlib import Path; from nbport.discovery import discover\n"
        "found = list(discover([Path(sys.argv[1])]))\n"
        "print(len(found), 'pathspec' in sys.modules)\n"
    )
    shown = []
    for folder in ("plain", "ignoring"):
        result = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / folder)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
        )
        shown.append(result.stdout.strip())
    assert shown == ["1 False", "0 True"]


# -- exclude globs


def test_exclude_globs_are_relative_to_their_folder(tmp_path: Path) -> None:
    for name in ("a.py", "legacy/b.py", "sub/legacy/c.py", "sub/d.py", "gen/e_pb2.py", "f.ipynb"):
        _touch(tmp_path / name)
    anchored = [Globs(tmp_path, ("/legacy/",))]
    assert _found(tmp_path, exclude=anchored) == [
        "a.py",
        "f.ipynb",
        "gen/e_pb2.py",
        "sub/d.py",
        "sub/legacy/c.py",
    ]
    several = [Globs(tmp_path, ("legacy/",)), Globs(tmp_path / "gen", ("*_pb2.py",))]
    assert _found(tmp_path, exclude=several) == ["a.py", "f.ipynb", "sub/d.py"]
    # Walking a folder below the globs' folder keeps them anchored where they were written.
    assert _found(tmp_path, [tmp_path / "sub"], exclude=anchored) == ["sub/d.py", "sub/legacy/c.py"]
    # A negation re-includes, as in a .gitignore.
    negated = [Globs(tmp_path, ("sub/*", "!sub/d.py"))]
    assert _found(tmp_path, exclude=negated) == [
        "a.py",
        "f.ipynb",
        "gen/e_pb2.py",
        "legacy/b.py",
        "sub/d.py",
    ]


def test_exclude_globs_for_a_folder_outside_theirs_are_relative_to_the_walked_folder(
    tmp_path: Path,
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    other = tmp_path / "other"
    _touch(other / "legacy" / "a.py")
    _touch(other / "b.py")
    assert _found(other, exclude=[Globs(here, ("/legacy/",))]) == ["b.py"]


def test_exclude_does_not_apply_to_named_files(tmp_path: Path) -> None:
    named = _touch(tmp_path / "legacy" / "a.py")
    assert _found(tmp_path, exclude=[Globs(tmp_path, ("legacy/",))]) == []
    assert _found(tmp_path, [named], exclude=[Globs(tmp_path, ("legacy/",))]) == ["legacy/a.py"]


# -- symbolic links


def test_links_to_directories_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _touch(outside / "secret.py")
    tree = tmp_path / "tree"
    _touch(tree / "mine.py")
    os.symlink(outside, tree / "link")
    os.symlink(tree / "mine.py", tree / "inner")  # a link to a folder inside the tree, too
    os.symlink(tree, tree / "loop.py")  # a folder link that looks like a script
    assert list(discover([tree])) == [tree / "mine.py"]


def test_links_to_files_outside_the_tree_are_skipped_inside_checked_once(tmp_path: Path) -> None:
    _touch(tmp_path / "outside.py")
    tree = tmp_path / "tree"
    target = _touch(tree / "real.py")
    _touch(tree / "notes.txt")
    os.symlink(tmp_path / "outside.py", tree / "escape.py")
    os.symlink(target, tree / "alias.py")  # the same file as real.py: checked once, as real.py
    os.symlink(tree / "notes.txt", tree / "notes.py")  # only reached through the link
    assert _found(tree) == ["notes.py", "real.py"]
    # Whichever order they come in, the link's target's own path is the one kept.
    assert _found(tree, [tree / "alias.py", target]) == ["real.py"]
    assert _found(tree, [target, tree / "alias.py"]) == ["real.py"]
    # Named explicitly, a link is checked wherever it points.
    assert _found(tree, [tree / "escape.py"]) == ["escape.py"]


# -- bad input


def test_an_unreadable_directory_is_one_error_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _touch(tmp_path / "a.py")
    _touch(tmp_path / "locked" / "b.py")
    _touch(tmp_path / "z" / "c.py")
    real_scandir = os.scandir

    def refusing_scandir(path: str) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(nbport.discovery.os, "scandir", refusing_scandir)
    assert _found(tmp_path) == [
        "a.py",
        "error: locked: cannot read directory: Permission denied",
        "z/c.py",
    ]
    # The whole run goes on past it: both scripts are checked, and the error sets exit code 2.
    _notebook(tmp_path / "z" / "d.ipynb")
    report = check_paths([tmp_path])
    shown = [
        (file.path.relative_to(tmp_path).as_posix(), file.errors != ()) for file in report.files
    ]
    assert shown == [("a.py", False), ("locked", True), ("z/c.py", False), ("z/d.ipynb", False)]
    assert [finding.rule for finding in report.findings] == ["NBP001"]
    assert report.exit_code() == 2


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder another user may enter (pytest's own are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="nbport-discovery-"))
    folder.chmod(0o755)
    yield folder
    for directory, _, _ in os.walk(folder):
        os.chmod(directory, 0o755)
    shutil.rmtree(folder)


def test_a_chmod_000_directory(shared_tmp: Path) -> None:
    _notebook(shared_tmp / "a.ipynb")
    _touch(shared_tmp / "locked" / "b.py")
    _notebook(shared_tmp / "z" / "c.ipynb")
    (shared_tmp / "locked").chmod(0)
    # Discovery only: the child runs as another user, who may not be able to read the virtual
    # environment's site-packages (CI makes it in a private temporary folder); the whole run
    # going on past the error is tested in `test_an_unreadable_directory_*` above.
    script = (
        "from pathlib import Path\n"
        "from nbport.discovery import discover\n"
        "for item in discover([Path('.')]):\n"
        "    print(getattr(item, 'message', item))\n"
    )
    # root reads any folder: run as `nobody` so the permission bites.
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    result = subprocess.run(
        [*(as_nobody if os.geteuid() == 0 else []), sys.executable, "-c", script],
        cwd=shared_tmp,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
        check=False,
    )
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "a.ipynb",
        "cannot read directory: Permission denied",
        "z/c.ipynb",
    ]


def test_odd_file_names(tmp_path: Path) -> None:
    names = [
        "with space.py",
        "日本語のノート.ipynb",
        "한국어/노트북.ipynb",
        "new\nline.py",
        "-leading-dash.py",
        "--help.py",
        "ünïcödé dir/x.py",
    ]
    for name in names:
        if name.endswith(".ipynb"):
            _notebook(tmp_path / name)
        else:
            _touch(tmp_path / name, WINDOWS)
    _touch(tmp_path / ".gitignore", "ignored 日本/\n")
    _touch(tmp_path / "ignored 日本" / "y.py")
    assert _found(tmp_path) == sorted(names, key=lambda name: Path(name).parts)
    report = check_paths([tmp_path])
    assert report.errors == []
    assert sorted(finding.path.relative_to(tmp_path).as_posix() for finding in report.findings) == (
        sorted(names)
    )


def test_a_file_vanishing_after_discovery_is_an_error_and_the_rest_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _notebook(tmp_path / "a.ipynb")
    vanishing = _notebook(tmp_path / "b.ipynb")
    last = _notebook(tmp_path / "c.ipynb")
    real_discover = nbport.run.discover

    def discover_then_delete(*args: object, **kwargs: object) -> Iterator[object]:
        found = list(real_discover(*args, **kwargs))  # type: ignore[arg-type]
        vanishing.unlink()
        yield from found

    monkeypatch.setattr(nbport.run, "discover", discover_then_delete)
    report = check_paths([tmp_path])
    assert [file.path for file in report.files] == [first, vanishing, last]
    assert [(error.path, error.message) for error in report.errors] == [(vanishing, "no such file")]
    assert [finding.path for finding in report.findings] == [first, last]
    assert report.exit_code() == 2


# -- the "done when", at library level


def test_a_repository_with_configuration_ignored_notebooks_and_checkpoints(
    tmp_path: Path,
) -> None:
    _git_init(tmp_path)
    _touch(
        tmp_path / "pyproject.toml",
        '[project]\nname = "demo"\n\n[tool.nbport]\nexclude = ["vendor/"]\n'
        'per-file-ignores = {"scripts/*" = ["NBP101"]}\n',
    )
    _touch(tmp_path / ".gitignore", "generated/\n")
    wanted = _notebook(tmp_path / "notebooks" / "train.ipynb")
    clean = _notebook(tmp_path / "notebooks" / "clean.ipynb", "x = 1")
    _touch(tmp_path / "scripts" / "run.py", WINDOWS)
    _notebook(tmp_path / "generated" / "out.ipynb")
    _notebook(tmp_path / "notebooks" / ".ipynb_checkpoints" / "train-checkpoint.ipynb")
    _notebook(tmp_path / "vendor" / "theirs.ipynb")
    config = load_config(tmp_path)
    report = check_paths([tmp_path], config=config)
    assert [file.path for file in report.files] == [clean, wanted, tmp_path / "scripts" / "run.py"]
    assert [(finding.path, finding.rule) for finding in report.findings] == [(wanted, "NBP001")]
    assert report.exit_code() == 1
