"""Other languages are never checked as Python, never fixed, never silently passed.

A notebook in another language is skipped, visibly: counted in the summary, listed by
`--show-skipped`, in the JSON, SARIF and GitHub reports, and it makes no exit code 2. A code cell
that VS Code marks as another language is left alone, like a `%%bash` cell.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPOSITORY, run_nbport

from nbport.api import FileReport, RunReport, check_paths, fix_paths
from nbport.catalog import load_catalog
from nbport.documents import DocumentError, NotPython, load_document
from nbport.documents.language import kernel_name_language, notebook_language
from nbport.documents.notebook import NotebookDocument
from nbport.report import github, json_format, sarif

SARIF_SCHEMA = REPOSITORY / "tests" / "schemas" / "sarif-schema-2.1.0.json"

# R code that is also valid Python (`df < -read.csv(...)`), with a Windows path NBP101 would fix.
R_CODE = 'df <- read.csv("data\\\\raw\\\\x.csv")\n'
JAVASCRIPT_CODE = "function add(x, y) {\n    return x + y;\n}"


def notebook(*cells: str | tuple[str, dict[str, Any]], **metadata: Any) -> str:
    """A v4 notebook as Jupyter writes it; a cell is its source, or (source, cell metadata)."""
    built = []
    for number, cell in enumerate(cells):
        source, cell_metadata = (cell, {}) if isinstance(cell, str) else cell
        built.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{number}",
                "metadata": cell_metadata,
                "outputs": [],
                "source": source.splitlines(keepends=True),
            }
        )
    data = {"cells": built, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(data, indent=1) + "\n"


PYTHON = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
# What `jupytext --to ipynb analysis.R` writes: no kernel, the script's language.
JUPYTEXT_R = {"jupytext": {"main_language": "R"}}
# What Colab writes for its Swift runtime: a kernel name and no language.
SWIFT = {"kernelspec": {"name": "swift", "display_name": "Swift"}}
BASH = {"kernelspec": {"name": "bash", "display_name": "Bash", "language": "bash"}}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with a Python notebook to fix, an R notebook (jupytext), a Swift one (Colab)
    and a bash one; the current directory, so that paths are relative."""
    (tmp_path / "a_python.ipynb").write_text(notebook("!cd data\n", **PYTHON), encoding="utf-8")
    (tmp_path / "b_r.ipynb").write_text(notebook(R_CODE, **JUPYTEXT_R), encoding="utf-8")
    (tmp_path / "c_swift.ipynb").write_text(
        notebook('let path = "C:\\\\data\\\\x.csv"\n', **SWIFT), encoding="utf-8"
    )
    (tmp_path / "d_bash.ipynb").write_text(notebook("cd data\n", **BASH), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- Which language a notebook is in -----------------------------------------------------------


@pytest.mark.parametrize(
    ("metadata", "language"),
    [
        (JUPYTEXT_R, "R"),
        (SWIFT, "Swift"),
        ({"kernelspec": {"name": "ir", "display_name": "R"}}, "R"),  # Colab's R runtime
        ({"kernelspec": {"name": "julia-1.9", "display_name": "Julia 1.9.3"}}, "Julia"),
        ({"kernelspec": {"name": "xcpp17", "display_name": "C++17"}}, "C++"),
        ({"kernelspec": {"name": "conda-env-stats-r", "display_name": "R [conda env:stats]"}}, "R"),
        ({"kernelspec": {"name": "conda-env-my-env-julia-1.10", "display_name": "J"}}, "Julia"),
        ({"kernelspec": {"name": "ir", "display_name": "R", "language": "R"}}, "R"),
        ({"language_info": {"name": "julia"}}, "julia"),
        ({"kernelspec": {"name": "x", "display_name": "x", "language": "bash"}}, "bash"),
        # The kernel's own language comes first; its name says least.
        ({"kernelspec": {"name": "python3", "language": "C++17"}}, "C++17"),
        (
            {"kernelspec": {"name": "x", "display_name": "x"}, "jupytext": {"main_language": "R"}},
            "R",
        ),
    ],
)
def test_notebooks_in_other_languages_are_not_python(metadata: dict, language: str) -> None:
    assert notebook_language(metadata) == language
    with pytest.raises(NotPython) as raised:
        NotebookDocument.from_bytes(Path("x.ipynb"), notebook("x = 1\n", **metadata).encode())
    assert raised.value.language == language
    assert str(raised.value) == f"not Python ({language})"
    # Still a DocumentError: what needs Python (`nbport convert`) refuses it.
    assert isinstance(raised.value, DocumentError)


@pytest.mark.parametrize(
    "metadata",
    [
        {},  # nothing says: Python, as Jupyter assumes
        PYTHON,
        {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        {"kernelspec": {"name": "python2", "display_name": "Python 2"}},
        {"kernelspec": {"name": "conda-env-tf-cpu-py", "display_name": "Python [conda env:tf]"}},
        {"kernelspec": {"name": "conda-env-r-tools-py", "display_name": "Python [conda env:r]"}},
        {"kernelspec": {"name": "conda-root-py", "display_name": "Python [conda root]"}},
        {"kernelspec": {"name": "conda_pytorch_p39", "display_name": "conda_pytorch_p39"}},
        {"kernelspec": {"name": "pysparkkernel", "display_name": "PySpark"}},
        {"language_info": {"name": "pyspark", "mimetype": "text/x-python"}},
        {"kernelspec": {"name": "xpython", "display_name": "Python 3.11 (XPython)"}},
        {"kernelspec": {"name": "tf2", "display_name": "TensorFlow 2"}},  # a name nbport can't know
        {"kernelspec": {"name": "ir", "display_name": "R", "language": "python"}},
        {"jupytext": {"main_language": "python"}},
        {"language_info": {"name": "Python 3"}},
        {"kernelspec": {"name": "", "display_name": "", "language": " "}},
    ],
)
def test_python_notebooks_are_read(metadata: dict) -> None:
    assert notebook_language(metadata) is None
    raw = notebook("x = 1\n", **metadata).encode()
    assert NotebookDocument.from_bytes(Path("x.ipynb"), raw).units()[0].text == "x = 1\n"


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("ir", "R"),
        ("IR", "R"),
        ("ir43", "R"),
        ("swift", "Swift"),
        ("julia-1.9", "Julia"),
        ("julia-1.10-threads", "Julia"),
        ("xcpp17", "C++"),
        ("bash", "bash"),
        ("javascript", "JavaScript"),
        ("scala213", "Scala"),
        ("sparkkernel", "Scala"),
        ("sparkrkernel", "R"),
        (".net-csharp", "C#"),
        ("conda-root-r", "R"),
        ("python3", None),
        ("python", None),
        ("pysparkkernel", None),
        ("pyspark", None),
        ("conda-env-x-py", None),
        ("conda-env-julia-tools-py", None),  # the environment is named julia-tools
        ("conda-env-x-mykernel", None),
        ("myenv", None),
        ("irrelevant", None),  # matched whole: a name merely starting with `ir` says nothing
    ],
)
def test_kernel_names(name: str, language: str | None) -> None:
    assert kernel_name_language(name) == language


