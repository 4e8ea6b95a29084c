"""NBP204 tpu-predict: `.predict()` on a model converted by `keras_to_tpu_model`, tracked across cells."""

from __future__ import annotations

import ast

from nbport.rules.base import Rule
from nbport.rules.names import dotted_name

_CONVERTER = "keras_to_tpu_model"
_PREDICT = frozenset({"predict", "predict_on_batch", "predict_generator"})


class TpuPredictRule(Rule):
    """Follows the names bound to `keras_to_tpu_model(...)` in file order and flags their predict calls.

    A name stops being a TPU model when it is bound to anything else (`m = tpu_model.sync_to_cpu()`).
    """

    def __init__(self) -> None:
        #: Dotted names (`tpu_model`, `self.tpu_model`) holding a TPU model at this point of the file.
        self._tpu_models: set[str] = set()

    def visit_Assign(self, node: ast.Assign) -> None:
        """`tpu_model = tf.contrib.tpu.keras_to_tpu_model(model, ...)`, or a rebinding."""
        for target in node.targets:
            self._bind(target, _is_conversion(node.value))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        """`tpu_model: Model = keras_to_tpu_model(...)`."""
        self._bind(node.target, node.value is not None and _is_conversion(node.value))

    def _bind(self, target: ast.expr, converted: bool) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element.value if isinstance(element, ast.Starred) else element, False)
            return
        name = dotted_name(target)
        if name is not None and converted:
            self._tpu_models.add(name)
        elif name is not None:
            self._tpu_models.discard(name)

    def visit_Call(self, node: ast.Call) -> None:
        """`tpu_model.predict(x)` (or `keras_to_tpu_model(model).predict(x)`)."""
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _PREDICT:
            return
        name = dotted_name(func.value)
        if name in self._tpu_models or _is_conversion(func.value):
            written = name or _CONVERTER + "(...)"
            self.report(
                node,
                f"`{written}` comes from `{_CONVERTER}`, whose TPU model cannot "
                f"`{func.attr}`: predict with the CPU model, or with the one "
                f"`{written}.sync_to_cpu()` returns",
            )


def _is_conversion(value: ast.expr) -> bool:
    """`keras_to_tpu_model(...)` called through any module path."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return func.id == _CONVERTER
    return isinstance(func, ast.Attribute) and func.attr == _CONVERTER
