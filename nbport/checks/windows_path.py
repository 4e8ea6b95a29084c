"""NBP101 windows-path: string literals holding Windows `\\` paths, which Colab's Linux cannot open."""

from __future__ import annotations

import re
from typing import ClassVar

import libcst as cst

from nbport.syntax_rule import SyntaxRule

#: One path component: characters Windows allows in names, minus those that mark regexes, LaTeX,
#: format strings and templates ($ % { } [ ] ^ + = ; ,), with no blank at either end.
_NAME_CHARACTER = r"[^\s\\/:*?\"<>|$%{}\[\]^+=;,]"
_COMPONENT = rf"{_NAME_CHARACTER}(?:(?:{_NAME_CHARACTER}| )*{_NAME_CHARACTER})?"
#: `C:\` then components, or `.\`/`..\` then components, or components; an optional trailing `\`.
_WINDOWS_PATH = re.compile(
    rf"(?P<drive>[A-Za-z]:\\)?(?P<dots>(?:\.{{1,2}}\\)+)?{_COMPONENT}(?:\\{_COMPONENT})*(?P<trailing>\\)?"
)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
#: Calls whose string arguments are paths: one `\` there is enough evidence.
_PATH_FUNCTIONS = {
    "open",
    "Path",
    "PurePath",
    "join",
    "exists",
    "isfile",
    "isdir",
    "listdir",
    "makedirs",
    "mkdir",
    "chdir",
    "load",
    "save",
    "loadtxt",
    "savetxt",
    "read_csv",
    "to_csv",
    "read_excel",
    "read_json",
    "imread",
    "imwrite",
    "imsave",
    "savefig",
    "load_img",
    "load_model",
    "save_weights",
    "load_weights",
    "ModelCheckpoint",
    "flow_from_directory",
    "image_dataset_from_directory",
    "glob",
    "copy",
    "copyfile",
    "move",
    "rmtree",
    "ZipFile",
    "File",
    "remove",
    "rename",
}
#: Python string escapes: a backslash followed by one of these is not a path separator.
_ESCAPE_LETTERS = set("\n\\'\"abfnrtvx01234567NuU")
#: Calls whose string arguments are regular expressions or LaTeX, never paths.
_PATTERN_MODULES = {"re", "regex"}


class WindowsPathRule(SyntaxRule):
    """Flags string literals that are Windows paths; fixes relative ones to forward slashes."""

    id = "NBP101"
    #: Every literal it reports has a backslash in its value: in its source, a backslash that is
    #: not an escape for another character (`\\n`, `\\'`), or one in a raw string. The rule's other
    #: state lives inside one statement.
    statement_pattern: ClassVar[re.Pattern[str] | None] = re.compile(
        r"""\\(?![abfnrtv'"\r\n])|[rR]["'][^\n]*\\"""
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._pattern_calls = 0
        self._docstring_nodes: set[int] = set()
        self._path_arguments: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        """Track regex calls (their strings are patterns) and path calls (their strings are paths)."""
        if _is_pattern_call(node.func):
            self._pattern_calls += 1
        if _called_name(node.func) in _PATH_FUNCTIONS:
            self._path_arguments.update(id(argument.value) for argument in node.args)

    def leave_Call(self, original_node: cst.Call) -> None:
        """End of a regex call."""
        if _is_pattern_call(original_node.func):
            self._pattern_calls -= 1

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        """A string standing alone as a statement is a docstring or a comment, not a path."""
        for statement in node.body:
            if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.SimpleString):
                self._docstring_nodes.add(id(statement.value))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """Check one literal."""
        if self._pattern_calls or id(node) in self._docstring_nodes:
            return
        prefix = node.prefix.lower()
        if "b" in prefix or "\\" not in node.value:
            return
        value = node.evaluated_value
        if not isinstance(value, str) or "\\" not in value:
            return
        match = _WINDOWS_PATH.fullmatch(value)
        if match is None or not (
            _looks_like_a_path(value, match) or id(node) in self._path_arguments
        ):
            return
        if match.group("drive"):
            self.report_node(
                node,
                f"Windows drive path {node.value} exists only on your machine; use a path relative "
                "to the notebook or under /content/drive/MyDrive",
            )
            return
        replacement = _with_forward_slashes(node)
        advice = f"use {replacement}" if replacement else "use forward slashes"
        self.report_node(
            node,
            f"Windows path {node.value} breaks on Colab's Linux; {advice}",
            replacement=replacement,
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


def _called_name(func: cst.BaseExpression) -> str | None:
    """`open` for `open(...)`, `read_csv` for `pd.read_csv(...)`."""
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _is_pattern_call(func: cst.BaseExpression) -> bool:
    """`re.compile(...)`, `re.sub(...)`, `regex.match(...)`, and friends."""
    return (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value in _PATTERN_MODULES
    )


def _with_forward_slashes(node: cst.SimpleString) -> str | None:
    """The literal rewritten with `/` for each path separator, or None if that cannot be done exactly."""
    prefix, quote = node.prefix, node.quote
    body = node.value[len(prefix) + len(quote) : -len(quote)]
    if "r" in prefix.lower():
        new_body = body.replace("\\", "/")
    else:
        pieces: list[str] = []
        position = 0
        while position < len(body):
            character = body[position]
            if character != "\\":
                pieces.append(character)
                position += 1
                continue
            following = body[position + 1 : position + 2]
            if following == "\\":
                pieces.append("/")
                position += 2
            elif following and following not in _ESCAPE_LETTERS:
                pieces.append(
                    "/"
                )  # an unknown escape such as `\i` keeps its backslash: a separator
                position += 1
            else:
                return None  # `\n`, `\t`, `\x41`...: not a plain path, leave it to the user
        new_body = "".join(pieces)
    new_literal = f"{prefix}{quote}{new_body}{quote}"
    expected = node.evaluated_value
    assert isinstance(expected, str)
    if cst.SimpleString(new_literal).evaluated_value != expected.replace("\\", "/"):
        return None
    return new_literal
