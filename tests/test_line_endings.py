"""Old Mac line endings (a lone `\r`): read the way Python and IPython read them, written back as they were."""

from __future__ import annotations

import json
from pathlib import Path

from nbport.api import check_file, fix_file
from nbport.catalog import load_catalog
from nbport.documents.base import python_newlines, restore_newlines

RULES = tuple(load_catalog().values())


def test_a_lone_carriage_return_reads_as_a_newline_of_the_same_length() -> None:
    text = "a\rb\r\nc\n\r"
    assert python_newlines(text) == "a\nb\r\nc\n\n"
    assert len(python_newlines(text)) == len(text)


def test_restoring_gives_a_carriage_return_only_to_units_written_with_it() -> None:
    assert restore_newlines("x\ry\r", "x\nz\n") == "x\rz\r"
    assert restore_newlines("x\r\ny\r\n", "x\r\nz\r\n") == "x\r\nz\r\n"
    assert restore_newlines("x\ny\n", "x\nz\n") == "x\nz\n"


def test_a_script_with_carriage_returns_only_is_checked_line_by_line(tmp_path: Path) -> None:
    script = tmp_path / "old_mac.py"
    script.write_bytes(b"import os\ros.listdir('data\\\\images')\r")
    report = check_file(script, RULES)
    assert report.errors == ()
    assert [(f.rule, f.start.line, f.start.column) for f in report.findings] == [("NBP101", 2, 12)]


def test_fixing_such_a_script_keeps_its_carriage_returns(tmp_path: Path) -> None:
    script = tmp_path / "old_mac.py"
    script.write_bytes(b"import os\ros.listdir('data\\\\images')\r")
    report = fix_file(script, RULES)
    assert report.errors == ()
    assert script.read_bytes() == b"import os\ros.listdir('data/images')\r"


def _notebook(source: str) -> str:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    notebook = {
        "cells": [{**cell, "source": source}],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    return json.dumps(notebook, indent=1) + "\n"


def test_a_cell_with_carriage_returns_only_finds_its_escapes_and_fixes_in_place(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old_mac.ipynb"
    path.write_text(_notebook("import os\r!cd data\r!ls\r"), encoding="utf-8")
    report = check_file(path, RULES)
    assert report.errors == ()
    assert [(f.rule, f.start.cell, f.start.line) for f in report.findings] == [("NBP001", 1, 2)]
    fix_file(path, RULES)
    fixed = json.loads(path.read_text(encoding="utf-8"))
    assert fixed["cells"][0]["source"] == "import os\r%cd data\r!ls\r"
