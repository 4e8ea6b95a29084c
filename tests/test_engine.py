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
    source = "def f(n):\n \tfor i in range(n):\n         x = i\n \treturn x\n\nmodel.fit(x, y, epochs=100)\n"
    result = check_document(document_from_cells([source], "script"), [CATALOG["NBP302"]])
    assert [finding.start.label() for finding in result.findings] == ["6:1"]
    assert result.errors == ()
