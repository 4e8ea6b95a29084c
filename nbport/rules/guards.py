"""Which code runs only on Colab, or only on some machine: a reader of a unit's tree rules share.

Notebooks meant to run in several places guard their Colab code: `try: import google.colab` /
`except ImportError:`, `if "google.colab" in sys.modules:`, a flag set from such a test
(`IN_COLAB = ...`), or a test of the machine itself (`if os.name == "nt":`). `ColabGuards` answers
"does this node (or this escape) run only there?" for NBP401, NBP402 and NBP103. It reads a unit's
tree once, when a rule first asks about it, so a rule's own `visit_If` needs no cooperation: a rule
makes one `ColabGuards` per document and hands it each unit it looks at (`add_unit`), because a
flag set in one of those units guards the later ones.

A test checks for Colab when it mentions the string "google.colab", an environment variable
`COLAB_...`, a `/content` path (`os.path.isdir("/content")`), a name containing "colab" (IN_COLAB,
is_colab()), or a name bound earlier in the file to such a test, set to True next to a guarded
google.colab import, or the name of a function that returns True there; a name set to True by
hand outside any guard (`IS_COLAB = True`) is no test, whatever it is called. Both branches of an `if`
(or ternary) with such a test are guarded, the test included (a lenient reading: code in the
`else:` of such a test is rare and usually written for the other side); so are the body, `else:`
and `finally:` of a `try:` that imports google.colab (or runs the Colab-only `%tensorflow_version`
magic) under a handler that catches ImportError, whose handlers are the code for everywhere else;
so is an assignment that sets a flag (`os.path.isdir("/content")` there is a test, not a use).

Strings are read as written (`'google.' 'colab'` is two strings, neither a test; the text of an
f-string is none), and names as libcst spells them (an attribute's last part, a keyword's name
and a lambda's parameters count as names too), as the libcst reader this replaces did.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from nbport.escapes import Escape
from nbport.rules.calls import full_name
from nbport.rules.strings import string_literals
from nbport.rules.unit import UnitContext

#: Exceptions whose handler catches the ImportError (ModuleNotFoundError) of a missing google.colab.
_CATCHES_IMPORT_ERROR = frozenset(
    {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
)
#: A name that says it holds or computes "are we on Colab": IN_COLAB, IS_COLAB, COLAB, is_colab().
_COLAB_IDENTIFIER = re.compile(r"colab", re.IGNORECASE)
#: Words in a name or attribute that make a test about the machine, not about data.
_MACHINE_WORDS = frozenset(
    {
        *("colab", "kaggle", "platform", "win", "win32", "windows", "mac", "macos", "osx"),
        *("darwin", "linux", "local", "gethostname", "hostname", "getuser", "uname"),
    }
)
#: String values that only a test of the operating system compares against (`os.name == "nt"`).
_MACHINE_STRINGS = frozenset({"nt", "posix", "windows", "darwin", "linux", "win32", "cygwin"})
#: The identifier-like pieces of a dotted name: `platform.system` → platform, system.
_WORDS = re.compile(r"[A-Za-z][a-z0-9]*|[A-Z0-9]+(?![a-z])")
#: Calls that test whether a path exists (`os.path.isdir("/content")`): a value that is a test.
_EXISTENCE_TESTS = frozenset({"exists", "isdir", "isfile", "is_dir", "is_file", "ismount"})
#: The placeholder name an escape is masked as (`__nbport_escape_0__`).
_PLACEHOLDER = re.compile(r"\w+")


def is_colab_module(name: str | None) -> bool:
    """`google.colab` or a module below it."""
    return name is not None and (name == "google.colab" or name.startswith("google.colab."))


def imports_google_colab(node: ast.AST) -> bool:
    """Whether `node` is `import google.colab[...]`, `from google.colab[...] import ...` or
    `from google import colab`."""
    if isinstance(node, ast.Import):
        return any(is_colab_module(alias.name) for alias in node.names)
    if isinstance(node, ast.ImportFrom) and not node.level and node.module is not None:
        if is_colab_module(node.module):
            return True
        if node.module == "google" and node.names[0].name != "*":
            return any(alias.name == "colab" for alias in node.names)
    return False


def catches_import_error(node: ast.Try) -> bool:
    """Whether some handler of `node` catches ImportError: bare `except:`, `except ImportError`,
    `except (ImportError, ...)`, `except Exception as e` and the like."""
    for handler in node.handlers:
        if handler.type is None:
            return True
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(
            (full_name(kind) or "").rpartition(".")[2] in _CATCHES_IMPORT_ERROR for kind in kinds
        ):
            return True
    return False


@dataclass(frozen=True)
class _UnitGuards:
    """What one unit's reading found: the nodes and the escapes that run only under a guard."""

    nodes: frozenset[int]  # ids of the nodes
    #: The escapes themselves, looked up rather than searched for in `ScannedUnit.escapes`: a cell
    #: may hold one on each line, and a search for each would cost the square of its lines.
    escapes: frozenset[Escape]


