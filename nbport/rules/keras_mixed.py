"""NBP201 keras-mixed: standalone `keras` imported where the code also uses `tf.keras`."""

from __future__ import annotations

import ast

from nbport.finding import Edit
from nbport.rules.base import Rule, Spot
from nbport.rules.fixes import rename_from_module
from nbport.rules.tables import rule_table

#: The modules below and the messages, in `keras_mixed.toml` beside this module.
_TABLE = rule_table(__file__)
#: Standalone-Keras modules whose `tensorflow.keras` twin exists under the same name in TF 2.
_PUBLIC_MODULES = frozenset(_TABLE["public_modules"])
#: What the findings say.
_MESSAGES = _TABLE["messages"]
#: TensorFlow APIs that take a `tf.keras` model only: their use is evidence of `tf.keras`.
_TENSORFLOW_APIS_NEEDING_TF_KERAS = frozenset({"keras_to_tpu_model"})


class KerasMixedRule(Rule):
    """Collects standalone and `tf.keras` use over the whole file; reports the standalone imports
    once the file is known to use `tf.keras` too."""

    def __init__(self) -> None:
        #: Each standalone import: where, its module, and the edit that imports it from tf.keras.
        self._standalone: list[tuple[Spot, str, Edit | None]] = []
        #: The first use of tf.keras, and where: `tf.keras` at cell 3, line 2.
        self._evidence: str | None = None

    def _tf_keras(self, what: str, node: ast.stmt | ast.expr) -> None:
        if self._evidence is None:
            self._evidence = f"{what} at {self.unit.place(node)}"

    def visit_Import(self, node: ast.Import) -> None:
        """`import keras`, `import keras.backend as K`, `import tensorflow.keras`."""
        for alias in node.names:
            name = alias.name
            if name.startswith("tensorflow.keras"):
                self._tf_keras(f"`import {name}`", node)
            elif name == "keras" or name.startswith("keras."):
                replacement = _import_replacement(name, alias.asname)
                edit = (
                    self.edit(node, replacement) if replacement and len(node.names) == 1 else None
                )
                self._standalone.append((self.spot(node), name, edit))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """`from keras.layers import Dense`, `from tensorflow import keras`."""
        module = node.module or ""
        if node.level or not module:
            return
        if module == "tensorflow" and any(alias.name == "keras" for alias in node.names):
            self._tf_keras("`from tensorflow import keras`", node)
        elif module.startswith("tensorflow.keras"):
            self._tf_keras(f"`from {module} import ...`", node)
        elif module == "keras" or module.startswith("keras."):
            public = module in _PUBLIC_MODULES
            edit = rename_from_module(self.unit, node, f"tensorflow.{module}") if public else None
            self._standalone.append((self.spot(node), module, edit))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """`tf.keras.layers...` under any name of tensorflow, and `keras_to_tpu_model`."""
        value = node.value
        if node.attr == "keras" and isinstance(value, ast.Name):
            # A name no import bound is taken as written: `tensorflow.keras` is tf.keras even
            # when `import tensorflow` sits in a cell that could not be read.
            bound = self.names.binding(value.id) or value.id
            if bound == "tensorflow" or bound.startswith("tensorflow."):
                self._tf_keras(f"`{value.id}.keras`", node)
        elif node.attr in _TENSORFLOW_APIS_NEEDING_TF_KERAS:
            self._tf_keras(f"`{node.attr}`", node)

    def end_document(self) -> None:
        """Report the standalone imports if the file also uses tf.keras."""
        if self._evidence is None:
            return
        for spot, module, edit in self._standalone:
            hint = _MESSAGES["fixable" if edit is not None else "by-hand"]
            message = _MESSAGES["standalone"].format(
                module=module, evidence=self._evidence, hint=hint
            )
            self.report(spot, message, edits=[edit])


def _import_replacement(name: str, asname: str | None) -> str | None:
    """`import keras` → `from tensorflow import keras`; `import keras.backend as K` → ...`as K`."""
    if name not in _PUBLIC_MODULES:
        return None
    if name == "keras" or not asname:
        # `import keras.layers` binds the name `keras`, as `from tensorflow import keras` does.
        return "from tensorflow import keras" + (f" as {asname}" if asname else "")
    parent, _, leaf = f"tensorflow.{name}".rpartition(".")
    return f"from {parent} import {leaf} as {asname}"
