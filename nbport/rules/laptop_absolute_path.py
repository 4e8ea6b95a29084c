"""NBP103 laptop-absolute-path: absolute paths that exist only on the author's machine."""

from __future__ import annotations

import ast
import re

from nbport.escapes import Escape, EscapeKind
from nbport.rules.calls import full_name
from nbport.rules.guards import ColabGuards
from nbport.rules.strings import Literal, LiteralRule, shortened
from nbport.rules.tables import rule_table

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
#: The calls below and the message, in `laptop_absolute_path.toml` beside this module.
_TABLE = rule_table(__file__)
#: Calls whose string arguments are not paths the code opens.
_NOT_PATH_CALLS = frozenset(_TABLE["not_path_calls"])
#: `sys.path.append(...)` and the like: an entry that is missing is ignored, so breaks nothing.
_SYS_PATH_METHODS = frozenset({"append", "insert", "extend"})
#: Magics whose argument is a path.
_PATH_MAGICS = frozenset({"cd", "run", "load", "pushd"})


class LaptopAbsolutePathRule(LiteralRule):
    """Flags literals holding a path on the author's machine, where the code uses them as paths."""

    #: Every laptop path holds one of these (an f-string's text too).
    literal_filter = re.compile(r"/Users/|/home/|/Volumes/|:/|~/")

    def __init__(self) -> None:
        # `os.path.exists('/Users/me/data')` in a test: the code checks which machine it is on.
        self.guards = ColabGuards(machine_tests=True, guard_string=_is_laptop_path)
        #: Ids of strings in a place where a path is used: assigned, passed, returned, a default.
        self._path_places: set[int] = set()

    def begin_unit(self) -> None:
        """Flags set in this unit guard the later ones; the ids of another unit's nodes are no
        longer theirs."""
        self.guards.add_unit(self.unit)
        self._path_places.clear()

    def _mark(self, node: ast.expr | None) -> None:
        """Mark the strings that `node` is made of: itself, the items of a list, tuple or set,
        and the operands of `+` or `/` (`"C:/data/" + name`, `Path("/Users/me") / "x"`)."""
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.Starred):
                current = current.value
            if isinstance(current, (ast.Constant, ast.JoinedStr)):
                self._path_places.add(id(current))
            elif isinstance(current, (ast.List, ast.Tuple, ast.Set)):
                stack += current.elts
            elif isinstance(current, ast.BinOp) and isinstance(current.op, (ast.Add, ast.Div)):
                stack += [current.left, current.right]

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign | ast.Return) -> None:
        """`DATA_DIR = '/Users/me/data'`, `DATA_DIR: str = ...`, `return '/home/me/data'`."""
        self._mark(node.value)

    visit_AnnAssign = visit_Return = visit_Assign

    def visit_arguments(self, node: ast.arguments) -> None:
        """`def load(root='/Users/me/data'):`, `lambda root='/Users/me': ...`."""
        for default in [*node.defaults, *node.kw_defaults]:
            self._mark(default)

    def visit_Call(self, node: ast.Call) -> None:
        """`pd.read_csv('/Users/me/train.csv')`, `VGG_16('/Users/me/weights.h5')`."""
        name = full_name(node.func) or ""
        leaf = name.rpartition(".")[2]
        if leaf in _NOT_PATH_CALLS or (
            leaf in _SYS_PATH_METHODS and name.endswith("sys.path." + leaf)
        ):
            return
        for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
            self._mark(argument)

    def check_literal(self, literal: Literal, string: ast.expr, prose: bool) -> None:
        """A literal of a string used as a path; of an f-string, its text up to the first `{...}`
        must hold the whole laptop part."""
        if id(string) not in self._path_places or self.guards.colab_only(self.unit, string):
            return
        value = literal.value
        if _is_laptop_path(value):
            self.report(
                (literal.start, literal.end), _TABLE["message"].format(path=shortened(value))
            )

    def check_escape(self, escape: Escape) -> None:
        """`%cd /Users/me/project`, `%run ~/Desktop/train.py`."""
        if escape.kind is not EscapeKind.LINE_MAGIC or escape.name not in _PATH_MAGICS:
            return
        argument = escape.args.strip().strip("'\"")
        if _is_laptop_path(argument) and not self.guards.escape_colab_only(self.unit, escape):
            self.report(escape, _TABLE["message"].format(path=shortened(argument)))


def _is_laptop_path(value: str) -> bool:
    """Whether `value` starts with a laptop location.

    A drive-letter path written with backslashes (`C:\\Users\\me`) is NBP101's: one finding per
    literal. `C:/Users/me\\x.csv` starts with a forward slash, which NBP101 does not take.
    """
    if "\n" in value or _DRIVE_BACKSLASH.match(value):
        return False
    return _LAPTOP_PATH.match(value) is not None
