"""NBP202 tf1-api: TensorFlow 1 API used through the `tensorflow` module, which Colab's TF 2 lacks.

What counts as TF 1 API is data: `tf1_symbols.json` next to this module, produced by
`tools/tf1_symbols.py` from an installed TensorFlow 2 (every name `tf.compat.v1` has and `tf` lacks).
`tf.contrib` and `tensorflow.examples.tutorials` were removed outright and are known here by name.

The rule reads each triggered cell in CPython's `ast` tree, which the engine builds anyway when it
checks that the cell is Python 3, rather than in libcst's: TF 1 notebooks hold thousands of cells that
all mention `tf.`, and `ast` gives the positions this rule needs for a small fraction of libcst's cost
(its fixes replace names and insert a line; they need no concrete syntax tree).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from nbport.finding import Edit, FixSafety
from nbport.rule import Rule
from nbport.rules.tf_api import Symbol, is_legacy_tpu, removed_module, symbol_table
from nbport.rules.unit import UnitContext

#: Names that build a TF 1 graph, which TF 2's eager execution refuses (`placeholder` and
#: `make_initializable_iterator` raise at once; a `Session` can only `run` graph tensors).
_GRAPH_INPUTS = frozenset(
    {
        "placeholder",
        "placeholder_with_default",
        "sparse_placeholder",
        "make_initializable_iterator",
    }
)
_SESSIONS = frozenset({"Session", "InteractiveSession"})
#: Calls that switch TF 2 back to graph mode, or build graphs explicitly: nothing to insert then.
_GRAPH_MODE_CALLS = frozenset({"disable_eager_execution", "disable_v2_behavior", "Graph"})
#: TF 2 APIs that stop working once eager execution is off (Keras 3 models above all).
_EAGER_ONLY = frozenset({"keras", "GradientTape", "function"})
#: Parts of Keras that load data and work the same with eager execution off.
_KERAS_DATA = frozenset({"datasets", "utils"})
#: `Dataset` methods of TF 1 that TF 2 keeps only as `tf.compat.v1.data.<method>(dataset)`.
_DATASET_METHODS = frozenset({"make_one_shot_iterator", "make_initializable_iterator"})
#: Names whose presence in an `if` test makes its branches version-specific code.
_VERSION_CHECKS = frozenset({"executing_eagerly", "__version__", "VERSION"})
#: Receivers of a `.run()` that is no `Session.run`.
_OTHER_RUNNERS = frozenset({"subprocess", "asyncio"})

_GONE = "is TF 1 API, gone from Colab's TensorFlow 2"
_LEGACY_KERAS_HINT = (
    "comes from legacy Keras: on Colab (Keras 3) it also needs `pip install tf_keras` and "
    "`TF_USE_LEGACY_KERAS=1` set before TensorFlow is imported (or port the code to `tf.keras`)"
)
# The module of `from <module> import ...`, as written after `from`.
_FROM_MODULE = re.compile(r"from[ \t]+([\w.]+)[ \t]+import\b")


@dataclass(frozen=True)
class _Found:
    """A use of TF1-only API, positioned; reported in `end_document` unless its root turns out
    to be the TF 1 API (`import tensorflow.compat.v1 as tf` somewhere in the file)."""

    context: UnitContext
    start: int
    end: int
    #: The module name it is reached through (`tf`), or None for an import statement.
    root: str | None
    message: str
    edit: Edit | None = None
    safety: FixSafety | None = None


@dataclass(frozen=True)
class _EagerInsertion:
    """The first `import tensorflow` statement, where `disable_eager_execution()` goes."""

    context: UnitContext
    start: int
    end: int
    alias: str
    #: The edit that inserts the call, None when the statement's line is no place for it.
    edit: Edit | None


@dataclass
class _DocumentState:
    """What the rule learns about the whole file, cell after cell."""

    #: Names bound to the TF 2 API: `tf` → "" (the module itself), `train` → "train".
    v2_names: dict[str, str] = field(default_factory=lambda: {})
    #: Names ever bound to the TF 1 API (`import tensorflow.compat.v1 as tf`): never reported.
    v1_names: set[str] = field(default_factory=set)
    #: The first graph-building use: how it is written and where.
    graph_use: str | None = None
    has_session: bool = False
    has_graph_input: bool = False
    has_run_call: bool = False
    graph_mode: bool = False
    eager_only: str | None = None
    insertion: _EagerInsertion | None = None


class Tf1ApiRule(Rule):
    """Reports TF1-only names reached through `tensorflow`, and renames them to their TF 2 home."""

    id = "NBP202"
    #: Parsed here with `ast`: the engine need not build a libcst tree for this rule.
    uses_syntax: ClassVar[bool] = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._table = symbol_table()
        self._state = _DocumentState()
        self._found: list[_Found] = []

    def begin_unit(self, context: UnitContext) -> None:
        """Read the unit's Python (escapes masked) and record what it does with TensorFlow."""
        super().begin_unit(context)
        _Visitor(self, _Positions(context)).visit(context.tree)

    def end_document(self) -> None:
        """Report the TF1-only uses (not those through a TF 1 alias) and the missing graph mode."""
        v1_names = self._state.v1_names
        for found in self._found:
            if found.root is not None and found.root in v1_names:
                continue
            self.report(
                found.start,
                found.end,
                found.message,
                edits=[] if found.edit is None else [found.edit],
                safety=found.safety,
                context=found.context,
            )
        self._report_eager_execution()

    def _report_eager_execution(self) -> None:
        """One finding at the first `import tensorflow` when the file builds a TF 1 graph."""
        state = self._state
        insertion = state.insertion
        builds_graph = state.has_graph_input or (state.has_session and state.has_run_call)
        if not builds_graph or state.graph_mode or insertion is None:
            return
        if insertion.alias in state.v1_names:
            return
        call = f"{insertion.alias}.compat.v1.disable_eager_execution()"
        safety = None
        caveat = ""
        if state.eager_only is not None:
            safety = FixSafety.UNSAFE
            caveat = (
                f" (this file also uses {state.eager_only}, which needs eager execution: check it)"
            )
        self.report(
            insertion.start,
            insertion.end,
            f"this file builds a TF 1 graph ({state.graph_use}) but TensorFlow 2 runs eagerly, "
            f"where that fails: add `{call}` after this import{caveat}",
            edits=[] if insertion.edit is None else [insertion.edit],
            safety=safety,
            context=insertion.context,
        )


