"""NBP005 colab-unsupported-magic: `%tensorflow_version` and `%matplotlib` backends Colab cannot show."""

from __future__ import annotations

import ast

from nbport.escapes import Escape, EscapeKind
from nbport.finding import Edit, FixSafety
from nbport.rules.base import Rule, Spot
from nbport.rules.fixes import delete_statement, escape_place, replace_statement
from nbport.rules.tables import rule_table

_TABLE = rule_table(__file__)
_WHY = {
    "classic": "draws only in the classic Jupyter Notebook; Colab shows nothing",
    "gui": "opens desktop windows; Colab has no display, so nothing shows",
}
#: Each backend Colab cannot show, and why.
_UNSHOWN = {name: _WHY[kind] for kind in _WHY for name in _TABLE["backends"][kind]}
_WIDGET_BACKENDS = frozenset(_TABLE["backends"]["widget"])
_CATCH_ALL = frozenset(_TABLE["guards"]["catch-all"])
_WIDGET_MANAGER = "enable_custom_widget_manager"

#: `{tensorflow}`: how the runtime's TensorFlow is named (`TensorFlow 2.20`).
_TF2_MESSAGE = (
    "`%tensorflow_version` was removed from Colab, which ships only {tensorflow}: the line does "
    "nothing there, and stops the cell everywhere else (`UsageError: Line magic function not found`)"
)
_TF1_MESSAGE = (
    "`%tensorflow_version 1.x` fails on Colab, which ships only {tensorflow}, and everywhere else, "
    "where the magic never existed: port this notebook's TF1 code to TensorFlow 2 "
    "(`tf.compat.v1`, see NBP202), or run it locally with TensorFlow 1.15 without this line"
)
_DELETE = "; delete it"
_COLAB_TEST = "; this `try:` uses it to tell Colab from elsewhere: use `import google.colab`"


