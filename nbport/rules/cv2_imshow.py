"""NBP104 cv2-imshow: `cv2.imshow` is disabled on Colab; `google.colab.patches.cv2_imshow` shows images."""

from __future__ import annotations

import ast

from nbport.rules.base import Rule
from nbport.rules.fixes import insert_before

_IMPORT = "from google.colab.patches import cv2_imshow"


class Cv2ImshowRule(Rule):
    """Flags calls of `cv2.imshow` however it was imported; fixes them to `cv2_imshow(image)`."""

    def __init__(self) -> None:
        self._import_offered = False  # one inserted import serves the rest of the document

    def visit_Call(self, node: ast.Call) -> None:
        """`cv2.imshow('window', image)`, `cv.imshow(...)`, `show(...)` after `from cv2 import imshow as show`."""
        if self.qualified_name(node) != "cv2.imshow":
            return
        edits = []
        if len(node.args) == 2 and not node.keywords and not isinstance(node.args[1], ast.Starred):
            edits.append(self.edit(node, f"cv2_imshow({self.source(node.args[1])})"))
            imported = self.names.binding("cv2_imshow") == "google.colab.patches.cv2_imshow"
            if not (imported or self._import_offered) and self.statement is not None:
                edits.append(insert_before(self.unit, self.statement, _IMPORT))
            self._import_offered = self._import_offered or None not in edits
        self.report(
            node,
            f"`{self.source(node.func)}` is disabled on Colab, where it would crash the session: "
            f"show the image with `cv2_imshow(image)` (`{_IMPORT}`)",
            edits=edits,
        )
