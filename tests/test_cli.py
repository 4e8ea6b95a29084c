"""The real console entry point, in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
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


def test_rules_shows_a_rules_options_with_their_defaults() -> None:
    explained = run_nbport("rules", "NBP302").stdout
    assert "\nOptions (set in nbport.toml or [tool.nbport] of pyproject.toml)\n" in explained
    assert "  min-epochs = 100    # integer ≥ 1 (epochs)\n" in explained
    assert "  min-minutes = 30    # integer ≥ 1 (minutes)\n" in explained
    assert "must save while it runs" in explained
    assert "Options" not in run_nbport("rules", "NBP001").stdout


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


class _Terminal:
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, True),
        ({"TERM": "dumb"}, False),
        ({"NO_COLOR": "1"}, False),
        ({"FORCE_COLOR": "0"}, False),
        ({"FORCE_COLOR": "false"}, False),
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_on_a_terminal_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: bool
) -> None:
    from nbport.terminal import use_color

    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert use_color(_Terminal()) is expected


def test_colour_on_a_real_terminal_and_not_on_a_dumb_one(tmp_path: Path) -> None:
    import pty

    dirty = tmp_path / "dirty.ipynb"
    dirty.write_text(_notebook(["!cd data"]), encoding="utf-8")

    def on_terminal(term: str) -> bytes:
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("NO_COLOR", "FORCE_COLOR", "CI")
        }
        environment["TERM"] = term
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "nbport", "check", str(dirty)],
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env=environment,
        )
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the process is done writing
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=60)
        os.close(leader)
        return output

    assert b"\x1b[" in on_terminal("xterm-256color")
    assert b"\x1b[" not in on_terminal("dumb")


def test_help_shows_brackets_as_written() -> None:
    assert "[tool.nbport]" in run_nbport("config", "--help").stdout
    assert "'nbport[format]'" in run_nbport("convert", "--help").stdout


def test_select_of_another_targets_rules_is_a_usage_error_not_a_pass(tmp_path: Path) -> None:
    dirty = tmp_path / "dirty.ipynb"
    dirty.write_text(_notebook(["!cd data"]), encoding="utf-8")
    nothing = run_nbport("check", "--select", "NBP4", str(dirty))
    assert nothing.returncode == 2
    assert "All checks passed" not in nothing.stdout
    assert "NBP4 selects NBP401, NBP402" in nothing.stderr
    partly = run_nbport("check", "--select", "NBP4,NBP0", str(dirty))
    assert partly.returncode == 1
    assert "NBP001" in partly.stdout
    assert "nbport: warning: NBP4 selects NBP401, NBP402" in partly.stderr


def test_fix_says_a_file_with_an_unreadable_cell_was_not_written(tmp_path: Path) -> None:
    notebook = tmp_path / "py2.ipynb"
    notebook.write_text(_notebook(["!cd data", 'print "x"']), encoding="utf-8")
    before = notebook.read_bytes()
    result = run_nbport("fix", str(notebook))
    assert result.returncode == 2
    assert notebook.read_bytes() == before
    assert f"{notebook}:cell 2: error: not valid Python 3" in result.stderr
    assert (
        f"{notebook}: error: not fixed: nbport writes no file it could not read whole"
        " (1 fixable finding left)"
    ) in result.stderr
