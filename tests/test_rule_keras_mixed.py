"""NBP201 keras-mixed beyond the catalog examples: tf.keras seen through the name resolver."""

from __future__ import annotations

import dataclasses

import pytest

from nbport.api import fix_document
from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.engine import check_document
from nbport.rules.keras_mixed import KerasMixedRule
from nbport.runtime import load_runtime

ENTRY = load_catalog()["NBP201"]


#: A last cell that keeps the two Keras apart: TensorFlow 2.15's tf.keras is not Keras 3.
PINNED = "%pip install tensorflow==2.15"


def labels(*cells: str, layout: str = "notebook", pinned: bool = True) -> list[str]:
    """The findings' places in `cells`, followed by the `PINNED` cell unless `pinned` is False."""
    result = check_document(
        document_from_cells([*cells, PINNED][: len(cells) + pinned], layout), [ENTRY]
    )
    return [finding.start.label() for finding in result.findings]


def fixed(*cells: str) -> list[str]:
    """`cells` fixed, in a notebook that ends with the `PINNED` cell."""
    outcome = fix_document(document_from_cells([*cells, PINNED], "notebook"), [ENTRY], unsafe=True)
    return [unit.text for unit in outcome.document.units()][:-1]


def messages(*cells: str) -> list[str]:
    """The findings' messages, on today's runtime."""
    return [
        finding.message
        for finding in check_document(document_from_cells(cells, "notebook"), [ENTRY]).findings
    ]


def test_tensorflow_imported_in_a_cell_without_keras() -> None:
    cells = (
        "import tensorflow as tf",
        "from keras.models import Sequential",
        "m = tf.keras.Model()",
    )
    assert labels(*cells) == ["cell 2:1:1"]
    assert fixed(*cells)[1] == "from tensorflow.keras.models import Sequential"


def test_tf_keras_through_the_tf1_module() -> None:
    assert labels("from tensorflow.compat import v1 as tf\nimport keras\ntf.keras.Model") == [
        "cell 1:2:1"
    ]


def test_tensorflow_keras_written_out_needs_no_import_in_sight() -> None:
    assert labels("import keras\ntensorflow.keras.layers") == ["cell 1:1:1"]


def test_other_names_for_keras_are_not_tf_keras() -> None:
    assert labels("import keras\nimport numpy as tf\ntf.keras") == []


def test_a_module_name_written_with_spaces_is_fixed_too() -> None:
    assert fixed("from keras . layers import Dense\nimport tensorflow as tf\ntf.keras") == [
        "from tensorflow.keras.layers import Dense\nimport tensorflow as tf\ntf.keras"
    ]


def test_one_finding_per_standalone_module_of_an_import() -> None:
    result = check_document(
        document_from_cells(
            ["import keras, keras.backend\nimport tensorflow.keras", PINNED], "notebook"
        ),
        [ENTRY],
    )
    assert [(f.start.label(), f.fix) for f in result.findings] == [
        ("cell 1:1:1", None),
        ("cell 1:1:1", None),
    ]
    assert "`import tensorflow.keras` at cell 1, line 2" in result.findings[0].message


MIXED = "import keras\nimport tensorflow as tf\nmodel = tf.keras.Sequential()"


def test_todays_runtime_has_one_keras() -> None:
    assert labels(MIXED, pinned=False) == []


@pytest.mark.parametrize(
    ("setting", "quoted"),
    [
        ("!pip install -q tensorflow-gpu==2.4.1", "`tensorflow-gpu==2.4.1` at cell 1, line 1"),
        ('%pip install "tensorflow>=2.10,<2.16"', "`tensorflow>=2.10,<2.16` at cell 1, line 1"),
        ("import tf_keras as tfk", "`import tf_keras` at cell 1, line 1"),
        ("from tf_keras import layers", "`from tf_keras import ...` at cell 1, line 1"),
        ("%env TF_USE_LEGACY_KERAS=1", "`%env TF_USE_LEGACY_KERAS=1` at cell 1, line 1"),
        ("%set_env TF_USE_LEGACY_KERAS True", "`%set_env TF_USE_LEGACY_KERAS True`"),
        ("import os\nos.environ.setdefault('TF_USE_LEGACY_KERAS', '1')", "at cell 1, line 2"),
        ("import os\nos.environ.update({'TF_USE_LEGACY_KERAS': 'true'})", "at cell 1, line 2"),
        ("import os\nos.environ.update(TF_USE_LEGACY_KERAS='1')", "at cell 1, line 2"),
    ],
)
def test_what_keeps_the_two_keras_apart_is_named(setting: str, quoted: str) -> None:
    (message,) = messages(setting, MIXED)
    assert quoted in message
    assert "Colab's TensorFlow 2.20" in message


@pytest.mark.parametrize(
    "setting",
    [
        "!pip install tensorflow>=2.10",  # admits 2.20
        "!pip install tensorflow==2.16.1",
        "!pip install tensorflow-datasets==4.0",  # another package
        "%env TF_USE_LEGACY_KERAS=0",
        "import os\nos.environ['TF_USE_LEGACY_KERAS'] = 'false'",
        "import os\nos.environ.get('TF_USE_LEGACY_KERAS', '1')",
    ],
)
def test_what_leaves_one_keras_is_not_evidence(setting: str) -> None:
    assert messages(setting, MIXED) == []


def test_a_runtime_with_tensorflow_before_2_16_keeps_them_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = dataclasses.replace(
        load_runtime("2025.07"),
        name="2024.01",
        packages={"cpu": {"tensorflow": "2.15.0", "keras": "2.15.0"}},
    )
    monkeypatch.setattr(KerasMixedRule, "runtime", property(lambda self: old))
    (message,) = messages(MIXED)
    assert "Colab's 2024.01 runtime has TensorFlow 2.15" in message


def test_an_old_tensorflow_with_tf_keras_only_is_clean() -> None:
    """Pinned TensorFlow 2.15, tf.keras only: one Keras, nothing to report. (Not a catalog look-alike:
    the pin itself is NBP006's finding on Colab's Python 3.13, and look-alikes pass every rule.)"""
    assert labels("from tensorflow import keras\nmodel = keras.Sequential()") == []
    # The same notebook with a standalone import is reported: the test can fail.
    assert labels("import keras\nfrom tensorflow import keras as tfk\nm = tfk.Sequential()") != []
