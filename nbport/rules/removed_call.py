"""NBP207 removed-call: methods and keyword arguments Keras 3 and pandas 2 removed (`removed_call.toml`).

A name lookup cannot see these: they hang off a model, an optimizer or a frame. Keras findings wait
for `end_document`, where the file is known to import Keras or TensorFlow and not to opt into legacy
Keras (`tf_keras`, `TF_USE_LEGACY_KERAS`); frames are known by what the names were bound to.
"""

from __future__ import annotations

import ast
import re

from nbport.finding import Edit, FixSafety
from nbport.rules.base import Rule, Spot
from nbport.rules.strings import string_literals
from nbport.rules.tables import rule_table
from nbport.rules.unit import UnitContext

_DATA = rule_table(__file__)
_LISTS = _DATA["lists"]
_METHODS: dict[str, dict[str, str]] = _DATA["methods"]
_BY_METHOD = {m: g for g in _DATA["keywords"].values() for m in g.get("methods", ())}
_BY_CLASS = {c: g for g in _DATA["keywords"].values() for c in g.get("classes", ())}
_LEGACY = re.compile(r"TF_USE_LEGACY_KERAS\W{1,6}(?:1|[Tt]rue)\b")
#: The names of every call the rule looks at.
_CALLED = {
    *_METHODS,
    *_BY_METHOD,
    *_BY_CLASS,
    *("ModelCheckpoint", "save", "save_weights", "iteritems", "append"),
}
_JOINS = {"os.path.join", "posixpath.join"}
_EXTENSION = re.compile(r"(?:\.weights)?\.(?:hdf5|h5|ckpt|keras)$")
#: A finding kept for `end_document`: package, place, what is gone, what to do, edits, safety.
Found = tuple[str, Spot, str, str, list[Edit | None], FixSafety | None]
Binding = tuple[str | None, UnitContext, ast.expr | None]


def _keras(name: str) -> bool:
    """`keras.optimizers.Adam`, `tensorflow.keras.callbacks.ModelCheckpoint`; not legacy ones."""
    return ".legacy." not in name and any(name.startswith(r + ".") for r in _LISTS["keras_roots"])


