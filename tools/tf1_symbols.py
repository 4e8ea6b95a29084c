"""Produce `nbport/rules/tf1_symbols.json`, the TF1-only API table of rule NBP202 (tf1-api).

The table is read off an installed TensorFlow 2, never typed by hand. It holds every public name
that `tf.compat.v1` has and the TF 2 `tf` module lacks, each at its shortest such path (`Session`,
`train.AdamOptimizer`, `layers`: everything under `tf.layers` is then TF1-only as well), and says
for each one:

* `v2`: the TF 2 name, when TF 2 exports the very same object under another public name
  (`random_normal` → `random.normal`): renaming to it keeps the behaviour exactly. Otherwise the fix
  is `tf.compat.v1.<path>`, which TF 2 keeps with the TF 1 behaviour.
* `legacy_keras`: the name is served lazily from legacy Keras 2 (TensorFlow's `_KerasLazyLoader`, see
  `tensorflow/_api/v2/compat/v1/__init__.py`: `tf.compat.v1.layers`, `tf.compat.v1.nn.rnn_cell`).
  With TensorFlow >= 2.16, which ships Keras 3, those names work only with the `tf_keras` package
  installed and `TF_USE_LEGACY_KERAS=1` set before TensorFlow is imported.
* `module`: the name is a module (its members need not be listed).

TF 2's own lazily loaded Keras modules (`tf.losses`, `tf.metrics`, `tf.optimizers`,
`tf.initializers`) are resolved through Keras 3, as on today's Colab, so that a TF 1 name such as
`tf.losses.softmax_cross_entropy` is known to be missing there; `tf.keras` itself is taken as a
whole (nothing under it is listed).

Produced with TensorFlow 2.21.0 (package `tensorflow-cpu`) and Keras 3.15.1 on Python 3.11, with
`TF_USE_LEGACY_KERAS` unset. TensorFlow is not a dependency of nbport: install it in a virtualenv of
its own and run this script with that interpreter, from the repository root:

    python3 -m venv /tmp/tfvenv
    /tmp/tfvenv/bin/pip install tensorflow-cpu==2.21.0
    /tmp/tfvenv/bin/python tools/tf1_symbols.py nbport/rules/tf1_symbols.json

The script imports nothing from nbport. Run it again (and update the versions above) when Colab
moves to a newer TensorFlow.
"""

from __future__ import annotations

import json
import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: TF 2 modules that are Keras served lazily and that we resolve (Keras 3) to list their members.
RESOLVED_V2_KERAS = ("losses", "metrics", "optimizers", "initializers")
#: Names never looked into: the compat tree itself (it would recurse forever).
SKIPPED = ("compat",)
#: TF 2 namespaces not offered as rename targets: raw ops take keyword arguments only, and
#: `experimental` names may change.
NOT_A_TARGET = ("raw_ops", "experimental", "__internal__")


def is_lazy_keras(value: object) -> bool:
    """Whether `value` is one of TensorFlow's `_KerasLazyLoader` modules, without loading it."""
    return type(value).__name__ == "KerasLazyLoader"


def is_api_module(value: object, prefix: str) -> bool:
    """Whether `value` is a generated TensorFlow API module under `prefix` (not e.g. absl flags)."""
    if not isinstance(value, types.ModuleType) or is_lazy_keras(value):
        return False
    name = object.__getattribute__(value, "__name__")
    return isinstance(name, str) and name.startswith(prefix)


def public_names(module: object) -> list[str]:
    """The public attribute names of an API module."""
    return sorted(name for name in dir(module) if not name.startswith("_"))


def walk_v2(root: object, prefix: str) -> Iterator[tuple[str, object]]:
    """Every public (path, object) of the TF 2 API, modules included."""
    stack: list[tuple[str, object]] = [("", root)]
    while stack:
        path, module = stack.pop()
        for name in public_names(module):
            full = f"{path}.{name}" if path else name
            if not path and name in SKIPPED:
                continue
            try:
                value = getattr(module, name)
            except Exception:  # a deprecated or broken alias: not a rename target
                continue
            yield full, value
            if is_api_module(value, prefix) or (
                not path and name in RESOLVED_V2_KERAS and isinstance(value, types.ModuleType)
            ):
                stack.append((full, value))


def v2_has(v2_root: object, path: str) -> bool:
    """Whether `tf.<path>` exists in TF 2 (anything under `tf.keras` counts as existing)."""
    value: Any = v2_root
    for index, part in enumerate(path.split(".")):
        if index == 0 and part == "keras":
            return True
        try:
            value = getattr(value, part)
        except AttributeError:
            return False
    return True


def build_table() -> dict[str, Any]:
    """Walk `tf.compat.v1` and compare each name with the TF 2 API."""
    os.environ.pop("TF_USE_LEGACY_KERAS", None)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    v1_root = tf.compat.v1
    v1_prefix = "tensorflow._api.v2.compat.v1"

    # Where TF 2 exports each object, for renames that keep the very same function or class.
    v2_paths: dict[int, list[str]] = {}
    keep_alive: list[object] = []  # ids are only unique while the objects live
    for path, value in walk_v2(tf, "tensorflow._api.v2"):
        # Functions and classes only: equal constants (`1`, `None`) would match by accident.
        if not callable(value) or isinstance(value, types.ModuleType):
            continue
        if any(part in NOT_A_TARGET for part in path.split(".")):
            continue
        keep_alive.append(value)
        v2_paths.setdefault(id(value), []).append(path)

    symbols: dict[str, dict[str, Any]] = {}
    stack: list[tuple[str, object]] = [("", v1_root)]
    while stack:
        path, module = stack.pop()
        for name in public_names(module):
            full = f"{path}.{name}" if path else name
            if not path and name in SKIPPED:
                continue
            # Reading the attribute returns a `_KerasLazyLoader` unloaded: only its members load it.
            value = getattr(module, name)
            if v2_has(tf, full):
                if is_api_module(value, v1_prefix):
                    stack.append((full, value))
                continue
            record: dict[str, Any] = {}
            if is_lazy_keras(value):
                record["legacy_keras"] = True
                record["module"] = True
            else:
                if isinstance(value, types.ModuleType):
                    record["module"] = True
                elif callable(value):
                    candidates = sorted(
                        v2_paths.get(id(value), ()), key=lambda path: _preference(path, name)
                    )
                    if candidates:
                        record["v2"] = candidates[0]
            symbols[full] = record

    return {
        "generated_by": "tools/tf1_symbols.py",
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "python": ".".join(map(str, sys.version_info[:3])),
        "symbols": dict(sorted(symbols.items())),
    }


def _preference(path: str, name: str) -> tuple[bool, int, int, str]:
    """The TF 2 name to offer: one that keeps the TF 1 leaf name (`floormod` → `math.floormod`, not
    its twin `math.mod`), then fewer dots, then shorter, then alphabetical."""
    return (path.rsplit(".", 1)[-1] != name, path.count("."), len(path), path)


def main(argv: list[str]) -> int:
    """Write the table to the path given (default: the package data file)."""
    target = Path(argv[1]) if len(argv) > 1 else Path("nbport/rules/tf1_symbols.json")
    table = build_table()
    target.write_text(json.dumps(table, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    legacy = sum(1 for record in table["symbols"].values() if record.get("legacy_keras"))
    renamed = sum(1 for record in table["symbols"].values() if "v2" in record)
    print(
        f"{target}: {len(table['symbols'])} TF1-only names from TensorFlow {table['tensorflow']} "
        f"({renamed} with an identical TF 2 name, {legacy} from legacy Keras)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