class _Positions:
    """Offsets in a unit's original text for `ast` positions in its parsed (masked) Python."""

    def __init__(self, context: UnitContext) -> None:
        self.context = context
        self.text = context.unit.text

    def offset(self, line: int, byte_column: int) -> int:
        """`ast` columns count UTF-8 bytes of `context.python`'s line; offsets count characters."""
        return self.context.ast_offset(line, byte_column)

    def span(self, node: ast.expr | ast.stmt | ast.alias) -> tuple[int, int]:
        """Start and end offsets of `node` in the original text."""
        return self.context.ast_span(node)

    def editable(self, node: ast.expr | ast.stmt | ast.alias) -> bool:
        """Whether the original text of `node` is what was parsed: no masked escape on its lines,
        and not several lines of a cell whose indentation was stripped before parsing."""
        lines = range(node.lineno, (node.end_lineno or node.lineno) + 1)
        if self.context.dedent and len(lines) > 1:
            return False
        return not any(line in self.context.escape_lines for line in lines)

    def place(self, node: ast.expr | ast.stmt | ast.alias) -> str:
        """`cell 3, line 2` (or `line 12` in a script) for the start of `node`."""
        where = self.context.location(self.offset(node.lineno, 0))
        return (
            f"line {where.line}" if where.cell is None else f"cell {where.cell}, line {where.line}"
        )


