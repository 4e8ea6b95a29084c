"""NBP005 colab-unsupported-magic: `%tensorflow_version` and `%matplotlib` backends Colab cannot show.

Removing a `%tensorflow_version` line needs the statement around it (a `try:` guard, a block that would
be left empty). The rule reads it in the `ast` tree the engine built when it checked that the masked
cell parses (its line numbers are the unit's own), instead of asking the engine for a libcst tree on
every cell that mentions `%matplotlib`.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from dataclasses import dataclass

from nbport.escapes import Escape, EscapeKind
from nbport.finding import Edit, FixSafety
from nbport.rule import Rule
from nbport.rules.unit import UnitContext

#: Backends that draw in a classic-Notebook frontend or in a desktop window: nothing shows on Colab.
_CLASSIC_BACKENDS = frozenset({"notebook", "nbagg"})
_GUI_BACKENDS = frozenset(
    {"qt", "qt4", "qt5", "qt6", "tk", "osx", "macosx", "gtk", "gtk3", "gtk4", "wx"}
)
#: Backends that need Colab's custom widget manager (`output.enable_custom_widget_manager()`).
_WIDGET_BACKENDS = frozenset({"widget", "ipympl"})
_WIDGET_MANAGER = "enable_custom_widget_manager"

_TF2_MESSAGE = (
    "`%tensorflow_version` was removed from Colab, which ships only TensorFlow 2: the line does "
    "nothing there and fails everywhere else"
)
_TF1_MESSAGE = (
    "`%tensorflow_version 1.x` fails on Colab, which no longer ships TensorFlow 1: this notebook's "
    "TF1 code must be ported to TensorFlow 2 (`tf.compat.v1`, see NBP202) or run locally with "
    "TensorFlow 1.15"
)


@dataclass(frozen=True)
class _WidgetMagic:
    context: UnitContext
    escape: Escape
    backend: str


class ColabUnsupportedMagicRule(Rule):
    """Flags `%tensorflow_version` and `%matplotlib notebook|qt|tk|...|widget`; fixes what it can."""

    id = "NBP005"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._widget_magics: list[_WidgetMagic] = []
        self._widget_manager = False

    def begin_unit(self, context: UnitContext) -> None:
        """Notice a cell that enables Colab's custom widget manager."""
        super().begin_unit(context)
        if _WIDGET_MANAGER in context.unit.text:
            self._widget_manager = True

    def check_escape(self, escape: Escape) -> None:
        """Look at each line magic."""
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
        for item in self._widget_magics:
            self.report(
                item.escape.start,
                item.escape.end,
                f"`%matplotlib {item.backend}` shows nothing on Colab until the notebook enables "
                "Colab's widget manager: run `from google.colab import output; "
                "output.enable_custom_widget_manager()` first, or use `%matplotlib inline`",
                context=item.context,
            )

    # -- %matplotlib

    def _matplotlib(self, escape: Escape) -> None:
        backend = escape.args.split(None, 1)[0] if escape.args.split() else ""
        if backend in _WIDGET_BACKENDS:
            assert self.context is not None
            self._widget_magics.append(_WidgetMagic(self.context, escape, backend))
            return
        if backend in _CLASSIC_BACKENDS:
            why = "draws only in the classic Jupyter Notebook; Colab shows nothing"
        elif backend in _GUI_BACKENDS:
            why = "opens desktop windows; Colab has no display, so nothing shows"
        else:
            return
        context = self.context
        assert context is not None
        # The backend is on the magic's first line, where the unit's text and `body` agree.
        first_line = escape.body.split("\n", 1)[0]
        body_start = escape.start + len(escape.marker)
        at = first_line.find(backend, first_line.find("matplotlib") + len("matplotlib"))
        edits = []
        if at >= 0 and context.unit.text[body_start + at :].startswith(backend):
            edits = [Edit(body_start + at, body_start + at + len(backend), "inline")]
        self.report(
            escape.start,
            escape.end,
            f"`%matplotlib {backend}` {why}; use `%matplotlib inline` (interactive zoom and "
            "updates are lost)",
            edits=edits,
            safety=FixSafety.UNSAFE,
        )

    # -- %tensorflow_version

    def _tensorflow_version(self, escape: Escape) -> None:
        version = escape.args.strip()
        if version.startswith("1"):
            self.report(escape.start, escape.end, _TF1_MESSAGE)
            return
        context = self.context
        assert context is not None
        # Only `2.x` is removed for the user; a bare `%tensorflow_version` (which listed the
        # versions) or an odd argument is reported for them to delete.
        edit, safety, note = (
            _removal(context, escape) if version.startswith("2") else (None, None, "; delete it")
        )
        edits = [] if edit is None else [edit]
        self.report(escape.start, escape.end, _TF2_MESSAGE + note, edits=edits, safety=safety)


