"""Shared test fixtures: paths to the repository, its fixtures and the shared corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
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


def finding_labels(entry: object, cells: Sequence[str], layout: str = "notebook") -> list[str]:
    """The locations (`cell 1:2:5`, `12:5`) of `entry`'s findings in `cells`; every cell must parse."""
    from nbport.documents import document_from_cells
    from nbport.engine import check_document

    result = check_document(document_from_cells(cells, layout), [entry])  # type: ignore[list-item]
    assert result.errors == ()
    return [finding.start.label() for finding in result.findings]