class _Visitor(ast.NodeVisitor):
    """Walks one unit in source order for `Tf1ApiRule`, recording into the rule's document state.

    `visit` and `generic_visit` do what `ast.NodeVisitor`'s do, with the method looked up once per
    node type rather than by name on every node: TF 1 notebooks are large, and this walk is most
    of the rule's time.
    """

    def __init__(self, rule: Tf1ApiRule, positions: _Positions) -> None:
        self.rule = rule
        self.state = rule._state
        self.table = rule._table
        self.positions = positions
        self.inner: set[int] = set()
        #: How many `if tf.executing_eagerly():`-style version checks enclose the current node.
        self.guards = 0

    def visit(self, node: ast.AST) -> None:
        """Call `visit_<Node>`, or `generic_visit` for node types without one."""
        kind = type(node)
        method = _VISIT_METHODS.get(kind)
        if method is None:
            # Only this class's own methods: `ast.NodeVisitor.visit_Constant` merely looks for
            # methods of deprecated node types before visiting the children.
            method = vars(_Visitor).get(f"visit_{kind.__name__}", _Visitor.generic_visit)
            _VISIT_METHODS[kind] = method
        method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        """Visit the children of `node`, in field order."""
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    # -- recording ------------------------------------------------------------------------------

    def found(
        self,
        node: ast.expr | ast.stmt | ast.alias,
        root: str | None,
        message: str,
        edit: tuple[ast.expr | ast.stmt | ast.alias, str, str | None] | None = None,
        safety: FixSafety | None = None,
        *,
        at_module: bool = False,
    ) -> None:
        """A finding on `node` (on the module name of a `from ... import`, with `at_module`);
        `edit` is (node to replace, new text, text it must have now)."""
        if self.guards:
            return
        positions = self.positions
        start, end = positions.span(node)
        if at_module:
            match = _FROM_MODULE.match(positions.text, start, end)
            if match is not None:
                start, end = match.span(1)
        fix = None
        if edit is not None:
            target, replacement, expected = edit
            target_start, target_end = positions.span(target)
            exact = expected is None or positions.text[target_start:target_end] == expected
            if exact and positions.editable(target):
                fix = Edit(target_start, target_end, replacement)
        self.rule._found.append(_Found(positions.context, start, end, root, message, fix, safety))

    def graph_use(self, name: str, written: str, node: ast.expr | ast.stmt | ast.alias) -> None:
        """A name that builds a TF 1 graph (`placeholder`, `Session`, ...)."""
        if self.guards:
            return
        state = self.state
        if name in _GRAPH_INPUTS:
            state.has_graph_input = True
        elif name in _SESSIONS:
            state.has_session = True
        else:
            return
        if state.graph_use is None:
            state.graph_use = f"`{written}` at {self.positions.place(node)}"

    def eager_only(self, what: str) -> None:
        """Code that stops working in graph mode: the insertion becomes unsafe."""
        if self.state.eager_only is None:
            self.state.eager_only = what

    def note_api(self, api: Sequence[str]) -> None:
        """What a TensorFlow path (or standalone `keras` one) says about graph mode and eager code."""
        api = list(api[2:]) if list(api[:2]) == ["compat", "v1"] else list(api)
        if not api:
            return
        if _runs_in_a_graph(api):
            self.state.graph_mode = True
        if api[0] in _EAGER_ONLY and not (api[0] == "keras" and api[1:2] and api[1] in _KERAS_DATA):
            self.eager_only("Keras" if api[0] == "keras" else f"`{'.'.join(api)}`")

    # -- version checks -------------------------------------------------------------------------

    def visit_If(self, node: ast.If) -> None:
        """`if tf.executing_eagerly(): ... else: <TF 1 code>` already runs on TF 2: leave it alone."""
        guarded = _checks_version(node.test)
        self.guards += guarded
        self.generic_visit(node)
        self.guards -= guarded

    # -- imports --------------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        """`import tensorflow as tf`, `import tensorflow.compat.v1 as tf`, `import tensorflow.contrib...`."""
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] == "keras":
                self.note_api(parts)
            if parts[0] != "tensorflow":
                continue
            inner = parts[1:]
            self.note_api(inner)
            if inner == ["compat", "v1"] and alias.asname:
                self.state.v1_names.add(alias.asname)
                continue
            removed = removed_module(inner)
            if removed is not None:
                if not is_legacy_tpu(inner):
                    self.found(alias, None, f"`{alias.name}`: {removed}")
                continue
            if alias.asname is None:
                # `import tensorflow` and `import tensorflow.x.y` both bind `tensorflow` itself.
                self.bind_v2("tensorflow", "", node)
            else:
                api = inner[2:] if inner[:2] == ["compat", "v2"] else inner
                self.bind_v2(alias.asname, ".".join(api), node)

    def bind_v2(self, name: str, path: str, node: ast.Import) -> None:
        """`name` is the TF 2 API at `path`; the first `import tensorflow` anchors the insertion."""
        self.state.v2_names.setdefault(name, path)
        if path == "" and self.state.insertion is None and not self.guards:
            self.state.insertion = self.insertion_after(node, name)

    def insertion_after(self, node: ast.Import, alias: str) -> _EagerInsertion:
        """`disable_eager_execution()` on a line of its own after `node`, with the same indent."""
        positions = self.positions
        text = positions.text
        start, end = positions.span(node)
        lines = positions.context.lines
        indent = text[lines.offset(lines.line_of(start), 0) : start]
        if indent.strip() or not positions.editable(node):
            return _EagerInsertion(positions.context, start, end, alias, None)  # `if x: import tf`
        call = f"{indent}{alias}.compat.v1.disable_eager_execution()"
        newline = text.find("\n", end)
        if newline < 0:
            edit = Edit(len(text), len(text), "\n" + call)
        else:
            ending = "\r\n" if text[newline - 1 : newline] == "\r" else "\n"
            edit = Edit(newline + 1, newline + 1, call + ending)
        return _EagerInsertion(positions.context, start, end, alias, edit)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """`from tensorflow import Session`, `from tensorflow.contrib import rnn`, ..."""
        if node.level or node.module is None:
            return
        module = node.module
        parts = module.split(".")
        if parts[0] not in ("tensorflow", "keras"):
            return
        inner = parts[1:] if parts[0] == "tensorflow" else parts
        for alias in node.names:
            self.note_api([*inner, *([] if alias.name == "*" else alias.name.split("."))])
        if parts[0] == "keras":
            return
        if inner[:1] == ["compat"]:
            for alias in node.names:
                bound = alias.asname or alias.name
                if [*inner, alias.name] == ["compat", "v1"]:
                    self.state.v1_names.add(bound)
                elif [*inner, alias.name] == ["compat", "v2"]:
                    self.state.v2_names.setdefault(bound, "")
            return
        removed = removed_module(inner)
        if removed is not None:
            if not all(is_legacy_tpu([*inner, alias.name]) for alias in node.names):
                self.found(node, None, f"`{module}`: {removed}", at_module=True)
            return
        found = self.table.lookup(inner) if inner else None
        if found is not None:
            # `from tensorflow.logging import info`: the module itself is TF 1 only.
            length, symbol = found
            self.import_finding(node, node, module, inner[:length], symbol, fixable=True)
            return
        for alias in node.names:
            if alias.name == "*":
                continue
            path = [*inner, *alias.name.split(".")]
            removed = removed_module(path)
            if removed is not None:
                if not is_legacy_tpu(path):
                    self.found(alias, None, f"`{module}.{alias.name}`: {removed}")
                continue
            found = self.table.lookup(path)
            if found is None:
                self.state.v2_names.setdefault(alias.asname or alias.name, ".".join(path))
                continue
            length, symbol = found
            single = len(node.names) == 1 and length == len(path) and symbol.v2 is None
            written = f"{module}.{alias.name}"
            self.import_finding(node, alias, written, path[:length], symbol, fixable=single)

    def import_finding(
        self,
        node: ast.ImportFrom,
        where: ast.ImportFrom | ast.alias,
        written: str,
        path: Sequence[str],
        symbol: Symbol,
        *,
        fixable: bool,
    ) -> None:
        """A TF1-only name in a `from tensorflow... import` statement; fixed by importing it from
        `tensorflow.compat.v1` when the statement imports that one name only."""
        assert node.module is not None
        new_module = "tensorflow.compat.v1" + node.module[len("tensorflow") :]
        if symbol.legacy_keras:
            message = (
                f"`{written}` {_GONE}; `tensorflow.compat.v1.{'.'.join(path)}` {_LEGACY_KERAS_HINT}"
            )
            safety: FixSafety | None = FixSafety.UNSAFE
        else:
            message = f"`{written}` {_GONE}: import it from `{new_module}`"
            safety = None
        edit = self.module_edit(node, new_module) if fixable else None
        if edit is None:
            self.found(where, None, message, safety=safety)
        else:
            self.found(where, None, message, (node, edit, None), safety)
        self.graph_use(path[-1] if len(path) == 1 else "", written, where)

    def module_edit(self, node: ast.ImportFrom, new_module: str) -> str | None:
        """The statement with `new_module` in place of its module, when written plainly."""
        positions = self.positions
        start, end = positions.span(node)
        statement = positions.text[start:end]
        match = _FROM_MODULE.match(statement)
        if match is None or match.group(1) != node.module:
            return None
        return statement[: match.start(1)] + new_module + statement[match.end(1) :]

    def visit_Assign(self, node: ast.Assign) -> None:
        """`tf = tf.compat.v1` turns `tf` into the TF 1 API."""
        parts = _dotted(node.value)
        tf1 = parts is not None and parts[1:] == ["compat", "v1"]
        if tf1 and parts is not None and self.state.v2_names.get(parts[0]) == "":
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.state.v1_names.add(target.id)
        self.generic_visit(node)

    # -- uses -----------------------------------------------------------------------------------

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """`tf.Session`, `tf.train.AdamOptimizer`, `tf.layers.conv2d`, ... (outermost chain only)."""
        if id(node) in self.inner:
            return
        chain = _chain(node)
        if chain is None:
            self.generic_visit(node)
            return
        root, nodes = chain
        self.inner.update(id(inner) for inner in nodes)
        attributes = [inner.attr for inner in nodes]
        base = self.state.v2_names.get(root)
        if base is None:
            if root in self.state.v1_names:
                self.note_api(attributes)
            return
        parts = [*filter(None, base.split(".")), *attributes]
        self.note_use(parts, root, node)
        removed = removed_module(parts)
        if removed is not None:
            if not is_legacy_tpu(parts):
                self.found(node, root, f"`{'.'.join([root, *attributes])}`: {removed}")
            return
        found = self.table.lookup(parts)
        if found is not None:
            length, symbol = found
            # The node that spells the TF1-only prefix: `tf.train.AdamOptimizer` of
            # `tf.train.AdamOptimizer.minimize`. A name bound by `from tensorflow import train`
            # has no `tf` to rename through.
            prefix = nodes[length - 1] if base == "" else None
            self.use_finding(root, parts, length, symbol, prefix, node)

    def note_use(self, parts: Sequence[str], root: str, node: ast.Attribute) -> None:
        """Graph-mode and eager-only hints of a `tf.` path, ported ones included."""
        self.note_api(parts)
        if parts[:2] == ["compat", "v1"] and len(parts) > 2:
            # Already ported (`tf.compat.v1.placeholder`) but still a graph eager TF 2 refuses.
            self.graph_use(parts[2], f"{root}.{'.'.join(parts[:3])}", node)

    def use_finding(
        self,
        root: str,
        parts: Sequence[str],
        length: int,
        symbol: Symbol,
        prefix: ast.Attribute | None,
        outer: ast.Attribute,
    ) -> None:
        """A TF1-only name reached through a module alias, renamed to its TF 2 home."""
        path = ".".join(parts[:length])
        written = f"{root}.{path}"
        if prefix is None:
            self.found(outer, root, f"`{path}` {_GONE}: use `tf.compat.v1.{path}`")
            self.graph_use(parts[0] if length == 1 else "", path, outer)
            return
        safety = None
        if symbol.v2 is not None:
            new = f"{root}.{symbol.v2}"
            message = f"`{written}` {_GONE}: use `{new}`, its TF 2 name"
        elif symbol.legacy_keras:
            new = f"{root}.compat.v1.{path}"
            message = f"`{written}` {_GONE}; `{new}` {_LEGACY_KERAS_HINT}"
            safety = FixSafety.UNSAFE
        else:
            new = f"{root}.compat.v1.{path}"
            message = f"`{written}` {_GONE}: use `{new}`"
        self.found(prefix, root, message, (prefix, new, written), safety)
        self.graph_use(parts[0] if length == 1 else "", written, prefix)

    def visit_Call(self, node: ast.Call) -> None:
        """`sess.run(...)`: a session that runs a graph; `x.numpy()`: eager-only code;
        `dataset.make_one_shot_iterator()`: a removed `Dataset` method."""
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr == "run":
                receiver = _dotted(func.value)
                if receiver is None or (
                    receiver[0] not in self.state.v2_names and receiver[0] not in _OTHER_RUNNERS
                ):
                    self.state.has_run_call = True
            elif func.attr == "numpy" and not node.args:
                self.eager_only("`.numpy()`")
            elif func.attr in _DATASET_METHODS:
                self.dataset_method(node, func)
        self.generic_visit(node)

    def dataset_method(self, node: ast.Call, func: ast.Attribute) -> None:
        """`dataset.make_one_shot_iterator()`: a TF 1 `Dataset` method that TF 2 only keeps as the
        function `tf.compat.v1.data.make_one_shot_iterator(dataset)`."""
        method = func.attr
        if self.table.symbols.get(f"data.{method}") is None:
            return
        alias = next((name for name, path in self.state.v2_names.items() if path == ""), None)
        receiver = _dotted(func.value)
        if alias is None or (receiver is not None and receiver[0] in self.state.v2_names):
            return  # no `tf` to write the fix with, or `tf.data.make_one_shot_iterator` itself
        function = f"{alias}.compat.v1.data.{method}"
        message = (
            f"`.{method}()` is a TF 1 Dataset method, gone from Colab's TensorFlow 2: "
            f"use `{function}(dataset)`"
        )
        if node.args or node.keywords:
            self.found(node, alias, message)
        else:
            start, end = self.positions.span(func.value)
            replacement = f"{function}({self.positions.text[start:end]})"
            self.found(node, alias, message, (node, replacement, None))
        self.graph_use(method, f".{method}()", node)


