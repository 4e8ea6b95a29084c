"""TensorFlow's API as the rules know it: the names TF 2 dropped, the legacy TPU ones, where a name
lies in TF 2's `tf`, and which code is for one TensorFlow version only.

What counts as TF 1 API is data: `tf1_symbols.json` beside this module, produced by
`tools/tf1_symbols.py` from an installed TensorFlow 2 (every name `tf.compat.v1` has and `tf`
lacks).
`tf.contrib` and `tensorflow.examples.tutorials` were removed outright and are known here by name.
NBP202 (tf1-api) reports the TF 1 names, NBP203 (tpu-legacy) the legacy TPU ones among them.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: The packaged symbol table (see `tools/tf1_symbols.py`).
TABLE_PATH = Path(__file__).with_name("tf1_symbols.json")

#: Paths under `tf` of the 2018-2019 Colab TPU recipe: NBP203 reports them, NBP202 leaves them.
LEGACY_TPU_PATHS: tuple[tuple[str, ...], ...] = (
    ("contrib", "tpu", "keras_to_tpu_model"),
    ("contrib", "tpu", "TPUDistributionStrategy"),
    ("contrib", "cluster_resolver", "TPUClusterResolver"),
)

#: `Dataset` methods of TF 1 that TF 2 keeps only as `tf.compat.v1.data.<method>(dataset)`.
DATASET_METHODS = frozenset({"make_one_shot_iterator", "make_initializable_iterator"})
#: Names whose presence in an `if` test makes its branches version-specific code.
_VERSION_CHECKS = frozenset({"executing_eagerly", "__version__", "VERSION"})

#: What a name served by legacy Keras needs on Colab, whose Keras is Keras 3.
LEGACY_KERAS_HINT = (
    "comes from legacy Keras: on Colab (Keras 3) it also needs `pip install tf_keras` and "
    "`TF_USE_LEGACY_KERAS=1` set before TensorFlow is imported (or port the code to `tf.keras`)"
)


@dataclass(frozen=True)
class Symbol:
    """One TF1-only name of the table."""

    #: Dotted path under `tf` (`train.AdamOptimizer`).
    path: str
    #: The TF 2 name of the very same object, if TF 2 exports it elsewhere (`random.normal`).
    v2: str | None = None
    #: Served lazily from legacy Keras 2 (`tf.compat.v1.layers`): needs `tf_keras` on Keras 3
    #: (`LEGACY_KERAS_HINT`).
    legacy_keras: bool = False
    module: bool = False


@dataclass(frozen=True)
class SymbolTable:
    """The packaged table with the TensorFlow version it was read from."""

    tensorflow: str
    symbols: Mapping[str, Symbol]

    def lookup(self, parts: Sequence[str]) -> tuple[int, Symbol] | None:
        """The shortest prefix of `parts` that is TF1-only: (its length, its entry), or None."""
        for length in range(1, len(parts) + 1):
            symbol = self.symbols.get(".".join(parts[:length]))
            if symbol is not None:
                return length, symbol
        return None


@cache
def symbol_table() -> SymbolTable:
    """The TF1-only names, read once from the package data."""
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    symbols = {
        path: Symbol(
            path,
            v2=record.get("v2"),
            legacy_keras=bool(record.get("legacy_keras")),
            module=bool(record.get("module")),
        )
        for path, record in data["symbols"].items()
    }
    return SymbolTable(data["tensorflow"], symbols)


def removed_module(parts: Sequence[str]) -> str | None:
    """Advice for a path under `tf` in a module that TF 2 removed outright (None if not removed)."""
    if not parts:
        return None
    if parts[0] == "contrib":
        return "tf.contrib is gone from TensorFlow 2, with no drop-in replacement: port this code"
    if list(parts[:2]) == ["examples", "tutorials"]:
        return (
            "tensorflow.examples.tutorials is gone from TensorFlow 2: "
            "load MNIST with `tf.keras.datasets.mnist.load_data()`"
        )
    return None


def is_legacy_tpu(parts: Sequence[str]) -> bool:
    """Whether a path under `tf` is (under) one of `LEGACY_TPU_PATHS`."""
    return any(tuple(parts[: len(path)]) == path for path in LEGACY_TPU_PATHS)


def is_version_check(test: ast.expr) -> bool:
    """Whether an `if` test asks which TensorFlow runs (`tf.executing_eagerly()`, `tf.__version__`),
    so that each branch is code for one version."""
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and node.id in _VERSION_CHECKS:
            return True
        if isinstance(node, ast.Attribute) and node.attr in _VERSION_CHECKS:
            return True
    return False


def tf2_path(qualified: str | None) -> list[str] | None:
    """Where a qualified name lies in TF 2's `tf`: `tensorflow` → [], `tensorflow.train.Checkpoint`
    → ["train", "Checkpoint"], `tensorflow.compat.v2.x` → ["x"]; None outside TensorFlow, for the
    TF 1 API (`tensorflow.compat.v1...`), and for what TF 2 lacks (`tensorflow.contrib`,
    `tensorflow.logging`)."""
    parts = (qualified or "").split(".")
    if parts[0] != "tensorflow" or parts[1:3] == ["compat", "v1"]:
        return None
    path = parts[3:] if parts[1:3] == ["compat", "v2"] else parts[1:]
    missing = removed_module(path) or (path and symbol_table().lookup(path))
    return None if missing else path


class VersionChecks:
    """Mixed into a rule: whether the node being visited is code for one TensorFlow version, in a
    branch of an `if` that asks which one runs (`if tf.executing_eagerly(): ... else: <TF 1>`)."""

    def __init__(self) -> None:
        self._version_checks: list[ast.If] = []

    @property
    def in_version_check(self) -> bool:
        """Whether some `if` around the node being visited asks which TensorFlow runs."""
        return bool(self._version_checks)

    def visit_If(self, node: ast.If) -> None:
        """An `if` whose test asks for the version starts code for one version..."""
        if is_version_check(node.test):
            self._version_checks.append(node)

    def leave_If(self, node: ast.If) -> None:
        """... which ends with it."""
        if self._version_checks and self._version_checks[-1] is node:
            self._version_checks.pop()
