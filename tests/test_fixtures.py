"""The shipped fixtures (built from the seed posts' code) give exactly the findings read off by hand."""

from __future__ import annotations

from conftest import FIXTURES

from nbport.api import check_paths, rules_for

EXPECTED = {
    "colab_tpu_training.ipynb": [
        ("cell 3:1:1", "NBP001"),  # !cd gdrive/My\ Drive/...
        ("cell 3:1:5", "NBP102"),  # gdrive/My\ Drive under the drive.mount('/content/gdrive') point
        ("cell 4:3:1", "NBP201"),  # from keras.models import Sequential, next to keras_to_tpu_model
        ("cell 4:4:1", "NBP201"),  # from keras.layers import ...
        ("cell 4:8:13", "NBP203"),  # tf.contrib.tpu.keras_to_tpu_model
        ("cell 4:10:14", "NBP203"),  # tf.contrib.tpu.TPUDistributionStrategy
        ("cell 4:11:9", "NBP203"),  # tf.contrib.cluster_resolver.TPUClusterResolver
        ("cell 4:11:83", "NBP203"),  # os.environ['COLAB_TPU_ADDR']
        ("cell 5:1:6", "NBP102"),  # %run gdrive/My\ Drive/... (the script)
        ("cell 5:1:63", "NBP102"),  # ... and its model argument
    ],
    "jupyter_windows_paths.ipynb": [
        ("cell 3:1:13", "NBP101"),  # 'data\\images\\train'
        ("cell 3:2:22", "NBP101"),  # r'data\labels.csv'
        ("cell 3:3:10", "NBP101"),  # 'C:\\Users\\...' (no fix)
        ("cell 4:1:1", "NBP001"),  # !cd data
        ("cell 4:2:2", "NBP003"),  # !unzip -q images.zip asks on every re-run
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


#: With `--target local` (Colab → laptop): the Colab-only code is what breaks.
EXPECTED_LOCAL = {
    "colab_tpu_training.ipynb": [
        ("cell 2:1:1", "NBP401"),  # from google.colab import drive, unguarded
        ("cell 3:1:1", "NBP001"),
        ("cell 4:3:1", "NBP201"),
        ("cell 4:4:1", "NBP201"),
    ],
    "jupyter_windows_paths.ipynb": [("cell 4:1:1", "NBP001")],
    "train_blstm_debug.py": [("6:1", "NBP201"), ("7:1", "NBP201"), ("8:1", "NBP201")],
    "prepare_data.py": [("7:3", "NBP001"), ("7:7", "NBP402")],  # # !cd /content/data
    "clean_mnist.ipynb": [("cell 2:1:5", "NBP402")],  # %cd /content
}


def test_each_fixture_gives_exactly_the_expected_findings_going_local() -> None:
    report = check_paths([FIXTURES], rules_for(target="local"))
    assert report.errors == []
    found = {
        file.path.name: [(f.start.label(), f.rule) for f in file.findings] for file in report.files
    }
    assert found == EXPECTED_LOCAL


def test_fixtures_cover_both_notebook_styles() -> None:
    colab = (FIXTURES / "colab_tpu_training.ipynb").read_text(encoding="utf-8")
    jupyter = (FIXTURES / "jupyter_windows_paths.ipynb").read_text(encoding="utf-8")
    assert colab.startswith('{\n  "nbformat": 4') and not colab.endswith("\n")
    assert jupyter.startswith('{\n "cells": [') and jupyter.endswith("}\n")
