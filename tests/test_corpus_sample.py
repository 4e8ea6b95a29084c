"""A fixed sample of real corpus files: no crash, untouched files byte-identical, fixes valid and stable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import CORPUS

from nbport.api import check_paths, fix_paths
from nbport.documents.base import EscapeStyle
from nbport.engine import python3_problem
from nbport.escapes import scan


def _sample() -> list[Path]:
    assert CORPUS.is_dir(), f"the shared corpus must be beside the repository: {CORPUS}"
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in {".ipynb", ".py"})
    return files[::15]  # every 15th file: about 170 of 2,592, from every repository


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Path, bytes]]:
    root = tmp_path_factory.mktemp("corpus")
    originals: dict[Path, bytes] = {}
    for source in _sample():
        target = root / source.relative_to(CORPUS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        originals[target] = target.read_bytes()
    return root, originals


def test_sample_is_large_enough() -> None:
    assert len(_sample()) >= 100


def test_check_never_crashes(sample_copy: tuple[Path, dict[Path, bytes]]) -> None:
    root, originals = sample_copy
    report = check_paths([root])
    assert len(report.files) == len(originals)
    assert not [e for e in report.errors if "internal error" in e.message]


def test_fix_keeps_untouched_files_and_makes_valid_stable_notebooks(
    sample_copy: tuple[Path, dict[Path, bytes]],
) -> None:
    root, originals = sample_copy
    report = fix_paths([root], unsafe=True)
    assert not [e for e in report.errors if "internal error" in e.message]
    written = {file.path for file in report.files if file.written}
    for path, before in originals.items():
        after = path.read_bytes()
        if path not in written:
            assert after == before, path
            continue
        assert after != before
        if path.suffix == ".ipynb":
            old, new = json.loads(before), json.loads(after)
            nbformat.validate(nbformat.from_dict(new))
            assert len(new["cells"]) == len(old["cells"])
            for old_cell, new_cell in zip(old["cells"], new["cells"], strict=True):
                assert {k: v for k, v in old_cell.items() if k != "source"} == {
                    k: v for k, v in new_cell.items() if k != "source"
                }
                if new_cell["cell_type"] == "code" and new_cell["source"] != old_cell["source"]:
                    source = "".join(new_cell["source"])
                    scanned = scan(source, EscapeStyle.LIVE)
                    assert python3_problem(scanned.masked) is None
            assert _outside_cells(old) == _outside_cells(new)
    # A second run finds nothing more to fix.
    again = fix_paths([root], unsafe=True)
    assert not any(file.written for file in again.files)


def _outside_cells(notebook: dict) -> dict:
    """The notebook without its cells, and without the metadata keys a fix owns (NBP301 sets
    `accelerator` and `colab.gpuType`, creating a `colab` object if there was none)."""
    rest = {key: value for key, value in notebook.items() if key != "cells"}
    metadata = {k: v for k, v in rest.get("metadata", {}).items() if k != "accelerator"}
    colab = metadata.get("colab")
    if isinstance(colab, dict):
        colab = {k: v for k, v in colab.items() if k != "gpuType"}
        if colab:
            metadata["colab"] = colab
        else:
            del metadata["colab"]
    return {**rest, "metadata": metadata}
