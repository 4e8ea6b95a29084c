"""TensorFlow's API as the rules know it: the names TF 2 dropped, and the legacy TPU ones.

What counts as TF 1 API is data: `tf1_symbols.json` beside this module, produced by
`tools/tf1_symbols.py` from an installed TensorFlow 2 (every name `tf.compat.v1` has and `tf` lacks).
`tf.contrib` and `tensorflow.examples.tutorials` were removed outright and are known here by name.
NBP202 (tf1-api) reports the TF 1 names, NBP203 (tpu-legacy) the legacy TPU ones among them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: The packaged symbol table (see `tools/tf1_symbols.py`).
TABLE_PATH = Path(__file__).with_name("tf1_symbols.json")

#: Paths under `tf` of the 2018-2019 Colab TPU recipe: NBP203 reports them, NBP202 leaves them to it.
LEGACY_TPU_PATHS: tuple[tuple[str, ...], ...] = (
    ("contrib", "tpu", "keras_to_tpu_model"),
    ("contrib", "tpu", "TPUDistributionStrategy"),
    ("contrib", "cluster_resolver", "TPUClusterResolver"),
)


@dataclass(frozen=True)
class Symbol:
    """One TF1-only name of the table."""

    #: Dotted path under `tf` (`train.AdamOptimizer`).
    path: str
    #: The TF 2 name of the very same object, if TF 2 exports it elsewhere (`random.normal`).
    v2: str | None = None
    #: Served lazily from legacy Keras 2 (`tf.compat.v1.layers`): needs `tf_keras` on Keras 3.
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
