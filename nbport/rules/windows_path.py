"""NBP101 windows-path: string literals holding Windows `\\` paths, which Colab's Linux cannot open."""

from __future__ import annotations

import ast
import re

from nbport.rules.base import Spot
from nbport.rules.calls import EnclosingCalls, leaf_name
from nbport.rules.strings import Literal, LiteralRule
from nbport.rules.tables import rule_table

#: One path component: characters Windows allows in names, minus those that mark regexes, LaTeX,
#: format strings and templates ($ % { } [ ] ^ + = ; ,), plus the glob wildcards `*` and `?`
#: (`C:\data\*\*.jpg`), with no blank at either end.
_NAME_CHARACTER = r"[^\s\\/:\"<>|$%{}\[\]^+=;,]"
_COMPONENT = rf"{_NAME_CHARACTER}(?:(?:{_NAME_CHARACTER}| )*{_NAME_CHARACTER})?"
#: `C:\` then components, or `.\`/`..\` then components, or components; an optional trailing `\`.
_WINDOWS_PATH = re.compile(
    rf"(?P<drive>[A-Za-z]:\\)?(?P<dots>(?:\.{{1,2}}\\)+)?{_COMPONENT}(?:\\{_COMPONENT})*(?P<trailing>\\)?"
)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
#: A regex's "any character, any number of times" (`.*`, `.+` is excluded already, `.?`), not a
#: glob's `*.*`: a string holding it is a pattern, not a path.
_REGEX_WILDCARD = re.compile(r"(?<![*?])\.[*?]")
#: Calls whose string arguments are paths: one `\` there is enough evidence.
_PATH_FUNCTIONS = frozenset(rule_table(__file__)["path_functions"])
#: A path separator as written in a string that is not raw: `\\`, or a `\` before a character
#: that makes no escape with it (`\i`: Python keeps the backslash).
_SEPARATOR = re.compile(r"""\\\\|\\(?=[^\n\\'"abfnrtvx0-7NuU])""")
#: Modules whose calls take regular expressions, never paths.
_PATTERN_MODULES = frozenset({"re", "regex"})


class WindowsPathRule(EnclosingCalls, LiteralRule):
    """Flags string literals that are Windows paths; fixes relative ones to forward slashes."""

    literal_filter = re.compile(r"\\")

    def __init__(self) -> None:
        super().__init__()
        #: Ids of the strings passed to a call that takes paths.
        self._path_arguments: set[int] = set()

    def begin_unit(self) -> None:
        """The ids of another unit's nodes are no longer theirs."""
        self._path_arguments.clear()

    def visit_Call(self, node: ast.Call) -> None:
        """Track regex calls (their strings are patterns) and path calls (their strings are paths)."""
        super().visit_Call(node)
        if leaf_name(node.func) in _PATH_FUNCTIONS:
            arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
            self._path_arguments.update(
                id(argument.value if isinstance(argument, ast.Starred) else argument)
                for argument in arguments
            )

    def is_enclosing(self, node: ast.Call) -> bool:
        """`re.compile(...)`, `re.sub(...)`, `regex.match(...)`, and friends: their strings are
        patterns."""
        func = node.func
        return (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in _PATTERN_MODULES
        )

    def check_literal(self, literal: Literal, string: ast.expr, prose: bool) -> None:
        """One literal, unless it is a pattern, prose (a docstring, a comment), bytes or an
        f-string."""
        prefix = literal.prefix.lower()
        if self.in_enclosing_call or prose or "b" in prefix or "f" in prefix:
            return
        value = ast.literal_eval(literal.text)
        match = _WINDOWS_PATH.fullmatch(value) if "\\" in value else None
        start, end = literal.start, literal.end
        # A path argument is a string written as this one literal (`open('a\\b')`).
        passed = id(string) in self._path_arguments and self.unit.ast_span(string) == (start, end)
        if match is None or not (_looks_like_a_path(value, match) or passed):
            return
        if _REGEX_WILDCARD.search(value):
            return
        spot = Spot(self.unit, start, end, self.unit.editable_span(start, end))
        if match.group("drive"):
            self.report(
                spot,
                f"Windows drive path {literal.text} exists only on your machine; use a path relative "
                "to the notebook or under /content/drive/MyDrive",
            )
            return
        replacement = _with_forward_slashes(literal, value)
        advice = f"use {replacement}" if replacement else "use forward slashes"
        self.report(
            spot, f"Windows path {literal.text} breaks on Colab's Linux; {advice}", fix=replacement
        )


def _looks_like_a_path(value: str, match: re.Match[str]) -> bool:
    """Enough shape to call it a path on its own (`a\\b` alone might be anything)."""
    return bool(
        match.group("drive")
        or match.group("dots")
        or match.group("trailing")
        or value.count("\\") >= 2
        or _EXTENSION.search(value)
    )


def _with_forward_slashes(literal: Literal, value: str) -> str | None:
    """The literal rewritten with `/` for each path separator, or None if that cannot be done
    exactly (`\\n`, `\\t`, `\\x41`... in a string that is not raw: not a plain path)."""
    if "r" in literal.prefix.lower():
        body = literal.body.replace("\\", "/")
    else:
        body = _SEPARATOR.sub("/", literal.body)
        if "\\" in body:
            return None
    new_literal = f"{literal.prefix}{literal.quote}{body}{literal.quote}"
    if ast.literal_eval(new_literal) != value.replace("\\", "/"):
        return None
    return new_literal
