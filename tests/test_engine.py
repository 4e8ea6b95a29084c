"""The engine's shortcuts give what the long way gives: parse checks, and libcst rules fed only the
statements they need."""

from __future__ import annotations

import ast

import pytest

from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.engine import check_document, python3_problem, python3_tree

CATALOG = load_catalog()


@pytest.mark.parametrize(
    "python",
    [
        "x = 1",
        "nonlocal x",  # the symbol table rejects it, the parser takes it
        "def f(a, a):\n    pass",
        "await x",
        "return 5",
        "print 'x'",
        "x = (",
        "a\0b",
        "if x:\npass",
    ],
)
def test_the_cheap_check_agrees_with_the_tree(python: str) -> None:
    tree = python3_tree(python)
    assert python3_problem(python) == (None if isinstance(tree, ast.Module) else tree)


def test_a_cell_nested_too_deeply_is_an_error_line_not_a_crash() -> None:
    cells = ["x = 1" + " + 1" * 20000, "import tensorflow as tf\nsess = tf.Session()"]
    for rules in ([], list(CATALOG.values())):
        result = check_document(document_from_cells(cells, "notebook"), rules)
        assert [error.cell for error in result.errors] == [1]
        assert "nested too deeply" in result.errors[0].message


def test_a_finding_inside_a_function_keeps_its_place_when_libcst_sees_only_that_statement() -> None:
    source = (
        "import os\n"  # 1
        "\n"  # 2
        "def load():\n"  # 3
        "    print('start')\n"  # 4
        "    return open('data\\\\train.csv')\n"  # 5
        "\n"  # 6
        "size = 3\n"  # 7
    )
    result = check_document(document_from_cells([source], "script"), [CATALOG["NBP101"]])
    (finding,) = result.findings
    # The literal starts after `    return open(`: column 17, 1-based.
    assert (finding.start.label(), finding.end.label()) == ("5:17", "5:34")
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    assert source[edit.start : edit.end] == "'data\\\\train.csv'"
    assert edit.replacement == "'data/train.csv'"


def test_a_unit_libcst_cannot_read_still_gets_its_ast_rules() -> None:
    """Space-then-tab indentation that CPython reads and libcst's tokenizer rejects."""
    source = "def f(n):\n \tfor i in range(n):\n         x = i\n \treturn x\n\nmodel.fit(x, y, epochs=100, steps_per_epoch=1000)\n"
    result = check_document(document_from_cells([source], "script"), [CATALOG["NBP302"]])
    assert [finding.start.label() for finding in result.findings] == ["6:1"]
    assert result.errors == ()


# --- Indented cells: one reading, Colab's IPython's, in the scanner and in the engine -----------


def test_an_indented_bash_cell_is_neither_checked_nor_fixed(tmp_path) -> None:
    # Before: the scanner missed the cell magic and the engine dedented `%%bash`, so NBP001
    # reported `!cd data` and its fix rewrote the body of a bash cell.
    from nbport.api import fix_document

    document = document_from_cells([" %%bash\n!cd data", "!cd data"], "notebook")
    result = check_document(document, list(CATALOG.values()))
    assert result.errors == ()
    assert [(f.rule, f.start.cell) for f in result.findings] == [("NBP001", 2)]
    fixed = fix_document(document, list(CATALOG.values())).document
    assert [unit.text for unit in fixed.units()] == [" %%bash\n!cd data", "%cd data"]


def test_indented_cells_run_as_colab_runs_them() -> None:
    from nbport.escapes import strip_leading_indent

    # The first line's indentation goes from the lines that start with it, whatever the others.
    assert strip_leading_indent("  x = 1\ny = 2\n  z = 3") == (
        "x = 1\ny = 2\nz = 3",
        2,
        frozenset({1, 3}),
    )
    assert strip_leading_indent("\n\t x\n\t y") == ("\nx\ny", 2, frozenset({2, 3}))
    assert strip_leading_indent("x\n  y") == ("x\n  y", 0, frozenset())
    document = document_from_cells(["  %%time\nimport os\n", "  import os\nx = 1\n"], "notebook")
    assert check_document(document, list(CATALOG.values())).errors == ()
