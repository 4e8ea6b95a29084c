"""Shared test fixtures: paths to the repository, its fixtures and the shared corpus.

Tests that read `../shared/` (the corpus of real notebooks, the seed posts) call `require_shared`:
in a clone with nothing beside it they are skipped, all with one reason; under `CI=true`, where the
folder is always there, a missing folder fails them instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
FIXTURES = REPOSITORY / "fixtures"
SHARED = REPOSITORY.parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
#: The one reason every test that needs `../shared` gives when it is skipped.
SHARED_MISSING = "../shared (corpus and seed posts) is not beside this checkout"


def require_shared(path: Path) -> Path:
    """`path` under `../shared`, or the test is skipped (a failure under `CI=true`) without it."""
    if not path.exists():
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"CI has ../shared beside the checkout, but {path} is missing")
        pytest.skip(SHARED_MISSING)
    return path


# One code cell as Jupyter writes it: `!cd data` is NBP001 (its fix is `%cd data`) and stands on
# line 9 of the file; `!ls` is clean.
BAD_NOTEBOOK = """{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": [
    "!cd data\\n",
    "!ls"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Python 3",
   "language": "python",
   "name": "python3"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
"""


def installed_tool(name: str) -> str:
    """A command-line tool installed next to this Python (the test extras install them)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed next to {sys.executable}: pip install '.[test]'"
    return found


def load_corpus_check() -> ModuleType:
    """benchmarks/corpus_check.py: benchmarks/ is not a package, so import it by path, once."""
    if "corpus_check" in sys.modules:
        return sys.modules["corpus_check"]
    spec = importlib.util.spec_from_file_location(
        "corpus_check", REPOSITORY / "benchmarks" / "corpus_check.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_check"] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def load_tool(name: str) -> ModuleType:
    """`tools/<name>.py`: tools/ is not a package (its scripts import each other, e.g. `pypi`, as
    run from there), so it goes on the path and the module is imported once."""
    tools = str(REPOSITORY / "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    return importlib.import_module(name)


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
