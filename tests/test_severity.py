"""Severity: each rule says whether what it finds fails on the target (`error`) or risks work or
time (`warning`); every output shows it, and `--severity error` keeps to errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_nbport

from nbport.catalog import CatalogError, load_catalog, parse_entry
from nbport.finding import Severity

#: `!cd data` (NBP001, an error) and a TPU used in a notebook that does not ask for one (NBP301,
#: a warning: the code runs, on a CPU).
NOTEBOOK = json.dumps(
    {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": (
                    "!cd data\n%pip install lightning\nimport lightning as L\n"
                    "trainer = L.Trainer(accelerator='tpu')\n"
                ),
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    },
    indent=1,
)


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    path = tmp_path / "nb.ipynb"
    path.write_text(NOTEBOOK, encoding="utf-8")
    return path


def test_every_rule_declares_one_and_the_risks_are_warnings() -> None:
    catalog = load_catalog()
    warnings = {entry.id for entry in catalog.values() if entry.severity is Severity.WARNING}
    # The issue's own examples of risks rather than failures.
    assert {"NBP302", "NBP303"} <= warnings
    # Code that fails on the target: an import error, an AttributeError, a cell that hangs.
    for failing in ("NBP001", "NBP003", "NBP202", "NBP401"):
        assert catalog[failing].severity is Severity.ERROR


@pytest.mark.parametrize(
    ("line", "message"),
    [("", "missing key severity"), ('severity = "fatal"', "severity must be error or warning")],
)
def test_the_catalog_refuses_an_entry_without_a_known_severity(
    tmp_path: Path, line: str, message: str
) -> None:
    source = load_catalog()["NBP001"].source.read_text(encoding="utf-8")
    entry = tmp_path / "NBP001-shell-cd.toml"
    entry.write_text(source.replace('severity = "error"', line), encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        parse_entry(entry)


def test_text_output_shows_the_severity_after_the_rule(notebook: Path) -> None:
    result = run_nbport("check", str(notebook))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{notebook}:cell 1:1:1: NBP001 error: `!cd data`")
    assert lines[1].startswith(f"{notebook}:cell 1:4:21: NBP301 warning: uses a TPU")


def test_severity_error_reports_only_errors(notebook: Path) -> None:
    result = run_nbport("check", "--severity", "error", str(notebook))
    assert result.returncode == 1
    assert "NBP001 error:" in result.stdout
    assert "NBP301" not in result.stdout


def test_the_configuration_key_does_the_same_and_is_checked(notebook: Path) -> None:
    config = notebook.parent / "pyproject.toml"
    config.write_text('[tool.nbport]\nseverity = "error"\n', encoding="utf-8")
    result = run_nbport("check", str(notebook), cwd=notebook.parent)
    assert "NBP001" in result.stdout and "NBP301" not in result.stdout
    # The command line wins over the file.
    result = run_nbport("check", "--severity", "warning", str(notebook), cwd=notebook.parent)
    assert "NBP301 warning:" in result.stdout
    config.write_text('[tool.nbport]\nseverity = "info"\n', encoding="utf-8")
    result = run_nbport("check", str(notebook), cwd=notebook.parent)
    assert result.returncode == 2
    assert "tool.nbport.severity: must be one of error, warning" in result.stderr


def test_a_selection_of_warnings_only_under_severity_error_runs_nothing_and_says_so(
    notebook: Path,
) -> None:
    result = run_nbport("check", "--severity", "error", "--select", "NBP301", str(notebook))
    assert result.returncode == 2
    assert "no rule runs: NBP301 reports warnings, and severity is error" in result.stderr
    assert "All checks passed" not in result.stdout


def test_machine_formats_carry_it(notebook: Path) -> None:
    findings = json.loads(run_nbport("check", "--output-format", "json", str(notebook)).stdout)
    assert [(f["rule"], f["severity"]) for f in findings["findings"]] == [
        ("NBP001", "error"),
        ("NBP301", "warning"),
    ]
    sarif = json.loads(run_nbport("check", "--output-format", "sarif", str(notebook)).stdout)
    run = sarif["runs"][0]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [
        ("NBP001", "error"),
        ("NBP301", "warning"),
    ]
    levels = {
        rule["id"]: rule["defaultConfiguration"]["level"] for rule in run["tool"]["driver"]["rules"]
    }
    assert levels == {"NBP001": "error", "NBP301": "warning"}
    github = run_nbport("check", "--output-format", "github", str(notebook)).stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in github] == ["::error", "::warning"]


def test_nbport_rules_shows_it() -> None:
    table = run_nbport("rules").stdout.splitlines()
    assert table[0].split()[:5] == ["ID", "NAME", "TARGETS", "SEVERITY", "FIX"]
    row = next(line for line in table if line.startswith("NBP302"))
    assert row.split()[3] == "warning"
    assert "Severity: warning" in run_nbport("rules", "NBP302").stdout