def test_a_notebook_in_another_language_is_skipped_even_when_nbformat_would_reject_it() -> None:
    # Its structure is none of nbport's business, and it must not block pre-commit as an error.
    data = json.loads(notebook(R_CODE, **JUPYTEXT_R))
    data["cells"][0]["unknown"] = 1
    with pytest.raises(NotPython):
        NotebookDocument.from_bytes(Path("x.ipynb"), json.dumps(data).encode())


def test_broken_json_is_still_an_error_whatever_it_holds() -> None:
    with pytest.raises(DocumentError) as raised:
        NotebookDocument.from_bytes(Path("x.ipynb"), b'{"metadata": {"kernelspec": {"name": "ir"')
    assert not isinstance(raised.value, NotPython)


def test_not_python_survives_being_sent_to_a_worker_process() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(NotPython("R")))
    assert (error.language, str(error)) == ("R", "not Python (R)")


# --- Skipped, visibly --------------------------------------------------------------------------


def test_check_skips_them_visibly_and_does_not_fail(tree: Path) -> None:
    report = check_paths([Path(".")])
    assert [(str(file.path), file.skipped) for file in report.skipped] == [
        ("b_r.ipynb", "not Python (R)"),
        ("c_swift.ipynb", "not Python (Swift)"),
        ("d_bash.ipynb", "not Python (bash)"),
    ]
    skipped = {file.path for file in report.skipped}
    assert all(not file.findings and not file.errors for file in report.skipped)
    assert [str(f.path) for f in report.findings] == ["a_python.ipynb"]
    assert report.errors == [] and report.exit_code() == 1
    assert not skipped & {finding.path for finding in report.findings}

    result = run_nbport("check", ".", cwd=tree)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1] == "3 files skipped: not Python (R, Swift, bash)."
    assert "b_r.ipynb" not in result.stdout  # listed only on request


