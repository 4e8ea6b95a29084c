"""NBP201 keras-mixed: standalone `keras` imported where the code also uses `tf.keras`, and the two
are different installations: TensorFlow before 2.16 (Colab's runtime, or a pin in the file), or
legacy Keras switched on (`import tf_keras`, `TF_USE_LEGACY_KERAS=1`). Since TensorFlow 2.16,
`tf.keras` is the installed Keras 3 itself, the one `import keras` gives: then the mix is fine."""

from __future__ import annotations

import ast

from nbport.escapes import Escape, EscapeKind
from nbport.finding import Edit
from nbport.rules.base import Rule, Spot
from nbport.rules.calls import full_name
from nbport.rules.fixes import rename_from_module
from nbport.rules.pip import pip_installs, specifier_only_below
from nbport.rules.tables import rule_table

#: The modules below and the messages, in `keras_mixed.toml` beside this module.
_TABLE = rule_table(__file__)
#: Standalone-Keras modules whose `tensorflow.keras` twin exists under the same name in TF 2.
_PUBLIC_MODULES = frozenset(_TABLE["public_modules"])
#: What the findings say.
_MESSAGES = _TABLE["messages"]
#: TensorFlow APIs that take a `tf.keras` model only: their use is evidence of `tf.keras`.
_TENSORFLOW_APIS_NEEDING_TF_KERAS = frozenset({"keras_to_tpu_model"})
#: The first TensorFlow whose `tf.keras` is the installed Keras 3 (unless legacy Keras is on).
_ONE_KERAS = tuple(_TABLE["one-keras-since"])
#: The TensorFlow distributions whose pin decides which `tf.keras` the file gets.
_TENSORFLOW_DISTRIBUTIONS = frozenset(_TABLE["tensorflow-distributions"])
#: The environment variable that makes `tf.keras` legacy Keras 2 (`tf_keras`), and the values
#: TensorFlow takes as "on" (`tensorflow/python/util/lazy_loader.py`).
_LEGACY_VARIABLE = "TF_USE_LEGACY_KERAS"
_LEGACY_ON = frozenset({"1", "true", "True"})
_LEGACY_PACKAGE = "tf_keras"


