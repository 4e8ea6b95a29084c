"""NBP401: the guards a Colab-aware notebook uses, and the imports nothing guards."""

from __future__ import annotations

import pytest
from conftest import finding_labels

from nbport.catalog import catalog_dir, parse_entry
from nbport.documents import document_from_cells
from nbport.engine import check_document

ENTRY = parse_entry(catalog_dir() / "NBP401-colab-only-import.toml")


def labels(cells: list[str], layout: str = "notebook") -> list[str]:
    return finding_labels(ENTRY, cells, layout)


@pytest.mark.parametrize(
    "cells",
    [
        # The handsonml pattern: a Colab-only magic first, in a try that catches Exception.
        [
            "try:\n    %tensorflow_version 2.x\n    from google.colab import files\nexcept Exception:\n    pass"
        ],
        [
            "try:\n    from google.colab import drive\nexcept (ImportError, OSError):\n    drive = None"
        ],
        [
            "try:\n    import google.colab\nexcept ModuleNotFoundError:\n    pass\nelse:\n    from google.colab import auth"
        ],
        ["import os\nif 'COLAB_GPU' in os.environ:\n    from google.colab import auth"],
        ["try: from google.colab import drive\nexcept ImportError: drive = None"],
        ["if os.getenv('COLAB_RELEASE_TAG'):\n    from google.colab import userdata"],
        [
            "IN_COLAB = 'google.colab' in str(get_ipython())\nif IN_COLAB:\n    from google.colab import output"
        ],
        ["import os\nif os.path.isdir('/content'):\n    from google.colab import files"],
        [
            "on_gc = 'google.colab' in sys.modules",
            "if not on_gc:\n    pass\nelse:\n    from google.colab import files",
        ],
        [
            "def running_on_cloud():\n    try:\n        import google.colab\n        return True\n    except ImportError:\n        return False",
            "cloud = running_on_cloud()\nif cloud:\n    from google.colab import files",
        ],
        ["files = __import__('google.colab.files') if IS_COLAB else None"],
        ["if IS_COLAB:\n    %load_ext google.colab.data_table"],
        [
            "try:\n    match where:\n        case 'colab':\n            import google.colab\n"
            "except ImportError:\n    pass\nelse:\n    from google.colab import files"
        ],
    ],
)
def test_guarded(cells: list[str]) -> None:
    assert labels(cells) == []


def test_the_handler_of_a_guard_is_not_guarded() -> None:
    cells = [
        "try:\n    import google.colab\nexcept ImportError:\n    from google.colab import files"
    ]
    assert labels(cells) == ["cell 1:4:5"]


def test_a_test_for_something_else_is_no_guard() -> None:
    cells = ["if torch.cuda.is_available():\n    from google.colab import files"]
    assert labels(cells) == ["cell 1:2:5"]


def test_each_import_form_is_flagged() -> None:
    cells = [
        "import google.colab.drive as d\nfrom google import colab\nfrom google.colab.patches import cv2_imshow"
    ]
    assert labels(cells) == ["cell 1:1:1", "cell 1:2:1", "cell 1:3:1"]


def test_message_shows_the_statement_and_the_guard() -> None:
    (finding,) = check_document(
        document_from_cells(["from google.colab import (\n    drive,\n)"], "notebook"), [ENTRY]
    ).findings
    assert "`from google.colab import ( drive, )`" in finding.message
    assert "except ImportError" in finding.message


def test_message_shows_the_semicolon_after_the_statement() -> None:
    (finding,) = check_document(
        document_from_cells(
            ["from google.colab import drive ; drive.mount('/content/drive')"], "notebook"
        ),
        [ENTRY],
    ).findings
    assert finding.message.startswith("`from google.colab import drive ;` raises")
    assert (finding.start.column, finding.end.column) == (1, 31)


def test_plain_script() -> None:
    assert labels(["import sys\nfrom google.colab import drive\n"], "script") == ["2:1"]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # Set by hand: True everywhere, so no guard, in any branch of the `if`.
        (
            ["IN_COLAB = True", "if not IN_COLAB:\n    pass\nelse:\n    import google.colab"],
            ["cell 2:4:5"],
        ),
        # The last binding counts: a flag from the environment set by hand afterwards...
        (
            [
                "IS_COLAB = 'google.colab' in sys.modules\nIS_COLAB = True",
                "if IS_COLAB:\n    import google.colab",
            ],
            ["cell 2:2:5"],
        ),
        # ... and a value set by hand, then computed.
        (
            [
                "IS_COLAB = True\nIS_COLAB = 'COLAB_GPU' in os.environ",
                "if IS_COLAB:\n    import google.colab",
            ],
            [],
        ),
        # A function's local `True` is not the notebook's flag.
        (
            [
                "def f():\n    IS_COLAB = True\n    return IS_COLAB",
                "if IS_COLAB:\n    import google.colab",
            ],
            [],
        ),
        # `False` by hand never runs the import: no failure to report.
        (["IS_COLAB = False", "if IS_COLAB:\n    import google.colab"], []),
    ],
)
def test_a_flag_set_to_true_by_hand_is_no_guard(cells: list[str], expected: list[str]) -> None:
    assert labels(cells) == expected


def test_the_message_says_where_the_flag_is_set_by_hand() -> None:
    cells = ["COLAB = True", "if COLAB:\n    from google.colab import drive"]
    (finding,) = check_document(document_from_cells(cells, "notebook"), [ENTRY]).findings
    assert "`COLAB` is set to True by hand at cell 1, line 1" in finding.message
