"""NBP402: `/content` paths in strings and escapes, and the guards that make them fine."""

from __future__ import annotations

import pytest

from nbport.catalog import catalog_dir, parse_entry
from nbport.documents import document_from_cells
from nbport.engine import check_document

ENTRY = parse_entry(catalog_dir() / "NBP402-colab-path.toml")


def findings(cells: list[str], layout: str = "notebook"):
    result = check_document(document_from_cells(cells, layout), [ENTRY])
    assert result.errors == ()
    return result.findings


def labels(cells: list[str], layout: str = "notebook") -> list[str]:
    return [finding.start.label() for finding in findings(cells, layout)]


@pytest.mark.parametrize(
    "cells",
    [
        ["if IN_COLAB:\n    !git clone https://github.com/x/y /content/y\n    %cd /content/y"],
        [
            "try:\n    from google.colab import drive\n    drive.mount('/content/drive')\n    ROOT = '/content/drive/MyDrive'\nexcept ImportError:\n    ROOT = '.'"
        ],
        ["IN_COLAB = os.path.isdir('/content') and 'google.colab' in sys.modules"],
        ["ROOT = '/content' if 'google.colab' in sys.modules else '.'"],
        ["logging.info('wrote /content/out.csv')\nwarnings.warn('see /content/x')"],
        ["from google.colab import drive\ndrive.mount('/content/drive')"],  # NBP401's
        ["url = 'https://host.org/content/a'\nx = 'my/content/b'\ny = '/contents/c'"],
        ["# !ls /content\nx = 1  # /content/y"],
        # A string standing alone as a statement is a docstring or a comment, on one line too.
        ["if x: '/content/a'\nclass A: '''Reads /content/b.'''"],
    ],
)
def test_not_flagged(cells: list[str]) -> None:
    assert labels(cells) == []


def test_else_branch_of_a_colab_test_counts_as_guarded() -> None:
    # Lenient on purpose: what a Colab test selects is a deliberate choice per machine.
    assert labels(["if not IN_COLAB:\n    p = 'data'\nelse:\n    p = '/content/data'"]) == []


def test_the_shown_path_keeps_its_blanks_in_a_string_and_stops_at_the_shell_split() -> None:
    cells = [
        "p = '/content/drive/MyDrive/Colab Notebooks/data.csv'",
        "!cp /content/drive/MyDrive/Colab\\ Notebooks/a.csv /tmp",
        "cmd = f'python /content/repo/train.py --out {out}'",
        '!unzip -q "/content/drive/MyDrive/Colab Notebooks/x.zip"',
    ]
    messages = [finding.message.split("`")[1] for finding in findings(cells)]
    assert messages == [
        "/content/drive/MyDrive/Colab Notebooks/data.csv",
        "/content/drive/MyDrive/Colab\\ Notebooks/a.csv",
        "/content/repo/train.py",
        "/content/drive/MyDrive/Colab Notebooks/x.zip",
    ]


def test_one_finding_per_literal_and_per_escape() -> None:
    cells = ["!mv /content/a /content/b\npaths = ['/content/a', '/content/b']"]
    assert labels(cells) == ["cell 1:1:5", "cell 1:2:10", "cell 1:2:24"]


def test_commented_magic_in_a_percent_script() -> None:
    assert labels(["import os\n# !ls /content/data"], "percent") == ["3:7"]


def test_flag_defined_in_an_earlier_cell_under_any_name() -> None:
    cells = [
        "import os\non_cloud = 'COLAB_GPU' in os.environ",
        "if on_cloud:\n    data = '/content/data'\nelse:\n    data = 'data'",
        "other = '/content/other'",
    ]
    assert labels(cells) == ["cell 3:1:9"]


def test_a_cd_magic_names_its_whole_path_spaces_and_all() -> None:
    (finding,) = findings(["%cd /content/drive/My Drive/data"])
    assert finding.message.startswith("`/content/drive/My Drive/data` exists only on Colab")
    (shell,) = findings(["!ls /content/drive/My Drive/data"])
    assert shell.message.startswith("`/content/drive/My` exists only on Colab")  # the shell splits
