"""The name resolver: imports and aliases resolved once, in statement order."""

from __future__ import annotations

import ast

import pytest

from nbport.rules.names import NameResolver


def _resolver(code: str) -> NameResolver:
    resolver = NameResolver()
    for statement in ast.parse(code).body:
        resolver.learn(statement)
    return resolver


def _name(resolver: NameResolver, expression: str) -> str | None:
    return resolver.qualified_name(ast.parse(expression, mode="eval").body)


@pytest.mark.parametrize(
    ("code", "expression", "expected"),
    [
        (
            "import tensorflow as tf",
            "tf.estimator.DNNClassifier",
            "tensorflow.estimator.DNNClassifier",
        ),
        ("import tensorflow as tf", "tf.Session()", "tensorflow.Session"),
        ("import tensorflow", "tensorflow.keras.layers", "tensorflow.keras.layers"),
        ("import tensorflow.keras", "tensorflow.keras.Model", "tensorflow.keras.Model"),
        ("import tensorflow.compat.v1 as tf", "tf.placeholder", "tensorflow.compat.v1.placeholder"),
        ("from keras import layers as L", "L.Dense(3)", "keras.layers.Dense"),
        (
            "from tensorflow import estimator as est",
            "est.DNNClassifier",
            "tensorflow.estimator.DNNClassifier",
        ),
        ("import numpy as np", "np.int", "numpy.int"),
        ("from cv2 import imshow as show", "show(img)", "cv2.imshow"),
        ("import cv2 as cv", "cv.imshow", "cv2.imshow"),
        (
            "import tensorflow as tf\ntf = tf.compat.v1",
            "tf.Session",
            "tensorflow.compat.v1.Session",
        ),
        ("import keras\nK = keras.backend", "K.clear_session", "keras.backend.clear_session"),
    ],
)
def test_names_resolve_through_imports_and_aliases(
    code: str, expression: str, expected: str
) -> None:
    assert _name(_resolver(code), expression) == expected


@pytest.mark.parametrize(
    ("code", "expression"),
    [
        ("", "tf.Session"),
        ("import tensorflow as tf\ntf = 3", "tf.Session"),
        ("import numpy as np\nfor np in range(3): pass", "np.int"),
        ("import numpy as np\ndef np(): pass", "np.int"),
        ("import numpy as np\nnp, x = 1, 2", "np.int"),
        ("import numpy as np\nwith open('x') as np: pass", "np.int"),
        ("from . import tf", "tf.Session"),
        ("from numpy import *", "int"),
        ("import numpy as np", "model.fit"),
        ("import numpy as np", "''.join"),
        ("import numpy as np", "np[0].x"),
    ],
)
def test_what_no_import_binds_has_no_qualified_name(code: str, expression: str) -> None:
    assert _name(_resolver(code), expression) is None


def test_a_name_is_known_from_the_statement_that_binds_it_on() -> None:
    resolver = NameResolver()
    first, second = ast.parse("import numpy as np\nimport cupy as np").body
    assert _name(resolver, "np.zeros") is None
    resolver.learn(first)
    assert _name(resolver, "np.zeros") == "numpy.zeros"
    resolver.learn(second)
    assert _name(resolver, "np.zeros") == "cupy.zeros"


def test_the_resolver_lists_what_was_imported_and_under_which_names() -> None:
    resolver = _resolver(
        "import tensorflow as tf\nfrom keras.layers import Dense\nimport tensorflow"
    )
    assert list(resolver.imported()) == ["tensorflow", "keras.layers.Dense"]
    assert sorted(resolver.names_bound_to("tensorflow")) == ["tensorflow", "tf"]
    assert resolver.binding("Dense") == "keras.layers.Dense"


def test_names_ever_bound_outlive_a_rebinding() -> None:
    resolver = _resolver(
        "import tensorflow.compat.v1 as tf\nimport tensorflow as tf\nv1 = tf.compat.v1\ntf = 3"
    )
    assert resolver.binding("tf") is None
    assert resolver.binding("v1") == "tensorflow.compat.v1"
    assert resolver.names_ever_bound_to("tensorflow.compat.v1") == ["tf", "v1"]
    assert resolver.names_ever_bound_to("tensorflow") == ["tf"]
    assert resolver.names_ever_bound_to("numpy") == []
