"""NBP201 keras-mixed: standalone `keras` imported where the code also uses `tf.keras`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import CodeRange

from nbport.finding import Edit
from nbport.rules.unit import UnitContext
from nbport.syntax_rule import SyntaxRule

#: Standalone-Keras modules whose `tensorflow.keras` twin exists under the same name in TF 2.
_PUBLIC_MODULES = {
    "keras",
    "keras.activations",
    "keras.applications",
    "keras.backend",
    "keras.callbacks",
    "keras.constraints",
    "keras.datasets",
    "keras.initializers",
    "keras.layers",
    "keras.losses",
    "keras.metrics",
    "keras.mixed_precision",
    "keras.models",
    "keras.optimizers",
    "keras.preprocessing",
    "keras.preprocessing.image",
    "keras.preprocessing.sequence",
    "keras.preprocessing.text",
    "keras.regularizers",
    "keras.utils",
}
_TENSORFLOW_APIS_NEEDING_TF_KERAS = {"keras_to_tpu_model"}


@dataclass(frozen=True)
class _StandaloneImport:
    context: UnitContext
    start: int
    end: int
    module: str
    edit: Edit | None


@dataclass(frozen=True)
class _ImportNode:
    """A standalone import seen during the visit; turned into `_StandaloneImport` once positioned."""

    node: cst.CSTNode
    module: str
    #: The node the fix replaces (the statement, or just its module name) and the new text.
    target: cst.CSTNode | None
    replacement: str | None


class KerasMixedRule(SyntaxRule):
    """Collects standalone and `tf.keras` use over the whole file; reports the standalone imports."""

    id = "NBP201"
    #: Imports and uses of Keras, and the `import tensorflow as tf` aliases `tf.keras` goes through.
    statement_pattern: ClassVar[re.Pattern[str] | None] = re.compile("keras|tensorflow")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._standalone: list[_StandaloneImport] = []
        self._tf_keras_evidence: str | None = None
        self._tensorflow_names: set[str] = {"tensorflow"}
        self._unit_imports: list[_ImportNode] = []
        self._unit_evidence: tuple[str, cst.CSTNode] | None = None

    def begin_unit(self, context: UnitContext) -> None:
        """Start collecting the nodes of a new unit."""
        super().begin_unit(context)
        self._unit_imports = []
        self._unit_evidence = None

    def _evidence(self, what: str, node: cst.CSTNode) -> None:
        if self._tf_keras_evidence is None and self._unit_evidence is None:
            self._unit_evidence = (what, node)

    def visit_Import(self, node: cst.Import) -> None:
        """`import keras...`, `import tensorflow as tf`, `import tensorflow.keras`."""
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            if name == "tensorflow" or name.startswith("tensorflow."):
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self._tensorflow_names.add(alias.asname.name.value)
                if name.startswith("tensorflow.keras"):
                    self._evidence(f"`import {name}`", node)
            elif name == "keras" or name.startswith("keras."):
                replacement = _import_replacement(name, alias) if len(node.names) == 1 else None
                self._unit_imports.append(_ImportNode(node, name, node, replacement))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """`from keras.layers import Dense`, `from tensorflow import keras`."""
        if node.relative or node.module is None:
            return
        module = get_full_name_for_node(node.module) or ""
        if module == "tensorflow":
            names = node.names
            if not isinstance(names, cst.ImportStar) and any(
                get_full_name_for_node(alias.name) == "keras" for alias in names
            ):
                self._evidence("`from tensorflow import keras`", node)
        elif module.startswith("tensorflow.keras"):
            self._evidence(f"`from {module} import ...`", node)
        elif module == "keras" or module.startswith("keras."):
            public = module in _PUBLIC_MODULES
            self._unit_imports.append(
                _ImportNode(node, module, node.module, "tensorflow." + module if public else None)
            )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """`tf.keras.layers...` under any alias of tensorflow."""
        if (
            node.attr.value == "keras"
            and isinstance(node.value, cst.Name)
            and node.value.value in self._tensorflow_names
        ):
            self._evidence(f"`{node.value.value}.keras`", node)
        elif node.attr.value in _TENSORFLOW_APIS_NEEDING_TF_KERAS:
            self._evidence(f"`{node.attr.value}`", node)

    def wants_positions(self) -> bool:
        """Positions are needed for imports and for the first evidence of tf.keras."""
        return (
            super().wants_positions() or bool(self._unit_imports) or self._unit_evidence is not None
        )

    def end_unit(self, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        """Record this unit's imports and evidence with their positions, for `end_document`."""
        super().end_unit(positions)
        context = self.context
        assert context is not None
        for item in self._unit_imports:
            start, end = self.node_span(item.node)
            edit = None
            fixable = item.target is not None and item.replacement is not None
            if fixable and not self.touches_escape(item.node):
                assert item.target is not None and item.replacement is not None
                edit = Edit(*self.node_span(item.target), item.replacement)
            self._standalone.append(_StandaloneImport(context, start, end, item.module, edit))
        if self._unit_evidence is not None and self._tf_keras_evidence is None:
            what, node = self._unit_evidence
            where = context.location(context.offset(self.node_line(node), 0))
            place = (
                f"line {where.line}"
                if where.cell is None
                else f"cell {where.cell}, line {where.line}"
            )
            self._tf_keras_evidence = f"{what} at {place}"

    def end_document(self) -> None:
        """Report standalone imports only if the same file also uses tf.keras."""
        if self._tf_keras_evidence is None:
            return
        for item in self._standalone:
            edits = [] if item.edit is None else [item.edit]
            hint = (
                "import it from tensorflow.keras"
                if item.edit is not None
                else "tf.keras has no module of that name: port this import by hand"
            )
            self.report(
                item.start,
                item.end,
                f"standalone `{item.module}` in a file that also uses tf.keras "
                f"({self._tf_keras_evidence}): before TensorFlow 2.16, or with legacy Keras, these are "
                f"two Keras installations that do not mix; {hint}",
                edits=edits,
                context=item.context,
            )


def _import_replacement(name: str, alias: cst.ImportAlias) -> str | None:
    """`import keras` → `from tensorflow import keras`; `import keras.backend as K` → ...`as K`."""
    asname = (
        alias.asname.name.value
        if alias.asname and isinstance(alias.asname.name, cst.Name)
        else None
    )
    if name == "keras":
        return (
            f"from tensorflow import keras as {asname}"
            if asname
            else "from tensorflow import keras"
        )
    if name not in _PUBLIC_MODULES:
        return None
    if asname:
        parent, _, leaf = ("tensorflow." + name).rpartition(".")
        return f"from {parent} import {leaf} as {asname}"
    # `import keras.layers` binds the name `keras`; `from tensorflow import keras` binds the same.
    return "from tensorflow import keras"
