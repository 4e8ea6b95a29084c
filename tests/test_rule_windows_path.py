"""NBP101: literals as written, paths by shape or by the call they are passed to, exact fixes."""

from __future__ import annotations

import pytest
from conftest import finding_labels

from nbport.api import fix_document
from nbport.catalog import catalog_dir, parse_entry
from nbport.documents import document_from_cells
from nbport.engine import check_document

ENTRY = parse_entry(catalog_dir() / "NBP101-windows-path.toml")


def labels(cells: list[str]) -> list[str]:
    return finding_labels(ENTRY, cells)


def fixed(cell: str) -> str:
    outcome = fix_document(document_from_cells([cell], "notebook"), [ENTRY])
    return outcome.document.units()[0].text


@pytest.mark.parametrize(
    "cell",
    [
        "def f(): 'data\\\\images\\\\train.csv'",  # a docstring after the colon
        "class A:\n    'data\\\\images\\\\' 'train.csv'",  # a docstring written as two literals
        "x = 1; 'data\\\\images\\\\train.csv'",
        "m = re.match(r'(\\w+)\\\\(\\w+)', s)",
        "m = re.sub(open('a\\\\b\\\\c'), 'x', s)",  # anything inside a call of `re`
        "open(b'data\\\\images\\\\train.csv')",
        "open(f'data\\\\{name}\\\\train.csv')",
        "x = 'a\\\\b'",  # one backslash, no other sign of a path
        "open('a\\\\b' 'c')",  # passed, but not as one literal
    ],
)
def test_not_flagged(cell: str) -> None:
    assert labels([cell]) == [], cell


@pytest.mark.parametrize(
    ("cell", "after"),
    [
        ("open('a\\\\b')", "open('a/b')"),  # passed to a call that opens paths: one `\` is enough
        ("x = R'data\\labels.txt'", "x = R'data/labels.txt'"),  # the prefix as written
        (
            "x = 'data\\images\\photo.png'",
            "x = 'data/images/photo.png'",
        ),  # unknown escapes keep their `\`
        ("x = ('data\\\\a.csv'  # one\n     'b')", "x = ('data/a.csv'  # one\n     'b')"),
        ("x = 'a' f'{b}' '..\\\\c\\\\d'", "x = 'a' f'{b}' '../c/d'"),  # the third literal
    ],
)
def test_fixes(cell: str, after: str) -> None:
    assert len(labels([cell])) == 1
    assert fixed(cell) == after


def test_escapes_other_than_separators_leave_the_fix_to_the_user() -> None:
    [finding] = check_document(
        document_from_cells(["x = 'data\\x41\\\\b.csv'"], "notebook"), [ENTRY]
    ).findings
    assert finding.fix is None
    assert finding.message.endswith("use forward slashes")


def test_one_literal_of_several_in_an_indented_cell_keeps_its_fix() -> None:
    # IPython strips the indentation; each literal stands on one line, so its text is exact.
    cell = "    x = ('data\\\\a.csv'\n         'data\\\\b.csv')"
    assert labels([cell]) == ["cell 1:1:10", "cell 1:2:10"]
    assert fixed(cell) == "    x = ('data/a.csv'\n         'data/b.csv')"
