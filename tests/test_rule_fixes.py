"""The kernel's shared fix helpers (`nbport.rules.fixes`) and `UnitContext.place`."""

from __future__ import annotations

import ast

import pytest

from nbport.documents import document_from_cells
from nbport.engine import python3_tree, strip_leading_indent
from nbport.escapes import scan
from nbport.finding import Edit
from nbport.rules.fixes import from_module_span, insert_after, rename_from_module
from nbport.rules.unit import UnitContext


def _unit(text: str, layout: str = "notebook") -> UnitContext:
    unit = document_from_cells([text], layout).units()[0]
    scanned = scan(text, unit.escape_style)
    python, dedent, lines = strip_leading_indent(scanned.masked)
    tree = python3_tree(python)
    assert isinstance(tree, ast.Module)
    return UnitContext(unit, scanned, python, tree, dedent, lines)


def _applied(text: str, edit: Edit | None) -> str | None:
    return None if edit is None else text[: edit.start] + edit.replacement + text[edit.end :]


@pytest.mark.parametrize(
    ("text", "statement", "expected"),
    [
        ("import a\nx = 1\n", 0, "import a\nok()\nx = 1\n"),
        ("import a  # comment\r\nx = 1", 0, "import a  # comment\r\nok()\r\nx = 1"),
        ("x = 1\nimport a", 1, "x = 1\nimport a\nok()"),
        ("x = 1\r\nimport a", 1, "x = 1\r\nimport a\r\nok()"),
        ("x = 1; import a\n", 1, None),  # not the first on its line
        ("!ls\nimport a\n", 1, "!ls\nimport a\nok()\n"),  # the escape is its own statement
        ("    from a import (\n        b)\nx = 1", 0, None),  # its lines were de-indented to parse
    ],
)
def test_insert_after(text: str, statement: int, expected: str | None) -> None:
    unit = _unit(text)
    node = unit.tree.body[statement]
    assert _applied(text, insert_after(unit, node, "ok()")) == expected


def test_insert_after_keeps_the_indentation() -> None:
    text = "try:\n    import a\nexcept E:\n    pass"
    unit = _unit(text)
    node = unit.tree.body[0].body[0]  # type: ignore[attr-defined]
    assert _applied(text, insert_after(unit, node, "ok()")) == (
        "try:\n    import a\n    ok()\nexcept E:\n    pass"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from keras.layers import Dense", "from tensorflow.keras.layers import Dense"),
        (
            "from  keras.layers\timport (\n    Dense,\n)",
            "from  tensorflow.keras.layers\timport (\n    Dense,\n)",
        ),
        ("from keras . layers import Dense", "from tensorflow.keras.layers import Dense"),
        (
            "from keras.layers \\\n    import Dense",
            "from tensorflow.keras.layers \\\n    import Dense",
        ),
        (
            "from \\\r\n keras.layers import Dense",
            "from \\\r\n tensorflow.keras.layers import Dense",
        ),
        ("from .layers import Dense", None),  # relative: no module name to rename
        ("!ls\nfrom keras.layers import Dense", "!ls\nfrom tensorflow.keras.layers import Dense"),
    ],
)
def test_rename_from_module(text: str, expected: str | None) -> None:
    unit = _unit(text)
    node = unit.tree.body[-1]
    assert isinstance(node, ast.ImportFrom)
    assert _applied(text, rename_from_module(unit, node, "tensorflow.keras.layers")) == expected
    span = from_module_span(unit, node)
    assert (span is None) == (expected is None)


def test_place_names_the_cell_line_or_the_file_line() -> None:
    notebook = _unit("x = 1\n  # c\ny = 2")
    assert notebook.place(notebook.tree.body[1]) == "cell 1, line 3"
    script = document_from_cells(["# %%\nx = 1\n", "# %%\nimport a\n"], "percent").units()[1]
    scanned = scan(script.text, script.escape_style)
    tree = python3_tree(scanned.masked)
    assert isinstance(tree, ast.Module)
    unit = UnitContext(script, scanned, scanned.masked, tree)
    assert unit.place(tree.body[0]) == f"line {script.first_line + tree.body[0].lineno - 1}"
