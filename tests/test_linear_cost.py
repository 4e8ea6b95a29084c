"""Checking, fixing, reporting and diffing cost the same per line in a cell of 100 findings as in
one of 400.

Cost is counted, not timed: every Python function call, and every line run in nbport's own code
(and in `difflib`, whose loops a diff would otherwise hide), while working on a cell with a finding
on each line. A step that walks the whole cell (or all its findings, or all its escapes) once per
finding makes the count grow with the square of the lines; the 4 times larger cell must cost at most
`MAX_GROWTH` times as much. Steps whose work is all inside one C call (slicing, `str.count`) are not
counted: `tests/test_edits.py` counts the characters the fix loop copies. The times themselves, up
to 200,000 findings in one cell, are measured by `benchmarks/run.py` (section "One big cell").
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import nbport
from nbport.api import (
    RunReport,
    SourceChange,
    check_document,
    check_paths,
    fix_document,
    rules_for,
)
from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.report import github, json_format, sarif
from nbport.report.diff import unified_diff
from nbport.report.text import finding_line

SMALL = 100
LARGE = 4 * SMALL
#: Linear work grows 4 times (a little less: some of it is paid once per document); work that grows
#: with the square of the lines grows 16 times, and shows above this even when it is a small share of
#: the work at 100 lines. The counts do not vary from run to run, so the margin can be small.
MAX_GROWTH = 4.2

_TRACED = (str(Path(nbport.__file__).parent), difflib.__file__)


@pytest.fixture(scope="module")
def rules() -> Any:
    return rules_for(target="both")


#: Cells made of these lines repeated, with the lines before them once; one rule per case, so that
#: no other rule's work hides the growth of its own.
CASES: dict[str, tuple[str, Sequence[str], Sequence[str]]] = {
    "NBP001 shell-cd": ("notebook", (), ["!cd data"]),
    "NBP002 shell-pip": ("notebook", (), ["!pip install x"]),
    "NBP003 shell-prompt": ("notebook", (), ["!apt-get install ffmpeg"]),
    "NBP004 unquoted space": ("notebook", (), ["!cp -r /content/drive/My Drive/data x"]),
    "NBP005 tensorflow_version": ("notebook", (), ["%tensorflow_version 2.x"]),
    "NBP006 pip-no-wheel": ("notebook", (), ["!pip install torch==1.9.0 'numpy<2.1'"]),
    "NBP101 windows-path": ("notebook", (), ["path = 'data\\\\images\\\\x.png'"]),
    "NBP102 drive-legacy-path": ("notebook", (), ["p = '/content/drive/My Drive/x.png'"]),
    "NBP103 laptop-path": ("notebook", (), ["base = '/Users/me/Downloads/x'"]),
    "NBP201 keras-mixed": (
        "notebook",
        ["import tensorflow as tf", "m = tf.keras.Sequential()"],
        ["from keras.layers import Dense"],
    ),
    "NBP202 tf1-api": ("notebook", ["import tensorflow as tf"], ["config = tf.ConfigProto()"]),
    "NBP203 tpu-legacy": ("notebook", ["import os"], ["a = os.environ['COLAB_TPU_ADDR']"]),
    "NBP204 tpu-predict": (
        "notebook",
        ["from tensorflow.contrib.tpu import keras_to_tpu_model", "m = keras_to_tpu_model(n)"],
        ["m.predict(x)"],
    ),
    "NBP205 tf1-install": ("notebook", (), ["!pip install tensorflow-gpu==1.15.0"]),
    "NBP301 accelerator-missing": ("notebook", ["import torch"], ["d = torch.device('cuda')"]),
    "NBP302 no-checkpoint": ("notebook", (), ["model.fit(x, y, epochs=100)"]),
    "NBP401 colab-import": ("notebook", (), ["from google.colab import drive"]),
    "NBP402 colab-path": ("notebook", (), ["!ls /content/data"]),
    "NBP402 colab-path in code": ("notebook", (), ["x = open('/content/a.txt')"]),
    "suppressions": (
        "notebook",
        (),
        ["!cd data  # nbport: ignore[NBP001]", "y = 1  # nbport: ignore"],
    ),
    "indented cell": ("notebook", (), ["    !cd data", "    path = 'data\\\\x.png'"]),
    "script": (
        "script",
        (),
        ["path = 'data\\\\images\\\\x.png'", "p = '/content/drive/My Drive/x'"],
    ),
    "percent script": ("percent", ["# %%"], ["# !cd data", "path = 'data\\\\images\\\\x.png'"]),
}


class _Work:
    """Counts Python calls everywhere and lines run in nbport and `difflib`, under `sys.settrace`."""

    def __init__(self) -> None:
        self.count = 0

    def _call(self, frame: FrameType, event: str, arg: object) -> Callable[..., Any] | None:
        self.count += 1
        return self._line if frame.f_code.co_filename.startswith(_TRACED) else None

    def _line(self, frame: FrameType, event: str, arg: object) -> Callable[..., Any]:
        if event == "line":
            self.count += 1
        return self._line

    def of(self, action: Callable[[], object]) -> int:
        """The work `action` does."""
        self.count = 0
        previous = sys.gettrace()
        sys.settrace(self._call)
        try:
            action()
        finally:
            sys.settrace(previous)
        return self.count


def _work(case: str, lines: int, fixing: bool, rules: Any) -> int:
    layout, head, body = CASES[case]
    text = "\n".join([*head, *(body[number % len(body)] for number in range(lines))]) + "\n"
    document = document_from_cells([text], layout)
    if fixing:
        return _Work().of(
            lambda: fix_document(document, rules, unsafe=True, report_unused_suppressions=True)
        )
    return _Work().of(lambda: check_document(document, rules, report_unused_suppressions=True))


@pytest.mark.parametrize("fixing", [False, True], ids=["check", "fix"])
@pytest.mark.parametrize("case", list(CASES))
def test_work_per_line_is_flat(case: str, fixing: bool, rules: Any) -> None:
    _work(case, 3, fixing, rules)  # imports and caches, paid once per run
    small = _work(case, SMALL, fixing, rules)
    large = _work(case, LARGE, fixing, rules)
    assert large / small <= MAX_GROWTH, f"{LARGE} lines cost {large / small:.2f} x {SMALL} lines"


#: The reports that print every finding; SARIF and GitHub's place a notebook finding on its line of
#: the `.ipynb` file.
REPORTS: dict[str, Callable[[RunReport], object]] = {
    "text": lambda report: [finding_line(finding) for finding in report.findings],
    "json": json_format.render,
    "sarif": lambda report: sarif.render(report, load_catalog()),
    "github": github.render,
}


@pytest.mark.parametrize("output_format", list(REPORTS))
def test_report_work_per_finding_is_flat(output_format: str, tmp_path: Path) -> None:
    render = REPORTS[output_format]

    def work(lines: int) -> int:
        path = tmp_path / f"{lines}.ipynb"
        path.write_text(json.dumps(_notebook(["!cd data"] * lines), indent=1), encoding="utf-8")
        report = check_paths([path])
        assert len(report.findings) == lines
        return _Work().of(lambda: render(report))

    work(3)
    small, large = work(SMALL), work(LARGE)
    assert large / small <= MAX_GROWTH, f"{LARGE} findings cost {large / small:.2f} x {SMALL}"


@pytest.mark.parametrize("every", [1, 2, 7], ids=["every line", "every other line", "every 7th"])
def test_diff_work_per_line_is_flat(every: int) -> None:
    # `difflib` scans what is left of the cell for each block it finds: with unchanged lines between
    # the fixed ones, that is the square of the lines. `nbport.report.matching` lets it spend 16 times
    # its first search, so the sizes are those where that budget is spent.
    def work(lines: int) -> int:
        before = "".join(
            f"!cd data{n}\n" if n % every == 0 else f"x{n} = 1\n" for n in range(lines)
        )
        change = SourceChange("big.ipynb:cell 1", before, before.replace("!cd", "%cd"))
        return _Work().of(lambda: unified_diff([change]))

    work(3)
    small, large = work(4 * SMALL), work(4 * LARGE)
    assert large / small <= MAX_GROWTH, f"{4 * LARGE} lines cost {large / small:.2f} x {4 * SMALL}"


def _notebook(lines: Sequence[str]) -> dict[str, Any]:
    """A notebook of one code cell, its source a list of lines as Jupyter writes it: each line of
    the cell stands on a line of its own in the file."""
    source = [f"{line}\n" for line in lines[:-1]] + list(lines[-1:])
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "big",
        "metadata": {},
        "outputs": [],
        "source": source,
    }
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return {"cells": [cell], "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}
