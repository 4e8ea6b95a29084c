"""NBP103 laptop-absolute-path: absolute paths that exist only on the author's machine."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import CodeRange

from nbport.colab_guards import ColabGuards
from nbport.escapes import Escape, EscapeKind
from nbport.rules.unit import UnitContext
from nbport.syntax_rule import SyntaxRule

#: Home folders and disks of a laptop or a personal server: `/Users/<name>` (macOS),
#: `/home/<name>` (Linux), `/Volumes/<disk>` (macOS), `C:/...` (Windows, with forward slashes:
#: backslashes are NBP101's), and the folders of a desktop home (`~/Desktop`, `~/Downloads`, ...).
#: The name must be written out: `f"/home/{user}/..."` is computed where it runs.
_LAPTOP_PATH = re.compile(
    r"""(?x)
    (?: /(?:Users|home|Volumes)/[^/\s{}'"]+(?:/|$)
      | [A-Za-z]:/
      | ~/(?:Desktop|Documents|Downloads|Dropbox|OneDrive|Library|Pictures|Movies|Music)(?:/|$)
    )"""
)
_DRIVE_BACKSLASH = re.compile(r"[A-Za-z]:\\")
#: Calls whose string arguments are not paths the code opens: messages, string tests, `sys.path`
#: entries (a missing entry is ignored, so it breaks nothing by itself).
_NOT_PATH_CALLS = {
    "print",
    "display",
    "Markdown",
    "HTML",
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "log",
    "startswith",
    "endswith",
    "replace",
    "split",
    "strip",
    "lstrip",
    "rstrip",
    "find",
    "index",
    "count",
    "format",
}
_SYS_PATH_METHODS = {"append", "insert", "extend"}
#: Magics whose argument is a path.
_PATH_MAGICS = {"cd", "run", "load", "pushd"}


class LaptopAbsolutePathRule(ColabGuards, SyntaxRule):
    """Flags literals holding a path on the author's machine, where the code uses them as paths."""

    id = "NBP103"
    platform_guards: ClassVar[bool] = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        SyntaxRule.__init__(self, *args, **kwargs)
        ColabGuards.__init__(self)
        #: Ids of string nodes in a position where a path is used: assigned, passed, returned.
        self._path_positions: set[int] = set()
        self._magics: list[tuple[int, Escape]] = []

    def begin_unit(self, context: UnitContext) -> None:
        """Reset the per-unit state."""
        super().begin_unit(context)
        self.begin_guards(context)
        self._path_positions = set()
        self._magics = []

    def _is_guard_string(self, value: str) -> bool:
        """`os.path.exists('/Users/me/data')` in a test: the code checks which machine it is on."""
        return super()._is_guard_string(value) or _laptop_path(value) is not None

    # -- where a string is used as a path

    def _mark(self, node: cst.BaseExpression | None) -> None:
        """Mark the strings that `node` is made of: itself, the items of a list or tuple, and the
        operands of `+` or `/` (`"C:/data/" + name`, `Path("/Users/me") / "x"`)."""
        stack = [node] if node is not None else []
        while stack:
            current = stack.pop()
            if isinstance(current, (cst.SimpleString, cst.FormattedString)):
                self._path_positions.add(id(current))
            elif isinstance(current, cst.ConcatenatedString):
                stack += [current.left, current.right]
            elif isinstance(current, (cst.List, cst.Tuple, cst.Set)):
                stack += [element.value for element in current.elements]
            elif isinstance(current, cst.BinaryOperation) and isinstance(
                current.operator, (cst.Add, cst.Divide)
            ):
                stack += [current.left, current.right]

    def visit_Assign(self, node: cst.Assign) -> None:
        """`DATA_DIR = '/Users/me/data'`."""
        super().visit_Assign(node)
        self._mark(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """`DATA_DIR: str = '/Users/me/data'`."""
        self._mark(node.value)

    def visit_Return(self, node: cst.Return) -> None:
        """`return '/home/me/data'`."""
        super().visit_Return(node)
        self._mark(node.value)

    def visit_Param(self, node: cst.Param) -> None:
        """`def load(root='/Users/me/data'):`."""
        if node.default is not None:
            self._mark(node.default)

    def visit_Call(self, node: cst.Call) -> None:
        """`pd.read_csv('/Users/me/train.csv')`, `VGG_16('/Users/me/weights.h5')`."""
        name = get_full_name_for_node(node.func) or ""
        leaf = name.rpartition(".")[2]
        if leaf in _NOT_PATH_CALLS:
            return
        if leaf in _SYS_PATH_METHODS and name.endswith("sys.path." + leaf):
            return
        for argument in node.args:
            self._mark(argument.value)

    # -- the literals

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """A plain literal."""
        if id(node) not in self._path_positions or self.colab_only:
            return
        value = node.evaluated_value
        if isinstance(value, str):
            self._check(node, value)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        """An f-string: its text up to the first `{...}` must hold the whole laptop part."""
        if id(node) not in self._path_positions or self.colab_only:
            return
        text = "".join(
            part.value if isinstance(part, cst.FormattedStringText) else "{}" for part in node.parts
        )
        self._check(node, text)

    def _check(self, node: cst.CSTNode, value: str) -> None:
        path = _laptop_path(value)
        if path is not None:
            self.report_node(node, _message(path))

    # -- magics

    def check_escape(self, escape: Escape) -> None:
        """`%cd /Users/me/project`, `%run ~/Desktop/train.py`."""
        if escape.kind is not EscapeKind.LINE_MAGIC or escape.name not in _PATH_MAGICS:
            return
        argument = escape.args.strip().strip("'\"")
        if _laptop_path(argument) is not None:
            assert self.context is not None
            index = self.context.scanned.escapes.index(escape)
            self._magics.append((index, escape))

    def wants_positions(self) -> bool:
        """Magic findings are reported from `end_unit`, once their guards are known."""
        return super().wants_positions() or bool(self._magics)

    def end_unit(self, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        """Report the literals, then the magics outside a guard."""
        super().end_unit(positions)
        for index, escape in self._magics:
            if self.escape_colab_only.get(index, False):
                continue
            argument = escape.args.strip().strip("'\"")
            self.report(escape.start, escape.end, _message(argument))
        self._magics = []


def _laptop_path(value: str) -> str | None:
    """The path in `value` if it starts with a laptop location, else None.

    A drive-letter path written with backslashes (`C:\\Users\\me`) is NBP101's: one finding per
    literal. `C:/Users/me\\x.csv` starts with a forward slash, which NBP101 does not take.
    """
    if "\n" in value or _DRIVE_BACKSLASH.match(value) or _LAPTOP_PATH.match(value) is None:
        return None
    return value


def _message(path: str) -> str:
    shown = path if len(path) <= 60 else path[:57] + "..."
    return (
        f"`{shown}` exists only on the machine this was written on; on Colab use a path relative "
        "to the notebook or under /content/drive/MyDrive"
    )
