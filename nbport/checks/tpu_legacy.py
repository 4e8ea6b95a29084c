"""NBP203 tpu-legacy: the 2018-2019 Colab TPU recipe (`keras_to_tpu_model`, `COLAB_TPU_ADDR`)."""

from __future__ import annotations

import re
from typing import ClassVar

import libcst as cst
from libcst.helpers import get_full_name_for_node

from nbport.rules.tf_api import LEGACY_TPU_PATHS
from nbport.syntax_rule import SyntaxRule

#: Names that exist only in that legacy API, whatever module they are reached through.
_LEGACY_NAMES = frozenset({"keras_to_tpu_model", "TPUDistributionStrategy"})
_ADDRESS_VARIABLE = "COLAB_TPU_ADDR"

_RECIPE = (
    "use `resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu='local')` and "
    "`strategy = tf.distribute.TPUStrategy(resolver)`, and build the model inside "
    "`strategy.scope()` (full recipe: `nbport rules NBP203`)"
)


class TpuLegacyRule(SyntaxRule):
    """Reports each use of the removed TPU API and of the TPU address variable Colab no longer sets."""

    id = "NBP203"
    #: Every use it reports names one of these; its other state lives inside one statement.
    statement_pattern: ClassVar[re.Pattern[str] | None] = re.compile(
        "keras_to_tpu_model|TPUDistributionStrategy|TPUClusterResolver|COLAB_TPU_ADDR"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._attribute_names: set[int] = set()
        self._docstrings: set[int] = set()
        self._in_import = 0

    def visit_Import(self, node: cst.Import) -> None:
        """`import tensorflow.contrib.tpu...`: names in imports are reported where they are used."""
        self._in_import += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        """End of an import."""
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """`from tensorflow.contrib.cluster_resolver import TPUClusterResolver` is reported here: a
        bare `TPUClusterResolver(...)` later on could be the TF 2 class."""
        self._in_import += 1
        if node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = get_full_name_for_node(node.module) or ""
        if not module.startswith("tensorflow.contrib"):
            return
        inner = module.split(".")[1:]
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            if tuple([*inner, name]) == LEGACY_TPU_PATHS[2]:
                self.report_node(alias, _message(f"`{module}.{name}`"))

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        """End of an import."""
        self._in_import -= 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """`tf.contrib.tpu.keras_to_tpu_model`, `tf.contrib.cluster_resolver.TPUClusterResolver`."""
        self._attribute_names.add(id(node.attr))
        if self._in_import:
            return
        name = node.attr.value
        legacy_resolver = name == "TPUClusterResolver" and "contrib" in _written(node).split(".")
        if name in _LEGACY_NAMES or legacy_resolver:
            self.report_node(node, _message(f"`{_written(node)}`"))

    def visit_Name(self, node: cst.Name) -> None:
        """`keras_to_tpu_model(model, ...)` imported on its own."""
        if self._in_import or id(node) in self._attribute_names or node.value not in _LEGACY_NAMES:
            return
        self.report_node(node, _message(f"`{node.value}`"))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """A function of the user's own named like the legacy API is not the legacy API."""
        self._attribute_names.add(id(node.name))

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        """A string alone on a line is a docstring or a comment: not an environment lookup."""
        for statement in node.body:
            if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.SimpleString):
                self._docstrings.add(id(statement.value))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """`os.environ['COLAB_TPU_ADDR']`, `'COLAB_TPU_ADDR' in os.environ`, `os.getenv(...)`."""
        if id(node) in self._docstrings or "COLAB_TPU_ADDR" not in node.value:
            return
        if node.evaluated_value == _ADDRESS_VARIABLE:
            self.report_node(node, _ADDRESS_MESSAGE)


_ADDRESS_MESSAGE = (
    "COLAB_TPU_ADDR was set only by Colab's retired TPU runtime; today's TPU runtime (a TPU VM) has "
    "no TPU address to connect to: " + _RECIPE
)


def _message(written: str) -> str:
    return f"{written} is the TF 1 TPU API, removed with tf.contrib in TensorFlow 2: {_RECIPE}"


def _written(node: cst.Attribute) -> str:
    """The dotted text of an attribute chain, `?` for parts that are not names."""
    return get_full_name_for_node(node) or f"?.{node.attr.value}"