def test_show_skipped_lists_each_file(tree: Path) -> None:
    for command in (["check"], ["fix", "--diff"]):
        result = run_nbport(*command, "--show-skipped", ".", cwd=tree)
        lines = result.stdout.splitlines()
        assert "b_r.ipynb: skipped: not Python (R)" in lines, result.stdout
        assert "c_swift.ipynb: skipped: not Python (Swift)" in lines
        assert "d_bash.ipynb: skipped: not Python (bash)" in lines


def test_fix_never_rewrites_them(tree: Path) -> None:
    before = {path.name: path.read_bytes() for path in tree.iterdir()}
    result = run_nbport("fix", ".", cwd=tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "Fixed 1 finding in 1 file.",
        "3 files skipped: not Python (R, Swift, bash).",
    ]
    after = {path.name: path.read_bytes() for path in tree.iterdir()}
    assert after["a_python.ipynb"] != before["a_python.ipynb"]
    for name in ("b_r.ipynb", "c_swift.ipynb", "d_bash.ipynb"):
        assert after[name] == before[name], name


def test_a_repository_with_an_r_notebook_passes_pre_commit(tree: Path) -> None:
    (tree / "a_python.ipynb").write_text(notebook("x = 1\n", **PYTHON), encoding="utf-8")
    result = run_nbport("check", "a_python.ipynb", "b_r.ipynb", cwd=tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "All checks passed (1 file checked).",
        "1 file skipped: not Python (R).",
    ]
    # A run that checked nothing does not say that all checks passed.
    result = run_nbport("check", "b_r.ipynb", cwd=tree)
    assert (result.returncode, result.stdout) == (0, "1 file skipped: not Python (R).\n")


def test_an_unreadable_file_still_fails_beside_a_skipped_one(tree: Path) -> None:
    (tree / "broken.ipynb").write_text("{", encoding="utf-8")
    result = run_nbport("check", "broken.ipynb", "b_r.ipynb", cwd=tree)
    assert result.returncode == 2
    assert result.stdout.splitlines()[-1] == "1 file skipped: not Python (R)."


def test_run_report_exit_code_ignores_skipped_files() -> None:
    report = RunReport((FileReport(Path("r.ipynb"), skipped="not Python (R)"),))
    assert report.exit_code() == 0
    assert report.exit_code(changes_count=True) == 0


# --- In the machine formats --------------------------------------------------------------------


