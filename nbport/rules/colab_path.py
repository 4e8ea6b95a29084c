"""NBP402 colab-path: `/content/...` paths hard-coded outside a Colab guard, missing off Colab."""

from __future__ import annotations

import ast
import re

from nbport.escapes import Escape, EscapeKind, scan
from nbport.finding import Location
from nbport.rules.calls import EnclosingCalls, leaf_name
from nbport.rules.guards import ColabGuards
from nbport.rules.strings import Literal, LiteralRule, shortened
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
#: Cell magics whose argument is the file the cell's body is written to: `%%writefile -a path`.
_FILE_CELL_MAGICS = frozenset({"writefile", "file"})
#: The calls below and the message, in `colab_path.toml` beside this module.
_TABLE = rule_table(__file__)
#: Calls whose string arguments are messages or mount points, not paths the code depends on.
_QUIET_CALLS = frozenset(_TABLE["quiet_calls"])


class ColabPathRule(EnclosingCalls, LiteralRule):
    """Flags string literals and shell or magic lines that hard-code a path under `/content`."""

    literal_filter = re.compile("/content")

    def __init__(self) -> None:
        super().__init__()
        self.guards = ColabGuards()

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
        self.report((start, start + len(path)), _TABLE["message"].format(path=shortened(path)))

    def end_document(self) -> None:
        """`%%writefile /content/train.py`: a cell the engine does not parse (its body is no
        Python of the notebook), so no hook sees its first line; read it here from the text.
        Nothing can guard a cell magic."""
        for unit in self.document.units():
            text = unit.text
            if ("writefile" not in text and "%%file" not in text) or "/content" not in text:
                continue
            magic = next(iter(scan(text, unit.escape_style).escapes), None)
            if magic is None or magic.kind is not EscapeKind.CELL_MAGIC:
                continue
            if magic.name not in _FILE_CELL_MAGICS:
                continue
            line = text[magic.start : magic.end]
            match = _CONTENT_PATH.search(line)
            if match is None:
                continue
            path = _shell_word(line, match.start())
            start = magic.start + match.start()
            before = text[:start]
            row = before.count("\n")
            column = start - (before.rfind("\n") + 1) + 1
            first = Location(unit.cell, unit.first_line + row, column)
            last = Location(unit.cell, unit.first_line + row, column + len(path))
            message = _TABLE["message"].format(path=shortened(path))
            self.report_at(first, last, unit.index, message)

    def is_enclosing(self, node: ast.Call) -> bool:
        """`print('saved to /content/x')`, `drive.mount('/content/drive')`: no path the code uses."""
        return leaf_name(node.func) in _QUIET_CALLS

    def check_literal(self, literal: Literal, string: ast.expr, prose: bool) -> None:
        """`'/content/data.csv'`, `f"/content/{name}.csv"` (its text only), unless the string is a
        docstring or a comment (`prose`), a message, or guarded."""
        if "/content" not in literal.text or prose or self.in_enclosing_call:
            return
        text = literal.value
        match = _CONTENT_PATH.search(text)
        if match is None or self.guards.colab_only(self.unit, string):
            return
        # A string that is the path may hold blanks (`Colab Notebooks`); one that holds a command
        # (`"python /content/x.py --fast"`) ends the path where the shell would.
        path = text if match.start() == 0 else _shell_word(text, match.start())
        self.report((literal.start, literal.end), _TABLE["message"].format(path=shortened(path)))


def _shell_word(text: str, start: int) -> str:
    """The path at `start` of `text`: to the closing quote if it is quoted, else to where the shell
    would split it."""
    quote, rest = text[start - 1 : start], text[start:]
    return rest.split(quote, 1)[0] if quote in ("'", '"') else _UNQUOTED_PATH_END.split(rest, 1)[0]