class ColabGuards:
    """Which code of a document's units runs only on Colab (or, with `machine_tests`, only on some
    machine: `os.name == "nt"`, `platform.system()`, `is_win`, `socket.gethostname()`).

    `guard_string` makes more strings tests (NBP103: a laptop path in `os.path.exists(...)`).
    Units are read in the order they were added, each once, when first asked about.
    """

    def __init__(
        self, *, machine_tests: bool = False, guard_string: Callable[[str], bool] | None = None
    ) -> None:
        self._machine_tests = machine_tests
        self._guard_string = guard_string
        #: Names bound to a Colab test so far in the file (`IN_COLAB = "google.colab" in ...`).
        self.flags: set[str] = set()
        #: Names last set to `True` by hand, outside any guard (`IS_COLAB = True`), and where: they
        #: hold the same value everywhere, so they tell Colab from nothing, whatever their name.
        self.hard_coded: dict[str, str] = {}
        self._unread: list[UnitContext] = []
        self._read: dict[int, _UnitGuards] = {}  # by index of the unit in the document

    def add_unit(self, unit: UnitContext) -> None:
        """A unit the rule looks at, in file order: its flags guard the units added after it."""
        self._unread.append(unit)

    def colab_only(self, unit: UnitContext, node: ast.AST) -> bool:
        """Whether `node` of `unit`'s tree runs only on Colab (or only on some machine)."""
        return id(node) in self._guards(unit).nodes

    def escape_colab_only(self, unit: UnitContext, escape: Escape) -> bool:
        """Whether the IPython escape `escape` of `unit` runs only on Colab (or some machine)."""
        return escape in self._guards(unit).escapes

    def _guards(self, unit: UnitContext) -> _UnitGuards:
        index = unit.unit.index
        found = self._read.get(index)
        if found is None:
            if all(added is not unit for added in self._unread):
                self._unread.append(unit)
            # Read every unit added up to this one, in order: their flags count here.
            while found is None:
                added = self._unread.pop(0)
                self._read[added.unit.index] = read = _Reader(self, added).read()
                found = read if added is unit else None
        return found

    # --- What counts as a test ------------------------------------------------------------------

    def is_guard_test(self, unit: UnitContext, test: ast.expr) -> bool:
        """Whether `test` (an `if` condition) checks for Colab, or for a machine (`machine_tests`)."""
        stack: list[ast.AST] = [test]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name):
                if self._is_guard_name(node.id):
                    return True
                continue
            if isinstance(node, ast.Attribute):
                # libcst's tree has the attribute's part as a name of its own.
                if self._is_guard_name(full_name(node) or "") or self._is_guard_name(node.attr):
                    return True
            elif isinstance(node, (ast.keyword, ast.arg)):
                name = node.arg
                if name is not None and self._is_guard_name(name):
                    return True
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if any(self._is_guard_string(value) for value in _literal_values(unit, node)):
                    return True
                continue
            elif isinstance(node, ast.JoinedStr):
                if any(self._is_guard_string(value) for value in _literal_values(unit, node)):
                    return True
                stack.extend(_fields_of(node))  # an f-string's text is no string of its own
                continue
            stack.extend(ast.iter_child_nodes(node))
        return False

    def _is_guard_string(self, value: str) -> bool:
        if "google.colab" in value or value.startswith("COLAB_") or _is_content_path(value):
            return True
        if self._guard_string is not None and self._guard_string(value):
            return True
        return self._machine_tests and value.lower() in _MACHINE_STRINGS

    def _is_guard_name(self, name: str) -> bool:
        if name not in self.hard_coded and (_COLAB_IDENTIFIER.search(name) or name in self.flags):
            return True
        if not self._machine_tests:
            return False
        if name == "os.name" or name.endswith(".os.name"):
            return True
        return any(word.lower() in _MACHINE_WORDS for word in _WORDS.findall(name))


@dataclass(frozen=True)
class _Undo:
    """What leaving a node gives back: to the guards around, to the Colab `try:`s around, and
    whether it leaves a function."""

    depth: int
    tries: int = 0
    function: bool = False


