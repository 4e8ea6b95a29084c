"""NBP206 removed-api: what the catalog examples cannot say (other rules' names, pinned runtimes,
the tables themselves)."""

from __future__ import annotations

import json

import pytest

from nbport.api import check_source
from nbport.catalog import catalog_dir, parse_entry
from nbport.finding import Finding
from nbport.rules import removed_names
from nbport.runtime import load_runtime, runtime_names
from nbport.settings import RuleSettings

ENTRY = parse_entry(catalog_dir() / "NBP206-removed-api.toml")


def findings(source: str | list[str], runtime: str = "latest") -> list[Finding]:
    result = check_source(source, rules=[ENTRY], settings=RuleSettings(colab_runtime=runtime))
    assert result.errors == ()
    return list(result.findings)


def messages(source: str | list[str], runtime: str = "latest") -> list[str]:
    return [finding.message for finding in findings(source, runtime)]


def test_tf1_names_are_left_to_nbp202() -> None:
    assert (
        messages("import tensorflow as tf\nsess = tf.Session()\nopt = tf.train.AdamOptimizer()")
        == []
    )
    assert messages("import tensorflow as tf\nfrom tensorflow.contrib import layers") == []


def test_compat_v1_estimator_is_gone_too() -> None:
    (message,) = messages("import tensorflow as tf\ntf.compat.v1.estimator.Estimator(fn)")
    assert message.startswith("`tf.compat.v1.estimator` was removed in TensorFlow 2.16")
    assert "Colab's TensorFlow 2.20" in message


def test_each_import_path_of_image_data_generator_is_checked_for_itself() -> None:
    assert messages("from tensorflow.keras.preprocessing.image import ImageDataGenerator") == []
    assert (
        messages("import tensorflow as tf\ng = tf.keras.preprocessing.image.ImageDataGenerator()")
        == []
    )
    (message,) = messages("import keras\ng = keras.preprocessing.image.ImageDataGenerator()")
    assert message.startswith(
        "`keras.preprocessing.image.ImageDataGenerator` was removed in Keras 3.0"
    )


def test_aliases_through_the_name_resolver() -> None:
    (message,) = messages("from keras import backend as K\nm = K.set_learning_phase(0)")
    assert message.startswith("`K.set_learning_phase` is not in Colab's Keras 3.13")
    source = ["import numpy as onp", "x = onp.asarray(y, dtype=onp.float_)"]
    assert [f.start.label() for f in findings(source)] == ["cell 2:1:26"]


def test_from_imports_of_a_gone_module_are_one_finding() -> None:
    (finding,) = findings("from keras.preprocessing.text import Tokenizer, one_hot")
    assert finding.message.startswith("`keras.preprocessing.text` was removed in Keras 3.0")
    assert finding.fix is None


def test_import_of_joblib_under_its_own_name_is_fixed() -> None:
    (fixed,) = findings("import sklearn.externals.joblib as joblib")
    assert fixed.fix is not None and fixed.fix.edits[0].replacement == "import joblib"
    (unfixed,) = findings("import sklearn.externals.joblib")
    assert unfixed.fix is None  # binds `sklearn`: `import joblib` would not


def test_names_that_resolve_are_never_flagged() -> None:
    clean = (
        "import numpy as np\nimport tensorflow as tf\nimport pandas as pd\n"
        "a = np.bool_(1) & np.bool(1)\nb = np.long(3)\nc = tf.compat.v1.Session\n"
        "d = pd.DataFrame({'a': [1]})\ne = np.core\nf = tf.keras.layers.Dense\n"
    )
    assert messages(clean) == []


def test_a_pinned_runtime_uses_its_own_versions() -> None:
    source = "import numpy as np\nnp.core.multiarray.set_string_function(None)"
    (message,) = messages(source)  # gone in NumPy 2.1, still in 2.0
    assert "is not in Colab's NumPy 2.1" in message
    assert messages(source, runtime="2025.07") == []
    (pinned,) = messages("import numpy as np\nx = np.int(3)", runtime="2025.07")
    assert "is not in NumPy 2.0 of Colab's 2025.07 runtime" in pinned


def test_every_runtime_has_its_configuration_in_the_table() -> None:
    table = json.loads(removed_names.TABLE_PATH.read_text(encoding="utf-8"))
    for name in runtime_names():
        runtime = load_runtime(name)
        for root, configurations in table["configurations"].items():
            current = {dist: runtime.version_of(dist) for dist in configurations[0]}
            assert current in configurations, (name, root)


@pytest.mark.parametrize("name", sorted(removed_names._reviewed()))
def test_reviewed_entries_are_complete(name: str) -> None:
    review = removed_names._reviewed()[name]
    assert name.split(".")[0] in removed_names.DISTRIBUTION
    assert review.get("use"), name
    if review.get("scope") == "under":
        assert review.get("removed"), name
    if "fix" in review:
        assert review["fix"] in ("safe", "unsafe") and review.get("how"), name
    if "source" in review:  # removed before the tool's oldest release: always gone
        assert review.get("dist"), name


def test_every_reviewed_name_is_gone_on_todays_runtime() -> None:
    gone = removed_names.gone_names(load_runtime("latest"))
    reviewed = removed_names._reviewed()
    missing = [name for name in reviewed if name not in gone and "scope" not in reviewed[name]]
    assert missing == []


def test_legacy_keras_names_under_compat_v1_get_the_legacy_keras_advice() -> None:
    (message,) = messages("import tensorflow.compat.v1 as tf\ny = tf.layers.dense(x, 10)")
    assert message.startswith("`tf.layers.dense` was removed in TensorFlow 2.16 (Keras 3)")
    assert "TF_USE_LEGACY_KERAS=1" in message


def test_from_import_out_of_a_gone_module_whose_fix_is_a_statement() -> None:
    """`from sklearn.externals.joblib import dump`: reported, and no rewrite (`import joblib` is
    for the module itself)."""
    (finding,) = findings("from sklearn.externals.joblib import dump\ndump(model, 'm.pkl')")
    assert finding.message.startswith("`sklearn.externals.joblib` was removed in scikit-learn 0.23")
    assert finding.fix is None


def test_the_trigger_pattern_names_every_gone_numpy_and_pandas_top_level_name() -> None:
    """The catalog's trigger pattern lists them by hand: a regenerated table must not outgrow it."""
    table = json.loads(removed_names.TABLE_PATH.read_text(encoding="utf-8"))["names"]
    names = [*table["numpy"], *table["pandas"], *removed_names._reviewed()]
    assert ENTRY.trigger_pattern is not None
    for name in names:
        root, _, rest = name.partition(".")
        if root in ("numpy", "pandas"):
            written = f"{'np' if root == 'numpy' else 'pd'}.{rest}"
            written = written if "." not in rest else written + "()"
            assert ENTRY.trigger_pattern.search(written), written
    assert not ENTRY.trigger_pattern.search("x = np.int32(np.float64(pd.DataFrame()))")
    assert not ENTRY.trigger_pattern.search("import numpy as np\nn = np.linalg.norm(x)")
