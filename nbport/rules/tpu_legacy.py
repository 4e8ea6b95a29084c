"""NBP203 tpu-legacy: the 2018-2019 Colab TPU recipe (`keras_to_tpu_model`, `COLAB_TPU_ADDR`).

Read from the names as written, not through the imports: these names exist nowhere but in that API,
and a snippet pasted without its imports still uses it.
"""

from __future__ import annotations

import ast

from nbport.rules.base import Rule
from nbport.rules.calls import full_name
from nbport.rules.tables import rule_table
from nbport.rules.tf_api import LEGACY_TPU_PATHS

#: TF 2 has a `TPUClusterResolver` too: only the one under `tf.contrib` is legacy.
_LEGACY_RESOLVER = ("contrib", "cluster_resolver", "TPUClusterResolver")
#: Names that exist only in that legacy API, whatever module they are reached through.
_LEGACY_NAMES = frozenset(path[-1] for path in LEGACY_TPU_PATHS) - {_LEGACY_RESOLVER[-1]}
_ADDRESS_VARIABLE = "COLAB_TPU_ADDR"
#: What the findings say, in `tpu_legacy.toml`: each ends with the TF 2 recipe.
_MESSAGES = rule_table(__file__)["messages"]
_ADDRESS_MESSAGE = _MESSAGES["address"].format(recipe=_MESSAGES["recipe"])


def _message(written: str) -> str:
    return _MESSAGES["removed"].format(written=written, recipe=_MESSAGES["recipe"])


class TpuLegacyRule(Rule):
    """Reports each use of the removed TPU API, and of the TPU address variable Colab no longer
    sets."""

    def __init__(self) -> None:
        #: The literal parts of the f-strings being walked: text, not lookups (`f"COLAB_TPU_ADDR"`).
        self._literal_parts: set[int] = set()

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """`from tensorflow.contrib.cluster_resolver import TPUClusterResolver` is reported here: a
        bare `TPUClusterResolver(...)` later on could be the TF 2 class."""
        module = node.module or ""
        if module.startswith("tensorflow.contrib"):
            inner = tuple(module.split(".")[1:])
            for alias in node.names:
                if (*inner, alias.name) == _LEGACY_RESOLVER:
                    self.report(alias, _message(f"`{module}.{alias.name}`"))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """`tf.contrib.tpu.keras_to_tpu_model`, `tf.contrib.cluster_resolver.TPUClusterResolver`."""
        if node.attr not in _LEGACY_NAMES and node.attr != _LEGACY_RESOLVER[-1]:
            return
        written = full_name(node) or ""
        if node.attr in _LEGACY_NAMES or "contrib" in written.split("."):
            self.report(node, _message(f"`{written}`"))

    def visit_Name(self, node: ast.Name) -> None:
        """`keras_to_tpu_model(model, ...)` imported on its own."""
        if node.id in _LEGACY_NAMES:
            self.report(node, _message(f"`{node.id}`"))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        """An f-string: its literal parts are visited next."""
        self._literal_parts.update(
            id(part) for part in node.values if isinstance(part, ast.Constant)
        )

    def visit_Constant(self, node: ast.Constant) -> None:
        """`os.environ['COLAB_TPU_ADDR']`, `'COLAB_TPU_ADDR' in os.environ`, `os.getenv(...)`."""
        if id(node) in self._literal_parts:
            self._literal_parts.discard(id(node))
            return
        if node.value != _ADDRESS_VARIABLE:
            return
        statement = self.statement
        if isinstance(statement, ast.Expr) and statement.value is node:
            return  # a string alone on a line is a docstring or a comment, not a lookup
        if _refuses_the_old_runtime(statement, node):
            return
        self.report(node, _ADDRESS_MESSAGE)


def _refuses_the_old_runtime(statement: ast.stmt | None, node: ast.Constant) -> bool:
    """`if 'COLAB_TPU_ADDR' in os.environ: raise ...`: a test whose only outcome is to stop on the
    retired runtime, which is harmless on today's (the variable is simply not set)."""
    if not isinstance(statement, ast.If) or statement.orelse:
        return False
    test = statement.test
    # Only `'COLAB_TPU_ADDR' in ...`: `not in` stops on today's runtime, where it is never set.
    is_present = (
        isinstance(test, ast.Compare)
        and test.left is node
        and [type(op) for op in test.ops] == [ast.In]
    )
    return is_present and all(isinstance(inner, ast.Raise) for inner in statement.body)
