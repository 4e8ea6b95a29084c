"""The shared fix helpers (`nbport.rules.fixes`): where a statement stands, and edits that insert,
replace or delete it and leave its block valid Python."""

from __future__ import annotations

import ast

import pytest

from nbport.documents import document_from_cells
from nbport.engine import strip_leading_indent
from nbport.escapes import scan
from nbport.finding import Edit
from nbport.rules.fixes import (
    Place,
    delete_statement,
    escape_place,
    insert_before,
    replace_statement,
)
from nbport.rules.unit import UnitContext


def unit_of(text: str, layout: str = "notebook") -> UnitContext:
    """The one cell `text` as the engine hands it to the rules: escapes masked, indentation stripped."""
    unit = document_from_cells([text], layout).units()[0]
    scanned = scan(unit.text, unit.escape_style)
    python, dedent, dedented_lines = strip_leading_indent(scanned.masked)
    return UnitContext(unit, scanned, python, ast.parse(python), dedent, dedented_lines)


def applied(unit: UnitContext, edit: Edit | None) -> str:
    assert edit is not None
    text = unit.unit.text
    return text[: edit.start] + edit.replacement + text[edit.end :]


def first_escape_place(unit: UnitContext) -> Place:
    place = escape_place(unit, unit.scanned.escapes[0])
    assert place is not None
    return place


def test_escape_place_knows_the_blocks_around_it() -> None:
    unit = unit_of(
        "x = 1\nif x:\n    try:\n        y = 2\n        %magic\n    except Exception:\n        pass\n"
    )
    place = first_escape_place(unit)
    assert (place.index, len(place.block)) == (1, 2)
    assert isinstance(place.statement, ast.Expr)
    assert place.outer is not None and isinstance(place.outer.statement, ast.Try)
    assert place.outer.outer is not None and isinstance(place.outer.outer.statement, ast.If)
    assert place.outer.outer.outer is None
    assert place.outer.outer.block is unit.tree.body


def test_escape_place_in_handlers_and_cases() -> None:
    unit = unit_of("try:\n    x = 1\nexcept E:\n    %magic\n")
    place = first_escape_place(unit)
    assert place.outer is not None and isinstance(place.outer.statement, ast.Try)
    assert place.block is place.outer.statement.handlers[0].body
    unit = unit_of("match x:\n    case 1:\n        pass\n    case _:\n        %magic\n")
    place = first_escape_place(unit)
    assert place.outer is not None and isinstance(place.outer.statement, ast.Match)
    assert place.block is place.outer.statement.cases[1].body


def test_escape_place_of_each_of_many_escapes() -> None:
    unit = unit_of("".join(f"x{number} = 1\n%magic {number}\n" for number in range(50)))
    for escape in unit.scanned.escapes:
        place = escape_place(unit, escape)
        assert place is not None and place.statement.lineno == escape.line


def test_an_assigned_escape_has_no_place() -> None:
    unit = unit_of("x = !ls\n")
    assert escape_place(unit, unit.scanned.escapes[0]) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # Alone in a nested block: `pass` keeps the block.
        ("if x:\n    %magic\nprint(1)\n", "if x:\n    pass\nprint(1)\n"),
        # At the top, with the blank lines after it.
        ("%magic\n\n\nimport os\n", "import os\n"),
        # Between blank lines: one stays.
        ("a = 1\n\n%magic\n\nb = 2\n", "a = 1\n\nb = 2\n"),
        # The last line, without a newline: the newline before it goes.
        ("import os\n%magic", "import os"),
        # Continued with a backslash: all its lines go.
        ("a = 1\n%magic x \\\n  more\nb = 2\n", "a = 1\nb = 2\n"),
        # A cell whose indentation IPython strips.
        ("  %magic\n  import os\n", "  import os\n"),
        # Windows line endings.
        ("a = 1\r\n%magic\r\nb = 2\r\n", "a = 1\r\nb = 2\r\n"),
        ("if x:\r\n    %magic\r\nb = 2\r\n", "if x:\r\n    pass\r\nb = 2\r\n"),
    ],
)
def test_delete_an_escape(cell: str, expected: str) -> None:
    unit = unit_of(cell)
    escape = unit.scanned.escapes[0]
    assert applied(unit, delete_statement(unit, first_escape_place(unit), escape.end)) == expected


