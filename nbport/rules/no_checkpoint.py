"""NBP302 no-checkpoint: a long training run that saves nothing a Colab reset keeps.

A run is long on evidence: the timing the notebook's stored outputs show for the training cell
(Keras progress lines, tqdm bars, `%%time`; at least `min-minutes` for the whole run), or, where no
output times it, `min-epochs` or more epochs on a large dataset or pretrained model the notebook
names, or literal `epochs` times `steps_per_epoch` of at least `long_steps`. Literal toy arrays never
make a run long. A save counts only where it survives a reset: under Drive (the notebook's own
mount point), a bucket, or a path built from those. The calls, callbacks, datasets and models it
knows are in `no_checkpoint.toml` beside it; names are matched as written, literals and the names
bound to them followed across cells.
"""

from __future__ import annotations

import ast
import enum
import re
from dataclasses import dataclass
from functools import cached_property

from nbport.documents.base import OutputDocument
from nbport.rules.base import Rule
from nbport.rules.calls import call_arguments, full_name, leaf_name
from nbport.rules.run_time import run_seconds
from nbport.rules.strings import shortened, string_literals
from nbport.rules.tables import rule_table
from nbport.rules.values import Values

_TABLE = rule_table(__file__)
_TRAINING = _TABLE["training"]
_PATTERNS = {key: re.compile(pattern) for key, pattern in _TABLE["patterns"].items()}
#: What makes a run long without outputs: (what, words one of which the code holds if the pattern
#: matches, pattern, epochs or None for the `min-epochs` option).
_LARGE = [
    (what, e["words"], re.compile(e["pattern"]), e.get("epochs"))
    for what, e in _TABLE["large"].items()
]
_RANGES = ("range", "trange")  # `trange`: tqdm's
_COMPOUND = {"body", "cases"}  # the fields of compound statements that hold statements
_MESSAGES = _TABLE["messages"]
_DEFAULT_DRIVE = "/content/drive"
#: Calls whose first argument is the path they build on: `os.path.join(root, 'x')`, `Path(root)`.
_PATH_CALLS = {"join", "Path", "PurePath", "PosixPath", "dirname", "abspath", "expanduser", "str"}


class _Saves(enum.Enum):
    """What a run's callbacks or loop save: nothing, only what a reset wipes, or something kept
    (or something the rule cannot see into, which gets the benefit of the doubt)."""

    NOTHING = 0
    WIPED = 1
    KEPT = 2


@dataclass
class _Loop:
    """A `for epoch in range(N)` loop being visited."""

    node: ast.For | ast.AsyncFor
    epochs: int
    trains: bool = False
    saves: _Saves = _Saves.NOTHING
    wiped: str = ""


