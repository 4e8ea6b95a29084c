"""`nbport convert`: scripts to Colab-ready notebooks and notebooks to percent scripts."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import FIXTURES, run_nbport
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbport.convert import ConvertError, convert
from nbport.convert.to_notebook import script_to_notebook
from nbport.convert.to_script import notebook_to_script, read_notebook
from nbport.documents.script import ScriptDocument

# black[jupyter] is a test dependency: the --format tests run, they are never skipped.
assert all(
    importlib.util.find_spec(module) is not None for module in ("black", "tokenize_rt", "IPython")
), "install the test extras: pip install '.[test]'"

PERCENT_SCRIPT = """\
# %% [markdown]
# # Training on Colab
# The data lives on Drive.

# %%
# !pip install -q torch
# %cd /content/data
import torch

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# %%
# %%time
for epoch in range(3):
    print(epoch)
"""


def read(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.validate(notebook)
    return notebook


def code_cells(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


# --- Scripts to notebooks ----------------------------------------------------------------------


def test_percent_script_to_a_colab_notebook(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(PERCENT_SCRIPT, encoding="utf-8")
    conversion = convert(script)
    assert conversion.destination == tmp_path / "train.ipynb"
    notebook = read(conversion.destination)
    assert [cell.cell_type for cell in notebook.cells] == ["markdown", "code", "code"]
    assert notebook.cells[0].source == "# Training on Colab\nThe data lives on Drive."
    # Magics commented the jupytext way are live again in the notebook.
    assert notebook.cells[1].source.startswith("!pip install -q torch\n%cd /content/data\n")
    assert notebook.cells[2].source.startswith("%%time\nfor epoch")
    assert notebook.metadata.kernelspec == {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    assert notebook.metadata.language_info == {"name": "python"}
    # The code uses a GPU: the notebook asks Colab for one, as rule NBP301 would.
    assert notebook.metadata.accelerator == "GPU"
    assert notebook.metadata.colab == {"gpuType": "T4", "provenance": []}
    assert "jupytext" not in notebook.metadata
    assert conversion.accelerator == "GPU"
    assert conversion.summary() == (
        f"Wrote {tmp_path / 'train.ipynb'}: 2 code cells, 1 Markdown cell;"
        " asks Colab for a GPU (the code uses one)"
    )


def test_the_new_notebook_passes_the_accelerator_rule(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(PERCENT_SCRIPT, encoding="utf-8")
    convert(script)
    result = run_nbport("check", "--select", "NBP301", str(tmp_path / "train.ipynb"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("code", "accelerator", "colab"),
    [
        ("print('hello')\n", None, {"provenance": []}),
        (
            "import tensorflow as tf\n"
            "resolver = tf.distribute.cluster_resolver.TPUClusterResolver()\n",
            "TPU",
            {"provenance": []},
        ),
        ("# %%\n# !nvidia-smi\n", "GPU", {"gpuType": "T4", "provenance": []}),
    ],
)
def test_accelerator_from_the_code(
    tmp_path: Path, code: str, accelerator: str | None, colab: dict[str, object]
) -> None:
    script = tmp_path / "job.py"
    script.write_text(code, encoding="utf-8")
    notebook = read(convert(script).destination)
    assert notebook.metadata.get("accelerator") == accelerator
    assert notebook.metadata.colab == colab


def test_plain_script_code_is_carried_over(tmp_path: Path) -> None:
    source = (FIXTURES / "train_blstm_debug.py").read_text(encoding="utf-8")
    script = tmp_path / "train_blstm_debug.py"
    script.write_text(source, encoding="utf-8")
    notebook = read(convert(script).destination)
    assert all(cell.cell_type == "code" for cell in notebook.cells)
    # jupytext's light format splits at blank lines; no character of code is changed.
    joined = "\n".join(code_cells(notebook))
    assert _without_blank_lines(joined) == _without_blank_lines(source)


def _without_blank_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_percent_code_is_carried_over_byte_for_byte(tmp_path: Path) -> None:
    text = (
        "# %%\nx = {'a':1}   # odd spacing stays\n\n\ny=[1,\n  2]\n# %%\ndef f( a ):\n\treturn a\n"
    )
    script = tmp_path / "odd.py"
    script.write_text(text, encoding="utf-8")
    notebook = read(convert(script).destination)
    units = ScriptDocument.load(script).units()
    assert code_cells(notebook) == [unit.text.rstrip("\n") for unit in units]


def test_indented_commented_magic_is_restored() -> None:
    # jupytext alone would guess "hydrogen" here and leave a `try:` holding only a comment.
    notebook = script_to_notebook(
        "# %%\ntry:\n    # %tensorflow_version 2.x\nexcept Exception:\n    pass\n"
    )
    assert code_cells(notebook) == [
        "try:\n    %tensorflow_version 2.x\nexcept Exception:\n    pass"
    ]


def test_hydrogen_script_keeps_its_comments() -> None:
    # Live magics: a Hydrogen/VS Code script, where `# !ls` is a comment, as jupytext reads it.
    notebook = script_to_notebook("# %%\n!pip install -q torch\n# !ls is slow here\nx = 1\n")
    assert code_cells(notebook) == ["!pip install -q torch\n# !ls is slow here\nx = 1"]


def test_crlf_and_coding_cookie_scripts(tmp_path: Path) -> None:
    script = tmp_path / "legacy.py"
    script.write_bytes("# -*- coding: latin-1 -*-\r\n# %%\r\nname = 'café'\r\n".encode("latin-1"))
    notebook = read(convert(script).destination)
    assert code_cells(notebook) == ["name = 'café'"]


def test_conversion_is_deterministic(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(PERCENT_SCRIPT, encoding="utf-8")
    first = convert(script).destination.read_bytes()
    second = convert(script, tmp_path / "again.ipynb").destination.read_bytes()
    assert first == second
    assert first.endswith(b"}\n")
    ids = [cell["id"] for cell in json.loads(first)["cells"]]
    assert len(set(ids)) == len(ids)


def test_identical_cells_get_distinct_ids() -> None:
    notebook = script_to_notebook("# %%\nx = 1\n\n# %%\nx = 1\n\n# %%\n\n# %%\n\n")
    ids = [cell["id"] for cell in notebook.cells]
    assert len(set(ids)) == len(ids) == 4


# --- Notebooks to scripts ----------------------------------------------------------------------


def test_notebook_to_percent_script(tmp_path: Path) -> None:
    notebook = tmp_path / "colab_tpu_training.ipynb"
    shutil.copy(FIXTURES / "colab_tpu_training.ipynb", notebook)
    conversion = convert(notebook)
    assert conversion.destination == tmp_path / "colab_tpu_training.py"
    text = conversion.destination.read_text(encoding="utf-8")
    assert text.startswith("# %% [markdown]\n# # ジェスチャー検出 (TPU)\n")
    assert "\n# %%\n# !cd gdrive/My\\ Drive/gesdet_keras_Colab\n# !ls\n" in text
    # No YAML header, and none of Colab's per-save cell metadata on the markers.
    assert "# ---" not in text
    assert 'id="' not in text
    assert conversion.warnings == ()
    # The script is one nbport reads as percent, with the magics commented out.
    assert ScriptDocument.load(conversion.destination).is_percent


@pytest.mark.parametrize(
    "name", sorted(path.name for path in FIXTURES.glob("*.ipynb")), ids=lambda name: name
)
def test_fixture_notebooks_round_trip_without_losing_code(tmp_path: Path, name: str) -> None:
    notebook = tmp_path / name
    shutil.copy(FIXTURES / name, notebook)
    script = convert(notebook).destination
    again = convert(script, tmp_path / "again.ipynb").destination
    assert code_cells(read(again)) == code_cells(read_notebook(notebook.read_text("utf-8")))


def test_cell_metadata_worth_keeping_stays_on_the_marker() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "alpha = 0.1",
            metadata={"tags": ["parameters"], "id": "colab-id", "outputId": "x"},
        )
    ]
    script = notebook_to_script(notebook)
    assert script == '# %% tags=["parameters"]\nalpha = 0.1\n'


def test_a_marker_like_comment_is_reported(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_code_cell("x = 1\n# %% a note, not a cell\ny = 2"),
        nbformat.v4.new_code_cell("z = 3"),
    ]
    path = tmp_path / "note.ipynb"
    nbformat.write(notebook, path)
    result = run_nbport("convert", str(path))
    assert result.returncode == 1
    assert result.stdout == f"Wrote {tmp_path / 'note.py'}: 2 code cells\n"
    assert result.stderr == (
        f"{path}:cell 1: warning: this code cell does not convert back from the script unchanged:"
        " a line in it looks like a `# %%` cell marker\n"
    )


def test_nbformat_3_notebook(tmp_path: Path) -> None:
    notebook = {
        "metadata": {"name": "old"},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "markdown", "metadata": {}, "source": ["# Old"]},
                    {
                        "cell_type": "code",
                        "collapsed": False,
                        "input": ["!ls\n", "x = 1"],
                        "language": "python",
                        "metadata": {},
                        "outputs": [],
                    },
                ],
                "metadata": {},
            }
        ],
    }
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    text = convert(path).destination.read_text(encoding="utf-8")
    assert text == "# %% [markdown]\n# # Old\n\n# %%\n# !ls\nx = 1\n"


# --- Never overwrite, and errors ---------------------------------------------------------------


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(PERCENT_SCRIPT, encoding="utf-8")
    existing = tmp_path / "train.ipynb"
    existing.write_bytes(b"precious")
    with pytest.raises(ConvertError, match="exists; pass --force"):
        convert(script)
    assert existing.read_bytes() == b"precious"
    result = run_nbport("convert", str(script))
    assert result.returncode == 2
    assert result.stderr == f"{script}: error: {existing} exists; pass --force to overwrite it\n"
    assert existing.read_bytes() == b"precious"
    forced = run_nbport("convert", "--force", str(script))
    assert forced.returncode == 0, forced.stderr
    read(existing)
    # Nothing but the two files is left behind.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["train.ipynb", "train.py"]


def test_output_option(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(PERCENT_SCRIPT, encoding="utf-8")
    (tmp_path / "out").mkdir()
    assert convert(script, tmp_path / "out").destination == tmp_path / "out" / "train.ipynb"
    assert convert(script, tmp_path / "other.ipynb").destination == tmp_path / "other.ipynb"
    with pytest.raises(ConvertError, match=r"must end in \.ipynb"):
        convert(script, tmp_path / "other.json")
    with pytest.raises(ConvertError, match="no such directory"):
        convert(script, tmp_path / "missing" / "x.ipynb")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"hello", "nbport converts .py scripts and .ipynb notebooks"),
        ("missing.py", None, "no such file"),
        ("broken.ipynb", b'{"cells": [}', "invalid JSON"),
        ("binary.py", b"\x00\x01", "binary file"),
        (
            "r.ipynb",
            json.dumps(
                {
                    "cells": [],
                    "metadata": {
                        "kernelspec": {"name": "ir", "display_name": "R", "language": "R"}
                    },
                    "nbformat": 4,
                    "nbformat_minor": 5,
                }
            ).encode(),
            "R",
        ),
    ],
)
def test_errors_write_nothing(tmp_path: Path, name: str, data: bytes | None, message: str) -> None:
    source = tmp_path / name
    if data is not None:
        source.write_bytes(data)
    before = sorted(tmp_path.iterdir())
    result = run_nbport("convert", str(source))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"{source}: error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert sorted(tmp_path.iterdir()) == before


def test_cli_script_to_notebook(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(PERCENT_SCRIPT, encoding="utf-8")
    result = run_nbport("convert", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Wrote {tmp_path / 'train.ipynb'}: 2 code cells, 1 Markdown cell;"
        " asks Colab for a GPU (the code uses one)\n"
    )
    assert result.stderr == ""
    read(tmp_path / "train.ipynb")


# --- --format ------------------------------------------------------------------------------------


def test_format_runs_black_over_code_cells(tmp_path: Path) -> None:
    script = tmp_path / "messy.py"
    script.write_text(
        # jupytext writes a %%bash cell as a marker with language="bash" and its code commented.
        "# %%\n# !pip install x\nz = {  'a':1}\n\n# %% language=\"bash\"\n# ls    -l\n"
        "\n# %% [markdown]\n# keep   *this*   as is\n",
        encoding="utf-8",
    )
    unformatted = read(convert(script).destination)
    assert code_cells(unformatted) == ["!pip install x\nz = {  'a':1}", "%%bash\nls    -l"]
    result = run_nbport("convert", "--format", "--force", str(script))
    assert result.returncode == 0, result.stderr
    notebook = read(tmp_path / "messy.ipynb")
    # black's notebook mode steps around the magic and leaves the %%bash cell alone.
    assert code_cells(notebook) == ['!pip install x\nz = {"a": 1}', "%%bash\nls    -l"]
    assert notebook.cells[2].source == "keep   *this*   as is"


def test_format_notebook_to_script_follows_project_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.black]\nskip-string-normalization = true\n", encoding="utf-8"
    )
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_code_cell("x = {  'a':1}")]
    path = tmp_path / "n.ipynb"
    nbformat.write(notebook, path)
    text = convert(path, format_code=True).destination.read_text(encoding="utf-8")
    assert text == "# %%\nx = {'a': 1}\n"


def test_format_without_black_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "black", None)  # import black now raises ImportError
    script = tmp_path / "train.py"
    script.write_text(PERCENT_SCRIPT, encoding="utf-8")
    with pytest.raises(ConvertError) as caught:
        convert(script, format_code=True)
    assert str(caught.value) == (
        "--format needs black: pip install 'nbport[format]' (black with its notebook extra,"
        " black[jupyter])"
    )
    assert not (tmp_path / "train.ipynb").exists()


# --- Round trip: .py → .ipynb → .py gives back the same code -----------------------------------

STATEMENTS = [
    "x = 1",
    "import os",
    "print(x, 'データ')",
    "# a comment",
    "# !pip install -q torch",
    "# %cd /content/drive/MyDrive",
    "# %matplotlib inline",
    "# files = !ls",
    "for i in range(3):\n    print(i)",
    "def f(a):\n    '''Docstring.'''\n    return a",
    'text = """first\n# %% inside a string\nlast"""',
    "values = [\n    1,\n    2,\n]",
    "if x:\n    # !echo indented\n    pass",
    "name = '한국어'",
    "y = x  # trailing comment",
]
MARKDOWN_LINES = ["Title", "Some *text*.", "- a list item", "`code`", "ノート"]


