"""NBP204 tpu-predict: the converted model's name is followed through the notebook in cell order."""

from __future__ import annotations

from conftest import finding_labels

from nbport.catalog import load_catalog

ENTRY = load_catalog()["NBP204"]
CONVERT = "import tensorflow as tf\ntpu_model = tf.contrib.tpu.keras_to_tpu_model(model)\n"


def labels(*cells: str) -> list[str]:
    return finding_labels(ENTRY, cells)


def test_predict_in_a_later_cell() -> None:
    assert labels(CONVERT, "tpu_model.fit(x, y)", "p = tpu_model.predict(x)") == ["cell 3:1:5"]


def test_predicting_with_the_cpu_model_is_fine() -> None:
    assert labels(CONVERT, "cpu_model = tpu_model.sync_to_cpu()\ncpu_model.predict(x)") == []


def test_a_rebound_name_is_no_longer_a_tpu_model() -> None:
    assert labels(CONVERT, "tpu_model = tpu_model.sync_to_cpu()", "tpu_model.predict(x)") == []
    assert labels(CONVERT, "tpu_model, other = build()\ntpu_model.predict(x)") == []


def test_a_name_bound_again_by_the_converter_counts_again() -> None:
    assert labels(CONVERT, "tpu_model = model", CONVERT, "tpu_model.predict(x)") == ["cell 4:1:1"]


def test_every_predict_method_and_a_direct_call() -> None:
    assert labels(
        CONVERT,
        "tpu_model.predict_generator(gen)\ntpu_model.predict_on_batch(x)\n"
        "tf.contrib.tpu.keras_to_tpu_model(model).predict(x)",
    ) == ["cell 2:1:1", "cell 2:2:1", "cell 2:3:1"]


def test_other_models_and_other_methods_are_left_alone() -> None:
    assert labels(CONVERT, "model.predict(x)\ntpu_model.evaluate(x, y)\nother.predict(x)") == []
