"""Whether a TensorFlow program builds a TF 1 graph that TF 2's eager execution refuses, and where
to switch graph mode on: read off what a rule meets in the program, in file order (NBP202 tf1-api).

A program that feeds placeholders, or runs a `Session`, needs
`tf.compat.v1.disable_eager_execution()` unless it switches graph mode on itself, builds its graphs
explicitly (`tf.Graph()`) or leaves them to an Estimator. Code that needs eager execution (Keras 3
models, `.numpy()`) makes that switch risky.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from nbport.finding import Edit, FixSafety
from nbport.rules.base import Spot

#: Names that build a TF 1 graph, which TF 2's eager execution refuses (`placeholder` and
#: `make_initializable_iterator` raise at once; a `Session` can only `run` graph tensors).
_GRAPH_INPUTS = frozenset(
    {"placeholder", "placeholder_with_default", "sparse_placeholder", "make_initializable_iterator"}
)
_SESSIONS = frozenset({"Session", "InteractiveSession"})
#: Calls that switch TF 2 back to graph mode, or build graphs explicitly.
_GRAPH_MODE_CALLS = frozenset({"disable_eager_execution", "disable_v2_behavior", "Graph"})
#: TF 2 APIs that stop working once eager execution is off (Keras 3 models above all), and the
#: parts of Keras that load data and work the same either way.
_EAGER_ONLY = frozenset({"keras", "GradientTape", "function"})
_KERAS_DATA = frozenset({"datasets", "utils"})
#: Receivers of a `.run()` that is no `Session.run`.
_OTHER_RUNNERS = frozenset({"subprocess", "asyncio"})


@dataclass
class GraphUse:
    """What a TensorFlow program does with TF 1 graphs, as far as it has been read."""

    #: The first graph-building use, for a message: "`tf.placeholder` at cell 2, line 1".
    first_use: str | None = None
    has_input: bool = False
    has_session: bool = False
    #: A `.run(...)` that may be `Session.run`.
    runs: bool = False
    #: Graph mode switched back on, graphs built explicitly, or left to an Estimator.
    graph_mode: bool = False
    #: The first code that needs eager execution, for a message: "Keras", "`.numpy()`".
    eager_only: str | None = None
    #: Where graph mode would be switched on: the first `import tensorflow` that binds `tf` itself
    #: (its place, that name, and the edit inserting the switch after it).
    anchor: tuple[Spot, str, Edit | None] | None = None

    def note_api(self, api: Sequence[str]) -> None:
        """A path under `tf` (or `tf.compat.v1`, or standalone `keras`) that the program uses."""
        api = list(api[2:] if list(api[:2]) == ["compat", "v1"] else api)
        if any(part in _GRAPH_MODE_CALLS or "estimator" in part.lower() for part in api):
            self.graph_mode = True
        if api[:2] == ["contrib", "learn"]:
            self.graph_mode = True
        if api and api[0] in _EAGER_ONLY:
            if api[0] != "keras":
                self.note_eager_only(f"`{'.'.join(api)}`")
            elif not (api[1:2] and api[1] in _KERAS_DATA):
                self.note_eager_only("Keras")

    def note_eager_only(self, what: str) -> None:
        """Code that stops working in graph mode (`.numpy()`)."""
        if self.eager_only is None:
            self.eager_only = what

    def note_use(self, name: str, describe: Callable[[], str]) -> None:
        """A use of the TF name `name`; for the first that builds a graph (`placeholder`,
        `Session`), `describe()` says which and where."""
        if name not in _GRAPH_INPUTS and name not in _SESSIONS:
            return
        self.has_input |= name in _GRAPH_INPUTS
        self.has_session |= name in _SESSIONS
        if self.first_use is None:
            self.first_use = describe()

    def note_call(self, method: str, receiver: str, through_tf: bool, arguments: bool) -> None:
        """A call of `receiver...method(...)`: `sess.run(x)` may run a graph (`tf.app.run()` and
        `subprocess.run()` do not), `x.numpy()` needs eager execution."""
        if method == "run":
            self.runs |= not through_tf and receiver not in _OTHER_RUNNERS
        elif method == "numpy" and not arguments:
            self.note_eager_only("`.numpy()`")

    def switch(
        self, tf1_names: Collection[str]
    ) -> tuple[Spot, str, Edit | None, FixSafety | None] | None:
        """Where and how to switch graph mode on, if the program needs it and its `tf` is not
        among `tf1_names` (the TF 1 API already): the anchor's place, the advice, the edit and
        its safety (unsafe next to code that needs eager execution)."""
        builds_graph = self.has_input or (self.has_session and self.runs)
        if not builds_graph or self.graph_mode or self.anchor is None:
            return None
        spot, tf, edit = self.anchor
        if tf in tf1_names:
            return None
        caveat = ""
        if self.eager_only is not None:
            caveat = (
                f" (this file also uses {self.eager_only}, which needs eager execution: check it)"
            )
        advice = (
            f"this file builds a TF 1 graph ({self.first_use}) but TensorFlow 2 runs eagerly, "
            f"where that fails: add `{tf}.compat.v1.disable_eager_execution()` after this "
            f"import{caveat}"
        )
        return spot, advice, edit, FixSafety.UNSAFE if caveat else None
