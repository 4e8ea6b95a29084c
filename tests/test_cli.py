"""The real console entry point, in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, run_nbport


def _notebook(cells: list[str]) -> str:
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [],
                    "source": c,
                }
                for c in cells
            ],
            "metadata": {
                "kernelspec": {"language": "python", "name": "python3", "display_name": "Python 3"}
            },
            "nbformat": 4,
            "nbformat_minor": 4,
        },
        indent=1,
        ensure_ascii=False,
    )


BAD_INPUTS = {
    "invalid.ipynb": (b'{"cells": [}', "invalid JSON"),
    "not_a_notebook.ipynb": (b'{"hello": "world"}', "not a Jupyter notebook"),
    "a_list.ipynb": (b"[1, 2, 3]", "not a Jupyter notebook"),
    "empty.ipynb": (b"", "empty file"),
    "binary.ipynb": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    "latin1.ipynb": (_notebook(["x = 'caf\u00e9'"]).encode("latin-1"), "not UTF-8"),
    "binary.py": (b"\x00\x01\x02print(1)", "binary file"),
    "latin1.py": ("x = 'caf\u00e9'\n".encode("latin-1"), "not UTF-8"),
}


@pytest.fixture
def bad_tree(tmp_path: Path) -> Path:
    for name, (data, _) in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "python2.ipynb").write_text(
        _notebook(["print 'hello'", "!cd data"]), encoding="utf-8"
    )
    (tmp_path / "good.ipynb").write_text(_notebook(["!cd data\n!ls"]), encoding="utf-8")
    return tmp_path


def test_each_bad_input_gets_one_error_line_and_the_run_goes_on(bad_tree: Path) -> None:
    before = {path.name: path.read_bytes() for path in bad_tree.iterdir()}
    result = run_nbport("check", str(bad_tree))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    for name, (_, message) in BAD_INPUTS.items():
        matching = [line for line in errors if line.startswith(str(bad_tree / name) + ": error: ")]
        assert len(matching) == 1, (name, errors)
        assert message in matching[0]
    # The Python 2 cell is named; the other cell of that notebook is still checked.
    assert f"{bad_tree / 'python2.ipynb'}:cell 1: error: not valid Python 3" in result.stderr
    assert f"{bad_tree / 'python2.ipynb'}:cell 2:1:1: NBP001" in result.stdout
    # The good file next to them is checked as usual.
    assert f"{bad_tree / 'good.ipynb'}:cell 1:1:1: NBP001" in result.stdout
    assert {path.name: path.read_bytes() for path in bad_tree.iterdir()} == before


def test_fix_writes_nothing_it_could_not_read(bad_tree: Path) -> None:
    before = {path.name: path.read_bytes() for path in bad_tree.iterdir()}
    result = run_nbport("fix", str(bad_tree))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    after = {path.name: path.read_bytes() for path in bad_tree.iterdir()}
    changed = {name for name in before if before[name] != after[name]}
    # Only the readable notebook is fixed; the one with a Python 2 cell is left as it was.
    assert changed == {"good.ipynb"}
    assert "%cd data" in after["good.ipynb"].decode()
    assert set(after) == set(before)  # no stray temporary files


def test_missing_path_is_an_error_and_others_still_run(tmp_path: Path) -> None:
    (tmp_path / "good.ipynb").write_text(_notebook(["!cd x"]), encoding="utf-8")
    result = run_nbport("check", str(tmp_path / "nope.ipynb"), str(tmp_path / "good.ipynb"))
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.ipynb'}: error: no such file or directory" in result.stderr
    assert "NBP001" in result.stdout


def test_exit_codes(tmp_path: Path) -> None:
    clean = tmp_path / "clean.ipynb"
    clean.write_text(_notebook(["%cd data"]), encoding="utf-8")
    dirty = tmp_path / "dirty.ipynb"
    dirty.write_text(_notebook(["!cd data"]), encoding="utf-8")
    assert run_nbport("check", str(clean)).returncode == 0
    assert run_nbport("check", str(dirty)).returncode == 1
    assert run_nbport("check", "--select", "NBP999", str(dirty)).returncode == 2
    assert run_nbport("check", "--ignore", "NBP001", str(dirty)).returncode == 0
    assert run_nbport("fix", "--diff", str(dirty)).returncode == 1
    assert run_nbport("fix", str(dirty)).returncode == 0
    assert run_nbport("check", str(dirty)).returncode == 0
    assert run_nbport("frobnicate").returncode == 2


def test_check_on_fixtures_prints_cells_and_lines(tmp_path: Path) -> None:
    result = run_nbport("check", "fixtures/")
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert "fixtures/colab_tpu_training.ipynb:cell 3:1:1: NBP001 " in result.stdout
    assert any(line.startswith("fixtures/train_blstm_debug.py:10:") for line in lines)
    assert any(line.startswith("fixtures/prepare_data.py:7:3: NBP001") for line in lines)
    assert not any("clean_mnist" in line for line in lines)
    assert lines[-1].startswith("Found ")


def test_diff_shows_cells_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target)
    before = {str(p.relative_to(target)): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    result = run_nbport("fix", "--diff", str(target))
    assert result.returncode == 1
    assert f"--- {target / 'jupyter_windows_paths.ipynb'}:cell 3 (before)" in result.stdout
    assert "+train_dir = 'data/images/train'" in result.stdout
    assert "-!cd data" in result.stdout and "+%cd data" in result.stdout
    assert '"source"' not in result.stdout  # cell sources, not raw JSON
    assert {
        str(p.relative_to(target)): p.read_bytes() for p in target.rglob("*") if p.is_file()
    } == before


def test_fix_rewrites_only_those_cells_and_is_idempotent(tmp_path: Path) -> None:
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target)
    clean_before = (target / "clean_mnist.ipynb").read_bytes()
    first = run_nbport("fix", str(target))
    assert first.returncode == 1  # the drive-letter path and a non-public keras module remain
    assert "Fixed " in first.stdout
    once = {str(p.relative_to(target)): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert once["clean_mnist.ipynb"] == clean_before
    second = run_nbport("fix", str(target))
    assert {
        str(p.relative_to(target)): p.read_bytes() for p in target.rglob("*") if p.is_file()
    } == once
    assert "Fixed " not in second.stdout


def test_rules_lists_and_explains() -> None:
    listing = run_nbport("rules")
    assert listing.returncode == 0
    assert "NBP001" in listing.stdout and "shell-cd" in listing.stdout
    explained = run_nbport("rules", "shell-cd")
    assert explained.returncode == 0
    assert explained.stdout.startswith("NBP001 shell-cd")
    assert "%cd" in explained.stdout
    assert run_nbport("rules", "NBP999").returncode == 2


def test_help_answers_the_obvious_questions() -> None:
    result = run_nbport("--help")
    assert result.returncode == 0
    for word in ("check", "fix", "rules", "Exit codes"):
        assert word in result.stdout
    fix_help = run_nbport("fix", "--help").stdout
    assert "--diff" in fix_help and "--unsafe-fixes" in fix_help


def test_colour_only_on_request(tmp_path: Path) -> None:
    dirty = tmp_path / "dirty.ipynb"
    dirty.write_text(_notebook(["!cd data"]), encoding="utf-8")
    assert "\x1b[" not in run_nbport("check", str(dirty)).stdout
    forced = run_nbport("check", str(dirty), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in forced.stdout
