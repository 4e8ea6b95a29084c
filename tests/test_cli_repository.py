"""The command line on whole repositories: exclusions, output formats, statistics, jobs, suppressions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, run_nbport
from test_cli import BAD_INPUTS, _notebook


def _git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A project as a new user has one: configuration, a gitignored folder, checkpoints."""
    _git_init(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.nbport]\nextend-exclude = ["legacy/"]\n',
        encoding="utf-8",
    )
    (tmp_path / ".gitignore").write_text("outputs/\n", encoding="utf-8")
    bad = _notebook(["!cd data"])
    for relative in (
        "notebooks/train.ipynb",
        "notebooks/.ipynb_checkpoints/train-checkpoint.ipynb",
        "outputs/run1/train.ipynb",
        "legacy/old.ipynb",
        "scripts/prepare.py",
    ):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(bad if path.suffix == ".ipynb" else "print('ready')\n", encoding="utf-8")
    return tmp_path


def _paths(stdout: str) -> list[str]:
    return sorted({line.split(":", 1)[0] for line in stdout.splitlines() if ": NBP" in line})


def test_a_repository_is_checked_with_only_the_right_files(repository: Path) -> None:
    result = run_nbport("check", ".", cwd=repository)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert _paths(result.stdout) == ["notebooks/train.ipynb"]


def test_exclusions_from_the_command_line(repository: Path) -> None:
    unignored = run_nbport("check", ".", "--no-respect-gitignore", cwd=repository)
    # `extend-exclude` from pyproject.toml still holds: only .gitignore is switched off.
    assert _paths(unignored.stdout) == ["notebooks/train.ipynb", "outputs/run1/train.ipynb"]
    replaced = run_nbport("check", ".", "--exclude", "notebooks/", cwd=repository)
    assert _paths(replaced.stdout) == []
    narrowed = run_nbport("check", ".", "--extend-exclude", "notebooks/", cwd=repository)
    assert narrowed.returncode == 0, narrowed.stdout
    assert "All checks passed (1 file checked)." in narrowed.stdout  # scripts/prepare.py
    named = run_nbport("check", "outputs/run1/train.ipynb", cwd=repository)
    assert _paths(named.stdout) == ["outputs/run1/train.ipynb"]


def test_config_shows_the_exclusions_and_their_sources(repository: Path) -> None:
    result = run_nbport("config", ".", "--extend-exclude", "tmp/", cwd=repository)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("extend-exclude"))
    assert '"legacy/"' in line and '"tmp/"' in line
    assert "pyproject.toml" in line and "command line" in line


def test_json_output_holds_findings_and_errors_and_keeps_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "dirty.ipynb").write_text(_notebook(["x = 1", "!cd data"]), encoding="utf-8")
    result = run_nbport("check", "--output-format", "json", str(tmp_path))
    assert result.returncode == 1
    document = json.loads(result.stdout)
    [finding] = document["findings"]
    assert (finding["rule"], finding["cell"], finding["line"], finding["column"]) == (
        "NBP001",
        2,
        1,
        1,
    )
    assert finding["fix"] == {"available": True, "safety": "safe"}
    assert document["errors"] == []
    (tmp_path / "broken.ipynb").write_bytes(BAD_INPUTS["invalid.ipynb"][0])
    broken = run_nbport("check", "--output-format", "json", str(tmp_path))
    assert broken.returncode == 2
    assert broken.stderr == ""
    [error] = json.loads(broken.stdout)["errors"]
    assert error["path"].endswith("broken.ipynb")
    assert "invalid JSON" in error["message"]


@pytest.mark.parametrize("output_format", ["json", "sarif", "github"])
def test_machine_formats_print_no_summary_and_exit_0_when_clean(output_format: str) -> None:
    result = run_nbport("check", "--output-format", output_format, "fixtures/clean_mnist.ipynb")
    assert result.returncode == 0, result.stderr
    assert "All checks passed" not in result.stdout
    if output_format == "github":
        assert result.stdout == ""
    else:
        json.loads(result.stdout)


def test_github_format_annotates_the_raw_notebook_line(tmp_path: Path) -> None:
    notebook = tmp_path / "nb.ipynb"
    shutil.copyfile(FIXTURES / "jupyter_windows_paths.ipynb", notebook)
    result = run_nbport("check", "--output-format", "github", "--select", "NBP001", str(notebook))
    assert result.returncode == 1
    [annotation] = result.stdout.splitlines()
    # Read off the file: the source line `"!cd data\n",` of cell 4.
    raw_lines = notebook.read_text(encoding="utf-8").splitlines()
    expected = next(i for i, line in enumerate(raw_lines, 1) if '"!cd data\\n"' in line)
    assert annotation.startswith(f"::error file={notebook},line={expected},")
    assert "title=NBP001::cell 4, line 1" in annotation


