"""NBP207 removed-call beyond the catalog examples: the runtime's versions, legacy Keras, evidence."""

from __future__ import annotations

import pytest

from nbport import runtime
from nbport.api import fix_document
from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.engine import check_document
from nbport.finding import Finding, FixSafety
from nbport.settings import RuleSettings

ENTRY = load_catalog()["NBP207"]
KERAS_AND_PANDAS = (
    "import keras\nimport pandas as pd\nframe = pd.DataFrame()",
    "model.fit_generator(batches())\nframe = frame.append(row)",
)


def findings(*cells: str, settings: RuleSettings | None = None) -> list[Finding]:
    document = document_from_cells(cells, "notebook")
    result = check_document(document, [ENTRY], settings or RuleSettings())
    assert result.errors == ()
    return list(result.findings)


def labels(*cells: str) -> list[str]:
    return [finding.start.label() for finding in findings(*cells)]


def fixed(*cells: str) -> list[str]:
    outcome = fix_document(document_from_cells(cells, "notebook"), [ENTRY], unsafe=True)
    return [unit.text for unit in outcome.document.units()]


def fake_runtime(monkeypatch: pytest.MonkeyPatch, **versions: str) -> None:
    """Colab as it would be with these versions installed (no shipped runtime has Keras 2)."""
    fake = runtime.ColabRuntime(
        name="latest",
        commit="0" * 40,
        date=None,
        python_version="3.11.0",
        os="Ubuntu",
        packages={"cpu": dict(versions)},
    )
    monkeypatch.setattr(runtime, "load_runtime", lambda name="latest": fake)


def test_todays_runtime_is_named_in_the_messages() -> None:
    messages = [finding.message for finding in findings(*KERAS_AND_PANDAS)]
    assert len(messages) == 2
    assert "gone in Keras 3 (Colab's runtime has Keras 3.13)" in messages[0]
    assert "gone in pandas 2 (Colab's runtime has pandas 2.2)" in messages[1]


def test_a_pinned_runtime_is_named_with_its_own_versions() -> None:
    pinned = findings(*KERAS_AND_PANDAS, settings=RuleSettings(colab_runtime="2025.07"))
    assert "(Colab's 2025.07 runtime has Keras 3.8)" in pinned[0].message


def test_a_runtime_with_keras_2_gets_no_keras_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_runtime(monkeypatch, keras="2.15.0", pandas="2.2.2")
    assert [finding.message[:20] for finding in findings(*KERAS_AND_PANDAS)] == [
        "`frame.append` (`Dat"
    ]


def test_a_runtime_with_pandas_1_gets_no_pandas_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_runtime(monkeypatch, keras="3.1.0", pandas="1.5.3")
    assert [finding.start.label() for finding in findings(*KERAS_AND_PANDAS)] == ["cell 2:1:1"]


def test_a_runtime_without_keras_gets_no_keras_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_runtime(monkeypatch, pandas="2.2.2")
    assert len(findings(*KERAS_AND_PANDAS)) == 1


@pytest.mark.parametrize(
    "switch",
    [
        "%env TF_USE_LEGACY_KERAS=1",
        "import os\nos.environ['TF_USE_LEGACY_KERAS'] = 'True'",
        "import tf_keras",
    ],
)
def test_legacy_keras_anywhere_in_the_file_silences_keras_findings(switch: str) -> None:
    # The switch is in the last cell: the rule judges the file as a whole.
    cells = ("import tensorflow as tf\nopt = tf.keras.optimizers.Adam(lr=0.1)", switch)
    assert labels(*cells) == []


def test_legacy_keras_switched_off_is_not_legacy() -> None:
    cells = (
        "%env TF_USE_LEGACY_KERAS=0",
        "import tensorflow as tf\ntf.keras.optimizers.Adam(lr=1)",
    )
    assert labels(*cells) == ["cell 2:2:26"]


def test_keras_findings_need_keras_or_tensorflow_imported_somewhere() -> None:
    assert labels("model.fit_generator(batches())") == []
    assert labels("model.fit_generator(batches())", "from tensorflow import keras") == [
        "cell 1:1:1"
    ]


def test_positional_arguments_after_the_generator_block_the_rename() -> None:
    # Keras 2: fit_generator(generator, steps_per_epoch, epochs); Keras 3: fit(x, y, batch_size).
    [finding] = findings("import keras\nmodel.fit_generator(batches(), 100, 5)")
    assert finding.fix is None