def test_delete_a_commented_escape_of_a_percent_script() -> None:
    unit = unit_of("import os\n# %magic\nimport sys\n", "percent")
    escape = unit.scanned.escapes[0]
    place = first_escape_place(unit)
    assert applied(unit, delete_statement(unit, place, escape.end)) == "import os\nimport sys\n"


def test_delete_the_compound_statement_around_a_statement() -> None:
    unit = unit_of(
        "if x:\n    try:\n        %magic\n    except Exception:\n        pass\nprint(1)\n"
    )
    outer = first_escape_place(unit).outer
    assert outer is not None
    assert applied(unit, delete_statement(unit, outer)) == "if x:\n    pass\nprint(1)\n"
    unit = unit_of("try:\n    %magic\nexcept Exception:\n    pass\n\nimport os\n")
    outer = first_escape_place(unit).outer
    assert outer is not None
    assert applied(unit, delete_statement(unit, outer)) == "import os\n"


@pytest.mark.parametrize(
    ("cell", "index"),
    [
        ("a = 1; b = 2\nc = 3\n", 0),
        ("a = 1; b = 2\nc = 3\n", 1),
        ("c = 3\nif c: d = 4\n", None),
    ],
)
def test_no_deletion_of_a_statement_that_shares_its_line(cell: str, index: int | None) -> None:
    unit = unit_of(cell)
    if index is None:  # the body of the `if`, on the `if`'s own line
        statement = unit.tree.body[1]
        assert isinstance(statement, ast.If)
        place = Place(statement.body, 0, Place(unit.tree.body, 1))
    else:
        place = Place(unit.tree.body, index)
    assert delete_statement(unit, place) is None


def test_delete_a_statement_of_several_lines() -> None:
    unit = unit_of("x = 1\ny = f(\n    2,\n)\nz = 3\n")
    assert applied(unit, delete_statement(unit, Place(unit.tree.body, 1))) == "x = 1\nz = 3\n"


def test_replace_an_escape_from_its_indentation_to_its_end() -> None:
    unit = unit_of("try:\n    %magic x \\\n      more\n    y = 1\nexcept:\n    pass\n")
    escape = unit.scanned.escapes[0]
    edit = replace_statement(unit, first_escape_place(unit), "import google.colab", escape.end)
    assert applied(unit, edit) == "try:\n    import google.colab\n    y = 1\nexcept:\n    pass\n"


def test_replace_a_commented_escape_takes_its_hash() -> None:
    unit = unit_of("try:\n    # %magic\n    y = 1\nexcept:\n    pass\n", "percent")
    escape = unit.scanned.escapes[0]
    edit = replace_statement(unit, first_escape_place(unit), "import google.colab", escape.end)
    assert applied(unit, edit) == "try:\n    import google.colab\n    y = 1\nexcept:\n    pass\n"


def test_replace_a_statement_as_parsed() -> None:
    unit = unit_of("if x:\n    y = f(\n        1)\n")
    statement = unit.tree.body[0]
    assert isinstance(statement, ast.If)
    edit = replace_statement(unit, Place(statement.body, 0), "y = 2")
    assert applied(unit, edit) == "if x:\n    y = 2\n"


def test_no_replacement_where_the_text_is_not_what_was_parsed() -> None:
    unit = unit_of("%magic x\n")
    # A masked escape: its tree ends where its mask does, not where its text does.
    assert replace_statement(unit, first_escape_place(unit), "pass") is None
    unit = unit_of("a = 1; b = 2\n")
    assert replace_statement(unit, Place(unit.tree.body, 1), "c = 3") is None


def test_insert_before_a_statement_in_its_indentation_and_line_ending() -> None:
    unit = unit_of("if x:\r\n    y()\r\n")
    statement = unit.tree.body[0]
    assert isinstance(statement, ast.If)
    edit = insert_before(unit, statement.body[0], "import z")
    assert applied(unit, edit) == "if x:\r\n    import z\r\n    y()\r\n"
    unit = unit_of("x = 1; y()\n")
    assert insert_before(unit, unit.tree.body[1], "import z") is None
