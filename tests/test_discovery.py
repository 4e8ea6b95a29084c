"""Paths → files."""

from __future__ import annotations

import os
from pathlib import Path

from nbport.discovery import discover
from nbport.finding import FileError


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x = 1\n", encoding="utf-8")
    return path


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


def test_missing_paths_are_errors(tmp_path: Path) -> None:
    result = list(discover([tmp_path / "missing.ipynb"]))
    assert result == [FileError(tmp_path / "missing.ipynb", "no such file or directory")]


def test_links_to_directories_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _touch(outside / "secret.py")
    tree = tmp_path / "tree"
    _touch(tree / "mine.py")
    os.symlink(outside, tree / "link")
    assert list(discover([tree])) == [tree / "mine.py"]
