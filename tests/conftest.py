"""Shared test fixtures: paths to the repository, its fixtures and the shared corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
FIXTURES = REPOSITORY / "fixtures"
CORPUS = REPOSITORY.parent / "shared" / "corpus"


def run_nbport(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    """Run the real console entry point in a subprocess, as a user would."""
    environment = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
    environment.update({"NO_COLOR": "1", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "nbport", *args],
        cwd=cwd or REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


@pytest.fixture
def nbport():
    """The `run_nbport` function, as a fixture."""
    return run_nbport
