"""NBP301 accelerator-missing: a notebook uses a GPU or TPU but does not ask Colab for one.

The words and patterns it reads as uses are in `accelerator_missing.toml` beside it. Names count
wherever the code spells them, in imports too (`from tensorflow.contrib.tpu import x`), and strings
one literal at a time as written (`'cu' 'da'` names no device: `nbport.rules.strings`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

from nbport.documents.base import MetadataDocument
from nbport.escapes import Escape, EscapeKind
from nbport.finding import FixSafety, MetadataEdit
from nbport.rules.base import Node, Spot
from nbport.rules.calls import full_name
from nbport.rules.colab_metadata import FREE_GPU_TYPE, Accelerator, asked_accelerator
from nbport.rules.strings import Literal, LiteralRule, plain_string
from nbport.rules.tables import rule_table
from nbport.rules.tokens import import_names, tokens

_DATA = rule_table(__file__)
_LISTS = {key: frozenset(words) for key, words in _DATA["lists"].items()}
_PATTERNS = {key: re.compile(pattern) for key, pattern in _DATA["patterns"].items()}
#: Text that every name that is a use holds.
_NAME_USE = re.compile("(?i)cuda|gpu|tpu|set_memory_growth")
_GPU_DEVICES = (_PATTERNS["cuda_device"], _PATTERNS["tf_gpu_device"])
_Where = Node | Escape | tuple[int, int]


class AcceleratorMissingRule(LiteralRule):
    """Finds the first use of a GPU and of a TPU in a notebook; reports once, in `end_document`,
    if the notebook's metadata does not ask Colab for the accelerator it uses."""

    #: Text every string that is a use holds.
    literal_filter = re.compile("(?i)cuda|gpu|colab_tpu_addr")

    def __init__(self) -> None:
        self._first: dict[Accelerator, tuple[Spot, str]] = {}
        self._metadata: Mapping[str, Any] = {}
        #: `torch.cuda` of seed calls: seeding a GPU that may not be there is no use.
        self._skipped: set[ast.AST] = set()

    def begin_document(self) -> bool:
        """Only notebooks have metadata to ask Colab with, and one that asks for a GPU is content
        whatever it uses (see `end_document`)."""
        self._metadata = getattr(self.document, "metadata", {})
        gpu = asked_accelerator(self._metadata) is Accelerator.GPU
        return isinstance(self.document, MetadataDocument) and not gpu

    def _seen(self, kind: str | Accelerator, where: _Where, what: str) -> None:
        """Keep the first use of each accelerator in the notebook."""
        known = self._first.get(Accelerator(kind))
        if known is None or known[0].unit is self.unit:  # else an earlier unit used it first
            spot = self.spot_of(where)
            if known is None or known[0].start > spot.start:
                self._first[Accelerator(kind)] = (spot, what)

    def check_escape(self, escape: Escape) -> None:
        """`!nvidia-smi`, `!nvcc --version`, `x = !nvidia-smi`, `%sx nvidia-smi`."""
        magic = escape.kind is EscapeKind.LINE_MAGIC and escape.name in ("sx", "system")
        shell = escape.kind in (EscapeKind.SHELL, EscapeKind.SHELL_CAPTURE)
        command = escape.args if magic else escape.body if shell else ""
        if match := _PATTERNS["gpu_command"].search(command):
            self._seen(Accelerator.GPU, escape, f"`!{match[1]}`")

    def _is_torch(self, node: ast.expr, backends: bool = True) -> bool:
        """`torch` under any name it was imported as (or `torch.backends`, with `backends`)."""
        if backends and isinstance(node, ast.Attribute) and node.attr == "backends":
            node = node.value
        return isinstance(node, ast.Name) and "torch" in (node.id, self.names.binding(node.id))

    def visit_Attribute(self, node: ast.Attribute, where: _Where | None = None) -> None:
        """`torch.cuda.*`, `torch.backends.cuda`, `tf.test.gpu_device_name`, `tf.tpu`."""
        owner = node.value
        parent = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if node.attr == "cuda" and self._is_torch(owner) and node not in self._skipped:
            self._seen(Accelerator.GPU, where or node, f"`{full_name(node)}`")
        elif node.attr == "tpu" and parent in _LISTS["tpu_parents"]:
            self._seen(Accelerator.TPU, where or node, f"`{full_name(node)}`")
        elif kind := _kind(node.attr):
            self._seen(kind, where or node, f"`{node.attr}`")

    def visit_Name(self, node: ast.Name, where: _Where | None = None) -> None:
        """`TPUClusterResolver(...)`, `set_memory_growth` imported by name."""
        if kind := _kind(node.id):
            self._seen(kind, where or node, f"`{node.id}`")

    def visit_arg(self, node: Any) -> None:
        """A name spelled in the code but not as an `ast.Name`, which counts as any name does:
        `def f(TPUStrategy)`, `f(set_memory_growth=1)`, `class TPUTrainer:`, `global x`, `case x`."""
        names = [getattr(node, key, None) or "" for key in ("arg", "name", "rest")]
        wanted = {name: _kind(name) for name in names + getattr(node, "names", []) if _kind(name)}
        for token in tokens(self.unit, node) if wanted else ():
            if kind := wanted.pop(token.text, None):
                self._seen(kind, (token.start, token.end), f"`{token.text}`")

    visit_keyword = visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_arg
    visit_Global = visit_Nonlocal = visit_ExceptHandler = visit_arg
    visit_MatchAs = visit_MatchStar = visit_MatchMapping = visit_arg

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        """`import cupy`, `import torch_xla.core.xla_model as xm`, `from jax.tools import colab_tpu`,
        and the names an import spells, read as in code (`from tensorflow.contrib.tpu import x`)."""
        modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and not node.level and node.module is not None:
            modules = [node.module]
            if node.module == "jax.tools" and "colab_tpu" in (alias.name for alias in node.names):
                self._seen(Accelerator.TPU, node, "`jax.tools.colab_tpu`")
        for root in (module.partition(".")[0] for module in modules):
            if root in _DATA["modules"]:
                self._seen(_DATA["modules"][root], node, f"`{root}`")
        spelled = import_names(self.unit, node) if _NAME_USE.search(self.source(node)) else ()
        for name, start, end in spelled:
            getattr(self, f"visit_{type(name).__name__}")(name, (start, end))

    visit_ImportFrom = visit_Import

    def visit_Call(self, node: ast.Call) -> None:
        """`.cuda()`, `list_physical_devices('GPU')`, `jax.devices('tpu')`, `device='cuda'`."""
        func = node.func
        attr, owner = (func.attr, func.value) if isinstance(func, ast.Attribute) else ("", func)
        if attr == "cuda" and not self._is_torch(owner, backends=False):
            self._seen(Accelerator.GPU, node, "`.cuda()`")
        elif (
            attr in _LISTS["seeding"] and isinstance(owner, ast.Attribute) and owner.attr == "cuda"
        ):
            if self._is_torch(owner.value, backends=False):
                self._skipped.add(owner)
        elif attr in _LISTS["device_listings"]:
            positional = [value for value in node.args if not isinstance(value, ast.Starred)]
            named = [k.value for k in node.keywords if k.arg in ("device_type", "backend")]
            device = (plain_string(self.unit, [*positional, *named, None][0]) or "").strip().upper()
            if device in ("GPU", "TPU"):
                self._seen(device, node, f"`{attr}({device!r})`")
        for keyword in node.keywords:
            if keyword.arg in _LISTS["device_keywords"]:
                value = plain_string(self.unit, keyword.value)
                word = (value or "").strip().lower()
                cuda = value is not None and _PATTERNS["cuda_device"].fullmatch(word)
                if kind := _DATA["device_words"].get(word) or ("GPU" if cuda else None):
                    self._seen(kind, keyword, f"`{keyword.arg}={value!r}`")
            elif keyword.arg in _DATA["device_counts"] and self._asks_for_devices(keyword.value):
                self._seen(_DATA["device_counts"][keyword.arg], keyword, f"`{keyword.arg}=`")

    def _asks_for_devices(self, node: ast.expr) -> bool:
        """`gpus=1`, `gpus=-1`, `gpus=[0]`, `tpu_cores=8`: not `0`, `None` or an empty list."""
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.operand, ast.Constant) and type(node.operand.value) is int
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return self.source(node) not in ("0", "0x0")
        if isinstance(node, (ast.List, ast.Tuple)):
            return bool(node.elts)
        return (plain_string(self.unit, node) or "0").strip() not in ("", "0")

    def check_literal(self, literal: Literal, string: ast.expr, prose: bool) -> None:
        """'cuda', 'cuda:0', '/gpu:0', '/device:GPU:0', f'cuda:{rank}', 'COLAB_TPU_ADDR' as values
        of the code; the plain literals of a docstring are prose (its f-strings still count)."""
        where, fstring = (literal.start, literal.end), "f" in literal.prefix.lower()
        text = literal.template if fstring else (None if prose else literal.plain)
        if text is not None and any(device.fullmatch(text) for device in _GPU_DEVICES):
            self._seen(Accelerator.GPU, where, f"`{text if fstring else literal.text}`")
        elif text == "COLAB_TPU_ADDR" and not fstring:
            self._seen(Accelerator.TPU, where, "`COLAB_TPU_ADDR`")

    def end_document(self) -> None:
        """Report the first use of the accelerator the notebook needs when its metadata asks for
        none, or for the other one."""
        asked = asked_accelerator(self._metadata)
        # TPU code almost always detects the TPU and falls back to a GPU (or the CPU), while GPU
        # code rarely mentions a TPU: a notebook with both is a TPU notebook, and one that uses a
        # TPU is content with either accelerator.
        if not self._first or (asked and (asked in self._first or Accelerator.TPU in self._first)):
            return
        needed = Accelerator.TPU if Accelerator.TPU in self._first else Accelerator.GPU
        edits = [MetadataEdit(("accelerator",), needed.value)]
        colab = self._metadata.get("colab")
        if needed is Accelerator.GPU and (colab is None or isinstance(colab, dict)):
            edits.append(MetadataEdit(("colab", "gpuType"), FREE_GPU_TYPE))
        problem = "does not ask Colab for one, so every new runtime starts on CPU"
        problem = f"asks Colab for a {asked.value}" if asked else problem
        choice = f"a GPU ({FREE_GPU_TYPE})" if needed is Accelerator.GPU else "a TPU"
        where, what = self._first[needed]
        self.report(
            where,
            f"uses a {needed.value} ({what}) but the notebook's metadata {problem}; pick {choice} "
            "under Runtime > Change runtime type and save the notebook, or let `nbport fix` set it",
            metadata=edits,
            # Switching accelerators is unsafe: the code may use the other one in a way not seen.
            safety=FixSafety.UNSAFE if asked else None,
        )


def _kind(name: str) -> str | None:
    """The accelerator a function or class name is about (`gpu_device_name`, `TPUStrategy`)."""
    return _DATA["names"].get(name) or ("TPU" if _PATTERNS["tpu_class"].fullmatch(name) else None)
