"""NBP402 colab-path: `/content/...` paths hard-coded outside a Colab guard, missing off Colab."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import CodeRange

from nbport.colab_guards import ColabGuards
from nbport.escapes import Escape, EscapeKind
from nbport.rules.unit import UnitContext
from nbport.syntax_rule import SyntaxRule

#: `/content` as a path of its own: at the start of the text or after a blank, quote, `=`, `(`, `,`
#: or `:` (`--out=/content/x`, `cp a /content/b`), and ending at `/`, a blank, a quote or the end, so
#: `https://host/content/page` and `/content.udacity-data.com` are not paths on the Colab disk.
_CONTENT_PATH = re.compile(r"""(?:^|(?<=[\s'"=(,:]))/content(?=[/\s'"]|$)""")
#: Where an unquoted path ends in a command: an unescaped blank or a shell operator.
_UNQUOTED_PATH_END = re.compile(r"""(?<!\\)[\s'";|&)]""")
#: Magics whose argument is the rest of the line, spaces and all: `%cd /content/drive/My Drive`.
_WHOLE_LINE_MAGICS = {"cd", "pushd"}
#: Calls whose string arguments are messages, not paths used by the code.
_MESSAGE_CALLS = {
    "print",
    "display",
    "Markdown",
    "HTML",
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "log",
    "write",
    "set_description",
    "set_postfix_str",
}
#: `drive.mount('/content/drive')` only runs after `from google.colab import drive`, which NBP401
#: reports: its mount point would be a second finding for the same line of thought.
_MOUNT_CALLS = {"mount", "flush_and_unmount"}


@dataclass(frozen=True)
class _ShellPath:
    escape_index: int
    start: int
    end: int
    path: str


class ColabPathRule(ColabGuards, SyntaxRule):
    """Flags string literals and shell/magic lines that hard-code a path under `/content`."""

    id = "NBP402"

    def __init__(self, *args: object, **kwargs: object) -> None:
        SyntaxRule.__init__(self, *args, **kwargs)
        ColabGuards.__init__(self)
        self._docstrings: set[int] = set()
        self._quiet_calls: list[int] = []
        self._shell_paths: list[_ShellPath] = []
        self._escape_indexes: dict[Escape, int] | None = None

    def begin_unit(self, context: UnitContext) -> None:
        """Reset the per-unit state."""
        super().begin_unit(context)
        self.begin_guards(context)
        self._docstrings = set()
        self._quiet_calls = []
        self._shell_paths = []
        self._escape_indexes = None

    def _escape_index(self, escape: Escape) -> int:
        """The index of `escape` among the unit's escapes: looked up, not searched for (a cell with
        an escape on each of its lines would search them all for each one)."""
        if self._escape_indexes is None:
            assert self.context is not None
            self._escape_indexes = {}
            for index, each in enumerate(self.context.scanned.escapes):
                self._escape_indexes.setdefault(each, index)  # the first equal one, as `index` gave
        return self._escape_indexes[escape]

    def check_escape(self, escape: Escape) -> None:
        """`!ls /content/drive`, `%cd /content/data`: the first `/content` path of the line."""
        if escape.kind not in (EscapeKind.SHELL, EscapeKind.SHELL_CAPTURE, EscapeKind.LINE_MAGIC):
            return
        assert self.context is not None
        text = self.context.unit.text
        line = text[escape.start : escape.end]
        match = _CONTENT_PATH.search(line)
        if match is None:
            return
        if escape.kind is EscapeKind.LINE_MAGIC and escape.name in _WHOLE_LINE_MAGICS:
            stop = len(line.split("\n", 1)[0].rstrip())  # `%cd` takes the rest of its line
        else:
            stop = _path_end(line, match.start())
        index = self._escape_index(escape)
        self._shell_paths.append(
            _ShellPath(
                index, escape.start + match.start(), escape.start + stop, line[match.start() : stop]
            )
        )

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        """A string standing alone as a statement is a docstring or a comment, not a path."""
        for statement in node.body:
            if isinstance(statement, cst.Expr) and isinstance(
                statement.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
            ):
                self._docstrings.add(id(statement.value))

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        """The parts of a docstring written as several literals are docstring too."""
        if id(node) in self._docstrings:
            self._docstrings.update((id(node.left), id(node.right)))

    def visit_Call(self, node: cst.Call) -> None:
        """Messages (`print(...)`) and mount points are not paths the code depends on."""
        name = (get_full_name_for_node(node.func) or "").rpartition(".")[2]
        if name in _MESSAGE_CALLS or name in _MOUNT_CALLS:
            self._quiet_calls.append(id(node))

    def leave_Call(self, original_node: cst.Call) -> None:
        """End of a call."""
        if self._quiet_calls and self._quiet_calls[-1] == id(original_node):
            self._quiet_calls.pop()

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """A literal such as `'/content/drive/MyDrive/data.csv'`."""
        if "/content" not in node.value or self._skipped(node):
            return
        value = node.evaluated_value
        if isinstance(value, str):
            self._check_text(node, value)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        """An f-string such as `f"/content/{name}.csv"`; its text parts only."""
        if self._skipped(node):
            return
        text = "".join(
            part.value if isinstance(part, cst.FormattedStringText) else "{}" for part in node.parts
        )
        if "/content" in text:
            self._check_text(node, text)

    def _skipped(self, node: cst.CSTNode) -> bool:
        return self.colab_only or bool(self._quiet_calls) or id(node) in self._docstrings

    def _check_text(self, node: cst.CSTNode, text: str) -> None:
        match = _CONTENT_PATH.search(text)
        if match is None:
            return
        # A string that is the path may hold blanks (`Colab Notebooks`); one that holds a command
        # (`"python /content/x.py --fast"`) ends the path where the shell would.
        stop = len(text) if match.start() == 0 else _path_end(text, match.start())
        self.report_node(node, _message(text[match.start() : stop]))

    def wants_positions(self) -> bool:
        """Shell findings are reported from `end_unit`, once the guards are known."""
        return super().wants_positions() or bool(self._shell_paths)

    def end_unit(self, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        """Report the string literals, then the shell and magic lines outside a guard."""
        super().end_unit(positions)
        for item in self._shell_paths:
            if not self.escape_colab_only.get(item.escape_index, False):
                self.report(item.start, item.end, _message(item.path))
        self._shell_paths = []


def _path_end(text: str, start: int) -> int:
    """Where the path starting at `start` ends: at the closing quote if it is quoted, else where
    the shell would split it."""
    quote = text[start - 1 : start]
    if quote in ("'", '"'):
        end = text.find(quote, start)
        return end if end >= 0 else len(text)
    match = _UNQUOTED_PATH_END.search(text, start)
    return match.start() if match else len(text)


def _message(path: str) -> str:
    shown = path if len(path) <= 60 else path[:57] + "..."
    return (
        f"`{shown}` exists only on Colab: on a laptop, a server or CI this path is missing; "
        "use a path relative to the notebook, or choose it under `if 'google.colab' in sys.modules:`"
    )
