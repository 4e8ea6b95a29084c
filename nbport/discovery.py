"""Paths → files: the notebooks and scripts named on the command line or found in directories."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from nbport.documents import SUFFIXES
from nbport.finding import FileError

#: Directories never entered: tool caches, version control, virtual environments, checkpoints.
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".ipynb_checkpoints",
        "__pycache__",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        "build",
        "dist",
    }
)


def discover(paths: Sequence[Path]) -> Iterator[Path | FileError]:
    """Each file to check once, sorted by path; a path that does not exist yields a `FileError`.

    A file named explicitly is always checked (pre-commit passes files by name); directories are
    searched for `.ipynb` and `.py` files, skipping `SKIPPED_DIRECTORIES` and symbolic links to
    directories, so a walk never leaves the tree.
    """
    found: set[Path] = set()
    missing: list[FileError] = []
    for path in paths:
        if path.is_dir():
            found.update(_walk(path))
        elif path.exists():
            found.add(path)
        else:
            missing.append(FileError(path, "no such file or directory"))
    yield from missing
    yield from sorted(found)


def _walk(root: Path) -> Iterator[Path]:
    for directory, subdirectories, files in os.walk(root):
        # os.walk does not follow links to directories unless asked; prune what we never enter.
        subdirectories[:] = [
            name
            for name in subdirectories
            if name not in SKIPPED_DIRECTORIES and not _is_virtualenv(Path(directory, name))
        ]
        for name in files:
            if name.endswith(SUFFIXES):
                yield Path(directory, name)


def _is_virtualenv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()
