"""NBP102 drive-legacy-path: `/content/drive/My Drive/...`, the old name of the Drive root."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange

from nbport.escapes import Escape, EscapeKind
from nbport.finding import Edit
from nbport.rules.unit import UnitContext
from nbport.syntax_rule import SyntaxRule

#: Where Colab mounts Drive when the notebook does not say (`drive.mount('/content/drive')`).
DEFAULT_MOUNT_POINT = "/content/drive"
#: Colab's working directory, which relative paths such as `gdrive/My Drive` start from.
COLAB_WORKING_DIRECTORY = "/content"
#: The old root name as written in Python (`My Drive`, or `My\ Drive` / `My\\ Drive` escaped for a
#: shell) or in a shell line (`My\ Drive`), ending where the path component ends.
_LEGACY_ROOT = re.compile(r"My(?: |\\ |\\\\ )Drive(?=$|[/\\'\"\s;|&)])")
#: Characters that cannot be part of the mount point written before `/My Drive`: the path starts
#: after a blank, a quote, `=`, `(`, `,`, `:` or a `{}` expansion.
_NOT_IN_PATH = frozenset(" \t\n\r'\"=(,{}:")


@dataclass(frozen=True)
class _Candidate:
    """A legacy root found in a unit, judged once every mount point of the file is known."""

    context: UnitContext
    #: Offsets in the unit's text: the path's first character, and the `My Drive` component.
    path_start: int
    root_start: int
    root_end: int
    #: The mount point as written before `/My Drive` (`/content/drive`, `gdrive`, `/ncc`).
    prefix: str
    editable: bool


@dataclass(frozen=True)
class _StringMatch:
    node: cst.CSTNode
    #: Offsets inside the node's source text.
    path_start: int
    root_start: int
    root_end: int
    prefix: str


class DriveLegacyPathRule(SyntaxRule):
    """Finds `<mount point>/My Drive` in strings and IPython escapes; fixes it to `MyDrive`."""

    id = "NBP102"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._mount_points: set[str] = {DEFAULT_MOUNT_POINT}
        self._candidates: list[_Candidate] = []
        self._unit_matches: list[_StringMatch] = []

    def begin_unit(self, context: UnitContext) -> None:
        """Start a new unit."""
        super().begin_unit(context)
        self._unit_matches = []

    def check_escape(self, escape: Escape) -> None:
        """`!unzip "/content/drive/My Drive/data.zip"`, `%run gdrive/My\\ Drive/train.py`."""
        if escape.kind not in (EscapeKind.SHELL, EscapeKind.SHELL_CAPTURE, EscapeKind.LINE_MAGIC):
            return
        assert self.context is not None
        line = self.context.unit.text[escape.start : escape.end]
        for path_start, root_start, root_end, prefix in _legacy_roots(line):
            self._candidates.append(
                _Candidate(
                    self.context,
                    escape.start + path_start,
                    escape.start + root_start,
                    escape.start + root_end,
                    prefix,
                    editable=True,
                )
            )

    def visit_Call(self, node: cst.Call) -> None:
        """`drive.mount('/content/gdrive')`: one more mount point for this file."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "mount"):
            return
        argument = next(
            (
                arg.value
                for arg in node.args
                if arg.keyword is None or arg.keyword.value == "mountpoint"
            ),
            None,
        )
        if isinstance(argument, cst.SimpleString):
            value = argument.evaluated_value
            if isinstance(value, str) and value.strip():
                self._mount_points.add(_normalized(value.strip()))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """A literal holding a legacy root."""
        self._check_source(node, node.value)

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        """The text parts of an f-string."""
        self._check_source(node, node.value)

    def _check_source(self, node: cst.CSTNode, source: str) -> None:
        if "Drive" not in source:
            return
        for path_start, root_start, root_end, prefix in _legacy_roots(source):
            self._unit_matches.append(_StringMatch(node, path_start, root_start, root_end, prefix))

    def wants_positions(self) -> bool:
        """Positions are needed whenever a string holds a legacy root."""
        return super().wants_positions() or bool(self._unit_matches)

    def end_unit(self, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        """Turn this unit's string matches into candidates, with offsets in the unit's text."""
        super().end_unit(positions)
        assert self.context is not None
        for match in self._unit_matches:
            start, _end = self.node_span(match.node)
            self._candidates.append(
                _Candidate(
                    self.context,
                    start + match.path_start,
                    start + match.root_start,
                    start + match.root_end,
                    match.prefix,
                    # Offsets inside a node that spans a masked or re-indented line are not exact.
                    editable=not self.touches_escape(match.node),
                )
            )
        self._unit_matches = []

    def end_document(self) -> None:
        """Report the legacy roots that sit right under a mount point of this file."""
        for candidate in self._candidates:
            if not self._is_mount_point(candidate.prefix):
                continue
            text = candidate.context.unit.text
            written = text[candidate.path_start : candidate.root_end]
            fixed = text[candidate.path_start : candidate.root_start] + "MyDrive"
            edits = (
                [Edit(candidate.root_start, candidate.root_end, "MyDrive")]
                if candidate.editable
                else []
            )
            self.report(
                candidate.path_start,
                candidate.root_end,
                f"`{written}` is the old name of the Drive root and depends on a redirect that can "
                f"fail; Colab mounts it as `{fixed}`",
                edits=edits,
                context=candidate.context,
            )

    def _is_mount_point(self, prefix: str) -> bool:
        """`/content/drive`, or `drive` / `./drive` read from Colab's working directory."""
        if not prefix:
            return False
        return _normalized(prefix) in self._mount_points


def _normalized(path: str) -> str:
    """An absolute mount point without trailing or doubled slashes; relative ones from /content."""
    if not path.startswith("/"):
        path = posixpath.join(COLAB_WORKING_DIRECTORY, path)
    return posixpath.normpath(path)


def _legacy_roots(source: str) -> list[tuple[int, int, int, str]]:
    """Each `<prefix>/My Drive` in `source`: (path start, root start, root end, prefix)."""
    found = []
    for match in _LEGACY_ROOT.finditer(source):
        slash_end = match.start()
        slash_start = slash_end
        while slash_start > 0 and source[slash_start - 1] == "/":
            slash_start -= 1
        if slash_start == slash_end:
            continue  # `My Drive` not right after a `/`: not a path component we can judge
        head = slash_start
        while head > 0 and source[head - 1] not in _NOT_IN_PATH:
            head -= 1
        found.append((head, match.start(), match.end(), source[head:slash_start]))
    return found
