"""Which code runs only on Colab, or only on some machine: the visitor part the rules share.

`ColabGuards` knows code inside `try:` / `except ImportError:` around a `google.colab` import, under
an `if "google.colab" in sys.modules:`-style test or a flag set from one, and under tests of the
machine itself. NBP401 (colab-only-import), NBP402 (colab-path) and NBP103 (laptop-absolute-path)
build on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import ClassVar

import libcst as cst
from libcst.helpers import get_full_name_for_node

from nbport.escapes import Escape
from nbport.rules.unit import UnitContext

#: Exceptions whose handler catches the ImportError (ModuleNotFoundError) of a missing google.colab.
_CATCHES_IMPORT_ERROR = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
#: A name that says it holds or computes "are we on Colab": IN_COLAB, IS_COLAB, COLAB, is_colab().
_COLAB_IDENTIFIER = re.compile(r"colab", re.IGNORECASE)
#: Words in a name or attribute that make a test about the machine, not about data (NBP103).
_PLATFORM_WORDS = {
    "colab",
    "kaggle",
    "platform",
    "win",
    "win32",
    "windows",
    "mac",
    "macos",
    "osx",
    "darwin",
    "linux",
    "local",
    "gethostname",
    "hostname",
    "getuser",
    "uname",
}
#: String values that only a test of the operating system compares against (`os.name == "nt"`).
_PLATFORM_STRINGS = {"nt", "posix", "windows", "darwin", "linux", "win32", "cygwin"}
#: The identifier-like pieces of a dotted name: `platform.system` → platform, system.
_WORDS = re.compile(r"[A-Za-z][a-z0-9]*|[A-Z0-9]+(?![a-z])")


def imports_google_colab(node: cst.CSTNode) -> bool:
    """Whether `node` is `import google.colab[...]`, `from google.colab[...] import ...` or
    `from google import colab`."""
    if isinstance(node, cst.Import):
        return any(is_colab_module(get_full_name_for_node(alias.name)) for alias in node.names)
    if isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None:
        module = get_full_name_for_node(node.module) or ""
        if is_colab_module(module):
            return True
        if module == "google" and not isinstance(node.names, cst.ImportStar):
            return any(get_full_name_for_node(alias.name) == "colab" for alias in node.names)
    return False


def is_colab_module(name: str | None) -> bool:
    return name is not None and (name == "google.colab" or name.startswith("google.colab."))


def catches_import_error(node: cst.Try) -> bool:
    """Whether some handler of `node` catches ImportError: bare `except:`, `except ImportError`,
    `except (ImportError, ...)`, `except Exception as e` and the like."""
    for handler in node.handlers:
        if handler.type is None:
            return True
        kinds = (
            [element.value for element in handler.type.elements]
            if isinstance(handler.type, cst.Tuple)
            else [handler.type]
        )
        for kind in kinds:
            name = get_full_name_for_node(kind) or ""
            if name.rpartition(".")[2] in _CATCHES_IMPORT_ERROR:
                return True
    return False


def _statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """The small statements of `body`, descending into compound statements but not into functions
    or classes (their code does not run where they are defined)."""
    for statement in body:
        if isinstance(statement, cst.BaseSmallStatement):  # `try: import google.colab` on one line
            yield statement
        elif isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        elif isinstance(statement, cst.BaseCompoundStatement):
            inner = statement.body
            if isinstance(inner, cst.SimpleStatementSuite):
                yield from inner.body
            elif isinstance(inner, cst.IndentedBlock):
                yield from _statements(inner.body)


class ColabGuards(cst.BatchableCSTVisitor):
    """Visitor part that tracks whether the code being visited runs only on Colab.

    `colab_only` is true inside the branches of an `if`/ternary whose test checks for Colab and inside
    the body (and `else:`) of a `try:` that imports google.colab (or runs the Colab-only
    `%tensorflow_version` magic) under a handler that catches ImportError. A test checks for Colab when
    it mentions the string "google.colab", an environment variable `COLAB_...`, a `/content` path
    (`os.path.isdir("/content")`), a name containing "colab" (IN_COLAB, is_colab()), or a name bound
    earlier in the file to such a test or set to True next to a guarded google.colab import.

    With `platform_guards`, tests of the operating system or machine (`os.name == "nt"`,
    `platform.system()`, `is_win`, `socket.gethostname()`) count as well: code under them is written
    for one machine on purpose (NBP103).

    IPython escapes are masked as placeholder names; `escape_colab_only[i]` records whether escape `i`
    of the current unit sits in Colab-only code. Subclasses overriding a hook must call `super()`.
    """

    platform_guards: ClassVar[bool] = False

    def __init__(self) -> None:
        # Not calling BatchableCSTVisitor.__init__ again: SyntaxRule.__init__ does.
        #: Names bound to a Colab test anywhere earlier in the file (IN_COLAB = "google.colab" in ...).
        self.colab_flags: set[str] = set()
        self._guard_depth = 0
        self._guard_nodes: set[int] = set()
        self._unguard_nodes: set[int] = set()
        self._colab_try_depth = 0
        self._functions: list[str] = []
        self._placeholders: dict[str, int] = {}
        self._escapes: tuple[Escape, ...] = ()
        self.escape_colab_only: dict[int, bool] = {}

    @property
    def colab_only(self) -> bool:
        """Whether the node being visited runs only on Colab (or only on some machine)."""
        return self._guard_depth > 0

    def begin_guards(self, context: UnitContext) -> None:
        """Reset the per-unit state; call from `begin_unit`."""
        self._guard_depth = 0
        self._guard_nodes = set()
        self._unguard_nodes = set()
        self._colab_try_depth = 0
        self._functions = []
        self.escape_colab_only = {}
        self._escapes = context.scanned.escapes
        self._placeholders = {}
        for index, (masked, _original) in enumerate(context.scanned.replacements):
            match = re.match(r"\w+", masked)
            if match:
                self._placeholders[match.group()] = index

    # -- what counts as a test for Colab

    def is_guard_test(self, test: cst.BaseExpression) -> bool:
        """Whether `test` (an `if` condition) checks for Colab, or for a machine with platform_guards."""
        for node in _walk(test):
            if isinstance(node, cst.SimpleString):
                value = _string_value(node)
                if value is not None and self._is_guard_string(value):
                    return True
            elif isinstance(node, (cst.Name, cst.Attribute)):
                name = get_full_name_for_node(node) or ""
                if self._is_guard_name(name):
                    return True
        return False

    def _is_guard_string(self, value: str) -> bool:
        if "google.colab" in value or value.startswith("COLAB_") or _is_content_path(value):
            return True
        return self.platform_guards and value.lower() in _PLATFORM_STRINGS

    def _is_guard_name(self, name: str) -> bool:
        if _COLAB_IDENTIFIER.search(name) or name in self.colab_flags:
            return True
        if not self.platform_guards:
            return False
        if name == "os.name" or name.endswith(".os.name"):
            return True
        return any(word.lower() in _PLATFORM_WORDS for word in _WORDS.findall(name))

    def _is_colab_try(self, node: cst.Try) -> bool:
        """A `try:` whose body imports google.colab (or runs `%tensorflow_version`) and whose
        handlers catch the ImportError."""
        if not catches_import_error(node):
            return False
        for statement in _statements(node.body.body):
            if imports_google_colab(statement):
                return True
            if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Name):
                index = self._placeholders.get(statement.value.value)
                if index is not None and self._escape_name(index) == "tensorflow_version":
                    return True
        return False

    def _escape_name(self, index: int) -> str:
        escapes = self._escapes
        return escapes[index].name if index < len(escapes) else ""

    def _enter(self, node: cst.CSTNode) -> None:
        self._guard_nodes.add(id(node))
        self._guard_depth += 1

    def _leave(self, node: cst.CSTNode) -> None:
        if id(node) in self._guard_nodes:
            self._guard_nodes.discard(id(node))
            self._guard_depth -= 1

    # -- visitor hooks

    def visit_If(self, node: cst.If) -> None:
        """Both branches of an `if` that tests for Colab are Colab-only code (a lenient reading:
        code in the `else:` of such a test is rare and usually written for the other side)."""
        if self.is_guard_test(node.test):
            self._enter(node)

    def leave_If(self, original_node: cst.If) -> None:
        """End of an `if`."""
        self._leave(original_node)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        """`'/content/data' if IN_COLAB else 'data'`."""
        if self.is_guard_test(node.test):
            self._enter(node)

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        """End of a ternary."""
        self._leave(original_node)

    def visit_Try(self, node: cst.Try) -> None:
        """`try: from google.colab import drive ... except ImportError: ...`: the body and the `else:`
        run only where the import worked; the handlers are the code for everywhere else."""
        if self._is_colab_try(node):
            self._enter(node)
            self._colab_try_depth += 1
            for handler in node.handlers:
                self._unguard_nodes.add(id(handler))

    def leave_Try(self, original_node: cst.Try) -> None:
        """End of a `try:`."""
        if id(original_node) in self._guard_nodes:
            self._colab_try_depth -= 1
        self._leave(original_node)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        """The handler of a Colab `try:` runs off Colab: not guarded by that `try:`."""
        if id(node) in self._unguard_nodes:
            self._guard_depth -= 1
            self._colab_try_depth -= 1

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        """Back in the guarded `try:` statement."""
        if id(original_node) in self._unguard_nodes:
            self._guard_depth += 1
            self._colab_try_depth += 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Remember the function, for `def in_colab(): try: import google.colab ... return True`."""
        self._functions.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        """End of a function."""
        self._functions.pop()

    def visit_Return(self, node: cst.Return) -> None:
        """`return True` right after a guarded google.colab import: the function tests for Colab."""
        if self._colab_try_depth and self._functions and _is_true(node.value):
            self.colab_flags.add(self._functions[-1])

    def visit_Assign(self, node: cst.Assign) -> None:
        """`ON_COLAB = "google.colab" in sys.modules`, or `ON_COLAB = True` next to a guarded import:
        the name is a Colab test from here on."""
        # Only a test-shaped value makes a flag: `DATA = pd.read_csv("/content/x.csv")` is no test.
        value = node.value
        flag = _is_test_shaped(value) and self.is_guard_test(value)
        if not flag and self._colab_try_depth and _is_true(node.value):
            flag = True
        if not flag and isinstance(node.value, cst.Call):
            flag = (get_full_name_for_node(node.value.func) or "") in self.colab_flags
        if flag:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.colab_flags.add(target.target.value)
            # The test itself (`os.path.isdir("/content")`) is no hard-coded use of a path.
            self._enter(node)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        """End of an assignment."""
        self._leave(original_node)

    def visit_Name(self, node: cst.Name) -> None:
        """A masked IPython escape: record whether it sits in Colab-only code."""
        index = self._placeholders.get(node.value)
        if index is not None:
            self.escape_colab_only[index] = self.colab_only


#: Calls that test whether a path exists (`os.path.isdir("/content")`).
_EXISTENCE_TESTS = {"exists", "isdir", "isfile", "is_dir", "is_file", "ismount"}


def _is_test_shaped(node: cst.BaseExpression) -> bool:
    """A comparison, a boolean operation, `not ...`, or an existence test: a value that is a test."""
    if isinstance(node, (cst.Comparison, cst.BooleanOperation)):
        return True
    if isinstance(node, cst.UnaryOperation):
        return isinstance(node.operator, cst.Not)
    if isinstance(node, cst.Call):
        name = get_full_name_for_node(node.func) or ""
        return name.rpartition(".")[2] in _EXISTENCE_TESTS
    return False


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`node` and every node below it."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _string_value(node: cst.SimpleString) -> str | None:
    try:
        value = node.evaluated_value
    except Exception:  # an escape libcst cannot evaluate: treat as no test
        return None
    return value if isinstance(value, str) else None


def _is_content_path(value: str) -> bool:
    return value == "/content" or value.startswith("/content/")


def _is_true(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"