# --- removing a `%tensorflow_version` line -------------------------------------------------------

#: Exceptions a handler must catch for the magic's failure outside Colab (a `UsageError`) to be
#: caught, and for `import google.colab`'s failure (a `ModuleNotFoundError`) as well.
_CATCH_ALL = frozenset({"Exception", "BaseException"})


def _removal(context: UnitContext, escape: Escape) -> tuple[Edit | None, FixSafety | None, str]:
    """The edit that takes the `%tensorflow_version` line out (None if none is right), its safety,
    and the advice that ends the message.

    * alone in a `try:` whose handlers only `pass` (the corpus's `try:` / `%tensorflow_version 2.x`
      / `except Exception:` / `pass`): the whole guard goes;
    * last in a `try:` body whose handlers only `pass`, or after an `import google.colab` in it:
      the line goes, since the guard still behaves the same everywhere;
    * elsewhere in a `try:`, the magic doubles as the test "am I on Colab?" (it fails elsewhere):
      it becomes `import google.colab`, which fails in the same places (unsafe: a laptop with the
      `google-colab` package installed would now pass the test);
    * anywhere else: the line goes.

    A block left without a statement gets `pass`.
    """
    tree = context.tree
    located = _find_statement(tree, escape.line)
    if located is None:
        return None, None, "; delete it"
    body, index, parents = located
    statement = body[index]
    enclosing_try = parents[-1] if parents and isinstance(parents[-1], ast.Try) else None
    in_try_body = enclosing_try is not None and enclosing_try.body is body
    if in_try_body:
        assert enclosing_try is not None
        guard_only_passes = _handlers_only_pass(enclosing_try) and not enclosing_try.orelse
        if len(body) == 1 and guard_only_passes and not enclosing_try.finalbody:
            # The whole guard goes: the `try` is the statement removed from its own block.
            grand_body = _owner_body(tree, parents[:-1], enclosing_try)
            last = enclosing_try.end_lineno or enclosing_try.lineno
            edit = _delete_statement(context, grand_body, enclosing_try, last, len(parents) > 1)
            return edit, None, "; delete it with the `try:` guard around it"
        colab_imported = any(_imports_google_colab(earlier) for earlier in body[:index])
        if not (colab_imported or (index == len(body) - 1 and guard_only_passes)):
            note = "; this `try:` uses it to tell Colab from elsewhere: use `import google.colab`"
            # Equivalent only if the first handler takes both failures, the magic's and the import's.
            if not enclosing_try.handlers or not _catches_usage_error(enclosing_try.handlers[0]):
                return None, None, note
            edit = _replace_line(context, escape, statement, "import google.colab")
            return edit, FixSafety.UNSAFE, note
    # The magic's own lines: a masked escape continued with backslashes spans several.
    last = context.lines.line_column(escape.end)[0]
    edit = _delete_statement(context, body, statement, last, bool(parents))
    return edit, None, "; delete it"


