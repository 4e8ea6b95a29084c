"""NBP005 colab-unsupported-magic: removing `%tensorflow_version 2.x` leaves code that parses and
behaves the same, in the shapes the corpus writes it."""

from __future__ import annotations

import pytest

from nbport.api import fix_document
from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.engine import check_document
from nbport.finding import FixSafety
from nbport.selection import select_rules
from nbport.settings import RuleSettings

ENTRY = load_catalog()["NBP005"]


def fixed(cells: list[str], layout: str = "notebook", *, unsafe: bool = True) -> list[str]:
    """The cells after fixing NBP005's findings."""
    outcome = fix_document(document_from_cells(cells, layout), [ENTRY], unsafe=unsafe)
    assert outcome.refused is None
    assert outcome.result.errors == ()
    return [unit.text for unit in outcome.document.units()]


@pytest.mark.parametrize(
    ("bad", "good"),
    [
        # Alone in a nested guard: the guard goes and the `if` keeps a body.
        (
            "if x:\n    try:\n        %tensorflow_version 2.x\n    except Exception:\n"
            "        pass\nprint(1)\n",
            "if x:\n    pass\nprint(1)\n",
        ),
        # Last in the try body, handlers only pass: the guard still does the same without it.
        (
            "try:\n    import foo\n    %tensorflow_version 2.x\nexcept ImportError:\n    pass\n",
            "try:\n    import foo\nexcept ImportError:\n    pass\n",
        ),
        # After `from google.colab import ...`, which already fails outside Colab.
        (
            "try:\n    from google.colab import drive\n    %tensorflow_version 2.x\n"
            "    COLAB = True\nexcept:\n    COLAB = False\n",
            "try:\n    from google.colab import drive\n    COLAB = True\nexcept:\n    COLAB = False\n",
        ),
        # The last line of the cell, without a newline after it.
        ("import os\n%tensorflow_version 2.x", "import os"),
        # Between blank lines: one blank line stays.
        ("a = 1\n\n%tensorflow_version 2.x\n\nb = 2\n", "a = 1\n\nb = 2\n"),
        # At the top, followed by blank lines: they go too.
        ("%tensorflow_version 2.x\n\n\nimport tensorflow as tf\n", "import tensorflow as tf\n"),
        # A cell whose first line is indented (IPython strips the indentation).
        ("  %tensorflow_version 2.x\n  import tensorflow as tf\n", "  import tensorflow as tf\n"),
        # Two magics in one cell.
        (
            "%tensorflow_version 2.x\n%matplotlib notebook\n",
            "%matplotlib inline\n",
        ),
    ],
)
def test_tensorflow_version_removal(bad: str, good: str) -> None:
    assert fixed([bad]) == [good]


def test_the_colab_test_in_a_guard_is_an_unsafe_fix() -> None:
    cell = "try:\n    %tensorflow_version 2.x\n    IS_COLAB = True\nexcept Exception:\n    IS_COLAB = False\n"
    assert fixed([cell], unsafe=False) == [cell]
    assert fixed([cell]) == [cell.replace("%tensorflow_version 2.x", "import google.colab")]


def test_a_guard_that_catches_something_else_gets_no_fix() -> None:
    cell = "try:\n    %tensorflow_version 2.x\n    x = 1\nexcept NameError:\n    x = 2\n"
    result = check_document(document_from_cells([cell], "notebook"), [ENTRY])
    assert [finding.fix for finding in result.findings] == [None]


def test_tensorflow_1_has_no_fix_and_says_why() -> None:
    result = check_document(document_from_cells(["%tensorflow_version 1.x"], "notebook"), [ENTRY])
    (finding,) = result.findings
    assert finding.fix is None
    assert "TensorFlow 1" in finding.message


def test_matplotlib_fix_is_unsafe() -> None:
    result = check_document(document_from_cells(["%matplotlib qt5"], "notebook"), [ENTRY])
    (finding,) = result.findings
    assert finding.fix is not None and finding.fix.safety is FixSafety.UNSAFE


def test_widget_backend_is_fine_once_the_manager_is_enabled_in_a_later_cell() -> None:
    cells = [
        "%matplotlib ipympl",
        "from google.colab import output\noutput.enable_custom_widget_manager()",
    ]
    assert check_document(document_from_cells(cells, "notebook"), [ENTRY]).findings == ()


def test_percent_script_commented_magic_is_removed() -> None:
    script = "import os\n# %tensorflow_version 2.x\n"
    assert fixed([script], "percent") == ["import os\n"]


def test_percent_script_commented_backend_is_replaced() -> None:
    script = "# %matplotlib notebook\nimport matplotlib.pyplot as plt\n"
    assert fixed([script], "percent") == [script.replace("notebook", "inline")]


def test_bare_tensorflow_version_is_reported_without_a_fix() -> None:
    result = check_document(document_from_cells(["%tensorflow_version"], "notebook"), [ENTRY])
    assert [finding.fix for finding in result.findings] == [None]


def test_tensorflow_version_is_reported_under_the_local_target_too() -> None:
    # Off Colab the magic never existed: plain IPython stops with `UsageError`.
    assert "NBP005" in [entry.id for entry in select_rules(load_catalog(), target="local")]
    result = check_document(document_from_cells(["%tensorflow_version 2.x"], "notebook"), [ENTRY])
    (finding,) = result.findings
    assert "UsageError" in finding.message


@pytest.mark.parametrize(
    ("runtime", "named"), [("latest", "TensorFlow 2.20"), ("2025.07", "TensorFlow 2.18")]
)
def test_messages_name_the_runtimes_tensorflow(runtime: str, named: str) -> None:
    cells = ["%tensorflow_version 2.x", "%tensorflow_version 1.x"]
    settings = RuleSettings(colab_runtime=runtime)
    result = check_document(document_from_cells(cells, "notebook"), [ENTRY], settings)
    assert [named in finding.message for finding in result.findings] == [True, True]
