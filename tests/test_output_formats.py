"""The machine-readable reports: JSON (with its schema), SARIF 2.1.0 and GitHub workflow commands.

Reports come from real runs of `check_paths` on copies of the fixtures, checked from inside the
copy's folder so that paths are relative, as in CI. Expected lines of raw `.ipynb` files were read
off the fixtures (`grep -n`), not taken from nbport.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES, REPOSITORY, SHARED, require_shared, run_nbport

import nbport
from nbport.api import FileReport, RunReport, check_paths, fix_paths
from nbport.catalog import load_catalog
from nbport.finding import FileError, Finding, Location, Severity
from nbport.report import github, json_format, sarif

SARIF_SCHEMA = REPOSITORY / "tests" / "schemas" / "sarif-schema-2.1.0.json"

# A notebook written by hand: one-space indent, each source one string (Jupyter reads both forms;
# some tools write this one). Raw line 13 holds the whole source of cell 2.
STRING_SOURCES = r"""{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": "# Data\n\nUnpack the data."
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": "import os\n!cd data\n!ls"
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"""
STRING_SOURCES_CODE_LINE = 13

# The same kind of notebook on one line, as `json.dumps` writes it without an indent.
ONE_LINE = (
    '{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],'
    ' "source": ["import os\\n", "x = 1\\n", "!cd data\\n", "!ls"]}],'
    ' "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",'
    ' "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}'
)

# A notebook whose second code cell is not Python 3: a cell error, the rest checked.
SYNTAX_ERROR_CELL = r"""{
 "cells": [
  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["x = 1"]},
  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["def f(:\n", "    pass"]}
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding copies of the fixtures, made the current directory."""
    for name in (
        "colab_tpu_training.ipynb",
        "jupyter_windows_paths.ipynb",
        "prepare_data.py",
        "clean_mnist.ipynb",
    ):
        shutil.copy(FIXTURES / name, tmp_path / name)
    (tmp_path / "string_sources.ipynb").write_text(STRING_SOURCES, encoding="utf-8")
    (tmp_path / "one_line.ipynb").write_text(ONE_LINE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*names: str) -> RunReport:
    return check_paths([Path(name) for name in names], file_lines=True)


def finding_at(report: RunReport, rule: str, cell: int | None, line: int) -> Finding:
    matches = [
        f
        for f in report.findings
        if f.rule == rule and f.start.cell == cell and f.start.line == line
    ]
    assert len(matches) == 1, [(f.rule, f.start) for f in report.findings]
    return matches[0]


def synthetic(rule: str, message: str, path: str, start: Location, end: Location) -> Finding:
    """A finding as the rule `rule` would report it: with its catalog severity (error if unknown)."""
    entry = load_catalog().get(rule)
    severity = entry.severity if entry is not None else Severity.ERROR
    return Finding(
        rule=rule, message=message, path=Path(path), start=start, end=end, unit=0, severity=severity
    )


# --- JSON ------------------------------------------------------------------------------------


def json_schema() -> dict:
    schema = json.loads(json_format.SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def validate_json(text: str) -> dict:
    document = json.loads(text)
    jsonschema.Draft202012Validator(json_schema()).validate(document)
    return document


def test_json_findings_of_a_notebook_and_a_script(workdir: Path) -> None:
    report = check("colab_tpu_training.ipynb", "jupyter_windows_paths.ipynb", "prepare_data.py")
    text = json_format.render(report)
    document = validate_json(text)
    assert list(document) == ["version", "findings", "errors", "skipped"]
    assert document["version"] == 1
    assert document["errors"] == []
    first = document["findings"][0]
    # Cell 3 of colab_tpu_training.ipynb is `!cd gdrive/My\ Drive/gesdet_keras_Colab` (39
    # characters): the end is the column after it.
    assert list(first) == [
        "rule",
        "severity",
        "message",
        "path",
        "cell",
        "line",
        "column",
        "end",
        "fix",
    ]
    assert first["message"].startswith("`!cd gdrive/My\\ Drive/gesdet_keras_Colab`")
    del first["message"]
    assert first == {
        "rule": "NBP001",
        "severity": "error",
        "path": "colab_tpu_training.ipynb",
        "cell": 3,
        "line": 1,
        "column": 1,
        "end": {"line": 1, "column": 40},
        "fix": {"available": True, "safety": "safe"},
    }
    by_place = {
        (f["path"], f["rule"], f["cell"], f["line"], f["column"]): f for f in document["findings"]
    }
    # `tf.contrib.tpu.keras_to_tpu_model(` at cell 4, line 8, column 13: TF 1 TPU code has no fix.
    no_fix = by_place[("colab_tpu_training.ipynb", "NBP203", 4, 8, 13)]
    assert no_fix["fix"] == {"available": False, "safety": "none"}
    # `!unzip -q images.zip` at cell 4, line 2: adding -o may overwrite files, an unsafe fix.
    unsafe = by_place[("jupyter_windows_paths.ipynb", "NBP003", 4, 2, 2)]
    assert unsafe["fix"] == {"available": True, "safety": "unsafe"}
    # prepare_data.py line 7 is `# !cd /content/data`: a script finding has no cell.
    script = by_place[("prepare_data.py", "NBP001", None, 7, 3)]
    assert script["end"] == {"line": 7, "column": 20}
    # Findings come in file order.
    paths = [f["path"] for f in document["findings"]]
    assert paths == sorted(paths)


def test_json_is_deterministic_and_round_trips(workdir: Path) -> None:
    report = check(".")
    text = json_format.render(report)
    assert text == json_format.render(check("."))
    assert text.endswith("}\n")
    assert json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n" == text


def test_json_keeps_non_ascii_and_posix_paths(workdir: Path) -> None:
    folder = workdir / "データ"
    folder.mkdir()
    (folder / "読み込み.py").write_text(
        "path = 'C:\\\\Users\\\\太郎\\\\data.csv'\n", encoding="utf-8"
    )
    text = json_format.render(check("データ"))
    document = validate_json(text)
    assert [f["path"] for f in document["findings"]] == ["データ/読み込み.py"]
    assert "太郎" in document["findings"][0]["message"]
    assert "データ/読み込み.py" in text and "\\u" not in text


def test_json_errors_of_a_file_and_of_a_cell(workdir: Path) -> None:
    (workdir / "broken.ipynb").write_text("{", encoding="utf-8")
    (workdir / "syntax.ipynb").write_text(SYNTAX_ERROR_CELL, encoding="utf-8")
    report = check("broken.ipynb", "syntax.ipynb")
    document = validate_json(json_format.render(report))
    assert document["findings"] == []
    broken, cell = document["errors"]
    assert broken["path"] == "broken.ipynb" and broken["cell"] is None
    assert broken["message"].startswith("invalid JSON")
    assert list(cell) == ["path", "cell", "message"]
    assert cell["path"] == "syntax.ipynb" and cell["cell"] == 2


def test_json_empty_run() -> None:
    assert (
        json_format.render(RunReport())
        == '{\n  "version": 1,\n  "findings": [],\n  "errors": [],\n  "skipped": []\n}\n'
    )
    validate_json(json_format.render(RunReport()))


def test_json_schema_rejects_what_the_format_never_writes(workdir: Path) -> None:
    # The schema is strict enough to catch a renamed key or a wrong value.
    document = json.loads(json_format.render(check("prepare_data.py")))
    validator = jsonschema.Draft202012Validator(json_schema())
    assert validator.is_valid(document)
    renamed = json.loads(json.dumps(document))
    renamed["findings"][0]["col"] = renamed["findings"][0].pop("column")
    assert not validator.is_valid(renamed)
    inconsistent = json.loads(json.dumps(document))
    inconsistent["findings"][0]["fix"] = {"available": False, "safety": "safe"}
    assert not validator.is_valid(inconsistent)


# --- SARIF -----------------------------------------------------------------------------------


def validate_sarif(text: str) -> dict:
    assert SARIF_SCHEMA.is_file(), f"the SARIF schema is missing: {SARIF_SCHEMA}"
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(text)
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    return log


def test_sarif_validates_and_places_notebook_results_on_raw_lines(workdir: Path) -> None:
    report = check("colab_tpu_training.ipynb", "prepare_data.py")
    log = validate_sarif(sarif.render(report, load_catalog()))
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "nbport"
    assert driver["version"] == nbport.__version__
    assert driver["informationUri"].startswith("https://")
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    results = run["results"]
    assert len(results) == len(report.findings)
    # `!cd gdrive/My\ Drive/gesdet_keras_Colab` is line 53 of the raw file (cell 3, line 1).
    cd = results[0]
    assert cd["ruleId"] == "NBP001" and cd["level"] == "error"
    assert cd["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "colab_tpu_training.ipynb", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 53, "endLine": 53},
            }
        }
    ]
    assert cd["properties"] == {
        "cell": 3,
        "cellLine": 1,
        "cellColumn": 1,
        "cellEndLine": 1,
        "cellEndColumn": 40,
        "fixAvailable": True,
        "fixSafety": "safe",
    }
    # `tf.contrib.cluster_resolver.TPUClusterResolver(...)`, cell 4 line 11, is raw line 75.
    regions = [
        (
            r["ruleId"],
            r["properties"].get("cell"),
            r["properties"].get("cellLine"),
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    ]
    assert ("NBP203", 4, 11, 75) in regions
    assert ("NBP203", 4, 8, 72) in regions
    assert ("NBP102", 5, 1, 86) in regions
    # A script keeps its own lines and columns: `# !cd /content/data` at 7:3.
    script = next(
        r
        for r in results
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "prepare_data.py"
    )
    assert script["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7,
        "startColumn": 3,
        "endLine": 7,
        "endColumn": 20,
    }
    assert "cell" not in script["properties"]
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_rules_carry_the_catalog_text(workdir: Path) -> None:
    report = check("colab_tpu_training.ipynb")
    catalog = load_catalog()
    log = validate_sarif(sarif.render(report, catalog))
    driver = log["runs"][0]["tool"]["driver"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted({f.rule for f in report.findings})
    for result in log["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    shell_cd = driver["rules"][ids.index("NBP001")]
    entry = catalog["NBP001"]
    assert shell_cd["name"] == "shell-cd"
    assert shell_cd["shortDescription"]["text"] == entry.summary
    assert shell_cd["fullDescription"]["text"] == entry.why
    assert shell_cd["defaultConfiguration"] == {"level": "error"}
    # NBP302 risks work rather than failing: a warning.
    assert sarif.rule_descriptor("NBP302", catalog["NBP302"])["defaultConfiguration"] == {
        "level": "warning"
    }
    # The help shows why and the first bad → fixed example of rules/NBP001-shell-cd.toml.
    markdown = shell_cd["help"]["markdown"]
    assert entry.why in markdown
    assert (
        "```python\nfrom google.colab import drive\ndrive.mount('/content/gdrive')\n!cd gdrive/MyDrive/project\n!ls\n```"
        in markdown
    )
    assert (
        "```python\nfrom google.colab import drive\ndrive.mount('/content/gdrive')\n%cd gdrive/MyDrive/project\n!ls\n```"
        in markdown
    )
    assert entry.why.splitlines()[0] in shell_cd["help"]["text"]
    assert "%cd gdrive/MyDrive/project" in shell_cd["help"]["text"]


def test_sarif_help_of_a_rule_without_fix_and_of_a_metadata_fix() -> None:
    catalog = load_catalog()
    # NBP203's fix is `none` in its catalog entry; NBP301's fix only sets notebook metadata.
    assert "No automatic fix" in sarif.help_markdown(catalog["NBP203"])
    metadata_help = sarif.help_markdown(catalog["NBP301"])
    assert "```json" in metadata_help and '"accelerator"' in metadata_help


def test_sarif_describes_every_catalog_rule_validly() -> None:
    catalog = load_catalog()
    findings = tuple(
        synthetic(
            rule, f"finding of {rule}", "train.py", Location(None, 1, 1), Location(None, 1, 5)
        )
        for rule in catalog
    )
    report = RunReport((FileReport(Path("train.py"), findings),))
    log = validate_sarif(sarif.render(report, catalog))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted(catalog)
    for rule in rules:
        entry = catalog[rule["id"]]
        markdown = rule["help"]["markdown"]
        assert markdown.startswith(entry.summary)
        # Every fence that opens is closed: an even number of fence lines.
        fences = [line for line in markdown.splitlines() if line.startswith("```")]
        assert len(fences) % 2 == 0 and fences, rule["id"]
        assert rule["properties"] == {"targets": list(entry.targets), "fix": entry.fix.value}


def test_sarif_rule_ids_missing_from_the_catalog(workdir: Path) -> None:
    unused = synthetic(
        "NBP000",
        "unused suppression `# nbport: ignore[NBP001]`",
        "prepare_data.py",
        Location(None, 4, 10),
        Location(None, 4, 40),
    )
    unknown = synthetic(
        "NBP999", "from a newer rule", "prepare_data.py", Location(None, 5, 1), Location(None, 5, 2)
    )
    report = RunReport((FileReport(Path("prepare_data.py"), (unused, unknown)),))
    log = validate_sarif(sarif.render(report, load_catalog()))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["NBP000", "NBP999"]
    assert rules[0]["name"] == "unused-suppression"
    assert "NBP999" in rules[1]["shortDescription"]["text"]
    assert [r["ruleIndex"] for r in log["runs"][0]["results"]] == [0, 1]
    assert validate_json(json_format.render(report))["findings"][0]["rule"] == "NBP000"
    assert github.render(report).splitlines()[0] == (
        "::warning file=prepare_data.py,line=4,col=10,endLine=4,endColumn=40,title=NBP000::"
        "unused suppression `# nbport: ignore[NBP001]`"
    )


def test_sarif_errors_only(workdir: Path) -> None:
    (workdir / "broken.ipynb").write_text("{", encoding="utf-8")
    (workdir / "syntax.ipynb").write_text(SYNTAX_ERROR_CELL, encoding="utf-8")
    report = check("broken.ipynb", "syntax.ipynb")
    log = validate_sarif(sarif.render(report, load_catalog()))
    (run,) = log["runs"]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    broken, cell = invocation["toolExecutionNotifications"]
    assert broken["level"] == "error"
    assert broken["message"]["text"].startswith("invalid JSON")
    assert broken["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "broken.ipynb", "uriBaseId": "%SRCROOT%"}
            }
        }
    ]
    assert cell["properties"] == {"cell": 2}
    assert cell["message"]["text"].startswith("cell 2: ")


def test_sarif_empty_run() -> None:
    log = validate_sarif(sarif.render(RunReport(), load_catalog()))
    (run,) = log["runs"]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_uris_are_percent_encoded_or_absolute(workdir: Path) -> None:
    folder = workdir / "my notebooks"
    folder.mkdir()
    shutil.copy(FIXTURES / "prepare_data.py", folder / "prep #1.py")
    log = validate_sarif(sarif.render(check("my notebooks"), load_catalog()))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "my%20notebooks/prep%20%231.py", "uriBaseId": "%SRCROOT%"}
    absolute = check_paths([workdir / "prepare_data.py"])
    log = validate_sarif(sarif.render(absolute, load_catalog()))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (workdir / "prepare_data.py").as_uri()}


def test_reporters_never_read_the_files_again(workdir: Path) -> None:
    report = check("colab_tpu_training.ipynb")
    before = (sarif.render(report, load_catalog()), github.render(report))
    (workdir / "colab_tpu_training.ipynb").unlink()
    assert (sarif.render(report, load_catalog()), github.render(report)) == before
    first = json.loads(before[0])["runs"][0]["results"][0]
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 53, "endLine": 53}


def test_a_report_without_file_lines_falls_back_to_line_one(workdir: Path) -> None:
    report = check_paths([Path("colab_tpu_training.ipynb")])  # file_lines not asked for
    log = validate_sarif(sarif.render(report, load_catalog()))
    first = log["runs"][0]["results"][0]
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "endLine": 1}
    assert first["properties"]["cell"] == 3 and first["properties"]["cellLine"] == 1


# --- GitHub ----------------------------------------------------------------------------------


def test_github_notebook_lines_are_raw_file_lines(workdir: Path) -> None:
    report = check("colab_tpu_training.ipynb")
    commands = github.render(report).splitlines()
    assert len(commands) == len(report.findings)
    cd = finding_at(report, "NBP001", 3, 1)
    # Line 53 of the raw file: `        "!cd gdrive/My\\ Drive/gesdet_keras_Colab\n",`.
    assert commands[0] == (
        "::error file=colab_tpu_training.ipynb,line=53,endLine=53,title=NBP001::"
        "cell 3, line 1, column 1: " + cd.message.replace("%", "%25")
    )
    # `%cd` in the message is escaped as GitHub's toolkit escapes it.
    assert commands[0].endswith("`%25cd`")
    prefixes = [command.split("::")[1] for command in commands]
    assert "error file=colab_tpu_training.ipynb,line=75,endLine=75,title=NBP203" in prefixes
    assert "error file=colab_tpu_training.ipynb,line=72,endLine=72,title=NBP203" in prefixes
    # NBP102 (a path that depends on a redirect) is a warning.
    assert "warning file=colab_tpu_training.ipynb,line=86,endLine=86,title=NBP102" in prefixes
    assert "col=" not in "".join(prefixes)


def test_github_notebook_with_string_sources(workdir: Path) -> None:
    report = check("string_sources.ipynb")
    cd = finding_at(report, "NBP001", 2, 2)
    # The whole cell is one JSON string on raw line 13; cell 2 because the Markdown cell counts.
    assert github.render(report) == (
        f"::error file=string_sources.ipynb,line={STRING_SOURCES_CODE_LINE},"
        f"endLine={STRING_SOURCES_CODE_LINE},title=NBP001::cell 2, line 2, column 1: "
        + cd.message.replace("%", "%25")
        + "\n"
    )
    assert STRING_SOURCES.splitlines()[STRING_SOURCES_CODE_LINE - 1].lstrip().startswith('"source"')


def test_github_one_line_notebook(workdir: Path) -> None:
    report = check("one_line.ipynb")
    finding_at(report, "NBP001", 1, 3)
    (command,) = github.render(report).splitlines()
    assert command.startswith(
        "::error file=one_line.ipynb,line=1,endLine=1,title=NBP001::cell 1, line 3, column 1: "
    )


def test_github_multi_line_notebook_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = (FIXTURES / "seeds" / "seed004_drive_keras_mnist.ipynb").read_text(encoding="utf-8")
    # Stored output after the training cell's source (its lines unchanged): a two-hour run.
    log = json.dumps(
        {"output_type": "stream", "name": "stdout", "text": "Epoch 1/12\n1/1 - 600s\n"}
    )
    head, _, tail = seed.rpartition('"outputs": []')
    (tmp_path / "mnist.ipynb").write_text(f'{head}"outputs": [{log}]{tail}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report = check("mnist.ipynb")
    fit = finding_at(report, "NBP302", 8, 62)
    assert fit.end.line == 66
    # `model.fit(x_train, y_train,` to `validation_data=(x_test, y_test))`: raw lines 156 to 160.
    command = next(c for c in github.render(report).splitlines() if "title=NBP302" in c)
    assert command.startswith(
        "::warning file=mnist.ipynb,line=156,endLine=160,title=NBP302::cell 8, line 62, column 1: "
    )


def test_github_script_lines_and_columns(workdir: Path) -> None:
    report = check("prepare_data.py")
    commands = github.render(report).splitlines()
    cd = finding_at(report, "NBP001", None, 7)
    assert commands[0] == (
        "::error file=prepare_data.py,line=7,col=3,endLine=7,endColumn=20,title=NBP001::"
        + cd.message.replace("%", "%25")
    )
    # `images = os.listdir("data\\images")`: the string literal spans columns 21 to 34.
    assert commands[1].startswith(
        "::error file=prepare_data.py,line=11,col=21,endLine=11,endColumn=35,title=NBP101::"
    )


def test_github_multi_line_script_finding_has_no_columns() -> None:
    finding = synthetic(
        "NBP302", "fit saves nothing", "train.py", Location(None, 3, 5), Location(None, 5, 2)
    )
    report = RunReport((FileReport(Path("train.py"), (finding,)),))
    assert (
        github.render(report)
        == "::warning file=train.py,line=3,endLine=5,title=NBP302::fit saves nothing\n"
    )


def test_github_escapes_messages_and_properties() -> None:
    finding = synthetic(
        "NBP101",
        "50% done, see: a\nb\r",
        "odd,dir:x%/n.py",
        Location(None, 1, 1),
        Location(None, 1, 2),
    )
    error = FileError(Path("a,b:c.ipynb"), "bad: 100%\nreally, bad", cell=None)
    report = RunReport((FileReport(Path("odd,dir:x%/n.py"), (finding,), (error,)),))
    assert github.render(report).splitlines() == [
        "::error file=a%2Cb%3Ac.ipynb,title=nbport::bad: 100%25%0Areally, bad",
        "::error file=odd%2Cdir%3Ax%25/n.py,line=1,col=1,endLine=1,endColumn=2,title=NBP101::"
        "50%25 done, see: a%0Ab%0D",
    ]
    # A message cannot end the command or start another one on a new line.
    assert github.escape_data("x\n::error::y") == "x%0A::error::y"
    assert github.escape_property("a:b,c%\r\n") == "a%3Ab%2Cc%25%0D%0A"


def test_github_errors_only(workdir: Path) -> None:
    (workdir / "broken.ipynb").write_text("{", encoding="utf-8")
    (workdir / "syntax.ipynb").write_text(SYNTAX_ERROR_CELL, encoding="utf-8")
    report = check("broken.ipynb", "syntax.ipynb")
    broken, cell = report.errors
    assert github.render(report).splitlines() == [
        f"::error file=broken.ipynb,title=nbport::{broken.message}",
        f"::error file=syntax.ipynb,title=nbport::cell 2: {cell.message}",
    ]


def test_github_empty_run(workdir: Path) -> None:
    assert github.render(RunReport()) == ""
    assert github.render(check("clean_mnist.ipynb")) == ""


def test_github_without_file_lines_falls_back_to_line_one(workdir: Path) -> None:
    report = check_paths([Path("jupyter_windows_paths.ipynb")])  # file_lines not asked for
    commands = github.render(report).splitlines()
    assert commands
    assert all(
        re.match(r"::(error|warning) file=jupyter_windows_paths\.ipynb,line=1,endLine=1,", c)
        for c in commands
    )
    assert "::cell 3, line 1, column 13: " in commands[0]


def test_the_cli_maps_lines_for_the_formats_that_need_them(workdir: Path) -> None:
    github_run = run_nbport(
        "check", "--output-format", "github", "colab_tpu_training.ipynb", cwd=workdir
    )
    assert "file=colab_tpu_training.ipynb,line=53,endLine=53,title=NBP001" in github_run.stdout
    sarif_run = run_nbport(
        "check", "--output-format", "sarif", "colab_tpu_training.ipynb", cwd=workdir
    )
    assert '"startLine": 53' in sarif_run.stdout


def test_findings_left_after_fix_point_at_the_written_file(workdir: Path) -> None:
    report = fix_paths([Path("colab_tpu_training.ipynb")], file_lines=True)
    assert report.fixed and report.files[0].written
    # Safe fixes keep one source line per file line, so NBP203's `TPUClusterResolver(...)`
    # (cell 4, line 11) is still on line 75 of the rewritten file.
    raw = (workdir / "colab_tpu_training.ipynb").read_text(encoding="utf-8").splitlines()
    assert "TPUClusterResolver" in raw[75 - 1]
    prefixes = [c.split("::")[1] for c in github.render(report).splitlines()]
    assert "error file=colab_tpu_training.ipynb,line=75,endLine=75,title=NBP203" in prefixes


def test_the_shipped_sarif_schema_is_the_shared_one() -> None:
    shared = require_shared(SHARED / "schemas" / "sarif-schema-2.1.0.json")
    assert SARIF_SCHEMA.read_bytes() == shared.read_bytes()