@st.composite
def percent_cells(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(["code", "code", "markdown"]))
    if kind == "markdown":
        lines = draw(st.lists(st.sampled_from(MARKDOWN_LINES), min_size=1, max_size=3))
        return "markdown", "\n".join(f"# {line}" for line in lines)
    statements = draw(st.lists(st.sampled_from(STATEMENTS), min_size=1, max_size=4))
    separators = draw(
        st.lists(
            st.sampled_from(["\n", "\n\n"]), min_size=len(statements), max_size=len(statements)
        )
    )
    body = "".join(s + sep for s, sep in zip(statements, separators, strict=True)).rstrip("\n")
    if draw(st.booleans()):
        body = "# %%time\n" + body  # a cell magic, commented
    return "code", body


@st.composite
def percent_scripts(draw: st.DrawFn) -> str:
    cells = draw(st.lists(percent_cells(), min_size=1, max_size=5))
    parts = [
        ("# %% [markdown]\n" if kind == "markdown" else "# %%\n") + body + "\n"
        for kind, body in cells
    ]
    # jupytext's layout: one blank line between cells.
    return "\n".join(parts)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=percent_scripts())
def test_round_trip_gives_back_the_same_script(tmp_path: Path, script: str) -> None:
    source = tmp_path / "generated.py"
    source.write_text(script, encoding="utf-8")
    notebook = convert(source, force=True).destination
    back = convert(notebook, tmp_path / "back.py", force=True).destination
    assert back.read_text(encoding="utf-8") == script
    # And the notebook's code is the script's, magics uncommented.
    units = ScriptDocument.load(source).units()
    assert len(code_cells(read(notebook))) == len(units)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=percent_scripts(), blank=st.sampled_from(["", "\n", "\n\n"]))
def test_round_trip_keeps_code_whatever_the_spacing(
    tmp_path: Path, script: str, blank: str
) -> None:
    # Extra blank lines between cells are layout, not code: the code cells come back the same.
    spaced = script.replace("\n# %%", blank + "\n# %%")
    source = tmp_path / "spaced.py"
    source.write_text(spaced, encoding="utf-8")
    notebook = read(convert(source, force=True).destination)
    back = convert(tmp_path / "spaced.ipynb", tmp_path / "back.py", force=True).destination
    again = script_to_notebook(back.read_text(encoding="utf-8"))
    assert code_cells(again) == code_cells(notebook)
