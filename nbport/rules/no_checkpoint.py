"""NBP302 no-checkpoint: a long training run that saves nothing while it runs.

The calls and callbacks it knows are in `no_checkpoint.toml` beside it; names are matched as written
(`keras.callbacks.EarlyStopping` and `EarlyStopping` alike), literals and the names bound to them
followed across cells. The threshold is the `min-epochs` option.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from nbport.rules.base import Rule
from nbport.rules.calls import call_arguments, full_name, leaf_name
from nbport.rules.strings import string_literals
from nbport.rules.tables import rule_table
from nbport.rules.values import Values

_TABLE = rule_table(__file__)
_PATTERNS = {key: re.compile(pattern) for key, pattern in _TABLE["patterns"].items()}
_RANGES = ("range", "trange")  # `trange`: tqdm's
_COMPOUND = {"body", "cases"}  # the fields of compound statements that hold statements
_LOST, _SAVE = _TABLE["messages"]["lost"], _TABLE["messages"]  # what a reset loses, how to save


@dataclass
class _Loop:
    """A `for epoch in range(N)` loop being visited."""

    node: ast.For | ast.AsyncFor
    epochs: int
    trains: bool = False
    saves: bool = False


class NoCheckpointRule(Rule):
    """Flags `fit(epochs>=N)` without a checkpointing callback, epoch loops that never save, and
    Trainers whose arguments turn saving off."""

    def __init__(self) -> None:
        #: Names bound to literals (or calls): `fit(epochs=EPOCHS)` reads `EPOCHS = 50`.
        self._values = Values()
        self._loops: list[_Loop] = []
        #: Classes defined in this file: True when their code saves something.
        self._classes: dict[str, bool] = {}
        self._class_stack: list[tuple[str, list[bool]]] = []

    def begin_unit(self) -> None:
        """A new unit starts at module level."""
        self._values.module_level()
        self._loops, self._class_stack = [], []

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        """`EPOCHS = 50`, `cp = ModelCheckpoint(...)`, `args = TrainingArguments(...)`."""
        self._values.bind(node)

    visit_AnnAssign = visit_AugAssign = visit_Assign

    def visit_FunctionDef(self, node: ast.AST) -> None:
        """A function or a class has its own names; a class of the file may be a Keras callback:
        remember whether its code saves."""
        self._values.enter()
        if isinstance(node, ast.ClassDef):
            self._class_stack.append((node.name, [False]))

    def leave_FunctionDef(self, node: ast.AST) -> None:
        """Back to the enclosing names; a class is known from here on."""
        self._values.leave()
        if isinstance(node, ast.ClassDef):
            name, saves = self._class_stack.pop()
            self._classes[name] = saves[0]

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef
    leave_AsyncFunctionDef = leave_ClassDef = leave_FunctionDef

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        """`for epoch in range(EPOCHS):` starts a loop to watch; other loops rebind their target."""
        if (epochs := self._loop_epochs(node)) is not None:
            self._loops.append(_Loop(node, epochs))
        self._values.bind(node)

    def leave_For(self, node: ast.For | ast.AsyncFor) -> None:
        """Report an epoch loop that trains but never saves."""
        loop = self._loops.pop() if self._loops and self._loops[-1].node is node else None
        if loop and loop.trains and not loop.saves and loop.epochs >= self.options["min-epochs"]:
            # The loop ends where its last statement does (before any `;`), as libcst ends it.
            message = f"this {loop.epochs}-epoch training loop saves nothing inside the loop"
            self.report(node, f"{message}: {_LOST}; {_SAVE['loop']}", end=_last_statement(node))

    visit_AsyncFor, leave_AsyncFor = visit_For, leave_For

    def _loop_epochs(self, node: ast.For | ast.AsyncFor) -> int | None:
        """N for `for epoch in range(N)` (or `range(1, N + 1)`, `tqdm(range(N))`, `trange(N)`),
        when the loop counts epochs (its variable or its bound says so) and N is known."""
        iterable, wrappers = node.iter, _TABLE["iteration_wrappers"]
        while isinstance(iterable, ast.Call) and leaf_name(iterable.func) in wrappers:
            if not (wrapped := call_arguments(iterable)):
                break
            iterable = wrapped[0].value
        if not isinstance(iterable, ast.Call) or leaf_name(iterable.func) not in _RANGES:
            return None
        values = [argument.value for argument in call_arguments(iterable) if not argument.keyword]
        if not 0 < len(values) <= 3:
            return None
        bound = values[0] if len(values) == 1 else values[1]
        if not (self._counts_epochs(node.target) or self._counts_epochs(bound)):
            return None
        stop = self._values.integer(bound)
        start = 0 if len(values) == 1 else self._values.integer(values[0])
        return None if stop is None or start is None else stop - start

    def _counts_epochs(self, node: ast.expr) -> bool:
        """`epoch`, `n_epochs`, `EPOCHS + 1`: a name that counts epochs (not `steps_per_epoch`)."""
        names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", self.source(node).lower())
        return any("epoch" in n and "per_epoch" not in n and "step" not in n for n in names)

    def visit_Call(self, node: ast.Call) -> None:
        """Training and saving calls inside watched loops; `fit(...)` and `Trainer(...)` calls."""
        name = full_name(node.func) or ""
        leaf = name.rpartition(".")[2]
        if self._loops or self._class_stack:
            saves = bool(_PATTERNS["saving_call"].search(name))
            step = leaf != "step" or bool(_PATTERNS["optimizer"].search(name))  # not `env.step()`
            trains = leaf in _TABLE["training_calls"] and step
            for loop in self._loops:
                loop.trains, loop.saves = loop.trains or trains, loop.saves or saves
            if self._class_stack and saves:
                self._class_stack[-1][1][0] = True
        if isinstance(node.func, ast.Attribute) and leaf in ("fit", "fit_generator"):
            self._check_fit(node, leaf)
        elif leaf.endswith("Trainer"):
            self._check_trainer(node, leaf)

    def _check_fit(self, node: ast.Call, method: str) -> None:
        keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
        epochs = self._values.integer(keywords.get("epochs", keywords.get("nb_epoch")))
        initial = self._values.integer(keywords.get("initial_epoch")) or 0
        if epochs is None or epochs - initial < self.options["min-epochs"]:
            return
        if "callbacks" not in keywords or self._saves_nothing(keywords["callbacks"]):
            message = f"`{method}` runs {epochs} epochs and saves nothing until it returns"
            self.report(node, f"{message}: {_LOST}; {_SAVE['keras']}")

    def _saves_nothing(self, callbacks: ast.expr, depth: int = 0) -> bool:
        """Whether every callback is known to save nothing (an empty list included)."""
        if depth > 5:
            return False
        if isinstance(callbacks, ast.Constant):
            return callbacks.value is None
        if isinstance(callbacks, ast.Name):
            bound = self._values.lookup(callbacks.id)
            return bound is not None and self._saves_nothing(bound, depth + 1)
        if isinstance(callbacks, (ast.List, ast.Tuple)):
            unknown = [e for e in callbacks.elts if isinstance(e, ast.Starred)]
            return not unknown and all(self._saves_nothing(e, depth + 1) for e in callbacks.elts)
        if isinstance(callbacks, ast.Call):
            leaf = leaf_name(callbacks.func)
            # A class of this file that saves nothing saves nothing either.
            return leaf in _TABLE["non_saving_callbacks"] or self._classes.get(leaf) is False
        return False

    def _check_trainer(self, node: ast.Call, leaf: str) -> None:
        """`Trainer(..., enable_checkpointing=False)` (Lightning), or a Hugging Face Trainer whose
        `args` say `save_strategy="no"`."""
        arguments = call_arguments(node)
        for argument in arguments:
            off = isinstance(argument.value, ast.Constant) and argument.value.value is False
            if argument.keyword in ("enable_checkpointing", "checkpoint_callback") and off:
                message = f"`{leaf}({argument.keyword}=False)` saves nothing while it trains"
                self.report(node, f"{message}: {_LOST}; {_SAVE['lightning']}")
                return
        positional = [argument.value for argument in arguments if argument.keyword is None]
        keywords = {argument.keyword: argument.value for argument in arguments if argument.keyword}
        training = keywords.get("args", positional[1] if len(positional) > 1 else None)
        if isinstance(training, ast.Name):
            training = self._values.lookup(training.id)
        if not isinstance(training, ast.Call):
            return
        if not _PATTERNS["training_arguments"].search(leaf_name(training.func)):
            return
        strategies = [a.value for a in call_arguments(training) if a.keyword == "save_strategy"]
        if strategies and self._is_no(strategies[0]):
            message = f'`{leaf}` with `save_strategy="no"` saves nothing while it trains'
            self.report(node, f"{message}: {_LOST}; {_SAVE['hugging_face']}")

    def _is_no(self, node: ast.expr) -> bool:
        """`"no"` (one literal, not `"n" "o"`), or `IntervalStrategy.NO` / `SaveStrategy.NO`."""
        if isinstance(node, ast.Constant):
            return node.value == "no" and len(string_literals(self.unit, node)) == 1
        return isinstance(node, ast.Attribute) and node.attr == "NO"


def _last_statement(node: ast.stmt) -> ast.stmt:
    """The last simple statement inside a compound one, which `ast` ends after a trailing `;`."""
    simple = [n for n in ast.walk(node) if isinstance(n, ast.stmt) and not _COMPOUND & {*n._fields}]
    return max(simple, key=lambda statement: (statement.end_lineno, statement.end_col_offset))
