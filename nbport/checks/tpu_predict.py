"""NBP204 tpu-predict: `.predict()` on a model converted by `keras_to_tpu_model`, tracked across cells."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from nbport.syntax_rule import SyntaxRule

_CONVERTER = "keras_to_tpu_model"
_PREDICT = frozenset({"predict", "predict_on_batch", "predict_generator"})


class TpuPredictRule(SyntaxRule):
    """Follows the names bound to `keras_to_tpu_model(...)` in file order and flags their predict calls.

    A name stops being a TPU model when it is bound to anything else (`m = tpu_model.sync_to_cpu()`).
    """

    id = "NBP204"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        #: Dotted names (`tpu_model`, `self.tpu_model`) that hold a TPU model at this point of the file.
        self._tpu_models: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        """`tpu_model = tf.contrib.tpu.keras_to_tpu_model(model, ...)`, or a rebinding."""
        converted = _is_conversion(node.value)
        for target in node.targets:
            self._bind(target.target, converted)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """`tpu_model: Model = keras_to_tpu_model(...)`."""
        self._bind(node.target, node.value is not None and _is_conversion(node.value))

    def _bind(self, target: cst.BaseExpression, converted: bool) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, False)
            return
        name = _dotted(target)
        if name is None:
            return
        if converted:
            self._tpu_models.add(name)
        else:
            self._tpu_models.discard(name)

    def visit_Call(self, node: cst.Call) -> None:
        """`tpu_model.predict(x)` (or `keras_to_tpu_model(model).predict(x)`)."""
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _PREDICT:
            return
        receiver = func.value
        name = _dotted(receiver)
        if name in self._tpu_models or _is_conversion(receiver):
            written = name or _CONVERTER + "(...)"
            self.report_node(
                node,
                f"`{written}` comes from `{_CONVERTER}`, whose TPU model cannot "
                f"`{func.attr.value}`: predict with the CPU model, or with the one "
                f"`{written}.sync_to_cpu()` returns",
            )


def _is_conversion(value: cst.BaseExpression) -> bool:
    """`keras_to_tpu_model(...)` called through any module path."""
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    if isinstance(func, cst.Name):
        return func.value == _CONVERTER
    return isinstance(func, cst.Attribute) and func.attr.value == _CONVERTER


def _dotted(node: cst.BaseExpression) -> str | None:
    """`tpu_model` or `self.tpu_model`; None for anything that is not a plain dotted name."""
    if isinstance(node, (cst.Name, cst.Attribute)):
        return get_full_name_for_node(node)
    return None
