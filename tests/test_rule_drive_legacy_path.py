"""NBP102: mount points gathered from the whole file, escapes and Python strings fixed alike."""

from __future__ import annotations

import pytest
from conftest import finding_labels

from nbport.api import fix_document
from nbport.catalog import catalog_dir, parse_entry
from nbport.documents import document_from_cells
from nbport.engine import check_document

ENTRY = parse_entry(catalog_dir() / "NBP102-drive-legacy-path.toml")


def labels(cells: list[str], layout: str = "notebook") -> list[str]:
    return finding_labels(ENTRY, cells, layout)


def fixed(cells: list[str], layout: str = "notebook") -> list[str]:
    outcome = fix_document(document_from_cells(cells, layout), [ENTRY])
    assert outcome.refused is None
    return [unit.text for unit in outcome.document.units()]


def test_mount_point_in_a_later_cell_still_counts() -> None:
    cells = ["!ls '/gd/My Drive'", "from google.colab import drive\ndrive.mount(mountpoint='/gd/')"]
    assert labels(cells) == ["cell 1:1:6"]
    assert fixed(cells)[0] == "!ls '/gd/MyDrive'"


def test_other_prefixes_are_not_mount_points() -> None:
    cells = [
        "drive.mount('/content/drive')\n"
        "a = '/data/My Drive/x.csv'\n"  # no mount there
        "b = 'backup/My Drive/x.csv'\n"  # /content/backup is no mount point
        "c = '/content/gdrive/My Drive/x.csv'"  # nor is /content/gdrive here
    ]
    assert labels(cells) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("p = 'drive/My Drive/x'", "p = 'drive/MyDrive/x'"),  # relative to /content
        ("p = './drive/My Drive/x'", "p = './drive/MyDrive/x'"),
        ("p = '/content/drive//My Drive'", "p = '/content/drive//MyDrive'"),
        ("p = r'/content/drive/My Drive\\data'", "p = r'/content/drive/MyDrive\\data'"),
        ('os.system("ls /content/drive/My\\\\ Drive")', 'os.system("ls /content/drive/MyDrive")'),
        ("x = !ls /content/drive/My\\ Drive", "x = !ls /content/drive/MyDrive"),
        ("%cd /content/drive/My Drive/project", "%cd /content/drive/MyDrive/project"),
        ('!cp a.txt "/content/drive/My Drive"', '!cp a.txt "/content/drive/MyDrive"'),
    ],
)
def test_spellings_and_their_fixes(source: str, expected: str) -> None:
    assert len(labels([source])) == 1
    assert fixed([source]) == [expected]


def test_commented_magic_in_a_percent_script() -> None:
    cells = ["import os\n# !ls /content/drive/My\\ Drive/data"]
    assert labels(cells, "percent") == ["3:7"]
    assert fixed(cells, "percent") == ["import os\n# !ls /content/drive/MyDrive/data\n"]


def test_multi_line_string_in_an_indented_cell_is_reported_without_an_edit() -> None:
    # IPython strips the indentation of such a cell; offsets inside the string would be guesses.
    cell = "    p = '''/content/drive/My Drive/a\n    /content/drive/My Drive/b'''"
    result = check_document(document_from_cells([cell], "notebook"), [ENTRY])
    assert len(result.findings) == 2
    assert all(finding.fix is None for finding in result.findings)


def test_fixed_seed_cell_gives_nothing_more() -> None:
    cells = [
        "from google.colab import drive\ndrive.mount('/content/gdrive')",
        "%run gdrive/My\\ Drive/train.py gdrive/My\\ Drive/model.hdf5 2",
    ]
    after = fixed(cells)
    assert after[1] == "%run gdrive/MyDrive/train.py gdrive/MyDrive/model.hdf5 2"
    assert labels(after) == []


def test_f_string_text_on_a_later_line_of_an_indented_cell() -> None:
    # The text between two fields spans two lines that IPython re-indents: reported where it
    # stands, without an edit.
    cell = "    p = f'''{a}\n    /content/drive/My Drive/{b}'''"
    [finding] = check_document(document_from_cells([cell], "notebook"), [ENTRY]).findings
    assert finding.start.label() == "cell 1:2:5"
    assert "`/content/drive/My Drive`" in finding.message
    assert finding.fix is None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("f = open(b'/content/drive/My Drive/x')", "f = open(b'/content/drive/MyDrive/x')"),
        ("p = f'{d[\"/content/drive/My Drive\"]}'", "p = f'{d[\"/content/drive/MyDrive\"]}'"),
        (
            "p = f'{r}/My Drive/{x}' '/content/drive/My Drive'",
            "p = f'{r}/My Drive/{x}' '/content/drive/MyDrive'",
        ),
    ],
)
def test_literals_as_written(source: str, expected: str) -> None:
    assert len(labels([source])) == 1
    assert fixed([source]) == [expected]


def test_a_mount_point_written_as_several_literals_is_not_read() -> None:
    assert labels(["drive.mount('/content/' 'gd')\np = '/content/gd/My Drive'"]) == []
