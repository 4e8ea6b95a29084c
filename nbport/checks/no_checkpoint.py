"""NBP302 no-checkpoint: a long training run that saves nothing while it runs.

The rule reads the `ast` tree the engine builds for every cell (`nbport.ast_rule`), not a libcst
tree: it fixes nothing, so it needs no concrete syntax, and the cells it looks at (every cell that
mentions epochs or a callback, whole training scripts among them) would cost about ten times as much
to parse with libcst.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

from nbport.ast_rule import AstRule, call_arguments, full_name, leaf_name
from nbport.rule import RuleSettings
from nbport.rules.unit import UnitContext

#: Keras callbacks known to save nothing: with only these, `fit` keeps no state while it runs.
#: Any other callback (a class of your own, `WandbCallback`, a function's result) may save, and gets
#: the benefit of the doubt.
NON_SAVING_CALLBACKS = frozenset(
    {
        "EarlyStopping",
        "TensorBoard",
        "ReduceLROnPlateau",
        "LearningRateScheduler",
        "CSVLogger",
        "History",
        "ProgbarLogger",
        "TerminateOnNaN",
        "LambdaCallback",
        "RemoteMonitor",
        "BaseLogger",
        "EpochDots",  # tensorflow_docs.modeling
        "TqdmCallback",
    }
)
#: A call that saves state: `torch.save`, `model.save(...)`, `save_weights`, `ckpt_manager.save()`,
#: `save_checkpoint(...)`, `checkpoint.write(...)`, `pickle.dump(...)`.
_SAVING_CALL = re.compile(r"save|checkpoint|ckpt|dump", re.IGNORECASE)
#: Calls that train: `loss.backward()`, `optimizer.step()` (see `_OPTIMIZER`), `apply_gradients`,
#: `model.train_on_batch(...)`, `train_step(...)`. Not `fit`: scikit-learn's `warm_start` loops call
#: it once per epoch for a few seconds of work.
_TRAINING_CALLS = {
    "backward",
    "step",
    "apply_gradients",
    "train_on_batch",
    "train_step",
}
#: Whose `.step()` is a training step: an optimizer, a scheduler, a gradient scaler, an accelerator
#: (not `env.step(action)` or `game.step()`, which play a game).
_OPTIMIZER = re.compile(r"(optim|(^|[._])opt|sched|scaler|(^|[._])lr|accelerator)\w*\.step$", re.I)
#: Wrappers that iterate over their argument unchanged: `tqdm(range(n))`, `enumerate(range(n))`.
_ITERATION_WRAPPERS = {"tqdm", "tqdm_notebook", "enumerate"}
#: The keyword a Trainer takes its arguments in, and the argument classes whose `save_strategy`
#: decides whether it saves.
_TRAINING_ARGUMENTS = re.compile(r"TrainingArguments$|TrainingConfig$|SFTConfig$|Config$")

#: How to save while training, shown in the messages (the catalog's fix note has the full recipe).
_REMEDY_KERAS = (
    "with Drive mounted, pass "
    "`callbacks=[keras.callbacks.BackupAndRestore('/content/drive/MyDrive/train_backup')]`"
)
_REMEDY_LOOP = (
    "with Drive mounted, call "
    "`torch.save(model.state_dict(), '/content/drive/MyDrive/checkpoint.pt')` inside the loop"
)
_LOST = "a Colab runtime ends after 12 hours at most (sooner when idle) and takes the run with it"


@dataclass
class _Loop:
    """A `for epoch in range(N)` loop being visited."""

    node: ast.For | ast.AsyncFor
    epochs: int
    trains: bool = False
    saves: bool = False


@dataclass
class _Scope:
    """Names bound to literals (or to calls) in one function, or at module level."""

    values: dict[str, ast.expr] = field(default_factory=dict)


class NoCheckpointRule(AstRule):
    """Flags `fit(epochs>=N)` without a checkpointing callback, epoch loops that never save, and
    Trainers whose arguments turn saving off."""

    id = "NBP302"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: A run of at least this many epochs is long enough to lose to a runtime reset.
        self.min_epochs = 0  # set by `configure`
        # Module-level bindings live as long as the document: a notebook's cells share them.
        self._scopes: list[_Scope] = [_Scope()]
        self._loops: list[_Loop] = []
        #: Classes defined in this file: True when their code saves something.
        self._classes: dict[str, bool] = {}
        self._class_stack: list[tuple[str, list[bool]]] = []

    def configure(self, settings: RuleSettings) -> None:
        """Use the project's `min-epochs` (the catalog's default if it sets none)."""
        self.min_epochs = settings.options(self.entry)["min-epochs"]

    def begin_unit(self, context: UnitContext) -> None:
        """A new unit starts at module level."""
        del self._scopes[1:]
        self._loops = []
        self._class_stack = []
        super().begin_unit(context)

    # -- bindings

    def _bind(self, target: ast.expr, value: ast.expr | None) -> None:
        scope = self._scopes[-1].values
        if isinstance(target, ast.Name):
            if value is None:
                scope.pop(target.id, None)
            else:
                scope[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = (
                [_unstarred(element) for element in value.elts]
                if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts)
                else [None] * len(target.elts)
            )
            for element, item in zip(target.elts, values, strict=True):
                self._bind(_unstarred(element), item)

    def _lookup(self, name: str) -> ast.expr | None:
        for scope in reversed(self._scopes):
            if name in scope.values:
                return scope.values[name]
        return None

    def visit_Assign(self, node: ast.Assign) -> None:
        """`EPOCHS = 50`, `cp = ModelCheckpoint(...)`, `args = TrainingArguments(...)`."""
        for target in node.targets:
            self._bind(target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        """`EPOCHS: int = 50`."""
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        """`EPOCHS += 10`: no longer a known literal."""
        self._bind(node.target, None)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A function has its own names."""
        self._scopes.append(_Scope())

    def leave_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Back to the enclosing names."""
        self._scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef
    leave_AsyncFunctionDef = leave_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        """A class of the file, maybe a Keras callback: remember whether its code saves."""
        self._class_stack.append((node.name, [False]))
        self._scopes.append(_Scope())

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        """Record the class."""
        self._scopes.pop()
        name, saves = self._class_stack.pop()
        self._classes[name] = saves[0]

    def _int(self, node: ast.expr | None, depth: int = 0) -> int | None:
        """The value of an integer literal, a name bound to one, or `+ - *` of those."""
        if node is None or depth > 5:
            return None
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.Name):
            return self._int(self._lookup(node.id), depth + 1)
        if isinstance(node, ast.BinOp):
            left, right = self._int(node.left, depth + 1), self._int(node.right, depth + 1)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
        return None

    # -- loops

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        """`for epoch in range(EPOCHS):` starts a loop to watch; other loops rebind their target."""
        epochs = self._loop_epochs(node)
        if epochs is not None:
            self._loops.append(_Loop(node, epochs))
        self._bind(node.target, None)

    def leave_For(self, node: ast.For | ast.AsyncFor) -> None:
        """Report an epoch loop that trains but never saves."""
        if not self._loops or self._loops[-1].node is not node:
            return
        loop = self._loops.pop()
        if loop.trains and not loop.saves and loop.epochs >= self.min_epochs:
            # The loop ends where its last statement does (before any `;`), as libcst ends it.
            self.report_node(
                node,
                f"this {loop.epochs}-epoch training loop saves nothing inside the loop: {_LOST}; "
                + _REMEDY_LOOP,
                end=_last_statement(node),
            )

    visit_AsyncFor = visit_For
    leave_AsyncFor = leave_For

    def _loop_epochs(self, node: ast.For | ast.AsyncFor) -> int | None:
        """N for `for epoch in range(N)` (or `range(1, N + 1)`, `tqdm(range(N))`, `trange(N)`),
        when the loop counts epochs (its variable or its bound says so) and N is known."""
        iterable = node.iter
        while (
            isinstance(iterable, ast.Call)
            and leaf_name(iterable.func) in _ITERATION_WRAPPERS
            and (wrapped := call_arguments(iterable))
        ):
            iterable = wrapped[0].value
        if not isinstance(iterable, ast.Call):
            return None
        every = call_arguments(iterable)
        if leaf_name(iterable.func) not in ("range", "trange") or not every:
            return None
        arguments = [argument.value for argument in every if argument.keyword is None]
        if not arguments or len(arguments) > 3:
            return None
        bound = arguments[0] if len(arguments) == 1 else arguments[1]
        if not (self._counts_epochs(node.target) or self._counts_epochs(bound)):
            return None
        stop = self._int(bound)
        start = 0 if len(arguments) == 1 else self._int(arguments[0])
        if stop is None or start is None:
            return None
        return stop - start

    def _counts_epochs(self, node: ast.expr) -> bool:
        """`epoch`, `n_epochs`, `EPOCHS + 1`: a name that counts epochs (not `steps_per_epoch`)."""
        for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", self.source(node)):
            lowered = name.lower()
            if "epoch" in lowered and "per_epoch" not in lowered and "step" not in lowered:
                return True
        return False

    # -- calls

    def visit_Call(self, node: ast.Call) -> None:
        """Training and saving calls inside watched loops; `fit(...)` and `Trainer(...)` calls."""
        name = full_name(node.func) or ""
        leaf = name.rpartition(".")[2]
        if self._loops:
            if leaf in _TRAINING_CALLS and (leaf != "step" or _OPTIMIZER.search(name)):
                for loop in self._loops:
                    loop.trains = True
            if _SAVING_CALL.search(name):
                for loop in self._loops:
                    loop.saves = True
        if self._class_stack and _SAVING_CALL.search(name):
            self._class_stack[-1][1][0] = True
        if isinstance(node.func, ast.Attribute) and leaf in ("fit", "fit_generator"):
            self._check_fit(node, leaf)
        elif leaf.endswith("Trainer"):
            self._check_trainer(node, leaf)

    def _check_fit(self, node: ast.Call, method: str) -> None:
        arguments = {
            argument.arg: argument.value for argument in node.keywords if argument.arg is not None
        }
        epochs_node = arguments.get("epochs", arguments.get("nb_epoch"))
        epochs = self._int(epochs_node)
        if epochs is None or epochs - self._int_or_zero(arguments.get("initial_epoch")) < (
            self.min_epochs
        ):
            return
        callbacks = arguments.get("callbacks")
        if callbacks is not None and not self._saves_nothing(callbacks):
            return
        self.report_node(
            node,
            f"`{method}` runs {epochs} epochs and saves nothing until it returns: {_LOST}; "
            + _REMEDY_KERAS,
        )

    def _int_or_zero(self, node: ast.expr | None) -> int:
        value = self._int(node)
        return value or 0

    def _saves_nothing(self, callbacks: ast.expr, depth: int = 0) -> bool:
        """Whether every callback is known to save nothing (an empty list included)."""
        if depth > 5:
            return False
        if isinstance(callbacks, ast.Constant):
            return callbacks.value is None
        if isinstance(callbacks, ast.Name):
            bound = self._lookup(callbacks.id)
            return bound is not None and self._saves_nothing(bound, depth + 1)
        if isinstance(callbacks, (ast.List, ast.Tuple)):
            return all(
                not isinstance(element, ast.Starred) and self._saves_nothing(element, depth + 1)
                for element in callbacks.elts
            )
        if isinstance(callbacks, ast.Call):
            leaf = leaf_name(callbacks.func)
            if leaf in NON_SAVING_CALLBACKS:
                return True
            return self._classes.get(leaf) is False  # a class of this file that saves nothing
        return False

    def _check_trainer(self, node: ast.Call, leaf: str) -> None:
        """`Trainer(..., enable_checkpointing=False)` (Lightning), or a Hugging Face Trainer whose
        `args` say `save_strategy="no"`."""
        arguments = call_arguments(node)
        for argument in arguments:
            keyword = argument.keyword
            if keyword in ("enable_checkpointing", "checkpoint_callback") and _is_false(
                argument.value
            ):
                self.report_node(
                    node,
                    f"`{leaf}({keyword}=False)` saves nothing while it trains: {_LOST}; "
                    "keep checkpointing on and set `default_root_dir` under /content/drive/MyDrive",
                )
                return
        positional = [argument.value for argument in arguments if argument.keyword is None]
        keywords = {argument.keyword: argument.value for argument in arguments if argument.keyword}
        training_arguments = keywords.get("args", positional[1] if len(positional) > 1 else None)
        if isinstance(training_arguments, ast.Name):
            training_arguments = self._lookup(training_arguments.id)
        if not isinstance(training_arguments, ast.Call):
            return
        if not _TRAINING_ARGUMENTS.search(leaf_name(training_arguments.func)):
            return
        for argument in call_arguments(training_arguments):
            if argument.keyword == "save_strategy":
                if self._is_no(argument.value):
                    self.report_node(
                        node,
                        f'`{leaf}` with `save_strategy="no"` saves nothing while it trains: {_LOST}; '
                        'use `save_strategy="epoch"` with `output_dir` under /content/drive/MyDrive',
                    )
                return

    def _is_no(self, node: ast.expr) -> bool:
        """`"no"` (one literal, not `"n" "o"`), or `IntervalStrategy.NO` / `SaveStrategy.NO`."""
        if isinstance(node, ast.Constant):
            return node.value == "no" and _is_one_literal(self.source(node))
        return isinstance(node, ast.Attribute) and node.attr == "NO"


def _unstarred(node: ast.expr) -> ast.expr:
    """The expression under a `*`, or `node` itself."""
    return node.value if isinstance(node, ast.Starred) else node


def _last_statement(node: ast.stmt) -> ast.stmt:
    """The last simple statement inside a compound statement."""
    while True:
        for name in ("finalbody", "orelse", "handlers", "cases", "body"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block:
                node = block[-1]
                break
        else:
            return node


def _is_one_literal(source: str) -> bool:
    """Whether `source` is a single string literal (not several written side by side)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    return sum(token.type == tokenize.STRING for token in tokens) == 1


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False