def test_json_lists_skipped_files(tree: Path) -> None:
    document = json.loads(json_format.render(check_paths([Path(".")])))
    schema = json.loads(json_format.SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert list(document) == ["version", "findings", "errors", "skipped"]
    assert document["version"] == 1
    assert document["skipped"] == [
        {"path": "b_r.ipynb", "reason": "not Python (R)"},
        {"path": "c_swift.ipynb", "reason": "not Python (Swift)"},
        {"path": "d_bash.ipynb", "reason": "not Python (bash)"},
    ]
    assert document["errors"] == []
    # The schema holds the new key to the same standard as the others.
    broken = json.loads(json.dumps(document))
    broken["skipped"][0]["why"] = broken["skipped"][0].pop("reason")
    assert not jsonschema.Draft202012Validator(schema).is_valid(broken)


def test_sarif_notes_skipped_files_and_stays_successful(tree: Path) -> None:
    log = json.loads(sarif.render(check_paths([Path(".")]), load_catalog()))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [note["level"] for note in notes] == ["note", "note", "note"]
    assert notes[0]["message"] == {"text": "skipped: not Python (R)"}
    assert notes[0]["locations"] == [
        {"physicalLocation": {"artifactLocation": {"uri": "b_r.ipynb", "uriBaseId": "%SRCROOT%"}}}
    ]


def test_sarif_keeps_errors_and_notes_in_file_order(tree: Path) -> None:
    (tree / "a_broken.ipynb").write_text("{", encoding="utf-8")
    log = json.loads(sarif.render(check_paths([Path(".")]), load_catalog()))
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    levels = [note["level"] for note in invocation["toolExecutionNotifications"]]
    assert levels == ["error", "note", "note", "note"]


def test_github_gives_a_notice_per_skipped_file(tree: Path) -> None:
    lines = github.render(check_paths([Path(".")])).splitlines()
    assert lines[1:] == [
        "::notice file=b_r.ipynb,title=nbport::skipped: not Python (R)",
        "::notice file=c_swift.ipynb,title=nbport::skipped: not Python (Swift)",
        "::notice file=d_bash.ipynb,title=nbport::skipped: not Python (bash)",
    ]
    assert lines[0].startswith("::error file=a_python.ipynb,")


# --- Cells VS Code marks as another language ---------------------------------------------------

# ruff's `vscode_language_id.ipynb` fixture, with a Python cell to fix and an R cell added.
VSCODE = notebook(
    (JAVASCRIPT_CODE, {"vscode": {"languageId": "javascript"}}),
    (R_CODE, {"vscode": {"languageId": "r"}}),
    ("!cd data\nimport os\n", {"vscode": {"languageId": "python"}}),
    ("x = 1\n", {}),
    **PYTHON,
)


def test_cells_in_another_language_are_no_units() -> None:
    document = NotebookDocument.from_bytes(Path("x.ipynb"), VSCODE.encode())
    assert [(unit.index, unit.cell) for unit in document.units()] == [(0, 3), (1, 4)]


def test_a_javascript_cell_blocks_nothing_and_an_r_cell_is_never_rewritten(
    tmp_path: Path,
) -> None:
    path = tmp_path / "vscode.ipynb"
    path.write_text(VSCODE, encoding="utf-8")
    report = check_paths([path])
    assert report.errors == [] and report.skipped == []
    assert [(f.rule, f.start.cell) for f in report.findings] == [("NBP001", 3)]
    fixed = fix_paths([path])
    assert fixed.errors == [] and [f.rule for f in fixed.fixed] == ["NBP001"]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert "".join(cells[0]["source"]) == JAVASCRIPT_CODE
    assert "".join(cells[1]["source"]) == R_CODE
    assert "".join(cells[2]["source"]) == "%cd data\nimport os\n"


def test_convert_still_refuses_a_notebook_in_another_language(tmp_path: Path) -> None:
    source = tmp_path / "r.ipynb"
    source.write_text(notebook(R_CODE, **JUPYTEXT_R), encoding="utf-8")
    result = run_nbport("convert", str(source))
    assert result.returncode == 2
    assert "not Python (R)" in result.stderr
    assert not (tmp_path / "r.py").exists()


def test_load_document_raises_not_python(tree: Path) -> None:
    with pytest.raises(NotPython):
        load_document(Path("b_r.ipynb"))
