"""NBP202 tf1-api: TensorFlow 1 API used through the `tensorflow` module, which Colab's TF 2 lacks.

Findings wait for `end_document`: a name that the file binds to `tensorflow.compat.v1` anywhere (in
one branch of a `try`, say) is the TF 1 API on purpose, and nothing reached through it is reported.
"""

from __future__ import annotations

import ast

from nbport.finding import Edit, FixSafety
from nbport.rules import tf_api
from nbport.rules.base import Node, Rule, Spot
from nbport.rules.fixes import from_module_span, insert_after, rename_from_module
from nbport.rules.names import dotted_name
from nbport.rules.tf_graph import GraphUse

_V1 = "tensorflow.compat.v1"
_GONE = "gone from Colab's TensorFlow 2"
_Edits = tuple[Edit | None, ...]


def _gone(written: str, advice: str, legacy_keras: str | None = None) -> str:
    """The message for TF 1 API `written`; `legacy_keras` names it where legacy Keras serves it."""
    if legacy_keras is not None:
        return f"`{written}` is TF 1 API, {_GONE}; `{legacy_keras}` {tf_api.LEGACY_KERAS_HINT}"
    return f"`{written}` is TF 1 API, {_GONE}: {advice}"


class Tf1ApiRule(tf_api.VersionChecks, Rule):
    """Reports TF1-only names reached through `tensorflow`, and renames them to their TF 2 home.
    Code in a branch of `if tf.executing_eagerly():` (`tf_api.VersionChecks`) is left alone."""

    def __init__(self) -> None:
        super().__init__()
        self._table = tf_api.symbol_table()
        self._graph = GraphUse()
        #: Findings for `end_document`, each with the name it is reached through (None: an import).
        self._pending: list[tuple[str | None, Spot, str, _Edits, FixSafety | None]] = []
        #: The inner part of the attribute chain read last, which the walk visits next.
        self._inner: ast.expr | None = None

    def visit_Import(self, node: ast.Import) -> None:
        """`import tensorflow.contrib.x`; `import tensorflow as tf`, where graph mode goes on."""
        for alias in node.names:
            package, *inner = alias.name.split(".")
            if package in ("tensorflow", "keras"):
                self._graph.note_api(inner if package == "tensorflow" else [package, *inner])
            skip = package != "tensorflow" or (inner == ["compat", "v1"] and alias.asname)
            if skip or self._removed(alias, None, alias.name, inner):
                continue
            if alias.asname and (found := self._table.lookup(inner)):  # `L.x` is not reported
                path = ".".join(inner[: found[0]])
                self._found(alias, None, _gone(alias.name, f"use `tf.compat.v1.{path}`"))
            elif self._graph.anchor is None and not self.in_version_check:
                tf = alias.asname or "tensorflow"
                if tf_api.tf2_path(alias.name if alias.asname else tf) == []:  # `tf` itself
                    call = f"{tf}.compat.v1.disable_eager_execution()"
                    self._graph.anchor = (self.spot(node), tf, insert_after(self.unit, node, call))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """`from tensorflow import Session`, `from tensorflow.contrib import rnn`, ..."""
        module = node.module or ""
        package, *inner = module.split(".")
        if node.level or package not in ("tensorflow", "keras"):
            return
        inner = inner if package == "tensorflow" else [package, *inner]
        for alias in node.names:
            self._graph.note_api([*inner, *([] if alias.name == "*" else [alias.name])])
        if package == "keras" or inner[:1] == ["compat"]:
            return
        if tf_api.removed_module(inner) is not None:
            if not all(tf_api.is_legacy_tpu([*inner, alias.name]) for alias in node.names):
                span = from_module_span(self.unit, node)
                self._removed(Spot(self.unit, *span) if span else node, None, module, inner)
        elif found := self._table.lookup(inner):
            self._import_finding(node, node, inner[: found[0]], found[1])  # `tensorflow.logging`
        else:
            for alias in node.names:
                path = [*inner, alias.name]
                if self._removed(alias, None, f"{module}.{alias.name}", path):
                    continue
                if symbol := self._table.symbols.get(".".join(path)):
                    self._import_finding(node, alias, path, symbol)

    def _import_finding(
        self, node: ast.ImportFrom, where: Node, path: list[str], symbol: tf_api.Symbol
    ) -> None:
        """A TF1-only name in a `from tensorflow... import`, fixed by importing it from
        `tensorflow.compat.v1` when the statement imports that one name only."""
        module = node.module or ""
        written = module if where is node else f"{module}.{path[-1]}"
        new_module = _V1 + module[len("tensorflow") :]
        legacy = f"{_V1}.{'.'.join(path)}" if symbol.legacy_keras else None
        message = _gone(written, f"import it from `{new_module}`", legacy)
        fixable = where is node or (len(node.names) == 1 and symbol.v2 is None)
        edits = (rename_from_module(self.unit, node, new_module),) if fixable else ()
        self._found(where, None, message, edits, unsafe=legacy is not None)
        self._graph_use(path[-1] if len(path) == 1 else "", written, where)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """`tf.Session`, `tf.train.AdamOptimizer`, `tf.layers.conv2d`, ... read once per chain."""
        # The walk visits `node.value` right after `node`: the inner parts of a chain come next.
        inner, self._inner = self._inner, node.value
        if node is inner:
            return
        name, attributes = node.value, [node.attr]
        while isinstance(name, ast.Attribute):
            attributes.insert(0, name.attr)
            name = name.value
        if not isinstance(name, ast.Name) or (bound := self.names.binding(name.id)) is None:
            return  # most chains: `self.x`, `model.fit`, `x.shape`
        root, base = name.id, tf_api.tf2_path(bound)
        dotted = ".".join([root, *attributes])
        if bound == _V1:
            self._graph.note_api(attributes)  # the TF 1 API on purpose: what it says of graphs
        if base is None:
            return
        parts = [*base, *attributes]
        self._graph.note_api(parts)
        if parts[:2] == ["compat", "v1"] and len(parts) > 2:
            # Already ported (`tf.compat.v1.placeholder`) but still a graph eager TF 2 refuses.
            self._graph_use(parts[2], f"{root}.{'.'.join(parts[:3])}", node)
        found = None if self._removed(node, root, dotted, parts) else self._table.lookup(parts)
        if found is None:
            return
        length, symbol = found
        path = ".".join(parts[:length])
        if base:  # `train.X` after `from tensorflow import train`: no `tf` to rename it through
            self._found(node, root, _gone(path, f"use `tf.compat.v1.{path}`"))
            self._graph_use(path if length == 1 else "", path, node)
            return
        prefix, depth = node, len(parts) - length  # `tf.train` spells `train` of `tf.train.X`
        while depth and isinstance(prefix.value, ast.Attribute):
            prefix, depth = prefix.value, depth - 1
        written, new = f"{root}.{path}", f"{root}.{symbol.v2 or 'compat.v1.' + path}"
        legacy = new if symbol.legacy_keras and symbol.v2 is None else None
        message = _gone(written, f"use `{new}`" + (", its TF 2 name" if symbol.v2 else ""), legacy)
        # Renamed only where written plainly: `tf.train.X`, not `tf . train.X`.
        edits = (self.edit(prefix, new) if self.source(prefix) == written else None,)
        self._found(prefix, root, message, edits, unsafe=legacy is not None)
        self._graph_use(path if length == 1 else "", written, prefix)

    def visit_Call(self, node: ast.Call) -> None:
        """`sess.run(...)` and `x.numpy()` tell about graphs; `dataset.make_one_shot_iterator()` is
        a `Dataset` method TF 2 removed."""
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _CALLS:
            return
        method = func.attr
        receiver = (dotted_name(func.value) or "").partition(".")[0]
        through_tf = tf_api.tf2_path(self.names.binding(receiver)) is not None
        self._graph.note_call(method, receiver, through_tf, bool(node.args))
        if method not in tf_api.DATASET_METHODS or through_tf:
            return  # `tf.data.make_one_shot_iterator(dataset)` is the TF 2 spelling
        tf_names = self.names.names_bound_to("tensorflow")
        tf_names += self.names.names_bound_to("tensorflow.compat.v2")
        if not tf_names or f"data.{method}" not in self._table.symbols:
            return  # no `tf` to write the fix with
        function = f"{tf_names[0]}.compat.v1.data.{method}"
        message = f"`.{method}()` is a TF 1 Dataset method, {_GONE}: use `{function}(dataset)`"
        edit = self.edit(node, f"{function}({self.source(func.value)})")
        self._found(node, tf_names[0], message, () if node.args or node.keywords else (edit,))
        self._graph_use(method, f".{method}()", node)

    def _removed(self, at: Node | Spot, root: str | None, written: str, parts: list[str]) -> bool:
        """Whether `tf.<parts>` lies in a module TF 2 removed; reported unless it is a legacy TPU
        name (NBP203's)."""
        advice = tf_api.removed_module(parts)
        if advice is not None and not tf_api.is_legacy_tpu(parts):
            self._found(at, root, f"`{written}`: {advice}")
        return advice is not None

    def _found(
        self, at: Node | Spot, root: str | None, text: str, edits: _Edits = (), unsafe: bool = False
    ) -> None:
        """Keep a finding for `end_document`, unless a version check guards the code."""
        if not self.in_version_check:
            spot = at if isinstance(at, Spot) else self.spot(at)
            self._pending.append((root, spot, text, edits, FixSafety.UNSAFE if unsafe else None))

    def _graph_use(self, name: str, written: str, node: Node) -> None:
        """A use of `tf.<name>` (of a longer path: `name` is ""), written `written`."""
        if not self.in_version_check:
            self._graph.note_use(name, lambda: f"`{written}` at {self.unit.place(node)}")

    def end_document(self) -> None:
        """Report the TF1-only uses (not those through a TF 1 name), then the missing graph mode."""
        v1_names = set(self.names.names_ever_bound_to(_V1))
        for root, spot, message, edits, safety in self._pending:
            if root not in v1_names:
                self.report(spot, message, edits=edits, safety=safety)
        if switch := self._graph.switch(v1_names):
            spot, advice, edit, safety = switch
            self.report(spot, advice, edits=[edit], safety=safety)


#: The methods `visit_Call` reads.
_CALLS = frozenset({"run", "numpy", *tf_api.DATASET_METHODS})
