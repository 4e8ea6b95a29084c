"""`ruff check`, `ruff format --check` and mypy are clean: style and types are part of the suite."""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import REPOSITORY


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("ruff")
    command = [executable] if executable else [sys.executable, "-m", "ruff"]
    return subprocess.run(
        [*command, *args], cwd=REPOSITORY, capture_output=True, text=True, check=False
    )


def test_ruff_check_is_clean() -> None:
    result = _ruff("check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_over_the_package() -> None:
    # The settings (strict, less what untyped dependencies force) live in pyproject.toml.
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=REPOSITORY, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