def test_statistics_count_each_rule() -> None:
    result = run_nbport("check", "--statistics", "fixtures/")
    assert result.returncode == 1
    rows = {tuple(line.split()[:2]) for line in result.stdout.splitlines()[:-1]}
    # The per-rule counts of `nbport check fixtures/` (README, tests/test_fixtures.py).
    assert rows == {
        ("8", "NBP202"),
        ("7", "NBP102"),
        ("6", "NBP101"),
        ("4", "NBP203"),
        ("3", "NBP001"),
        ("2", "NBP003"),
        ("1", "NBP301"),
    }
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["8", "NBP202", "[*]", "tf1-api"]
    assert next(line for line in lines if "NBP203" in line).split() == ["4", "NBP203", "tpu-legacy"]
    assert next(line for line in lines if "NBP003" in line).split()[2] == "[-]"
    assert lines[-1].startswith("Found 31 findings in 7 files.")


@pytest.mark.parametrize(
    "options",
    [["--statistics", "--output-format", "json"], ["fix", "--diff", "--output-format", "sarif"]],
)
def test_text_only_options_refuse_machine_formats(options: list[str]) -> None:
    command = options if options[0] == "fix" else ["check", *options]
    result = run_nbport(*command, "fixtures/clean_mnist.ipynb")
    assert result.returncode == 2
    assert "text" in result.stderr


def test_jobs_give_the_same_report_in_the_same_order(tmp_path: Path) -> None:
    for number in range(48):  # enough files for two workers (nbport.file_pool.MIN_FILES_PER_JOB)
        source = FIXTURES / ("colab_tpu_training.ipynb" if number % 2 else "prepare_data.py")
        shutil.copyfile(source, tmp_path / f"{number:02d}_{source.name}")
    (tmp_path / "broken.ipynb").write_bytes(BAD_INPUTS["binary.ipynb"][0])
    serial = run_nbport("check", "--jobs", "1", str(tmp_path))
    parallel = run_nbport("check", "--jobs", "2", str(tmp_path))
    assert serial.returncode == parallel.returncode == 2
    assert parallel.stdout == serial.stdout
    assert parallel.stderr == serial.stderr
    assert serial.stdout.count(" NBP001 ") == 48  # one in each copy
    assert run_nbport("check", "--jobs", "0", str(tmp_path)).returncode == 2


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    for number in range(40):
        shutil.copyfile(FIXTURES / "clean_mnist.ipynb", tmp_path / f"{number}.ipynb")
    result = run_nbport("check", str(tmp_path))
    assert result.returncode == 0
    assert result.stderr == ""


def test_unused_suppressions_are_reported_on_request(tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text("x = 1  # nbport: ignore\n", encoding="utf-8")
    assert run_nbport("check", str(script)).returncode == 0
    result = run_nbport("check", "--report-unused-suppressions", str(script))
    assert result.returncode == 1
    assert f"{script}:1:8: NBP000 warning: unused suppression" in result.stdout


def test_a_suppressed_finding_is_neither_reported_nor_fixed(tmp_path: Path) -> None:
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(_notebook(["!cd data  # nbport: ignore[NBP001]"]), encoding="utf-8")
    before = notebook.read_bytes()
    assert run_nbport("check", str(notebook)).returncode == 0
    assert run_nbport("fix", str(notebook)).returncode == 0
    assert notebook.read_bytes() == before


def test_a_notebook_of_several_hundred_megabytes_is_checked(tmp_path: Path) -> None:
    # A training notebook whose outputs were saved: 220 MB of base64 images around two code cells.
    image = {
        "output_type": "display_data",
        "data": {"image/png": "iVBORw0KGgo" * 1_000_000, "text/plain": ["<Figure>"]},
        "metadata": {},
    }
    cells = [
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": [image] * 20 if number == 0 else [],
            "source": "!cd data" if number == 1 else "plot(history)",
        }
        for number in range(2)
    ]
    notebook = tmp_path / "big.ipynb"
    with notebook.open("w", encoding="utf-8") as stream:
        json.dump({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}, stream)
    assert notebook.stat().st_size > 200 * 2**20
    result = run_nbport("check", str(notebook))
    assert result.stderr == ""
    assert result.returncode == 1
    assert f"{notebook}:cell 2:1:1: NBP001" in result.stdout
    before = notebook.read_bytes()
    fixed = run_nbport("fix", str(notebook))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    after = notebook.read_bytes()
    assert len(after) == len(before)  # `!` → `%`: one byte for one
    assert after.replace(b'"%cd data"', b'"!cd data"') == before