class NoCheckpointRule(Rule):
    """Flags long `fit` runs without a checkpoint that survives a reset, long epoch loops that
    save nothing kept, and Trainers whose arguments turn saving off."""

    def __init__(self) -> None:
        #: Names bound to literals (or calls): `fit(epochs=EPOCHS)` reads `EPOCHS = 50`.
        self._values = Values()
        self._loops: list[_Loop] = []
        #: Classes defined in this file: True when their code saves something.
        self._classes: dict[str, bool] = {}
        self._class_stack: list[tuple[str, list[bool]]] = []
        self._wiped = ""  # the path of the last save found wiped, for the message
        self._path = ""  # the literal start of the path last read

    # What the whole notebook says (in cells the rule may never parse), read when first needed:
    # most documents never need it, and reading it costs a search of all their code.

    @cached_property
    def _text(self) -> str:
        return "\n".join(unit.text for unit in self.document.units())

    @cached_property
    def _mount(self) -> str | None:
        """Where the notebook mounts Drive; None where it mounts none."""
        mount = _PATTERNS["mount"].search(self._text) if "mount" in self._text else None
        return (mount[1].rstrip("/") or "/") if mount else None

    @cached_property
    def _large(self) -> list[tuple[str, int | None]]:
        """The large datasets and models it names: (what, epochs that make a run long)."""
        text = self._text
        return [
            (what, epochs)
            for what, words, pattern, epochs in _LARGE
            if any(word in text for word in words) and pattern.search(text)
        ]

    @cached_property
    def _relative_kept(self) -> bool | None:
        """Whether a relative path is kept (True: the notebook `%cd`s into Drive), wiped (False:
        it stays under /content), or unknown (None: it changes to a directory it computes)."""
        kept = False
        text = self._text
        targets = _PATTERNS["chdir"].findall(text) if "cd" in text or "chdir" in text else []
        for target in targets:
            place = self._place(target.strip("'\""), relative=None)
            if place is None:
                return None
            kept = kept or place is _Saves.KEPT
        return kept

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
        """Report a long epoch loop that trains but saves nothing a reset keeps."""
        loop = self._loops.pop() if self._loops and self._loops[-1].node is node else None
        if not loop or not loop.trains or loop.saves is _Saves.KEPT:
            return
        if (evidence := self._long_run(loop.epochs)) is None:
            return
        run = f"this {loop.epochs}-epoch training loop ({evidence})"
        self._wiped = loop.wiped
        self.report(node, self._message(run, loop.saves, "loop"), end=_last_statement(node))

    visit_AsyncFor, leave_AsyncFor = visit_For, leave_For

    def _loop_epochs(self, node: ast.For | ast.AsyncFor) -> int | None:
        """N for `for epoch in range(N)` (or `range(1, N + 1)`, `tqdm(range(N))`, `trange(N)`),
        when the loop counts epochs (its variable or its bound says so) and N is known."""
        iterable, wrappers = node.iter, _TRAINING["iteration_wrappers"]
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
            saves = _PATTERNS["saving_call"].search(name) is not None
            step = leaf != "step" or bool(_PATTERNS["optimizer"].search(name))  # not `env.step()`
            trains = leaf in _TRAINING["calls"] and step
            where = self._saving_call_place(node, name) if saves and self._loops else None
            for loop in self._loops:
                loop.trains = loop.trains or trains
                if where is not None and loop.saves is not _Saves.KEPT:
                    loop.saves, loop.wiped = where, self._wiped
            if self._class_stack and saves:
                self._class_stack[-1][1][0] = True
        if isinstance(node.func, ast.Attribute) and leaf in ("fit", "fit_generator"):
            self._check_fit(node, leaf)
        elif leaf.endswith("Trainer"):
            self._check_trainer(node, leaf)

    # --- Is the run long? --------------------------------------------------------------------------

    def _long_run(self, epochs: int | None, steps: int | None = None) -> str | None:
        """Why the run of this unit is long (`about 2 h by its output`, `on CIFAR`), or None.

        The cell's stored output, where it times the run, decides alone; otherwise the size of
        what is trained: literal epochs times steps, or enough epochs on a large dataset or model.
        """
        if (seconds := self._measured()) is not None:
            if seconds < self.options["min-minutes"] * 60:
                return None
            return f"{_duration(seconds)} by its output"
        if epochs is not None and steps is not None and epochs * steps >= _TRAINING["long_steps"]:
            return f"{steps:,} steps an epoch"
        for what, needed in self._large:
            if epochs is None or epochs >= (needed or self.options["min-epochs"]):
                return f"on {what}"
        return None

    def _measured(self) -> float | None:
        """Seconds the whole run takes by the unit's stored output, if the output times it."""
        if self._outputs is None:
            return None
        return run_seconds(self._outputs.unit_output_text(self.unit.unit.index))

    @cached_property
    def _outputs(self) -> OutputDocument | None:
        """The document, where it keeps stored outputs (a notebook; not a script)."""
        return self.document if isinstance(self.document, OutputDocument) else None

    def _toy(self, node: ast.expr | None, depth: int = 0) -> bool:
        """Whether `node` is (or names) a literal array: `[[0, 0], [0, 1]]`, `np.array([...])`."""
        if isinstance(node, ast.Name) and depth < 5:
            return self._toy(self._values.lookup(node.id), depth + 1)
        if isinstance(node, ast.Call) and leaf_name(node.func) in _TRAINING["array_calls"]:
            node = node.args[0] if node.args else None
        return isinstance(node, (ast.List, ast.Tuple))

    # --- Does it save where a reset keeps it? -----------------------------------------------------

    def _place(self, path: str, relative: bool | None = None) -> _Saves | None:
        """KEPT for a path on Drive or in a bucket, WIPED for one on the VM's disk, None for a
        path elsewhere (a laptop's: another rule's business). `relative`: what a relative path is."""
        drives = {_DEFAULT_DRIVE, *([self._mount] if self._mount else [])}
        if _PATTERNS["remote"].match(path) or path.startswith("drive/"):
            return _Saves.KEPT
        if any(path == drive or path.startswith(drive.rstrip("/") + "/") for drive in drives):
            return _Saves.KEPT
        if _PATTERNS["wiped"].match(path):
            return _Saves.WIPED
        if path.startswith(("/", "\\", "{")) or re.match(r"[A-Za-z]:[\\/]", path):
            return None
        if relative is None:
            return None
        return _Saves.KEPT if relative else _Saves.WIPED

    def _path_place(self, node: ast.expr | None, depth: int = 0) -> _Saves | None:
        """`_place` of the path an expression builds: a literal, an f-string, `root + '/x'`,
        `os.path.join(root, ...)`, `Path(root) / 'x'`, `'{}/x'.format(root)`, or a name bound
        to one of those; None where it cannot tell."""
        if node is None or depth > 8:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            self._path = node.value  # the path's literal start, for the message
            return self._place(node.value, self._relative_kept)
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            inner = first.value if isinstance(first, ast.FormattedValue) else first
            return self._path_place(inner, depth + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div, ast.Mod)):
            return self._path_place(node.left, depth + 1)
        if isinstance(node, ast.Name):
            return self._path_place(self._values.lookup(node.id), depth + 1)
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "joinpath"):
                return self._path_place(node.func.value, depth + 1)
            if leaf_name(node.func) in _PATH_CALLS and node.args:
                return self._path_place(node.args[0], depth + 1)
        return None

    def _saving_place(self, path: ast.expr | None) -> _Saves:
        """KEPT unless the path is known to be wiped (then remembered for the message)."""
        self._path = ""
        if self._path_place(path) is _Saves.WIPED:
            self._wiped = shortened(self._path, 30)
            return _Saves.WIPED
        return _Saves.KEPT

    def _saving_call_place(self, node: ast.Call, name: str) -> _Saves:
        """Where a saving call in a loop writes: `torch.save(state, path)`, `model.save(path)`,
        `save_weights(path)`, `checkpoint.save(file_prefix=path)`; KEPT where it names no path."""
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        index = 1 if name.endswith("torch.save") or name == "save" else 0
        path = keywords.get("f", keywords.get("file_prefix", keywords.get("filepath")))
        if path is None and len(node.args) > index:
            path = node.args[index]
        return self._saving_place(path)

    def _callbacks_save(self, callbacks: ast.expr | None, depth: int = 0) -> _Saves:
        """What the callbacks save: NOTHING when every one is known to save nothing (an empty
        list included), WIPED when those that save write only where a reset wipes."""
        if callbacks is None:
            return _Saves.NOTHING
        if depth > 5:
            return _Saves.KEPT
        if isinstance(callbacks, ast.Constant):
            return _Saves.NOTHING if callbacks.value is None else _Saves.KEPT
        if isinstance(callbacks, ast.Name):
            bound = self._values.lookup(callbacks.id)
            return _Saves.KEPT if bound is None else self._callbacks_save(bound, depth + 1)
        if isinstance(callbacks, ast.BinOp) and isinstance(callbacks.op, ast.Add):
            parts = [callbacks.left, callbacks.right]
            return max(
                (self._callbacks_save(p, depth + 1) for p in parts), key=lambda saves: saves.value
            )
        if isinstance(callbacks, (ast.List, ast.Tuple)):
            if any(isinstance(e, ast.Starred) for e in callbacks.elts):
                return _Saves.KEPT
            each = [self._callbacks_save(e, depth + 1) for e in callbacks.elts]
            return max(each, key=lambda saves: saves.value, default=_Saves.NOTHING)
        if isinstance(callbacks, ast.Call):
            leaf = leaf_name(callbacks.func)
            if leaf in _TABLE["non_saving_callbacks"] or self._classes.get(leaf) is False:
                return _Saves.NOTHING
            if keyword := _TABLE["saving_callbacks"].get(leaf):
                given = {k.arg: k.value for k in callbacks.keywords if k.arg}
                path = given.get(keyword, callbacks.args[0] if callbacks.args else None)
                return self._saving_place(path)
        return _Saves.KEPT

    # --- The three checks ---------------------------------------------------------------------------

    def _check_fit(self, node: ast.Call, method: str) -> None:
        keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
        epochs = self._values.integer(keywords.get("epochs", keywords.get("nb_epoch")))
        initial = self._values.integer(keywords.get("initial_epoch")) or 0
        if epochs is None:
            return
        saves = self._callbacks_save(keywords.get("callbacks"))
        if saves is _Saves.KEPT:
            return
        data = node.args[0] if node.args else keywords.get("x")
        if self._toy(data):
            return
        steps = self._values.integer(keywords.get("steps_per_epoch"))
        if (evidence := self._long_run(epochs - initial, steps)) is None:
            return
        run = f"`{method}` runs {_epochs(epochs - initial)} ({evidence})"
        self.report(node, self._message(run, saves, "keras"))

    def _check_trainer(self, node: ast.Call, leaf: str) -> None:
        """`Trainer(..., enable_checkpointing=False)` (Lightning), or a Hugging Face Trainer whose
        `args` say `save_strategy="no"`, where the notebook's output or what it trains says the run
        is long."""
        arguments = call_arguments(node)
        for argument in arguments:
            off = isinstance(argument.value, ast.Constant) and argument.value.value is False
            if argument.keyword in ("enable_checkpointing", "checkpoint_callback") and off:
                if (evidence := self._long_run(None)) is not None:
                    run = f"`{leaf}({argument.keyword}=False)` trains ({evidence})"
                    self.report(node, self._message(run, _Saves.NOTHING, "lightning", ""))
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
        if not strategies or not self._is_no(strategies[0]):
            return
        if (evidence := self._long_run(None)) is not None:
            run = f'`{leaf}` trains ({evidence}) with `save_strategy="no"`'
            self.report(node, self._message(run, _Saves.NOTHING, "hugging_face", ""))

    def _message(self, run: str, saves: _Saves, advice: str, nothing: str | None = None) -> str:
        """`<run> with no save a reset keeps: <advice>`, or names the wiped path it saves to;
        `nothing` replaces `with no save a reset keeps` where `run` already says so."""
        drive = self._mount or _DEFAULT_DRIVE
        mount = "" if self._mount else _MESSAGES["unmounted"]
        if saves is _Saves.WIPED:
            where = f"{drive.rstrip('/')}/MyDrive"
            return f"{run} but saves to `{self._wiped}`, which a reset wipes: {mount}save under {where}"
        how = _MESSAGES[advice].format(drive=drive.rstrip("/"))
        tail = " with no save a reset keeps" if nothing is None else nothing
        return f"{run}{tail}: {mount}{how}"

    def _is_no(self, node: ast.expr) -> bool:
        """`"no"` (one literal, not `"n" "o"`), or `IntervalStrategy.NO` / `SaveStrategy.NO`."""
        if isinstance(node, ast.Constant):
            return node.value == "no" and len(string_literals(self.unit, node)) == 1
        return isinstance(node, ast.Attribute) and node.attr == "NO"


def _epochs(count: int) -> str:
    return "1 epoch" if count == 1 else f"{count} epochs"


def _last_statement(node: ast.stmt) -> ast.stmt:
    """The last simple statement inside a compound one, which `ast` ends after a trailing `;`."""
    simple = [n for n in ast.walk(node) if isinstance(n, ast.stmt) and not _COMPOUND & {*n._fields}]
    return max(simple, key=lambda statement: (statement.end_lineno, statement.end_col_offset))


def _duration(seconds: float) -> str:
    """`3 h 5 min`, `45 min`."""
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
