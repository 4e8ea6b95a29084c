"""NBP206 removed-api: names that older releases had and the runtime's packages no longer have."""

from __future__ import annotations

import ast

from nbport.finding import Edit, FixSafety
from nbport.rules import tf_api
from nbport.rules.base import Node, Rule
from nbport.rules.fixes import from_module_span, rename_from_module
from nbport.rules.removed_names import DISTRIBUTION, Gone, find_gone, gone_names

#: Runtime name → qualified name → what `_lookup` found, kept across documents.
_LOOKUPS: dict[str, dict[str, tuple[int, Gone] | None]] = {}


class RemovedApiRule(Rule):
    """Reports names gone from Colab's TensorFlow, Keras, NumPy, pandas, SciPy and scikit-learn,
    in attribute chains (`np.int`, `tf.estimator.DNNClassifier`) and imports."""

    def __init__(self) -> None:
        self._inner: ast.expr | None = None  # the inner part of the chain read last

    def begin_document(self) -> bool:
        """Only for a runtime that lacks some name."""
        self._gone = gone_names(self.runtime)
        self._lookups = _LOOKUPS.setdefault(self.runtime.name, {})
        return bool(self._gone)

    def _lookup(self, qualified: str) -> tuple[int, Gone] | None:
        # The same names come back all the time (`np.array`): each is looked up once.
        if qualified in self._lookups:
            return self._lookups[qualified]
        parts = qualified.split(".")
        found = find_gone(self._gone, parts) if parts[0] in DISTRIBUTION else None
        if (
            found
            and parts[0] == "tensorflow"
            and (tf_api.symbol_table().lookup(parts[1:]) or tf_api.removed_module(parts[1:]))
        ):
            found = None  # TF 1 API: NBP202 (tf1-api) reports it
        self._lookups[qualified] = found
        return found

    def _message(self, written: str, gone: Gone) -> str:
        root = gone.name.split(".")[0]
        package = self.runtime.describe(DISTRIBUTION[root]) or DISTRIBUTION[root]
        if root == "tensorflow" and ".keras" in gone.name:
            package += f" (whose `tf.keras` is {self.runtime.describe('keras')})"
        where = (
            f"Colab's {package}"
            if self.runtime.name == "latest"
            else f"{package} of {self.runtime.label}"
        )
        said = f"was removed in {gone.removed} and is not in" if gone.removed else "is not in"
        use = f": use {gone.use}" if gone.use else ""
        return f"`{written}` {said} {where}{use}"

    def _report(
        self, where: Node | tuple[int, int], written: str, gone: Gone, edit: Edit | None = None
    ) -> None:
        safety = FixSafety(gone.fix) if gone.fix and edit is not None else None
        self.report(
            where, self._message(written, gone), edits=(edit,) if safety else (), safety=safety
        )

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """`np.int`, `tf.estimator.DNNClassifier(...)`, `keras.layers.core.Dense`: once per chain."""
        inner, self._inner = self._inner, node.value
        if node is inner or (qualified := self.qualified_name(node)) is None:
            return
        found = self._lookup(qualified)
        if found is None:
            return  # nearly every chain
        chain: list[ast.expr] = [node]  # outermost first, down to the name
        while isinstance(chain[-1], ast.Attribute):
            chain.append(chain[-1].value)
        total = qualified.count(".") + 1
        if found[0] <= total - len(chain) + 1:
            return  # the name's own import is gone: reported there
        length, gone = found
        spot = chain[total - length]
        assert isinstance(spot, ast.Attribute)
        kind, _, value = (gone.how or "").partition(":")
        edit = None
        if kind == "builtin":
            edit = self.edit(spot, value)
        elif kind == "attr":
            edit = self.edit(spot, f"{self.source(spot.value)}.{value}")
        elif kind == "drop" and length - int(value) >= total - len(chain) + 1:
            edit = self.edit(spot, self.source(chain[total - length + int(value)]))
        self._report(spot, self.source(spot), gone, edit)

    def visit_Import(self, node: ast.Import) -> None:
        """`import keras.layers.core`, `import sklearn.externals.joblib as joblib`."""
        for alias in node.names:
            if found := self._lookup(alias.name):
                self._report(alias, alias.name, found[1], self._statement_fix(node, found[1]))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """`from keras.layers.core import Dense`, `from sklearn.externals import joblib`."""
        module, parts = node.module or "", (node.module or "").split(".")
        if node.level or not module:
            return
        gone_module = self._lookup(module)
        for alias in node.names:
            found = self._lookup(f"{module}.{alias.name}") if alias.name != "*" else None
            if found is None or found[0] <= len(parts):
                continue  # the module's own finding (below) says it
            gone, edit = found[1], self._statement_fix(node, found[1])
            kind, _, value = (gone.how or "").partition(":")
            if kind == "module" and len(node.names) == 1:
                edit = rename_from_module(self.unit, node, value)
            self._report(alias, f"{module}.{alias.name}", gone, edit)
        if gone_module is not None and not any(
            (found := self._lookup(f"{module}.{alias.name}")) and found[0] > len(parts)
            for alias in node.names
        ):
            length, gone = gone_module
            kind, _, value = (gone.how or "").partition(":")
            new = None
            if kind == "drop":
                new = parts[: length - int(value)]
            elif kind == "module":
                new = [value]
            edit = (
                rename_from_module(self.unit, node, ".".join(new + parts[length:])) if new else None
            )
            span = from_module_span(self.unit, node)
            self._report(node if span is None else span, module, gone, edit)

    def _statement_fix(self, node: ast.Import | ast.ImportFrom, gone: Gone) -> Edit | None:
        """`from sklearn.externals import joblib` → `import joblib`: one name, bound the same."""
        kind, _, text = (gone.how or "").partition(":")
        if kind != "statement" or len(node.names) != 1:
            return None
        alias = node.names[0]
        plain = alias.name if isinstance(node, ast.ImportFrom) else alias.name.split(".")[0]
        # `import sklearn.externals.joblib` binds `sklearn`: `import joblib` would not.
        return self.edit(node, text) if (alias.asname or plain) == text.split()[-1] else None