class KerasMixedRule(Rule):
    """Collects standalone and `tf.keras` use over the whole file; reports the standalone imports
    once the file is known to use `tf.keras` too."""

    def __init__(self) -> None:
        #: Each standalone import: where, its module, and the edit that imports it from tf.keras.
        self._standalone: list[tuple[Spot, str, Edit | None]] = []
        #: The first use of tf.keras, and where: `tf.keras` at cell 3, line 2.
        self._evidence: str | None = None
        #: Why the file's tf.keras is not the Keras of `import keras`: the first pin of an older
        #: TensorFlow, or switch to legacy Keras, and where.
        self._apart: str | None = None

    def _tf_keras(self, what: str, node: ast.stmt | ast.expr) -> None:
        if self._evidence is None:
            self._evidence = f"{what} at {self.unit.place(node)}"

    def _keras_apart(self, kind: str, node: ast.stmt | ast.expr | Escape, **values: str) -> None:
        """Note the first reason (`kind`: `pinned` or `legacy`) why tf.keras is not `keras`."""
        if self._apart is None:
            if isinstance(node, Escape):
                where = self.unit.location(node.start)
                place = (
                    f"line {where.line}"
                    if where.cell is None
                    else f"cell {where.cell}, line {where.line}"
                )
            else:
                place = self.unit.place(node)
            self._apart = _MESSAGES[kind].format(place=place, **values)

    def check_escape(self, escape: Escape) -> None:
        """`!pip install tensorflow==2.15`, `%pip install "tensorflow<2.16"`;
        `%env TF_USE_LEGACY_KERAS=1`."""
        if escape.kind is EscapeKind.LINE_MAGIC and escape.name in ("env", "set_env"):
            name, _, value = escape.args.replace("=", " ", 1).partition(" ")
            if name == _LEGACY_VARIABLE and value.strip().strip("'\"") in _LEGACY_ON:
                self._keras_apart("legacy", escape, what=f"`%{escape.name} {escape.args.strip()}`")
            return
        for _, _, pip in pip_installs(escape, self.unit.unit.text):
            for requirement in pip.requirements():
                name = requirement.name
                if name in _TENSORFLOW_DISTRIBUTIONS and requirement.only_below(_ONE_KERAS):
                    self._keras_apart("pinned", escape, pin=requirement.word.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        """`os.environ["TF_USE_LEGACY_KERAS"] = "1"`."""
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript)
                and _is_environ(target.value)
                and _constant(target.slice) == _LEGACY_VARIABLE
                and _constant(node.value) in _LEGACY_ON
            ):
                self._keras_apart("legacy", node, what=_shown(self.source(node)))

    def visit_Call(self, node: ast.Call) -> None:
        """`os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")`,
        `os.environ.update({"TF_USE_LEGACY_KERAS": "1"})`."""
        func = node.func
        if not isinstance(func, ast.Attribute) or not _is_environ(func.value):
            return
        pairs: list[tuple[object, object]] = []
        if func.attr == "setdefault" and len(node.args) == 2:
            pairs = [(_constant(node.args[0]), _constant(node.args[1]))]
        elif func.attr == "update":
            given = node.args[0] if node.args else None
            if isinstance(given, ast.Dict):
                pairs = [
                    (_constant(k), _constant(v))
                    for k, v in zip(given.keys, given.values, strict=True)
                ]
            pairs += [(keyword.arg, _constant(keyword.value)) for keyword in node.keywords]
        if any(key == _LEGACY_VARIABLE and value in _LEGACY_ON for key, value in pairs):
            self._keras_apart("legacy", node, what=_shown(self.source(node)))

    def visit_Import(self, node: ast.Import) -> None:
        """`import keras`, `import keras.backend as K`, `import tensorflow.keras`."""
        for alias in node.names:
            name = alias.name
            if name == _LEGACY_PACKAGE or name.startswith(f"{_LEGACY_PACKAGE}."):
                self._keras_apart("legacy", node, what=f"`import {name}`")
            elif name.startswith("tensorflow.keras"):
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
        if module == _LEGACY_PACKAGE or module.startswith(f"{_LEGACY_PACKAGE}."):
            self._keras_apart("legacy", node, what=f"`from {module} import ...`")
        elif module == "tensorflow" and any(alias.name == "keras" for alias in node.names):
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
        """Report the standalone imports if the file also uses tf.keras, and the two are apart."""
        if self._evidence is None:
            return
        runtime_apart = self._runtime_apart()
        apart = self._apart or runtime_apart
        if apart is None:
            return
        tensorflow = self.runtime.describe("tensorflow")
        today = "" if runtime_apart or not tensorflow else _MESSAGES["today"]
        for spot, module, edit in self._standalone:
            hint = _MESSAGES["fixable" if edit is not None else "by-hand"]
            message = _MESSAGES["standalone"].format(
                module=module,
                evidence=self._evidence,
                apart=apart,
                hint=hint,
                today=today.format(tensorflow=tensorflow),
            )
            self.report(spot, message, edits=[edit])

    def _runtime_apart(self) -> str | None:
        """Why the runtime's own TensorFlow keeps tf.keras apart (older than 2.16), or None."""
        version = self.runtime.version_of("tensorflow")
        if version is None or not specifier_only_below(f"=={version}", _ONE_KERAS):
            return None
        return _MESSAGES["runtime"].format(
            runtime=self.runtime.label, tensorflow=self.runtime.describe("tensorflow")
        )


def _shown(source: str) -> str:
    """A statement as a message quotes it: on one line, in backticks."""
    return f"`{' '.join(source.split())}`"


def _is_environ(node: ast.expr) -> bool:
    """`os.environ` (or `environ` after `from os import environ`)."""
    name = full_name(node)
    return name in ("os.environ", "environ")


def _constant(node: ast.expr | None) -> object:
    """The value of a constant (`"1"`), None for anything else."""
    return node.value if isinstance(node, ast.Constant) else None


def _import_replacement(name: str, asname: str | None) -> str | None:
    """`import keras` → `from tensorflow import keras`; `import keras.backend as K` → ...`as K`."""
    if name not in _PUBLIC_MODULES:
        return None
    if name == "keras" or not asname:
        # `import keras.layers` binds the name `keras`, as `from tensorflow import keras` does.
        return "from tensorflow import keras" + (f" as {asname}" if asname else "")
    parent, _, leaf = f"tensorflow.{name}".rpartition(".")
    return f"from {parent} import {leaf} as {asname}"