class RemovedCallRule(Rule):
    """Collects removed calls over the file; reports them once the runtime and the imports say so."""

    def __init__(self) -> None:
        self._found: list[Found] = []
        self._legacy = False
        #: Per scope (module, then each function or class around), each name's last binding:
        #: its kind ("model", "frame" or None), the unit and the value (None: a loop variable).
        self._scopes: list[dict[str, Binding]] = [{}]

    def begin_unit(self) -> None:
        """`os.environ["TF_USE_LEGACY_KERAS"] = "1"`, `%env TF_USE_LEGACY_KERAS=1`."""
        self._legacy = self._legacy or _LEGACY.search(self.unit.unit.text) is not None
        del self._scopes[1:]  # a unit starts at module level

    def visit_Assign(self, node: ast.Assign) -> None:
        """Remember what names hold: a model, a frame, a file name."""
        kind = self._kind(node.value)
        for target in (t for t in node.targets if isinstance(t, ast.Name)):
            self._scopes[-1][target.id] = (kind, self.unit, node.value)

    def visit_For(self, node: ast.For) -> None:
        """`for model in models:` rebinds `model` to something unknown."""
        for name in (n for n in ast.walk(node.target) if isinstance(n, ast.Name)):
            self._scopes[-1][name.id] = (None, self.unit, None)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A scope of its own, where the parameters hide the names around."""
        names = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        self._scopes.append({arg.arg: (None, self.unit, None) for arg in names})

    def leave_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Out of the function: its names are gone."""
        self._scopes.pop()

    visit_AsyncFunctionDef, leave_AsyncFunctionDef = visit_FunctionDef, leave_FunctionDef

    def _binding(self, name: str) -> Binding | None:
        return next((scope[name] for scope in reversed(self._scopes) if name in scope), None)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """`model.optimizer.lr`: Keras 3's optimizers have only `learning_rate`."""
        if (
            node.attr == "lr"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "optimizer"
        ):
            end = self.unit.ast_span(node)[1]
            edit = Edit(end - 2, end, "learning_rate") if self.unit.editable(node) else None
            self._add(
                "keras", node, f"`{self.source(node)}` is gone", "write `.learning_rate`", [edit]
            )

    def visit_Call(self, node: ast.Call) -> None:
        """Removed methods, keywords and file names, by the method's or the class's name."""
        func = node.func
        # Most calls are none of these: decide by the name as written (or as imported) first.
        if isinstance(func, ast.Attribute):
            written = func.attr
        elif isinstance(func, ast.Name):
            written = (self.names.binding(func.id) or func.id).rpartition(".")[2]
        else:
            return
        if written not in _CALLED:
            return
        name = self.qualified_name(node)
        if name is not None:  # a function or class reached through an import
            leaf = name.rpartition(".")[2]
            if _keras(name) and leaf in _BY_CLASS:
                self._keywords(node, leaf, _BY_CLASS[leaf])
            if _keras(name) and leaf == "ModelCheckpoint":
                weights = any(
                    k.arg == "save_weights_only" and _true(k.value) for k in node.keywords
                )
                self._path(node, _argument(node, 0, "filepath"), weights, leaf)
            return
        if not isinstance(func, ast.Attribute):
            return
        method, receiver = func.attr, func.value
        spec = _METHODS.get(method)
        if spec is not None and (not spec.get("model_only") or self._kind(receiver) == "model"):
            self._method(node, func, spec)
        if method in _BY_METHOD:
            self._keywords(node, method, _BY_METHOD[method])
        if method == "save_weights" or (method == "save" and self._kind(receiver) == "model"):
            self._path(node, _argument(node, 0, "filepath"), method == "save_weights", method)
        if method == "iteritems" and not (node.args or node.keywords):
            end = self.unit.ast_span(func)[1]
            edit = Edit(end - 9, end, "items") if self.unit.editable(func) else None
            how = "use `.items()` (a Python 3 dict has no `iteritems` either)"
            self._add("pandas", node, f"`{self.source(func)}()` is gone", how, [edit])
        keywords = {k.arg for k in node.keywords}
        if method == "append" and (
            keywords & set(_LISTS["append_keywords"]) or self._kind(receiver) == "frame"
        ):
            how = (
                "use `pd.concat([frame, other])` (a row: `pd.concat([frame, pd.DataFrame([row])])`)"
            )
            self._add(
                "pandas", node, f"`{self.source(func)}` (`DataFrame.append`) is gone", how, []
            )

    def _kind(self, node: ast.expr) -> str | None:
        """ "model" for a Keras model (`Sequential()`, `load_model(...)`, a name bound to one),
        "frame" for a pandas frame or series (`pd.read_csv(...)`, `df.dropna()`, `df[cols]`)."""
        while self.qualified_name(node) is None:
            inner = node.func if isinstance(node, ast.Call) else node
            if isinstance(inner, ast.Subscript) or (
                isinstance(inner, ast.Attribute) and inner.attr in _LISTS["frame_methods"]
            ):
                node = inner.value
            else:
                break
        if isinstance(node, ast.Name) and self.qualified_name(node) is None:
            return (self._binding(node.id) or (None,))[0]
        name = self.qualified_name(node) if isinstance(node, ast.Call) else None
        leaf = (name or "").rpartition(".")[2]
        if name and name.startswith("pandas.") and leaf in _LISTS["frame_makers"]:
            return "frame"
        models = leaf in _LISTS["model_makers"] or ".applications." in (name or "")
        return "model" if name and _keras(name) and models else None

    def _method(self, node: ast.Call, func: ast.Attribute, spec: dict[str, str]) -> None:
        """`model.fit_generator(gen, ...)` → `model.fit(gen, ...)`: same meaning only where the
        generator is the one positional argument (Keras 2's next ones are `steps_per_epoch`,
        `epochs`; `fit`'s are `y`, `batch_size`) and no Keras 1 sample counts are given."""
        use, edits = spec.get("use"), []
        if use is not None:
            counted = {k.arg for k in node.keywords} & {"samples_per_epoch", "nb_val_samples", None}
            end = self.unit.ast_span(func)[1]
            fixable = len(node.args) <= 1 and not counted and self.unit.editable(func)
            edits.append(Edit(end - len(func.attr), end, use) if fixable else None)
        how = (
            f"use `{use}`, which takes generators and `keras.utils.PyDataset`s"
            if use
            else f"use {spec['advice']}"
        )
        self._add("keras", node, f"`{self.source(func)}` is gone", how, edits, FixSafety.UNSAFE)

    def _keywords(self, node: ast.Call, call: str, table: dict[str, dict[str, str]]) -> None:
        """Keywords of `table` given to `node`: rename (`use`), delete (`drop`), or report."""
        for keyword in node.keywords:
            spec = table.get(keyword.arg or "")
            if keyword.arg is None or not isinstance(spec, dict):
                continue
            edit, safety = None, FixSafety.SAFE
            if "use" in spec and self.unit.editable(keyword):
                start = self.unit.ast_span(keyword)[0]
                edit = Edit(start, start + len(keyword.arg), spec["use"])
            elif "drop" in spec:
                edit, safety = self._drop(node, keyword), FixSafety(spec["drop"])
            how = f"write `{spec['use']}=`" if "use" in spec else spec.get("advice", "drop it")
            what = f"`{call}(..., {keyword.arg}=...)` is gone"
            fixes = "use" in spec or "drop" in spec
            self._add("keras", keyword, what, how, [edit] if fixes else [], safety)

    def _drop(self, node: ast.Call, keyword: ast.keyword) -> Edit | None:
        """Delete `keyword` from the call, with the comma that joins it to its neighbour."""
        items: list[ast.expr | ast.keyword] = sorted(
            [*node.args, *node.keywords], key=lambda item: (item.lineno, item.col_offset)
        )
        index = items.index(keyword)
        start, end = self.unit.ast_span(keyword)
        if index:
            start = self.unit.ast_span(items[index - 1])[1]
        elif len(items) > 1:
            end = self.unit.ast_span(items[1])[0]
        return Edit(start, end, "") if self.unit.editable(node) else None

    def _path(self, node: ast.Call, path: ast.expr | None, weights: bool, call: str) -> None:
        """A file name Keras 3 refuses: weights need `.weights.h5`, a whole model `.keras` or
        `.h5` (`.hdf5` too for `save`, not for `ModelCheckpoint`). Fixed where the name is a
        string of this cell, written here or bound to the name given here."""
        unit, string = self.unit, path
        for _ in range(5):  # `name`, `folder + 'best.h5'`, `os.path.join(folder, 'best.h5')`
            if isinstance(string, ast.Name) and (bound := self._binding(string.id)):
                _, unit, string = bound
            elif isinstance(string, ast.BinOp) and isinstance(string.op, (ast.Add, ast.Div)):
                string = string.right
            elif isinstance(string, ast.Call) and _JOINS & {self.qualified_name(string)}:
                string = string.args[-1] if string.args else None
            else:
                break
        if not isinstance(string, (ast.Constant, ast.JoinedStr)) or (
            isinstance(string, ast.Constant) and not isinstance(string.value, str)
        ):
            return
        last = string_literals(unit, string)[-1]
        body, save = last.body, call == "save"
        good = (".weights.h5",) if weights else (".keras", ".h5", ".hdf5")[: 3 if save else 2]
        # Keras fills in a plain string's `{epoch}`; an f-string's fields may hold the ending.
        shown = last.template if "f" in last.prefix.lower() else body
        if shown.endswith(("{}", *good)):
            return
        suffix = ".weights.h5" if weights else ".keras"
        end = last.end - len(last.quote)
        start = end - len(old[0]) if (old := _EXTENSION.search(body)) else end
        here = unit is self.unit and unit.editable_span(start, end) and not save
        written = sum(u.text.count(body) for u in self.document.units())
        flag = ", save_weights_only=True" if weights and call == "ModelCheckpoint" else ""
        what = f"`{self.source(node.func)}('{body}'{flag})` raises"
        how = f"Keras 3 takes only a name ending in {', '.join(f'`{g}`' for g in good)}"
        if save:
            how += "; `model.export(path)` writes TensorFlow's SavedModel"
        elif written > 1:
            how += f" (`{body}` is named elsewhere in the file too: rename it there as well)"
        safety = FixSafety.SAFE if written == 1 else FixSafety.UNSAFE
        self._add("keras", node, what, how, [Edit(start, end, suffix) if here else None], safety)

    def _add(
        self,
        package: str,
        where: ast.expr | ast.keyword,
        what: str,
        how: str,
        edits: list[Edit | None],
        safety: FixSafety | None = None,
    ) -> None:
        self._found.append((package, self.spot(where), what, how, edits, safety))

    def end_document(self) -> None:
        """Report what the runtime's Keras and pandas lack, Keras's only in a Keras file."""
        roots = {name.partition(".")[0] for name in self.names.imported()}
        keras_file = (
            bool(roots & {"keras", "tensorflow"}) and not self._legacy and "tf_keras" not in roots
        )
        for package, spot, what, how, edits, safety in self._found:
            version = self.runtime.version_of(package) or "0"
            major = 3 if package == "keras" else 2
            if int(version.split(".")[0]) < major or (package == "keras" and not keras_file):
                continue
            removed = "Keras 3" if package == "keras" else "pandas 2"
            message = f"{what} in {removed} ({self.runtime.label} has {self.runtime.describe(package)}): {how}"
            self.report(spot, message, edits=edits, safety=safety)


def _argument(node: ast.Call, index: int, keyword: str) -> ast.expr | None:
    """The argument at `index`, or given as `keyword=`."""
    found = next((k.value for k in node.keywords if k.arg == keyword), None)
    return node.args[index] if found is None and len(node.args) > index else found


def _true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True