#: `_Visitor`'s method for each node type met so far.
_VISIT_METHODS: dict[type, Callable[[_Visitor, ast.AST], None]] = {}


def _checks_version(test: ast.expr) -> bool:
    """Whether an `if` test asks which TensorFlow runs (`tf.executing_eagerly()`, `tf.__version__`)."""
    return any(name in _VERSION_CHECKS for name in _names(test))


def _names(node: ast.AST) -> Iterator[str]:
    """Every name and attribute name in an expression."""
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            yield child.id
        elif isinstance(child, ast.Attribute):
            yield child.attr


def _runs_in_a_graph(api: Sequence[str]) -> bool:
    """Code that switches graph mode back on, builds graphs explicitly, or hands its model function
    to an Estimator (which builds the graph itself): no eager-execution finding for such a file."""
    return any(part in _GRAPH_MODE_CALLS or "estimator" in part.lower() for part in api) or (
        list(api[:2]) == ["contrib", "learn"]
    )


def _chain(node: ast.Attribute) -> tuple[str, list[ast.Attribute]] | None:
    """`tf.train.Adam` → ("tf", [tf.train, tf.train.Adam]); None unless rooted at a name."""
    nodes: list[ast.Attribute] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        nodes.append(current)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    nodes.reverse()
    return current.id, nodes


def _dotted(node: ast.expr) -> list[str] | None:
    """`a.b.c` → ["a", "b", "c"]; None for anything but names and attributes."""
    if isinstance(node, ast.Name):
        return [node.id]
    chain = _chain(node) if isinstance(node, ast.Attribute) else None
    if chain is None:
        return None
    root, nodes = chain
    return [root, *(inner.attr for inner in nodes)]
