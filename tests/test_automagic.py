"""A one-line cell such as `pip install requests` runs under IPython as the line magic `%pip`
(automagic, on by default): nbport reads it as that magic, exactly where IPython does.

Compared with the installed IPython's own reading (`InteractiveShell.transform_cell`, whose
prefilter applies automagic), in a fresh kernel that binds no name of the user's.
"""

from __future__ import annotations

import json
import warnings

import IPython
import pytest
from IPython.core.interactiveshell import InteractiveShell

from nbport.api import check_source, fix_document, rules_for
from nbport.documents import document_from_cells
from nbport.documents.base import EscapeStyle
from nbport.escapes import MAGICS_PATH, EscapeKind, automagic_names, bound_in, scan

LIVE = EscapeStyle.LIVE
NOTHING_BOUND = bound_in([])


@pytest.fixture(scope="module")
def shell() -> InteractiveShell:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return InteractiveShell.instance()


def ipython_runs_a_magic(shell: InteractiveShell, cell: str) -> bool:
    """Whether IPython, in a fresh kernel, turns `cell` into a line magic call by automagic (and
    not by an escape: the cell holds no `%`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return "run_line_magic(" in shell.transform_cell(cell)


def automagic(cell: str, shadowed=NOTHING_BOUND) -> list[tuple[str, str, int]]:
    """(name, args, column) of each line magic `scan` reads without a `%`."""
    scanned = scan(cell, LIVE, shadowed)
    return [(e.name, e.args, e.column) for e in scanned.escapes if e.automagic]


# ruff's `automagic.json` and `automagics.json` fixtures, nbQA's and the corpus's cases, and the
# cases IPython's prefilter decides on.
CELLS = [
    "pip install requests",
    "pip install requests\n",
    "\n\npip install requests",
    "  pip install requests",
    "pip install requests\npip install requests",  # two lines: IPython tries no automagic
    "pip install requests\n\n",  # so is this: a second, empty line
    "pip install requests\n# done",
    "pip install \\\n  requests",
    "pip = 3",  # an assignment, not the magic (AssignmentChecker)
    "pip=3",
    "pip, x = 1, 2",
    "pip -q install 'x>1'",
    "pip install x  # a comment goes to pip",
    "pip freeze | grep kfp || pip install kfp",
    "cd data",
    "cd ..",
    "cd /content/drive/MyDrive/project",  # valid Python too: IPython still runs `%cd`
    "cd",
    "ls -la",
    "ls(1)",
    "mkdir -p data/raw",
    "cat C:\\data\\x.csv",
    "conda install -y rdkit",
    "matplotlib inline",
    "load_ext autoreload",
    "env A=1",
    "who",
    "time.sleep(1)",  # `time.sleep` is no magic's name
    "print(1)",
    "apt-get install graphviz",  # no magic: a syntax error in IPython too
    "pip install x?",  # a help escape comes first
    "%pip install x",
    "!pip install x",
]


@pytest.mark.parametrize("cell", CELLS)
def test_nbport_reads_automagic_where_ipython_applies_it(shell, cell: str) -> None:
    # A cell whose escape IPython transforms first (`%pip`, `x?`) is no automagic either.
    written = [e for e in scan(cell, LIVE, NOTHING_BOUND).escapes if not e.automagic]
    assert bool(automagic(cell)) == (not written and ipython_runs_a_magic(shell, cell))


def test_the_comparison_sees_both_answers(shell) -> None:
    answers = {ipython_runs_a_magic(shell, cell) for cell in CELLS if "%" not in cell}
    assert answers == {True, False}


def test_automagic_lines_are_line_magics_without_their_percent() -> None:
    (escape,) = scan("  pip install requests\n", LIVE).escapes
    assert (escape.kind, escape.marker, escape.automagic) == (EscapeKind.LINE_MAGIC, "", True)
    assert (escape.name, escape.args) == ("pip", "install requests")
    assert escape.body == "pip install requests"
    assert (escape.line, escape.column, escape.start, escape.end) == (1, 2, 2, 22)
    assert scan("  pip install requests\n", LIVE).masked == "  __nbport_escape_0__\n"
    # `%pip` is the same magic, with its `%`.
    (written,) = scan("%pip install requests", LIVE).escapes
    assert (written.name, written.args, written.automagic) == ("pip", "install requests", False)


def test_a_valid_python_line_is_the_magic_unless_the_notebook_binds_the_name() -> None:
    # IPython runs a magic only when no variable of the user's has its name (`is_shadowed`).
    assert automagic("history") == [("history", "", 0)]
    assert automagic("history", bound_in(["history = model.fit(x, y)", "history"])) == []
    assert automagic("history", bound_in(["%%bigquery history\nSELECT 1", "history"])) == []
    assert automagic("time()", bound_in(["from time import time"])) == []
    assert automagic("timeit(ds)", bound_in(["def timeit(ds):\n    pass"])) == []
    assert automagic("env", bound_in(["for env in envs:\n    pass"])) == []
    assert automagic("ls -la", bound_in(["import os"])) == [("ls", "-la", 0)]
    # Without knowing the kernel's names, a valid line stays Python; an invalid one can only be
    # the magic, bound name or not.
    assert automagic("cd /content/data", None) == []
    assert automagic("cd data", None) == [("cd", "data", 0)]
    assert automagic("pip install x", bound_in(["pip = 3"])) == [("pip", "install x", 0)]


def test_a_cell_of_one_automagic_line_is_python_enough_to_check() -> None:
    # Before: `pip install requests` was "not valid Python 3", and blocked the file's fixes.
    assert check_source("pip install requests") == check_source("%pip install requests")
    result = check_source(["pip install requests", "!cd data"])
    assert result.errors == ()
    assert [(f.rule, f.start.cell) for f in result.findings] == [("NBP001", 2)]
    # Two such lines are no magic to IPython either: a syntax error, as IPython says.
    (error,) = check_source("pip install requests\npip install numpy").errors
    assert error.message.startswith("not valid Python 3")


def test_rules_read_automagic_as_the_magic_it_runs() -> None:
    rules = rules_for()

    def report(cell: str) -> list[str]:
        return [finding.rule for finding in check_source(cell).findings]

    # `pip install` through automagic is `%pip`: the kernel's own pip, nothing to say (NBP002
    # is about `!pip`).
    assert report("pip install requests") == []
    # NBP002 is a local-target rule (on Colab, `!pip` is the runtime's own pip).
    local = [
        f.rule
        for f in check_source("!pip install requests", rules=rules_for(target="local")).findings
    ]
    assert local == ["NBP002"]
    assert report("!pip install requests") == []
    assert report("pip install tensorflow==1.15") == ["NBP205"]
    assert report("cd /Users/me/project") == ["NBP103"]
    assert report("pip uninstall tensorflow") == report("%pip uninstall tensorflow") == ["NBP003"]
    assert report("matplotlib notebook") == ["NBP005"]
    for cell, fixed in [
        ("pip uninstall tensorflow", "pip uninstall -y tensorflow"),
        ("matplotlib notebook", "matplotlib inline"),
        ("ls /content/drive/My Drive", 'ls "/content/drive/MyDrive"'),
    ]:
        outcome = fix_document(document_from_cells([cell], "notebook"), rules, unsafe=True)
        assert outcome.refused is None and outcome.result.errors == ()
        (unit,) = outcome.document.units()
        assert unit.text == fixed
        # The fixed line is still the magic, written the user's way (no `%` added).
        assert automagic(fixed) and "%" not in fixed


def test_the_magic_table_is_read_off_real_kernels() -> None:
    data = json.loads(MAGICS_PATH.read_text(encoding="utf-8"))
    assert data["generated_by"] == "tools/ipython_magics.py"
    shells = {shell["ipython"]: shell for shell in data["shells"]}
    # Colab's kernel (../shared/colab-runtime: ipython 7.34.0, ipykernel 6.17.1).
    colab = shells["7.34.0"]
    assert colab["ipykernel"] == "6.17.1"
    assert {"pip", "cd", "ls", "cat", "mkdir", "conda", "clear", "less"} <= set(
        colab["line_magics"]
    )
    names = automagic_names()
    assert names == {name for shell in data["shells"] for name in shell["line_magics"]}
    assert not names & {"print", "open", "exit", "quit", "in", "for"}  # shadowed: never reached
    installed = shells.get(IPython.__version__)
    if installed is not None:
        # The installed IPython's own shell registers exactly the table's magics (less those of
        # ipykernel's kernel shell, which the test extras do not install).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            own = set(InteractiveShell.instance().magics_manager.magics["line"])
        assert own <= set(installed["line_magics"])
        assert set(installed["line_magics"]) - own <= {
            "autosave",
            "clear",
            "connect_info",
            "less",
            "man",
            "more",
            "qtconsole",
            "subshell",
        }
