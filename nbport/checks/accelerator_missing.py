"""NBP301 accelerator-missing: a notebook uses a GPU or TPU but does not ask Colab for one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import CodeRange

from nbport.documents.base import MetadataDocument
from nbport.escapes import Escape, EscapeKind
from nbport.finding import FixSafety, MetadataEdit
from nbport.rules.unit import UnitContext
from nbport.syntax_rule import SyntaxRule


class Accelerator(Enum):
    """The accelerators Colab starts a runtime with, as `metadata.accelerator` names them."""

    GPU = "GPU"
    TPU = "TPU"


#: The GPU Colab's free tier gives, written to `metadata.colab.gpuType` with a GPU.
FREE_GPU_TYPE = "T4"
#: `metadata.colab.gpuType` values that name a TPU (Colab keeps the TPU type in the same key:
#: `V28` is a TPU v2-8, `V5E1` a TPU v5e-1); every other value names a GPU (`T4`, `L4`, `A100`).
_TPU_TYPE = re.compile(r"V\d+E\d+|V28", re.IGNORECASE)

# String values that name a CUDA device or TensorFlow GPU device: 'cuda', 'cuda:0',
# '/gpu:0', '/device:GPU:0', '/job:localhost/replica:0/task:0/device:GPU:0'.
# A device number may be a placeholder filled in later: 'cuda:{}', f'/gpu:{i}', '/gpu:%d'.
_NUMBER = r"(?:\d+|\{[^{}]*\}|%[sdi])"
_CUDA_DEVICE = re.compile(rf"cuda(?::{_NUMBER})?", re.IGNORECASE)
_TF_GPU_DEVICE = re.compile(
    rf"(?:/job:\w+(?:/replica:\d+)?(?:/task:\d+)?)?/?(?:device:)?gpu:(?:{_NUMBER}|\*)",
    re.IGNORECASE,
)
# Values of `device=`, `accelerator=`, `task_type=` (PyTorch, Lightning, LightGBM, CatBoost,
# XGBoost) that ask for an accelerator, and XGBoost's GPU tree methods.
_GPU_WORDS = {"gpu", "cuda", "gpu_hist", "gpu_exact", "gpu_predictor"}
_TPU_WORDS = {"tpu"}
_DEVICE_KEYWORDS = {"device", "accelerator", "task_type", "tree_method", "predictor"}
# `torch.cuda` calls that do nothing without a GPU and are typical seeding boilerplate.
_HARMLESS_TORCH_CUDA = {"manual_seed", "manual_seed_all"}
# TensorFlow functions whose only use is to find or tune a GPU. TF1's session options
# (`config.gpu_options.allow_growth = True`) are not among them: that boilerplate runs anywhere.
_GPU_FUNCTIONS = {"gpu_device_name", "is_gpu_available", "set_memory_growth"}
_DEVICE_LISTINGS = {"list_physical_devices", "list_logical_devices"}
# TPU APIs: TensorFlow's resolver, strategies and estimators (`TPUClusterResolver`,
# `TPUStrategy`, `TPUEstimator`, `TPUConfig`, ...), TF1 Keras on TPU, JAX's Colab setup.
_TPU_CLASS = re.compile(r"TPU[A-Z]\w*")
_TPU_NAMES = {"keras_to_tpu_model", "initialize_tpu_system", "colab_tpu"}
# Modules reached as `<module>.tpu`: `tf.tpu`, `tf.contrib.tpu`, `tf.compat.v1.tpu`.
_TPU_PARENTS = {"tf", "tensorflow", "contrib", "v1"}
# Libraries that only run on (or only watch) a CUDA GPU, and one that only runs on a TPU.
_GPU_MODULES = {"cupy", "pycuda", "cudf", "cuml", "GPUtil", "pynvml"}
_TPU_MODULES = {"torch_xla"}
# Text every TPU use holds, in any case, and a pattern that matches nothing.
_TPU_TEXT = re.compile("tpu|torch_xla", re.IGNORECASE)
_NOTHING = re.compile("(?!)")
# Shell commands that talk to the GPU driver or the CUDA compiler.
_GPU_COMMAND = re.compile(r"(?:^|[\s;&|(`/])(nvidia-smi|nvcc)(?=$|[\s;&|)`])")


@dataclass(frozen=True)
class _Use:
    """The first place a unit uses an accelerator."""

    context: UnitContext
    start: int
    end: int
    what: str


class AcceleratorMissingRule(SyntaxRule):
    """Finds the first use of a GPU and of a TPU in a notebook; reports once, in `end_document`,
    if the notebook's metadata does not ask Colab for the accelerator it uses."""

    id = "NBP301"
    #: Every use it records holds one of these words, in any case (`'CUDA:0'`); an `import torch as t`
    #: makes `t.cuda` a use. The rest of its state lives inside one statement.
    statement_pattern: ClassVar[re.Pattern[str] | None] = re.compile(
        r"cuda|gpu|tpu|nvml|cupy|cudf|cuml|set_memory_growth|torch_xla|import(?:[^\n]|\\\n)*torch",
        re.IGNORECASE,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._first: dict[Accelerator, _Use] = {}
        self._metadata: Mapping[str, Any] | None = None
        self._torch_names: set[str] = {"torch"}
        self._unit_nodes: list[tuple[Accelerator, cst.CSTNode, str]] = []
        # Nodes whose children must not count: batched visitors cannot skip a subtree, so parents
        # mark what their children should ignore (a docstring, the `torch.cuda` of a seed call).
        self._ignored: set[cst.CSTNode] = set()

    # --- Collecting uses -------------------------------------------------------------------------

    def applies(self) -> bool:
        """Only notebooks have metadata to ask Colab with, and one that asks for a GPU is content
        whatever it uses (see `end_document`): neither needs looking at."""
        document = self.document
        if not isinstance(document, MetadataDocument):
            return False
        self._metadata = document.metadata
        return asked_accelerator(self._metadata) is not Accelerator.GPU

    def unit_statement_pattern(self) -> re.Pattern[str] | None:
        """Only the first use of each accelerator counts, and a TPU decides the report on its own:
        once an earlier unit has used a TPU, nothing is left to look for; once it has used a GPU,
        only TPU uses are."""
        assert self.context is not None
        index = self.context.unit.index
        found = {kind for kind, use in self._first.items() if use.context.unit.index < index}
        if Accelerator.TPU in found:
            return _NOTHING
        if Accelerator.GPU in found:
            return _TPU_TEXT
        return self.statement_pattern

    def begin_unit(self, context: UnitContext) -> None:
        """Start collecting a unit's uses."""
        super().begin_unit(context)
        self._unit_nodes = []
        self._ignored = set()

    def _seen(self, kind: Accelerator, node: cst.CSTNode, what: str) -> None:
        self._unit_nodes.append((kind, node, what))

    def check_escape(self, escape: Escape) -> None:
        """`!nvidia-smi`, `!nvcc --version`, `x = !nvidia-smi`, `%sx nvidia-smi`."""
        if self.context is None:
            return
        if escape.kind in (EscapeKind.SHELL, EscapeKind.SHELL_CAPTURE):
            command = escape.body
        elif escape.kind is EscapeKind.LINE_MAGIC and escape.name in ("sx", "system"):
            command = escape.args
        else:
            return
        match = _GPU_COMMAND.search(command)
        if match is not None:
            what = f"`!{match[1]}`"
            self._record(Accelerator.GPU, self.context, escape.start, escape.end, what)

    def visit_Import(self, node: cst.Import) -> None:
        """`import torch as t` (to know `t.cuda`), `import cupy`, `import torch_xla...`."""
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            root = name.split(".", 1)[0]
            if name == "torch" and alias.asname and isinstance(alias.asname.name, cst.Name):
                self._torch_names.add(alias.asname.name.value)
            self._module(root, node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """`from cupy import ...`, `from torch_xla.core import xla_model`, `from jax.tools import
        colab_tpu`."""
        if node.relative or node.module is None:
            return
        module = get_full_name_for_node(node.module) or ""
        self._module(module.split(".", 1)[0], node)
        if module == "jax.tools" and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                if get_full_name_for_node(alias.name) == "colab_tpu":
                    self._seen(Accelerator.TPU, node, "`jax.tools.colab_tpu`")

    def _module(self, root: str, node: cst.CSTNode) -> None:
        if root in _GPU_MODULES:
            self._seen(Accelerator.GPU, node, f"`{root}`")
        elif root in _TPU_MODULES:
            self._seen(Accelerator.TPU, node, f"`{root}`")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """`torch.cuda.*`, `torch.backends.cuda`, `tf.test.gpu_device_name`, `tf.tpu`,
        `tf.distribute.TPUStrategy`."""
        attr = node.attr.value
        if node in self._ignored:
            return
        owner = node.value
        if attr == "cuda" and _is_torch(owner, self._torch_names):
            self._seen(Accelerator.GPU, node, f"`{get_full_name_for_node(node)}`")
            return
        if attr == "tpu":
            parent = owner.attr if isinstance(owner, cst.Attribute) else owner
            if isinstance(parent, cst.Name) and parent.value in _TPU_PARENTS:
                self._seen(Accelerator.TPU, node, f"`{get_full_name_for_node(node)}`")
            return
        kind = _name_kind(attr)
        if kind is not None:
            # Reported here, from the start of the dotted name, rather than at the name itself.
            self._ignored.add(node.attr)
            self._seen(kind, node, f"`{attr}`")

    def visit_Name(self, node: cst.Name) -> None:
        """`TPUClusterResolver(...)`, `set_memory_growth` imported by name."""
        if node in self._ignored:
            return
        kind = _name_kind(node.value)
        if kind is not None:
            self._seen(kind, node, f"`{node.value}`")

    def visit_Call(self, node: cst.Call) -> None:
        """`.cuda()`, `list_physical_devices('GPU')`, `jax.devices('tpu')`, `device='cuda'`."""
        func = node.func
        if isinstance(func, cst.Attribute):
            attr = func.attr.value
            if attr == "cuda":
                owner = func.value
                if not (isinstance(owner, cst.Name) and owner.value in self._torch_names):
                    self._seen(Accelerator.GPU, node, "`.cuda()`")
            elif attr in _HARMLESS_TORCH_CUDA and _is_torch_cuda(func.value, self._torch_names):
                self._ignored.add(func.value)  # seeding a GPU that may not be there is no use
            elif attr in _DEVICE_LISTINGS or attr in ("devices", "local_devices"):
                kind = _device_kind(_first_argument(node, "device_type", "backend"))
                if kind is not None:
                    self._seen(kind, node, f"`{attr}({kind.value!r})`")
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in _DEVICE_KEYWORDS:
                kind = _word_kind(_string(arg.value))
                if kind is not None:
                    self._seen(kind, arg, f"`{arg.keyword.value}={_string(arg.value)!r}`")
            elif (
                arg.keyword is not None
                and arg.keyword.value in ("gpus", "tpu_cores")
                and _asks_for_devices(arg.value)
            ):
                kind = Accelerator.GPU if arg.keyword.value == "gpus" else Accelerator.TPU
                self._seen(kind, arg, f"`{arg.keyword.value}=`")

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """'cuda', 'cuda:0', '/gpu:0', '/device:GPU:0', 'COLAB_TPU_ADDR' as a value of the code."""
        value = _literal(node)
        if value is None or node in self._ignored:
            return
        if _CUDA_DEVICE.fullmatch(value) or _TF_GPU_DEVICE.fullmatch(value):
            self._seen(Accelerator.GPU, node, f"`{node.value}`")
        elif value == "COLAB_TPU_ADDR":
            self._seen(Accelerator.TPU, node, "`COLAB_TPU_ADDR`")

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        """f'cuda:{rank}', f'/gpu:{i}'."""
        text = "".join(
            part.value if isinstance(part, cst.FormattedStringText) else "{}" for part in node.parts
        )
        if _CUDA_DEVICE.fullmatch(text) or _TF_GPU_DEVICE.fullmatch(text):
            self._seen(Accelerator.GPU, node, f"`{text}`")

    def visit_Expr(self, node: cst.Expr) -> None:
        """Skip docstrings and other bare strings: prose, not code."""
        value = node.value
        while isinstance(value, cst.ConcatenatedString):
            self._ignored.add(value.left)
            value = value.right
        if isinstance(value, cst.SimpleString):
            self._ignored.add(value)

    # --- Positions and the report ----------------------------------------------------------------

    def wants_positions(self) -> bool:
        """Positions are needed only for a unit's first use of an accelerator not seen before."""
        return any(kind not in self._first for kind, _node, _what in self._unit_nodes)

    def end_unit(self, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        """Keep the first use (in the unit's text) of each accelerator kind."""
        super().end_unit(positions)
        context = self.context
        assert context is not None
        for kind, node, what in self._unit_nodes:
            self._record(kind, context, *self.node_span(node), what)
        self._unit_nodes = []

    def _record(
        self, kind: Accelerator, context: UnitContext, start: int, end: int, what: str
    ) -> None:
        known = self._first.get(kind)
        if known is None or (known.context.unit.index, known.start) > (context.unit.index, start):
            self._first[kind] = _Use(context, start, end, what)

    def end_document(self) -> None:
        """Report the first use of the accelerator the notebook needs when its metadata asks for
        none, or for the other one."""
        if not self._first or self._metadata is None:
            return
        metadata = self._metadata
        asked = asked_accelerator(metadata)
        # TPU code almost always detects the TPU and falls back to a GPU (or the CPU), while GPU
        # code rarely mentions a TPU: a notebook with both is a TPU notebook, and one that uses a
        # TPU is content with either accelerator.
        if asked is not None and (asked in self._first or Accelerator.TPU in self._first):
            return
        needed = Accelerator.TPU if Accelerator.TPU in self._first else Accelerator.GPU
        use = self._first[needed]
        edits = [MetadataEdit(("accelerator",), needed.value)]
        colab = metadata.get("colab")
        if needed is Accelerator.GPU and (colab is None or isinstance(colab, dict)):
            edits.append(MetadataEdit(("colab", "gpuType"), FREE_GPU_TYPE))
        if asked is None:
            problem = "the notebook's metadata does not ask Colab for one, so every new runtime "
            problem += "starts on CPU"
            safety = self.entry.fix
        else:
            problem = f"the notebook's metadata asks Colab for a {asked.value}"
            # The code may use the other accelerator in a way nbport does not see.
            safety = FixSafety.UNSAFE
        choice = f"a {needed.value} ({FREE_GPU_TYPE})" if needed is Accelerator.GPU else "a TPU"
        message = (
            f"uses a {needed.value} ({use.what}) but {problem}; pick {choice} under Runtime > "
            "Change runtime type and save the notebook, or let `nbport fix` set it"
        )
        self.report(use.start, use.end, message, metadata=edits, safety=safety, context=use.context)


def asked_accelerator(metadata: Mapping[str, Any]) -> Accelerator | None:
    """The accelerator a notebook's metadata asks Colab for: `accelerator`, else the GPU or TPU
    type in `colab.gpuType`; None for none (or `"CPU"`, `"None"`)."""
    value = metadata.get("accelerator")
    if isinstance(value, str):
        for kind in Accelerator:
            if value.strip().upper() == kind.value:
                return kind
    colab = metadata.get("colab")
    gpu_type = colab.get("gpuType") if isinstance(colab, dict) else None
    if isinstance(gpu_type, str) and gpu_type.strip():
        return Accelerator.TPU if _TPU_TYPE.fullmatch(gpu_type.strip()) else Accelerator.GPU
    return None


def _literal(node: cst.SimpleString) -> str | None:
    """The value of a plain (not bytes) string literal, or None."""
    prefix = node.prefix.lower()
    if "b" in prefix:
        return None
    value = node.raw_value
    return value if "\\" not in value or "r" in prefix else None


def _string(node: cst.BaseExpression) -> str | None:
    return _literal(node) if isinstance(node, cst.SimpleString) else None


def _word_kind(value: str | None) -> Accelerator | None:
    if value is None:
        return None
    word = value.strip().lower()
    if word in _GPU_WORDS or _CUDA_DEVICE.fullmatch(word):
        return Accelerator.GPU
    if word in _TPU_WORDS:
        return Accelerator.TPU
    return None


def _device_kind(node: cst.BaseExpression | None) -> Accelerator | None:
    """`'GPU'`/`'gpu'` or `'TPU'`/`'tpu'` as a device type."""
    value = _string(node) if node is not None else None
    if value is None:
        return None
    word = value.strip().upper()
    return Accelerator(word) if word in ("GPU", "TPU") else None


def _first_argument(node: cst.Call, *keywords: str) -> cst.BaseExpression | None:
    for arg in node.args:
        if arg.keyword is None and arg.star == "":
            return arg.value
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value
    return None


def _asks_for_devices(node: cst.BaseExpression) -> bool:
    """`gpus=1`, `gpus=-1`, `gpus=[0]`, `tpu_cores=8`: not `0`, `None` or an empty list."""
    if isinstance(node, cst.Integer):
        return node.value not in ("0", "0x0")
    if isinstance(node, cst.UnaryOperation) and isinstance(node.expression, cst.Integer):
        return True
    if isinstance(node, cst.List | cst.Tuple):
        return bool(node.elements)
    string = _string(node)
    return string is not None and string.strip() not in ("", "0")


def _name_kind(name: str) -> Accelerator | None:
    """The accelerator a function or class name is about: `gpu_device_name`, `TPUStrategy`."""
    if name in _GPU_FUNCTIONS:
        return Accelerator.GPU
    if name in _TPU_NAMES or _TPU_CLASS.fullmatch(name):
        return Accelerator.TPU
    return None


def _is_torch(node: cst.BaseExpression, torch_names: set[str]) -> bool:
    """`torch` (under any alias) or `torch.backends`."""
    if isinstance(node, cst.Attribute) and node.attr.value == "backends":
        node = node.value
    return isinstance(node, cst.Name) and node.value in torch_names


def _is_torch_cuda(node: cst.BaseExpression, torch_names: set[str]) -> bool:
    return (
        isinstance(node, cst.Attribute)
        and node.attr.value == "cuda"
        and isinstance(node.value, cst.Name)
        and node.value.value in torch_names
    )
