"""The shipped fixtures (built from the seed posts' code) give exactly the findings read off by hand."""

from __future__ import annotations

from conftest import FIXTURES

from nbport.api import check_paths, rules_for

EXPECTED = {
    "colab_tpu_training.ipynb": [
        ("cell 3:1:1", "NBP001"),  # !cd gdrive/My\ Drive/...
        ("cell 3:1:5", "NBP102"),  # gdrive/My\ Drive under the drive.mount('/content/gdrive') point
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
    # `from keras...` beside tf.keras (here and in colab_tpu_training): one Keras on today's runtime,
    # whose TensorFlow is >= 2.16, and neither file pins an older one: no NBP201.
    "train_blstm_debug.py": [
        ("10:19", "NBP101"),
        ("11:19", "NBP101"),
    ],
    "prepare_data.py": [
        ("7:3", "NBP001"),  # # !cd /content/data, commented the jupytext way
        ("11:21", "NBP101"),  # os.listdir("data\\images")
    ],
    "clean_mnist.ipynb": [],
    # seeds/: the seed posts' own code; each finding is explained in test_seed_fixtures.py.
    "seed000_gesture_tpu.ipynb": [
        ("cell 5:1:6", "NBP102"),  # %run gdrive/My\ Drive/... (three paths, escaped: no NBP004)
        ("cell 5:1:63", "NBP102"),
        ("cell 5:1:117", "NBP102"),
    ],
    "seed003_gpu_tpu_tf1.ipynb": [
        ("cell 2:1:1", "NBP202"),  # disable eager execution here (graph + Session)
        ("cell 2:2:15", "NBP301"),  # tf.test.gpu_device_name, no accelerator in the metadata
        ("cell 4:4:10", "NBP202"),  # tf.ConfigProto
        ("cell 4:8:25", "NBP202"),  # tf.random_normal
        ("cell 4:9:15", "NBP202"),  # tf.layers.conv2d
        ("cell 4:13:24", "NBP202"),  # tf.random_normal
        ("cell 4:14:15", "NBP202"),  # tf.layers.conv2d
        ("cell 4:17:8", "NBP202"),  # tf.Session
        ("cell 4:21:12", "NBP202"),  # tf.global_variables_initializer
    ],
    "seed004_drive_keras_mnist.ipynb": [
        ("cell 6:1:2", "NBP003"),  # !unzip without -o
        ("cell 6:1:9", "NBP102"),  # "/ncc/My Drive/..." under drive.mount("/ncc")
        # Not NBP302: MNIST for 12 epochs trains in about 2 minutes (the seed post: 9 s an epoch).
    ],
}


def test_each_fixture_gives_exactly_the_expected_findings() -> None:
    report = check_paths([FIXTURES])
    assert report.errors == []
    found: dict[str, list[tuple[str, str]]] = {}
    for file in report.files:
        found[file.path.name] = [(f.start.label(), f.rule) for f in file.findings]
    assert len(found) == len(report.files), "fixture file names must stay unique, also in seeds/"
    assert found == EXPECTED


#: With `--target local` (Colab → laptop): the Colab-only code is what breaks.
EXPECTED_LOCAL = {
    "colab_tpu_training.ipynb": [
        ("cell 2:1:1", "NBP401"),  # from google.colab import drive, unguarded
        ("cell 3:1:1", "NBP001"),
    ],
    "jupyter_windows_paths.ipynb": [("cell 4:1:1", "NBP001")],
    "train_blstm_debug.py": [],
    "prepare_data.py": [("7:3", "NBP001"), ("7:7", "NBP402")],  # # !cd /content/data
    "clean_mnist.ipynb": [("cell 2:1:5", "NBP402")],  # %cd /content
    "seed000_gesture_tpu.ipynb": [("cell 3:1:1", "NBP401")],  # from google.colab import drive
    "seed003_gpu_tpu_tf1.ipynb": [],
    "seed004_drive_keras_mnist.ipynb": [
        ("cell 2:1:1", "NBP401"),  # from google.colab import drive
        ("cell 4:1:1", "NBP002"),  # !pip install keras
    ],
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
