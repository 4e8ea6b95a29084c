"""The shipped fixtures (built from the seed posts' code) give exactly the findings read off by hand."""

from __future__ import annotations

from conftest import FIXTURES

from nbport.api import check_paths

EXPECTED = {
    "colab_tpu_training.ipynb": [
        ("cell 3:1:1", "NBP001"),  # !cd gdrive/My\ Drive/...
        ("cell 4:3:1", "NBP201"),  # from keras.models import Sequential, next to keras_to_tpu_model
        ("cell 4:4:1", "NBP201"),  # from keras.layers import ...
    ],
    "jupyter_windows_paths.ipynb": [
        ("cell 3:1:13", "NBP101"),  # 'data\\images\\train'
        ("cell 3:2:22", "NBP101"),  # r'data\labels.csv'
        ("cell 3:3:10", "NBP101"),  # 'C:\\Users\\...' (no fix)
        ("cell 4:1:1", "NBP001"),  # !cd data
    ],
    "train_blstm_debug.py": [
        ("6:1", "NBP201"),
        ("7:1", "NBP201"),
        ("8:1", "NBP201"),
        ("10:19", "NBP101"),
        ("11:19", "NBP101"),
    ],
    "prepare_data.py": [
        ("7:3", "NBP001"),  # # !cd /content/data, commented the jupytext way
        ("11:21", "NBP101"),  # os.listdir("data\\images")
    ],
    "clean_mnist.ipynb": [],
}


def test_each_fixture_gives_exactly_the_expected_findings() -> None:
    report = check_paths([FIXTURES])
    assert report.errors == []
    found: dict[str, list[tuple[str, str]]] = {}
    for file in report.files:
        found[file.path.name] = [(f.start.label(), f.rule) for f in file.findings]
    assert found == EXPECTED


def test_fixtures_cover_both_notebook_styles() -> None:
    colab = (FIXTURES / "colab_tpu_training.ipynb").read_text(encoding="utf-8")
    jupyter = (FIXTURES / "jupyter_windows_paths.ipynb").read_text(encoding="utf-8")
    assert colab.startswith('{\n  "nbformat": 4') and not colab.endswith("\n")
    assert jupyter.startswith('{\n "cells": [') and jupyter.endswith("}\n")