def _find_statement(
    tree: ast.Module, line: int
) -> tuple[list[ast.stmt], int, list[ast.AST]] | None:
    """The statement list holding the masked magic on `line`, its index there, and the compound
    statements (outermost first) that own that list."""

    def search(
        body: list[ast.stmt], parents: list[ast.AST]
    ) -> tuple[list[ast.stmt], int, list[ast.AST]] | None:
        # A block's statements come in line order, each ending where or before the next starts:
        # those ending above `line` are skipped by bisection, and the search stops below it, so a
        # cell of many magics is not walked from its top for each one.
        first = bisect_left(body, line, key=_last_line)
        for index in range(first, len(body)):
            statement = body[index]
            if statement.lineno > line:
                break
            if (
                statement.lineno == line
                and isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Name)
            ):
                return body, index, parents
            if not (statement.lineno <= line <= (statement.end_lineno or statement.lineno)):
                continue
            for child_body in _bodies(statement):
                found = search(child_body, [*parents, statement])
                if found is not None:
                    return found
        return None

    return search(tree.body, [])


def _last_line(statement: ast.stmt) -> int:
    return statement.end_lineno or statement.lineno


def _bodies(statement: ast.AST) -> list[list[ast.stmt]]:
    """The statement lists a compound statement holds (handler and case bodies included)."""
    bodies: list[list[ast.stmt]] = []
    for field in ("body", "orelse", "finalbody"):
        value = getattr(statement, field, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            bodies.append(value)
    for handler in getattr(statement, "handlers", ()):
        bodies.append(handler.body)
    for case in getattr(statement, "cases", ()):
        bodies.append(case.body)
    return bodies


def _owner_body(tree: ast.Module, parents: list[ast.AST], statement: ast.stmt) -> list[ast.stmt]:
    """The statement list that holds `statement` (whose enclosing statements are `parents`)."""
    for body in _bodies(parents[-1]) if parents else [tree.body]:
        if any(candidate is statement for candidate in body):
            return body
    raise LookupError("statement not found in its parent")  # pragma: no cover


def _handlers_only_pass(statement: ast.Try) -> bool:
    """`except ...: pass` (or `...`) for every handler."""
    return bool(statement.handlers) and all(
        all(
            isinstance(inner, ast.Pass)
            or (isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Constant))
            for inner in handler.body
        )
        for handler in statement.handlers
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


def _line_text(context: UnitContext, line: int) -> str:
    """The text of a 1-based line of the unit, without its ending."""
    text = context.unit.text
    start = context.lines.offset(line, 0)
    end = text.find("\n", start)
    return text[start : len(text) if end < 0 else end].rstrip("\r")


def _line_count(context: UnitContext) -> int:
    # The line starts are counted once per unit; counting newlines here did it once per magic.
    return len(context.lines.starts)


def _indentation(context: UnitContext, line: int) -> str:
    text = _line_text(context, line)
    return text[: len(text) - len(text.lstrip(" \t"))]


def _replace_line(context: UnitContext, escape: Escape, statement: ast.stmt, new: str) -> Edit:
    """Replace the magic's lines (from its indentation to its end) with `new`."""
    indent = _indentation(context, statement.lineno)
    start = context.lines.offset(statement.lineno, len(indent))
    return Edit(start, escape.end, new)


def _delete_statement(
    context: UnitContext, body: list[ast.stmt], statement: ast.stmt, last: int, nested: bool
) -> Edit:
    """Delete the whole lines `statement.lineno` to `last`, or write `pass` over them when the
    statement is alone in a block (`nested`), so that the block keeps a body."""
    text = context.unit.text
    first = statement.lineno
    if nested and len(body) == 1:
        indent = _indentation(context, first)
        return Edit(context.lines.offset(first, 0), _line_end(context, last), f"{indent}pass")
    total = _line_count(context)
    if first == 1:
        while last < total and not _line_text(context, last + 1).strip():
            last += 1  # no blank lines left at the top of the cell
    elif (
        last < total
        and not _line_text(context, first - 1).strip()
        and not _line_text(context, last + 1).strip()
    ):
        last += 1  # one blank line where there were blank lines on both sides
    start = context.lines.offset(first, 0)
    if last < total:
        return Edit(start, context.lines.offset(last + 1, 0), "")
    if first > 1:
        start = _line_end(context, first - 1)  # the cell's last line: take the newline before it
    return Edit(start, len(text), "")


def _line_end(context: UnitContext, line: int) -> int:
    """The offset of the end of a 1-based line (before its newline)."""
    return context.lines.offset(line, 0) + len(_line_text(context, line))