class ColabUnsupportedMagicRule(Rule):
    """Flags `%tensorflow_version` and `%matplotlib notebook|qt|tk|...|widget`; fixes what it can."""

    def __init__(self) -> None:
        #: `%matplotlib widget` lines: reported at the end unless a cell enables the widget manager.
        self._widget_magics: list[tuple[Spot, str]] = []
        self._widget_manager = False

    def begin_unit(self) -> None:
        """Notice a cell that enables Colab's custom widget manager."""
        self._widget_manager = self._widget_manager or _WIDGET_MANAGER in self.unit.unit.text

    def check_escape(self, escape: Escape) -> None:
        """`%tensorflow_version ...` and `%matplotlib <backend>` on lines of their own."""
        if escape.kind is not EscapeKind.LINE_MAGIC or escape.target is not None:
            return
        if escape.name == "tensorflow_version":
            self._tensorflow_version(escape)
        elif escape.name == "matplotlib":
            self._matplotlib(escape)

    def end_document(self) -> None:
        """`%matplotlib widget` is fine if any cell of the notebook enables the widget manager."""
        if self._widget_manager:
            return
        for spot, backend in self._widget_magics:
            self.report(
                spot,
                f"`%matplotlib {backend}` shows nothing on Colab until the notebook enables "
                "Colab's widget manager: run `from google.colab import output; "
                "output.enable_custom_widget_manager()` first, or use `%matplotlib inline`",
            )

    def _matplotlib(self, escape: Escape) -> None:
        words = escape.args.split()
        backend = words[0] if words else ""
        if backend in _WIDGET_BACKENDS:
            self._widget_magics.append((self.spot(escape), backend))
        elif backend in _UNSHOWN:
            self.report(
                escape,
                f"`%matplotlib {backend}` {_UNSHOWN[backend]}; use `%matplotlib inline` "
                "(interactive zoom and updates are lost)",
                edits=[self._inline(escape, backend)],
                safety=FixSafety.UNSAFE,
            )

    def _inline(self, escape: Escape, backend: str) -> Edit | None:
        """The edit writing `inline` over the backend's name; None where it is not found as written."""
        # The backend is on the magic's first line, where the unit's text and `body` agree.
        first_line = escape.body.split("\n", 1)[0]
        found = first_line.find(backend, first_line.find("matplotlib") + len("matplotlib"))
        at = escape.start + len(escape.marker) + found
        if found < 0 or not self.unit.unit.text.startswith(backend, at):
            return None
        return Edit(at, at + len(backend), "inline")

    def _tensorflow(self) -> str:
        """`TensorFlow 2.20`, from the runtime table (any TensorFlow 2 if it has none)."""
        described = self.runtime.describe("tensorflow")
        return described or "TensorFlow 2"

    def _tensorflow_version(self, escape: Escape) -> None:
        version = escape.args.strip()
        if version.startswith("1"):
            self.report(escape, _TF1_MESSAGE.format(tensorflow=self._tensorflow()))
            return
        # Only `2.x` is removed for the user; a bare `%tensorflow_version` (which listed the
        # versions) or an odd argument is reported for them to delete.
        edit, safety, note = (
            self._removal(escape) if version.startswith("2") else (None, None, _DELETE)
        )
        message = _TF2_MESSAGE.format(tensorflow=self._tensorflow())
        self.report(escape, message + note, edits=[edit], safety=safety)

    def _removal(self, escape: Escape) -> tuple[Edit | None, FixSafety | None, str]:
        """The edit that takes the `%tensorflow_version 2.x` line out (None if none is right), its
        safety, and the advice that ends the message.

        * alone in a `try:` whose handlers only `pass`: the whole guard goes;
        * last in a `try:` body whose handlers only `pass`, or after an `import google.colab` in it:
          the line goes, since the guard still behaves the same everywhere;
        * elsewhere in a `try:` body, the magic doubles as the test "am I on Colab?" (it fails
          elsewhere): it becomes `import google.colab`, which fails in the same places (unsafe: a
          laptop with the `google-colab` package installed would now pass the test);
        * anywhere else: the line goes (a block left without a statement gets `pass`).
        """
        place = escape_place(self.unit, escape)
        if place is None:
            return None, None, _DELETE
        outer = place.outer
        guard = outer.statement if outer is not None else None
        if outer is not None and isinstance(guard, ast.Try) and guard.body is place.block:
            passes = _handlers_only_pass(guard) and not guard.orelse
            if len(place.block) == 1 and passes and not guard.finalbody:
                edit = delete_statement(self.unit, outer)
                return edit, None, "; delete it with the `try:` guard around it"
            before = place.block[: place.index]
            last = place.index == len(place.block) - 1
            if not (any(map(_imports_google_colab, before)) or (last and passes)):
                # Equivalent only if the first handler takes both failures, the magic's and the import's.
                if not guard.handlers or not _catches_usage_error(guard.handlers[0]):
                    return None, None, _COLAB_TEST
                edit = replace_statement(self.unit, place, "import google.colab", escape.end)
                return edit, FixSafety.UNSAFE, _COLAB_TEST
        return delete_statement(self.unit, place, escape.end), None, _DELETE


def _handlers_only_pass(statement: ast.Try) -> bool:
    """`except ...: pass` (or `...`) for every handler."""
    return bool(statement.handlers) and all(
        isinstance(inner, ast.Pass)
        or (isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Constant))
        for handler in statement.handlers
        for inner in handler.body
    )


def _catches_usage_error(handler: ast.ExceptHandler) -> bool:
    """A bare `except:` or `except Exception:` (alone or in a tuple)."""
    kind = handler.type
    if kind is None:
        return True
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(isinstance(name, ast.Name) and name.id in _CATCH_ALL for name in names)


def _imports_google_colab(statement: ast.stmt) -> bool:
    """`import google.colab` or `from google.colab import ...`."""
    if isinstance(statement, ast.Import):
        return any(alias.name.startswith("google.colab") for alias in statement.names)
    if isinstance(statement, ast.ImportFrom):
        return (statement.module or "").startswith("google.colab")
    return False
