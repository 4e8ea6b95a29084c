"""The Colab guards reader (`nbport.rules.guards`): which code runs only on Colab, or one machine."""

from __future__ import annotations

import ast

import pytest

from nbport.documents import document_from_cells
from nbport.engine import strip_leading_indent
from nbport.escapes import scan
from nbport.rules.guards import ColabGuards, imports_google_colab
from nbport.rules.unit import UnitContext


def contexts(*cells: str) -> list[UnitContext]:
    """The units of a notebook of `cells`, as the engine hands them to the rules."""
    found = []
    for unit in document_from_cells(list(cells), "notebook").units():
        scanned = scan(unit.text, unit.escape_style)
        python, dedent, lines = strip_leading_indent(scanned.masked)
        found.append(UnitContext(unit, scanned, python, ast.parse(python), dedent, lines))
    return found


def string(unit: UnitContext, value: str) -> ast.Constant:
    """The first string `value` of the unit's tree."""
    return next(
        node
        for node in ast.walk(unit.tree)
        if isinstance(node, ast.Constant) and node.value == value
    )


def guarded(cell: str, value: str, **options: object) -> bool:
    [unit] = contexts(cell)
    guards = ColabGuards(**options)  # type: ignore[arg-type]
    guards.add_unit(unit)
    return guards.colab_only(unit, string(unit, value))


@pytest.mark.parametrize(
    "cell",
    [
        "if IN_COLAB:\n    p = 'x'",
        "if 'google.colab' in sys.modules:\n    pass\nelse:\n    p = 'x'",  # both branches
        "if os.path.isdir('/content'):\n    p = 'x'",
        "if os.getenv('COLAB_RELEASE_TAG'):\n    p = 'x'",
        "if a:\n    pass\nelif is_colab():\n    p = 'x'",
        "p = 'x' if ON_COLAB else 'y'",
        "try:\n    import google.colab\n    p = 'x'\nexcept ImportError:\n    pass",
        "try:\n    from google.colab import drive\nexcept Exception:\n    pass\nelse:\n    p = 'x'",
        "try:\n    import google.colab\nexcept:\n    pass\nfinally:\n    p = 'x'",
        "try:\n    if a:\n        from google import colab\nexcept (OSError, ImportError):\n    pass\nelse:\n    p = 'x'",
        "try:\n    match a:\n        case 1:\n            import google.colab\nexcept ImportError:\n    pass\nelse:\n    p = 'x'",
        "try:\n    %tensorflow_version 2.x\n    p = 'x'\nexcept Exception:\n    pass",
        "ON = os.path.exists('x')\nif ON:\n    pass",  # no test: nothing guarded, not even the path
        "f(colab=1) and g('x')",
    ],
)
def test_code_under_a_colab_guard(cell: str) -> None:
    expected = not cell.startswith(("ON = ", "f(colab"))
    assert guarded(cell, "x") is expected, cell


@pytest.mark.parametrize(
    "cell",
    [
        "try:\n    import google.colab\nexcept ImportError:\n    p = 'x'",  # the code for elsewhere
        "try:\n    import google.colab\nexcept OSError:\n    pass\np = 'x'",
        "if torch.cuda.is_available():\n    p = 'x'",
        "if 'google.' 'colab' in sys.modules:\n    p = 'x'",  # two strings, neither a test
        "if f'google.colab{a}':\n    p = 'x'",  # an f-string's text is no string
        "try:\n    def f():\n        import google.colab\nexcept ImportError:\n    pass\nelse:\n    p = 'x'",
    ],
)
def test_code_under_no_colab_guard(cell: str) -> None:
    assert not guarded(cell, "x"), cell


def test_the_test_of_a_flag_is_guarded_and_the_flag_guards_later_units() -> None:
    first, second, third = contexts(
        "on_gc = 'google.colab' in sys.modules\nx = len('/content')",
        "if on_gc:\n    p = 'x'",
        "if x:\n    p = 'x'",
    )
    guards = ColabGuards()
    for unit in (first, second, third):
        guards.add_unit(unit)
    # The first unit is read when the second is asked about: its flags count there.
    assert guards.colab_only(second, string(second, "x"))
    assert guards.colab_only(first, string(first, "google.colab"))
    assert not guards.colab_only(first, string(first, "/content"))  # not a test-shaped value
    assert not guards.colab_only(third, string(third, "x"))
    assert guards.flags == {"on_gc"}


def test_flags_come_only_from_the_units_added() -> None:
    _, second = contexts("on_gc = 'google.colab' in sys.modules", "if on_gc:\n    p = 'x'")
    guards = ColabGuards()
    guards.add_unit(second)  # the rule did not look at the first unit
    assert not guards.colab_only(second, string(second, "x"))


@pytest.mark.parametrize(
    "cells",
    [
        ["try:\n    import google.colab\n    HERE = True\nexcept ImportError:\n    HERE = False"],
        [
            "def on_cloud():\n    try:\n        import google.colab\n        return True\n"
            "    except ImportError:\n        return False",
            "HERE = on_cloud()",
        ],
    ],
)
def test_flags_set_next_to_a_guarded_import(cells: list[str]) -> None:
    units = contexts(*cells, "if HERE:\n    p = 'x'")
    guards = ColabGuards()
    for unit in units:
        guards.add_unit(unit)
    assert guards.colab_only(units[-1], string(units[-1], "x"))


@pytest.mark.parametrize(
    "cell",
    [
        "if os.name == 'nt':\n    p = 'x'",
        "if platform.system() == 'Darwin':\n    p = 'x'",
        "if socket.gethostname() == 'laptop':\n    p = 'x'",
        "if is_win:\n    p = 'x'",
        "if sys.platform == 'linux':\n    p = 'x'",
    ],
)
def test_machine_tests_count_when_asked_for(cell: str) -> None:
    assert guarded(cell, "x", machine_tests=True), cell
    assert not guarded(cell, "x"), cell


def test_more_guard_strings() -> None:
    cell = "if os.path.exists('/Users/me'):\n    p = 'x'"
    assert guarded(cell, "x", guard_string=lambda value: value.startswith("/Users/"))
    assert not guarded(cell, "x")


def test_escapes_under_a_guard() -> None:
    [unit] = contexts(
        "if IN_COLAB:\n    %load_ext google.colab.data_table\n%load_ext google.colab.x\n# %cd y"
    )
    guards = ColabGuards()
    guards.add_unit(unit)
    first, second = unit.scanned.escapes
    assert guards.escape_colab_only(unit, first)
    assert not guards.escape_colab_only(unit, second)


def test_each_escape_of_a_cell_full_of_them_is_looked_up() -> None:
    # NBP402 asks about every escape of a cell with one on each line: each is looked up, not
    # searched for among the others (`tests/test_linear_cost.py` counts the work).
    [unit] = contexts("if IN_COLAB:\n    !ls a\n!ls b\n" * 50)
    guards = ColabGuards()
    guards.add_unit(unit)
    answers = [guards.escape_colab_only(unit, escape) for escape in unit.scanned.escapes]
    assert answers == [True, False] * 50


@pytest.mark.parametrize(
    ("python", "expected"),
    [
        ("import google.colab", True),
        ("import os, google.colab.drive as d", True),
        ("from google.colab.patches import cv2_imshow", True),
        ("from google import genai, colab as c", True),
        ("from google import *", False),
        ("from .google.colab import x", False),
        ("import google.cloud", False),
        ("from google.colabx import y", False),
    ],
)
def test_imports_of_google_colab(python: str, expected: bool) -> None:
    assert imports_google_colab(ast.parse(python).body[0]) is expected
