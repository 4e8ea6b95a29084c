"""NBP202 tf1-api: TensorFlow 1 API used through the `tensorflow` module, which Colab's TF 2 lacks.

Findings wait for `end_document`: a name that the file binds to `tensorflow.compat.v1` anywhere (in
one branch of a `try`, say) is the TF 1 API on purpose, and nothing reached through it is reported.
So do two kinds whose advice depends on the rest of the file: a TF 1 optimizer (`tf.train.
AdamOptimizer()`) that goes into a Keras model's `compile`, where Keras 3 rejects it even as
`tf.compat.v1.train.AdamOptimizer()`, and TF 2's `tf.summary.scalar` & co. called the TF 1 way in
a file that builds a TF 1 graph (`tf_graph`), where only `tf.compat.v1.summary.scalar` feeds
`merge_all`. The version facts (Colab's TensorFlow, whether it ships `tf_keras`) come from the
runtime table (`self.runtime`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from nbport.finding import Edit, FixSafety
from nbport.rules import tf_api
from nbport.rules.base import Node, Rule, Spot
from nbport.rules.fixes import from_module_span, insert_after, rename_from_module
from nbport.rules.names import dotted_name
from nbport.rules.tables import rule_table
from nbport.rules.tf_graph import GraphUse

_V1 = "tensorflow.compat.v1"
_Edits = tuple[Edit | None, ...]
#: The Keras optimizers and summary functions below, and the messages, in `tf1_api.toml`.
_TABLE = rule_table(__file__)
_MESSAGES = _TABLE["messages"]
#: TF 1 optimizer (path under `tf`) → how its Keras counterpart takes the same arguments.
_KERAS_OPTIMIZERS = _TABLE["keras-optimizers"]
#: TF 1 optimizers with no Keras counterpart (`train.ProximalAdagradOptimizer`).
_NO_KERAS_OPTIMIZER = frozenset(_TABLE["no-keras-optimizer"])
#: `tf.summary` functions TF 2 kept under the TF 1 name with another signature.
_SUMMARY_RESIGNED = frozenset(_TABLE["summary"]["resigned"])
#: Keywords only TF 2's signature of those takes: a call with one is TF 2 code.
_SUMMARY_V2_KEYWORDS = frozenset(_TABLE["summary"]["v2-keywords"])
#: TF 1 summary names that say the file collects summaries in a graph (`merge_all`, `FileWriter`).
_SUMMARY_GRAPH = frozenset(_TABLE["summary"]["graph"])
#: TF 2 summary writers: a file with one uses TF 2's summaries on purpose.
_SUMMARY_V2_WRITERS = frozenset(_TABLE["summary"]["v2-writers"])


@dataclass
class _Optimizer:
    """A TF 1 optimizer made by a call, kept until the file is read: does it go into Keras?"""

    root: str
    spot: Spot
    #: The message and edits for graph code (`tf.compat.v1.train.AdamOptimizer`).
    graph: tuple[str, _Edits]
    #: The message, edits and safety for Keras (`tf.keras.optimizers.Adam`), given the place of
    #: the `compile` it goes into.
    keras: tuple[str, _Edits, FixSafety | None]
    #: The name the optimizer is assigned to (`opt = tf.train.AdamOptimizer()`), if any.
    name: str | None
    #: The place of the `compile(...)` that takes the call itself, if one does.
    compiled: str | None


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
        #: The calls met, by the id of their `func`: the walk visits a call before its `func`.
        self._calls: dict[int, ast.Call] = {}
        #: TF 1 optimizers made by a call, judged once the file is read.
        self._optimizers: list[_Optimizer] = []
        #: What goes into a `compile(...)` as its optimizer: names, and ids of other expressions,
        #: with the place of that `compile`.
        self._compiled_names: dict[str, str] = {}
        self._compiled_nodes: dict[int, str] = {}
        #: `tf.summary.scalar(name, tensor)` & co.: (root, spot, written, edit), judged at the end.
        self._summaries: list[tuple[str, Spot, str, Edit | None]] = []
        #: The first TF 1 summary collection (`tf.summary.merge_all` at cell 3, line 1), if any.
        self._summary_graph: str | None = None
        self._summary_v2 = False

    @cached_property
    def _tensorflow(self) -> str:
        """`TensorFlow 2.20`: the runtime's, as messages name it."""
        return self.runtime.describe("tensorflow") or "TensorFlow 2"

    def _gone(self, written: str, advice: str, legacy_keras: str | None = None) -> str:
        """The message for TF 1 API `written`; `legacy_keras` names it where legacy Keras serves
        it."""
        gone = f"gone from Colab's {self._tensorflow}"
        if legacy_keras is not None:
            return f"`{written}` is TF 1 API, {gone}; `{legacy_keras}` {self._legacy_keras_hint}"
        return f"`{written}` is TF 1 API, {gone}: {advice}"

    @cached_property
    def _legacy_keras_hint(self) -> str:
        """What a name served by legacy Keras needs on the runtime: `TF_USE_LEGACY_KERAS=1`, and
        the `tf_keras` package where the runtime does not ship it."""
        keras = self.runtime.describe("keras") or "Keras 3"
        tf_keras = self.runtime.describe("tf-keras")
        if tf_keras is not None:
            # The package as people import it: `tf_keras 2.20`, not the distribution `tf-keras`.
            shipped = tf_keras.replace("tf-keras", "`tf_keras`", 1)
            return _MESSAGES["legacy-keras-shipped"].format(keras=keras, tf_keras=shipped)
        return _MESSAGES["legacy-keras-install"].format(keras=keras)

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
                self._found(alias, None, self._gone(alias.name, f"use `tf.compat.v1.{path}`"))
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
        message = self._gone(written, f"import it from `{new_module}`", legacy)
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
            self._summary_use(".".join(parts[2:4]), f"{root}.{'.'.join(parts[:4])}", node)
        found = None if self._removed(node, root, dotted, parts) else self._table.lookup(parts)
        if found is None:
            if not base:
                self._tf2_summary(node, root, parts)
            return
        length, symbol = found
        path = ".".join(parts[:length])
        self._summary_use(path, f"{root}.{path}", node)
        if base:  # `train.X` after `from tensorflow import train`: no `tf` to rename it through
            self._found(node, root, self._gone(path, f"use `tf.compat.v1.{path}`"))
            self._graph_use(path if length == 1 else "", path, node)
            return
        prefix, depth = node, len(parts) - length  # `tf.train` spells `train` of `tf.train.X`
        while depth and isinstance(prefix.value, ast.Attribute):
            prefix, depth = prefix.value, depth - 1
        written, new = f"{root}.{path}", f"{root}.{symbol.v2 or 'compat.v1.' + path}"
        legacy = new if symbol.legacy_keras and symbol.v2 is None else None
        message = self._gone(
            written, f"use `{new}`" + (", its TF 2 name" if symbol.v2 else ""), legacy
        )
        # Renamed only where written plainly: `tf.train.X`, not `tf . train.X`.
        edits = (self.edit(prefix, new) if self.source(prefix) == written else None,)
        call = self._calls.get(id(node)) if prefix is node else None
        optimizer = path in _KERAS_OPTIMIZERS or path in _NO_KERAS_OPTIMIZER
        if optimizer and call is not None and not self.in_version_check:
            self._optimizer(call, prefix, root, path, (message, edits))
        else:
            self._found(prefix, root, message, edits, unsafe=legacy is not None)
        self._graph_use(path if length == 1 else "", written, prefix)

    def _optimizer(
        self, call: ast.Call, prefix: ast.expr, root: str, path: str, graph: tuple[str, _Edits]
    ) -> None:
        """`tf.train.AdamOptimizer(...)`: kept with both advices until the file says whether it
        goes into Keras (`compile(optimizer=...)`) or into graph code (`.minimize(loss)`)."""
        written = f"{root}.{path}"
        spec = _KERAS_OPTIMIZERS.get(path)
        edits: _Edits | None = None
        if spec is None:
            advice = _MESSAGES["keras-none"]
        else:
            keras = f"{root}.keras.optimizers.{spec['keras']}"
            edits = self._keras_edits(call, prefix, written, keras, spec)
            kind = "keras-fixable" if edits is not None else "keras-by-hand"
            advice = _MESSAGES[kind].format(keras=keras, differs=spec["differs"])
        message = _MESSAGES["keras-optimizer"].format(
            written=written,
            gone=f"is TF 1 API, gone from Colab's {self._tensorflow}",
            place="{place}",
            v1=f"{root}.compat.v1.{path}",
            advice=advice,
        )
        statement = self.statement
        name = None
        if isinstance(statement, ast.Assign) and statement.value is call:
            targets = statement.targets
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                name = targets[0].id
        keras_side = (message, edits or (), FixSafety.UNSAFE if edits else None)
        compiled = self._compiled_nodes.get(id(call))
        self._optimizers.append(
            _Optimizer(root, self.spot(prefix), graph, keras_side, name, compiled)
        )

    def _keras_edits(
        self, call: ast.Call, prefix: ast.expr, written: str, keras: str, spec: dict[str, Any]
    ) -> _Edits | None:
        """The edits that make `call` the Keras optimizer `keras`, or None when an argument has
        no counterpart (`use_locking`, `*args`, more positional ones than mean the same)."""
        if len(call.args) > spec["positional"] or any(
            isinstance(argument, ast.Starred) for argument in call.args
        ):
            return None
        if self.source(prefix) != written:
            return None
        edits: list[Edit | None] = [self.edit(prefix, keras)]
        for keyword in call.keywords:
            if keyword.arg in spec["rename"]:
                new = spec["rename"][keyword.arg]
                edits.append(self.edit(keyword, f"{new}={self.source(keyword.value)}"))
            elif keyword.arg not in spec["keep"]:
                return None
        return None if None in edits else tuple(edits)

    def _tf2_summary(self, node: ast.Attribute, root: str, parts: list[str]) -> None:
        """`tf.summary.scalar('loss', loss)`: TF 2's function called the TF 1 way, kept until the
        file says whether it builds a TF 1 graph; `tf.summary.create_file_writer`: TF 2 on purpose."""
        if len(parts) != 2 or parts[0] != "summary" or self.in_version_check:
            return
        path = ".".join(parts)
        if path in _SUMMARY_V2_WRITERS:
            self._summary_v2 = True
            return
        call = self._calls.get(id(node))
        if parts[1] not in _SUMMARY_RESIGNED or call is None or len(call.args) > 2:
            return  # a third positional argument: TF 1's `collections` or TF 2's `step`
        if any(keyword.arg in _SUMMARY_V2_KEYWORDS for keyword in call.keywords):
            return
        written = f"{root}.{path}"
        new = f"{root}.compat.v1.{path}"
        edit = self.edit(node, new) if self.source(node) == written else None
        self._summaries.append((root, self.spot(node), written, edit))

    def _summary_use(self, path: str, written: str, node: Node) -> None:
        """`tf.summary.merge_all`, `tf.compat.v1.summary.FileWriter`: summaries collected in a
        TF 1 graph."""
        if path in _SUMMARY_GRAPH and self._summary_graph is None and not self.in_version_check:
            self._summary_graph = f"`{written}` at {self.unit.place(node)}"

    def visit_Call(self, node: ast.Call) -> None:
        """`sess.run(...)` and `x.numpy()` tell about graphs; `dataset.make_one_shot_iterator()` is
        a `Dataset` method TF 2 removed."""
        func = node.func
        self._calls[id(func)] = node
        if isinstance(func, ast.Attribute) and func.attr == "compile":
            self._compile(node)
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
        gone = f"gone from Colab's {self._tensorflow}"
        message = f"`.{method}()` is a TF 1 Dataset method, {gone}: use `{function}(dataset)`"
        edit = self.edit(node, f"{function}({self.source(func.value)})")
        self._found(node, tf_names[0], message, () if node.args or node.keywords else (edit,))
        self._graph_use(method, f".{method}()", node)

    def _compile(self, node: ast.Call) -> None:
        """`model.compile(optimizer=opt, ...)` or `model.compile(opt, ...)`: what goes into Keras."""
        optimizer = next(
            (keyword.value for keyword in node.keywords if keyword.arg == "optimizer"),
            node.args[0] if node.args else None,
        )
        if optimizer is None:
            return
        place = self.unit.place(node)
        if isinstance(optimizer, ast.Name):
            self._compiled_names.setdefault(optimizer.id, place)
        else:
            self._compiled_nodes[id(optimizer)] = place

    def begin_unit(self) -> None:
        """The ids of another unit's nodes are no longer theirs."""
        self._calls.clear()
        self._compiled_nodes.clear()

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

    def _report_summaries(self, v1_names: set[str]) -> None:
        """`tf.summary.scalar(name, tensor)` in a file that builds a TF 1 graph and collects its
        summaries, or runs it in a `Session`; not where TF 2's summary writers are used."""
        graph = self._summary_graph
        if graph is None and (self._graph.has_input or self._graph.has_session):
            graph = self._graph.first_use
        if graph is None or self._summary_v2:
            return
        for root, spot, written, edit in self._summaries:
            if root in v1_names:
                continue
            v1 = written.replace(".summary.", ".compat.v1.summary.", 1)
            message = _MESSAGES["summary"].format(
                written=written, v1=v1, graph=graph, tensorflow=self._tensorflow
            )
            self.report(spot, message, edits=[edit])

    def end_document(self) -> None:
        """Report the TF1-only uses (not those through a TF 1 name), then the missing graph mode."""
        v1_names = set(self.names.names_ever_bound_to(_V1))
        for root, spot, message, edits, safety in self._pending:
            if root not in v1_names:
                self.report(spot, message, edits=edits, safety=safety)
        for optimizer in self._optimizers:
            if optimizer.root in v1_names:
                continue
            place = optimizer.compiled or self._compiled_names.get(optimizer.name or "")
            if place is None:
                self.report(optimizer.spot, optimizer.graph[0], edits=optimizer.graph[1])
            else:
                message, edits, safety = optimizer.keras
                self.report(
                    optimizer.spot, message.replace("{place}", place), edits=edits, safety=safety
                )
        self._report_summaries(v1_names)
        if switch := self._graph.switch(v1_names):
            spot, advice, edit, safety = switch
            self.report(spot, advice, edits=[edit], safety=safety)


#: The methods `visit_Call` reads.
_CALLS = frozenset({"run", "numpy", *tf_api.DATASET_METHODS})