def test_keras_1_sample_counts_block_the_rename_and_are_reported() -> None:
    found = findings("import keras\nmodel.fit_generator(gen, samples_per_epoch=6400, nb_epoch=3)")
    assert [finding.start.label() for finding in found] == [
        "cell 1:2:1",
        "cell 1:2:26",
        "cell 1:2:50",
    ]
    assert [finding.fix is not None for finding in found] == [False, False, True]
    assert "`steps_per_epoch=`" in found[1].message


def test_a_first_keyword_is_dropped_with_the_comma_after_it() -> None:
    cells = (
        "import tensorflow as tf\ncb = tf.keras.callbacks.TensorBoard(batch_size=8, log_dir='x')",
    )
    assert fixed(*cells) == [
        "import tensorflow as tf\ncb = tf.keras.callbacks.TensorBoard(log_dir='x')"
    ]


def test_workers_dropped_on_fit_is_unsafe() -> None:
    source = "import keras\nmodel.fit(data, epochs=3, workers=4, use_multiprocessing=True)"
    found = findings(source)
    assert [finding.fix.safety if finding.fix else None for finding in found] == [
        FixSafety.UNSAFE,
        FixSafety.UNSAFE,
    ]
    assert fixed(source) == ["import keras\nmodel.fit(data, epochs=3)"]
    assert (
        fix_document(document_from_cells([source], "notebook"), [ENTRY]).document.units()[0].text
        == source
    )  # not without --unsafe-fixes


def test_file_names_it_cannot_read_are_left_alone() -> None:
    assert (
        labels(
            "import keras",
            "a = keras.callbacks.ModelCheckpoint(f'{folder}/{name}', save_weights_only=True)",
            "b = keras.callbacks.ModelCheckpoint(make_path(), save_weights_only=flag)",
            "model.save_weights(path)",
        )
        == []
    )


def test_a_file_name_bound_in_another_cell_is_reported_without_a_fix() -> None:
    found = findings(
        "import keras\nbest = 'weights.best.hdf5'",
        "cb = keras.callbacks.ModelCheckpoint(best, save_weights_only=True)",
    )
    assert [finding.start.label() for finding in found] == ["cell 2:1:6"]
    assert found[0].fix is None


def test_a_path_named_twice_gets_an_unsafe_fix() -> None:
    [finding] = findings(
        "import keras\ncb = keras.callbacks.ModelCheckpoint('best.h5', save_weights_only=True)",
        "model.load_weights('best.h5')",
    )
    assert finding.fix is not None and finding.fix.safety is FixSafety.UNSAFE
    assert "`best.h5` is named elsewhere in the file too" in finding.message


def test_legacy_h5_and_hdf5_models_are_still_saved() -> None:
    assert (
        labels("import keras\nmodel = keras.models.load_model('a.keras')\nmodel.save('b.hdf5')")
        == []
    )
    assert labels("import keras\nmodel = keras.models.load_model('a.keras')\nmodel.save('b')") == [
        "cell 1:3:1"
    ]


def test_save_on_something_not_known_as_a_keras_model_is_left_alone() -> None:
    assert (
        labels("import keras\nfrom PIL import Image\nimage = Image.open(name)\nimage.save('out')")
        == []
    )


def test_optimizer_classes_through_any_import_form() -> None:
    assert labels(
        "from keras import optimizers\nfrom tensorflow.keras.optimizers import Adam as A",
        "optimizers.Adamax(lr=1)\nA(lr=2)",
    ) == ["cell 2:1:19", "cell 2:2:3"]


def test_pytorch_and_legacy_optimizers_are_not_judged() -> None:
    assert (
        labels(
            "import keras\nfrom torch.optim import Adam\nfrom tensorflow.keras.optimizers.legacy import SGD",
            "Adam(params, lr=1e-3)\nSGD(lr=0.1)",
        )
        == []
    )


def test_append_with_a_frame_keyword_on_an_unknown_receiver() -> None:
    assert labels("self.table.append(row, sort=False)\nself.rows.append(row)") == ["cell 1:1:1"]


def test_a_name_rebound_to_a_list_is_no_frame_any_more() -> None:
    assert labels("import pandas as pd\nrows = pd.read_csv(name)\nrows = []\nrows.append(1)") == []


def test_iteritems_with_arguments_is_someone_elses() -> None:
    assert labels("store.iteritems(prefix)") == []
