"""NBP102 drive-legacy-path: `/content/drive/My Drive/...`, the old name of the Drive root."""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from nbport.escapes import Escape, EscapeKind
from nbport.finding import Edit
from nbport.rules.base import Spot
from nbport.rules.calls import call_arguments
from nbport.rules.strings import Literal, LiteralRule, string_literals

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
_SHELL = (EscapeKind.SHELL, EscapeKind.SHELL_CAPTURE, EscapeKind.LINE_MAGIC)


@dataclass(frozen=True)
class _Candidate:
    """A legacy root found in a unit, judged once every mount point of the file is known."""

    #: From the path's first character to the end of the `My Drive` component.
    spot: Spot
    #: The `My Drive` component, in the unit's text.
    root: tuple[int, int]
    #: The mount point as written before `/My Drive` (`/content/drive`, `gdrive`, `/ncc`).
    prefix: str


class DriveLegacyPathRule(LiteralRule):
    """Finds `<mount point>/My Drive` in strings and IPython escapes; fixes it to `MyDrive`."""

    literal_filter = re.compile("Drive")

    def __init__(self) -> None:
        self._mount_points = {DEFAULT_MOUNT_POINT}
        self._candidates: list[_Candidate] = []

    def check_escape(self, escape: Escape) -> None:
        """`!unzip "/content/drive/My Drive/data.zip"`, `%run gdrive/My\\ Drive/train.py`."""
        if escape.kind in _SHELL:
            line = self.unit.unit.text[escape.start : escape.end]
            self._note(line, lambda at: escape.start + at, editable=True)

    def visit_Call(self, node: ast.Call) -> None:
        """`drive.mount('/content/gdrive')`: one more mount point for this file."""
        if not (isinstance(node.func, ast.Attribute) and node.func.attr == "mount"):
            return
        arguments = call_arguments(node)
        point = next((arg.value for arg in arguments if arg.keyword in (None, "mountpoint")), None)
        if (
            isinstance(point, ast.Constant)
            and isinstance(point.value, str)
            and point.value.strip()
            and len(string_literals(self.unit, point)) == 1
        ):
            self._mount_points.add(_normalized(point.value.strip()))

    def visit_Constant(self, node: ast.Constant) -> None:
        """Strings, and bytes too (`open(b'/content/drive/My Drive/x')`)."""
        super().visit_Constant(node)
        if isinstance(node.value, bytes) and b"Drive" in node.value:
            for literal in string_literals(self.unit, node):
                self.check_literal(literal, node, prose=False)

    def check_literal(self, literal: Literal, string: ast.expr, prose: bool) -> None:
        """A literal holding a legacy root: an f-string's text piece by piece, between its
        replacement fields; another literal whole, its quotes included (they end the path)."""
        parts = literal.text_parts() if "f" in literal.prefix.lower() else [(0, literal.text)]
        for start, text in parts:
            if "Drive" in text:
                in_unit = partial(self._in_unit, literal, start)
                # Offsets in a piece over a masked or re-indented line are not exact: no edit.
                editable = self.unit.editable_span(in_unit(0), in_unit(len(text)))
                self._note(text, in_unit, editable)

    def _in_unit(self, literal: Literal, start: int, at: int) -> int:
        """The offset in the unit's text of `literal.text[start + at]`, whose line may have been
        re-indented."""
        before = literal.text[: start + at]
        newlines = before.count("\n")
        if not newlines:
            return literal.start + start + at
        line = self.unit.lines.line_of(literal.start) + newlines
        return self.unit.offset(line, len(before) - before.rfind("\n") - 1)

    def _note(self, source: str, in_unit: Callable[[int], int], editable: bool) -> None:
        """Keep each `<prefix>/My Drive` of `source`, placed in the unit by `in_unit`."""
        for path_start, root_start, root_end, prefix in _legacy_roots(source):
            spot = Spot(self.unit, in_unit(path_start), in_unit(root_end), editable)
            self._candidates.append(_Candidate(spot, (in_unit(root_start), spot.end), prefix))

    def end_document(self) -> None:
        """Report the legacy roots that sit right under a mount point of this file."""
        for candidate in self._candidates:
            if not candidate.prefix or _normalized(candidate.prefix) not in self._mount_points:
                continue
            spot, (root_start, root_end) = candidate.spot, candidate.root
            text = spot.unit.unit.text
            self.report(
                spot,
                f"`{text[spot.start : spot.end]}` is the old name of the Drive root and depends on "
                f"a redirect that can fail; Colab mounts it as "
                f"`{text[spot.start : root_start]}MyDrive`",
                edits=[Edit(root_start, root_end, "MyDrive")],
            )


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
