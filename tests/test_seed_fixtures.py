"""The seed posts' own code (seeds 000, 003, 004), as fixtures: exact findings, and fixes that compile.

Each expected finding was read off the code and the rule's catalog entry (`nbport rules NBPxxx`), not
copied from nbport's output. Cells are numbered as Jupyter shows them, Markdown cells included.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from conftest import FIXTURES

from nbport.api import check_file, fix_document, rules_for
from nbport.documents import load_document
from nbport.engine import check_document
from nbport.escapes import scan, strip_leading_indent

SEEDS = FIXTURES / "seeds"

#: `--target colab` (the default): every finding, in nbport's order.
EXPECTED: dict[str, list[tuple[str, str]]] = {
    # Seed 000 (Japanese, gesture detection moved to a GPU/TPU): the post's only code is the Drive
    # mount and one `%run` line. Its spaces are escaped (`My\ Drive`), so NBP004 has nothing to say,
    # but each of the three paths goes through the old Drive root under the `/content/gdrive` mount.
    "seed000_gesture_tpu.ipynb": [
        ("cell 5:1:6", "NBP102"),  # %run gdrive/My\ Drive/.../train_blstm_debug.py
        ("cell 5:1:63", "NBP102"),  # gdrive/My\ Drive/.../model_test.hdf5
        ("cell 5:1:117", "NBP102"),  # gdrive/My\ Drive/.../dataset
    ],
    # Seed 003 (Korean, Colab intro): the GPU check and the TF 1 GPU-vs-CPU benchmark.
    "seed003_gpu_tpu_tf1.ipynb": [
        # The benchmark builds a graph and runs it in a tf.Session: disable eager execution once, right
        # after the file's first `import tensorflow` (cell 2, the GPU check).
        ("cell 2:1:1", "NBP202"),
        # tf.test.gpu_device_name(): the first GPU use, and the metadata asks for no accelerator.
        ("cell 2:2:15", "NBP301"),
        ("cell 4:4:10", "NBP202"),  # tf.ConfigProto
        ("cell 4:8:25", "NBP202"),  # tf.random_normal (CPU copy)
        ("cell 4:9:15", "NBP202"),  # tf.layers.conv2d (legacy Keras: unsafe rename)
        ("cell 4:13:24", "NBP202"),  # tf.random_normal (GPU copy)
        ("cell 4:14:15", "NBP202"),  # tf.layers.conv2d
        ("cell 4:17:8", "NBP202"),  # tf.Session
        ("cell 4:21:12", "NBP202"),  # tf.global_variables_initializer
        # Not flagged: tf.device, tf.reduce_sum and tf.errors.InvalidArgumentError are TF 2 API;
        # `!cat`, `!head`, `!df -h` and `!nvidia-smi` ask nothing (NBP301 reports its first use only).
    ],
    # Seed 004 (Chinese, Colab set-up): Drive mounted at /ncc, Keras installed, a zip unpacked, and the
    # Keras MNIST example. It uses standalone Keras alone (no tf.keras), which NBP201 leaves alone, and
    # no explicit GPU, so NBP301 has nothing to see.
    "seed004_drive_keras_mnist.ipynb": [
        ("cell 6:1:2", "NBP003"),  # unzip without -o/-n asks on every re-run
        # "/ncc/My Drive/..." under the drive.mount("/ncc") point; quoted, so no NBP004.
        ("cell 6:1:9", "NBP102"),
        # Not NBP302: `fit` of MNIST for 12 epochs, about 2 minutes (the post: "9s每个epoch").
    ],
}

#: `--target local` (Colab → laptop).
EXPECTED_LOCAL: dict[str, list[tuple[str, str]]] = {
    "seed000_gesture_tpu.ipynb": [("cell 3:1:1", "NBP401")],  # unguarded google.colab import
    # Nothing Colab-only: TF 1 code is a Colab problem, and it names no /content path.
    "seed003_gpu_tpu_tf1.ipynb": [],
    "seed004_drive_keras_mnist.ipynb": [
        ("cell 2:1:1", "NBP401"),  # unguarded google.colab import (the /ncc mount point is exempt)
        ("cell 4:1:1", "NBP002"),  # !pip install: a local-target rule
    ],
}

#: What `fix --unsafe-fixes` leaves: the findings that have no fix.
LEFT_AFTER_FIX: dict[str, list[tuple[str, str]]] = {
    "seed000_gesture_tpu.ipynb": [],
    # NBP202's rename `tf.layers.conv2d` → `tf.compat.v1.layers.conv2d` still fails on Colab's
    # Keras 3 ("`conv2d` is not available with Keras 3"): NBP206 says so, with the legacy-Keras way.
    "seed003_gpu_tpu_tf1.ipynb": [("cell 4:9:15", "NBP206"), ("cell 4:14:15", "NBP206")],
    "seed004_drive_keras_mnist.ipynb": [],
}

#: Each fixed cell, as the fixes must leave it (one line, or the lines that change).
FIXED_LINES: dict[str, list[tuple[int, int, str]]] = {
    "seed000_gesture_tpu.ipynb": [
        (
            5,
            1,
            "%run gdrive/MyDrive/gesdet_keras_Colab/train_blstm_debug.py"
            " gdrive/MyDrive/gesdet_keras_Colab/model_test.hdf5 2 gdrive/MyDrive/gesdet_keras_Colab/dataset",
        ),
    ],
    "seed003_gpu_tpu_tf1.ipynb": [
        (2, 2, "tf.compat.v1.disable_eager_execution()"),
        (4, 4, "config = tf.compat.v1.ConfigProto()"),
        (4, 8, "    random_image_cpu  = tf.random.normal((100, 100, 100, 3))"),
        (4, 9, "    net_cpu = tf.compat.v1.layers.conv2d(random_image_cpu, 32, 7)"),
        (4, 17, "sess = tf.compat.v1.Session(config=config)"),
        (4, 21, "  sess.run(tf.compat.v1.global_variables_initializer())"),
    ],
    "seed004_drive_keras_mnist.ipynb": [
        # Cell 4's `!pip install keras` stays: on Colab it is the runtime's own pip (NBP002 is a
        # local-target rule), so the cell is unchanged.
        (6, 1, '!unzip -o "/ncc/MyDrive/seg_label.zip"'),
    ],
}


def _labels(findings) -> list[tuple[str, str]]:
    return [(finding.start.label(), finding.rule) for finding in findings]


def _seed_files() -> list[Path]:
    return sorted(path for path in SEEDS.iterdir() if path.suffix in {".ipynb", ".py"})


def test_every_seed_fixture_is_listed() -> None:
    names = [path.name for path in _seed_files()]
    assert names == sorted(EXPECTED) == sorted(EXPECTED_LOCAL) == sorted(LEFT_AFTER_FIX)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_fixture_is_saved_the_way_colab_saves(name: str) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    assert text.startswith(
        '{\n  "nbformat": 4,\n  "nbformat_minor": 0,\n  "metadata": {\n    "colab"'
    )
    assert not text.endswith("\n")
    nbformat.validate(nbformat.reads(text, as_version=4))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_fixture_gives_exactly_its_findings(name: str) -> None:
    report = check_file(SEEDS / name, rules_for())
    assert report.errors == ()
    assert _labels(report.findings) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_LOCAL))
def test_seed_fixture_gives_exactly_its_findings_going_local(name: str) -> None:
    report = check_file(SEEDS / name, rules_for(target="local"))
    assert report.errors == ()
    assert _labels(report.findings) == EXPECTED_LOCAL[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixed_seed_compiles_cell_by_cell_and_is_clean_of_the_fixed_rules(name: str) -> None:
    rules = rules_for()
    original = load_document(SEEDS / name)
    outcome = fix_document(original, rules, unsafe=True)
    assert outcome.refused is None
    # Every finding that has a fix was fixed; the rest is what is left.
    left = LEFT_AFTER_FIX[name]
    assert sorted(_labels(outcome.fixed)) == sorted(set(EXPECTED[name]) - set(left))
    # Every code cell compiles, as `python -m py_compile` would, once its escapes are masked.
    for unit in outcome.document.units():
        scanned = scan(unit.text, unit.escape_style)
        assert scanned.is_python
        python, _, _ = strip_leading_indent(scanned.masked)
        compile(python, f"{name}:cell {unit.cell}", "exec", dont_inherit=True)
    # Checked again, the fixed notebook gives nothing of the rules that were fixed.
    again = check_document(outcome.document, rules)
    assert again.errors == ()
    fixed_rules = {finding.rule for finding in outcome.fixed}
    assert not [finding for finding in again.findings if finding.rule in fixed_rules]
    assert _labels(again.findings) == left
    # The fixes are the ones the catalog describes, and nothing else changed.
    cells = {unit.cell: unit.text.split("\n") for unit in outcome.document.units()}
    for cell, line, text in FIXED_LINES[name]:
        assert cells[cell][line - 1] == text
    changed = {
        new.cell
        for old, new in zip(original.units(), outcome.document.units(), strict=True)
        if old.text != new.text
    }
    assert changed == {cell for cell, _, _ in FIXED_LINES[name]}
    # A second round has nothing more to fix.
    assert fix_document(outcome.document, rules, unsafe=True).fixed == ()


def test_fixed_seed_003_asks_colab_for_a_gpu() -> None:
    outcome = fix_document(load_document(SEEDS / "seed003_gpu_tpu_tf1.ipynb"), rules_for())
    written = json.loads(outcome.document.dump())
    assert written["metadata"]["accelerator"] == "GPU"
    assert written["metadata"]["colab"] == {
        "name": "20_1_GoogleColab.ipynb",
        "provenance": [],
        "gpuType": "T4",
    }
    nbformat.validate(nbformat.from_dict(written))