class _Reader:
    """One reading of a unit's tree, keeping the state the libcst visitor it replaces kept: how
    many guards are around the node, inside how many Colab `try:`s, and in which functions."""

    def __init__(self, guards: ColabGuards, unit: UnitContext) -> None:
        self.guards = guards
        self.unit = unit
        self.depth = 0
        self.colab_tries = 0
        self.functions: list[str] = []
        #: The handlers of the Colab `try:`s met so far: the code for everywhere else.
        self.handlers: set[int] = set()
        self.placeholders: dict[str, int] = {}
        for index, (masked, _original) in enumerate(unit.scanned.replacements):
            match = _PLACEHOLDER.match(masked)
            if match:
                self.placeholders[match[0]] = index

    def read(self) -> _UnitGuards:
        """Walk the tree in order (statements before the ones after them: flags count from where
        they are set), noting the nodes and escapes under a guard."""
        nodes: set[int] = set()
        escapes: set[int] = set()
        stack: list[ast.AST | _Undo] = [self.unit.tree]
        while stack:
            node = stack.pop()
            if isinstance(node, _Undo):
                self.depth += node.depth
                self.colab_tries += node.tries
                if node.function:
                    self.functions.pop()
                continue
            undo = self._enter(node)
            if undo is not None:
                stack.append(undo)
            if self.depth > 0:
                nodes.add(id(node))
                if isinstance(node, ast.Name) and node.id in self.placeholders:
                    escapes.add(self.placeholders[node.id])
            stack.extend(reversed(list(ast.iter_child_nodes(node))))
        written = self.unit.scanned.escapes
        guarded = frozenset(written[index] for index in escapes if index < len(written))
        return _UnitGuards(frozenset(nodes), guarded)

    def _enter(self, node: ast.AST) -> _Undo | None:
        """Take in what `node` changes; what leaving it gives back, if anything."""
        guards = self.guards
        if isinstance(node, (ast.If, ast.IfExp)):
            if guards.is_guard_test(self.unit, node.test):
                self.depth += 1
                return _Undo(-1)
        elif isinstance(node, ast.Try):
            if self._is_colab_try(node):
                self.depth += 1
                self.colab_tries += 1
                self.handlers.update(id(handler) for handler in node.handlers)
                return _Undo(-1, -1)
        elif isinstance(node, ast.ExceptHandler):
            if id(node) in self.handlers:
                self.depth -= 1
                self.colab_tries -= 1
                return _Undo(1, 1)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # For `def in_colab(): try: import google.colab ... return True`.
            self.functions.append(node.name)
            return _Undo(0, function=True)
        elif isinstance(node, ast.Return):
            if self.colab_tries and self.functions and _is_true(node.value):
                guards.flags.add(self.functions[-1])
        elif isinstance(node, ast.Assign):
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
            if self._sets_flag(node):
                guards.flags.update(names)
                for name in names:
                    guards.hard_coded.pop(name, None)
                self.depth += 1
                return _Undo(-1)
            if self.depth == 0 and not self.functions and _is_true(node.value):
                # `IS_COLAB = True` by hand: no test of the machine, whatever the name says.
                guards.flags.difference_update(names)
                guards.hard_coded.update((name, self.unit.place(node)) for name in names)
            elif self.depth > 0:
                # Set under a guard (`if not os.path.isdir('/content'): IS_COLAB = False`): the
                # value depends on the machine again.
                for name in names:
                    guards.hard_coded.pop(name, None)
        return None

    def _sets_flag(self, node: ast.Assign) -> bool:
        """`ON_COLAB = "google.colab" in sys.modules`, `ON_COLAB = True` next to a guarded import,
        `ON_COLAB = in_colab()`: the names are a Colab test from here on."""
        value = node.value
        # Only a test-shaped value makes a flag: `DATA = pd.read_csv("/content/x.csv")` is no test.
        if _is_test_shaped(value) and self.guards.is_guard_test(self.unit, value):
            return True
        if self.colab_tries and _is_true(value):
            return True
        return isinstance(value, ast.Call) and (full_name(value.func) or "") in self.guards.flags

    def _is_colab_try(self, node: ast.Try) -> bool:
        """A `try:` whose body imports google.colab (or runs `%tensorflow_version`) and whose
        handlers catch the ImportError."""
        if not catches_import_error(node):
            return False
        escapes = self.unit.scanned.escapes
        for statement in _simple_statements(node.body):
            if imports_google_colab(statement):
                return True
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Name):
                index = self.placeholders.get(statement.value.id, len(escapes))
                if index < len(escapes) and escapes[index].name == "tensorflow_version":
                    return True
        return False


def _simple_statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """The simple statements of `body`, descending into the body of compound statements but not
    into functions or classes (their code does not run where they are defined)."""
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(statement, ast.Match):
            for case in statement.cases:
                yield from _simple_statements(case.body)
        elif isinstance(inner := getattr(statement, "body", None), list):
            yield from _simple_statements(inner)
        else:
            yield statement


def _literal_values(unit: UnitContext, node: ast.Constant | ast.JoinedStr) -> Iterator[str]:
    """The values of the string literals `node` is written as, f-strings left out."""
    literals = string_literals(unit, node)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(literals) == 1:
        yield node.value  # the common case: the value is known
        return
    for literal in literals:
        if "f" not in literal.prefix.lower():
            value = ast.literal_eval(literal.text)
            if isinstance(value, str):
                yield value


def _fields_of(node: ast.JoinedStr) -> Iterator[ast.expr]:
    """The expressions in the replacement fields of an f-string, format specs' included."""
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            yield value.value
            if isinstance(value.format_spec, ast.JoinedStr):
                yield from _fields_of(value.format_spec)


def _is_test_shaped(node: ast.expr) -> bool:
    """A comparison, a boolean operation, `not ...`, or an existence test: a value that is a test."""
    if isinstance(node, (ast.Compare, ast.BoolOp)):
        return True
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.Not)
    if isinstance(node, ast.Call):
        return (full_name(node.func) or "").rpartition(".")[2] in _EXISTENCE_TESTS
    return False


def _is_content_path(value: str) -> bool:
    return value == "/content" or value.startswith("/content/")


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True
