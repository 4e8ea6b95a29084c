"""NBP402 colab-path: `/content/...` paths hard-coded outside a Colab guard, missing off Colab."""

from __future__ import annotations

import ast
import re

from nbport.escapes import Escape, EscapeKind
from nbport.rules.calls import leaf_name
from nbport.rules.guards import ColabGuards
from nbport.rules.strings import Literal, LiteralRule
from nbport.rules.tables import rule_table

#: `/content` as a path of its own: at the start of the text or after a blank, quote, `=`, `(`, `,`
#: or `:` (`--out=/content/x`, `cp a /content/b`), and ending at `/`, a blank, a quote or the end, so
#: `https://host/content/page` and `/content.udacity-data.com` are not paths on the Colab disk.
_CONTENT_PATH = re.compile(r"""(?:^|(?<=[\s'"=(,:]))/content(?=[/\s'"]|$)""")
#: Where an unquoted path ends in a command: an unescaped blank or a shell operator.
_UNQUOTED_PATH_END = re.compile(r"""(?<!\\)[\s'";|&)]""")
#: Magics whose argument is the rest of the line, spaces and all: `%cd /content/drive/My Drive`.
_WHOLE_LINE_MAGICS = frozenset({"cd", "pushd"})
_SHELL = (EscapeKind.SHELL, EscapeKind.SHELL_CAPTURE, EscapeKind.LINE_MAGIC)
#: Calls whose string arguments are messages or mount points, not paths the code depends on.
_QUIET_CALLS = frozenset(rule_table(__file__)["quiet_calls"])


class ColabPathRule(LiteralRule):
    """Flags string literals and shell or magic lines that hard-code a path under `/content`."""

    literal_filter = re.compile("/content")

    def __init__(self) -> None:
        self.guards = ColabGuards()
        #: The quiet calls around the node being visited, innermost last.
        self._quiet_calls: list[ast.Call] = []

    def begin_unit(self) -> None:
        """Flags set in this unit guard the later ones."""
        self.guards.add_unit(self.unit)

    def check_escape(self, escape: Escape) -> None:
        """`!ls /content/drive`, `%cd /content/data`: the first `/content` path of the line."""
        line = self.unit.unit.text[escape.start : escape.end] if escape.kind in _SHELL else ""
        match = _CONTENT_PATH.search(line)
        if match is None or self.guards.escape_colab_only(self.unit, escape):
            return
        if escape.kind is EscapeKind.LINE_MAGIC and escape.name in _WHOLE_LINE_MAGICS:
            path = line.split("\n", 1)[0].rstrip()[match.start() :]
        else:
            path = _shell_word(line, match.start())
        start = escape.start + match.start()
        self.report((start, start + len(path)), _message(path))

    def visit_Call(self, node: ast.Call) -> None:
        """`print('saved to /content/x')`, `drive.mount('/content/drive')`: no path the code uses."""
        if leaf_name(node.func) in _QUIET_CALLS:
            self._quiet_calls.append(node)

    def leave_Call(self, node: ast.Call) -> None:
        """Out of a call."""
        if self._quiet_calls and self._quiet_calls[-1] is node:
            self._quiet_calls.pop()

    def check_literal(self, literal: Literal, string: ast.expr, prose: bool) -> None:
        """`'/content/data.csv'`, `f"/content/{name}.csv"` (its text only), unless the string is a
        docstring or a comment (`prose`), a message, or guarded."""
        if "/content" not in literal.text or prose or self._quiet_calls:
            return
        text = literal.template if "f" in literal.prefix.lower() else ast.literal_eval(literal.text)
        match = _CONTENT_PATH.search(text)
        if match is None or self.guards.colab_only(self.unit, string):
            return
        # A string that is the path may hold blanks (`Colab Notebooks`); one that holds a command
        # (`"python /content/x.py --fast"`) ends the path where the shell would.
        path = text if match.start() == 0 else _shell_word(text, match.start())
        self.report((literal.start, literal.end), _message(path))


def _shell_word(text: str, start: int) -> str:
    """The path at `start` of `text`: to the closing quote if it is quoted, else to where the shell
    would split it."""
    quote, rest = text[start - 1 : start], text[start:]
    return rest.split(quote, 1)[0] if quote in ("'", '"') else _UNQUOTED_PATH_END.split(rest, 1)[0]


def _message(path: str) -> str:
    shown = path if len(path) <= 60 else path[:57] + "..."
    return (
        f"`{shown}` exists only on Colab: on a laptop, a server or CI this path is missing; "
        "use a path relative to the notebook, or choose it under `if 'google.colab' in sys.modules:`"
    )
