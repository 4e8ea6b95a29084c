"""NBP201 keras-mixed beyond the catalog examples: tf.keras seen through the name resolver."""

from __future__ import annotations

from nbport.api import fix_document
from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.engine import check_document

ENTRY = load_catalog()["NBP201"]


def labels(*cells: str, layout: str = "notebook") -> list[str]:
    result = check_document(document_from_cells(cells, layout), [ENTRY])
    return [finding.start.label() for finding in result.findings]


def fixed(*cells: str) -> list[str]:
    outcome = fix_document(document_from_cells(cells, "notebook"), [ENTRY], unsafe=True)
    return [unit.text for unit in outcome.document.units()]


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
        document_from_cells(["import keras, keras.backend\nimport tensorflow.keras"], "notebook"),
        [ENTRY],
    )
    assert [(f.start.label(), f.fix) for f in result.findings] == [
        ("cell 1:1:1", None),
        ("cell 1:1:1", None),
    ]
    assert "`import tensorflow.keras` at cell 1, line 2" in result.findings[0].message
