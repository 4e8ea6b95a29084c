"""benchmarks/corpus_check.py: its judges catch each kind of damage a fix could do, and pass none.

Each damaged file is written by hand from a good one, so that a judge that always says "fine" (or
always complains) fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import load_corpus_check

cc = load_corpus_check()


def _notebook(metadata: dict | None = None) -> dict:
    return {
        "cells": [
            {
                "cell_type": "markdown",
                "id": "intro",
                "metadata": {},
                "source": ["# Title\n", "Some text"],
            },
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "setup",
                "metadata": {"tags": ["x"]},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}],
                "source": ["!pip install torch\n", "import torch\n", "x = torch.ones(2)"],
            },
        ],
        "metadata": metadata
        if metadata is not None
        else {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _jupyter(notebook: dict) -> bytes:
    """Jupyter's own style: indent 1, sorted keys, non-ASCII as is, final newline."""
    return (json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _with_source(notebook: dict, cell: int, source: object) -> dict:
    changed = json.loads(json.dumps(notebook))
    changed["cells"][cell]["source"] = source
    return changed


GOOD = _jupyter(_notebook())
# What a fix does: one cell's source changed, everything else as it was.
FIXED = _jupyter(
    _with_source(_notebook(), 1, ["%pip install torch\n", "import torch\n", "x = torch.ones(2)"])
)


def test_a_source_only_change_passes() -> None:
    assert cc.notebook_problems(GOOD, FIXED) == []


def test_a_changed_output_is_caught() -> None:
    damaged = _notebook()
    damaged["cells"][1]["outputs"][0]["text"] = ["ok?\n"]
    problems = cc.notebook_problems(GOOD, _jupyter(damaged))
    assert any("cell 2: outputs changed" in problem for problem in problems), problems


def test_a_lost_cell_is_caught() -> None:
    damaged = _notebook()
    del damaged["cells"][0]
    assert any("cell count 2 became 1" in p for p in cc.notebook_problems(GOOD, _jupyter(damaged)))


def test_a_changed_cell_id_is_caught() -> None:
    damaged = _notebook()
    damaged["cells"][0]["id"] = "other"
    problems = cc.notebook_problems(GOOD, _jupyter(damaged))
    assert any("cell 1: id changed" in problem for problem in problems), problems


def test_reindenting_the_file_is_caught() -> None:
    reindented = json.dumps(json.loads(FIXED), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    problems = cc.notebook_problems(GOOD, reindented.encode())
    assert problems == ["bytes outside the changed sources and owned metadata differ (JSON style)"]


def test_a_lost_final_newline_is_caught() -> None:
    problems = cc.notebook_problems(GOOD, FIXED.rstrip(b"\n"))
    assert problems == ["bytes outside the changed sources and owned metadata differ (JSON style)"]


def test_reordered_metadata_keys_are_caught() -> None:
    # Colab's order is not sorted: a writer that sorts keys changes it.
    metadata = {"kernelspec": {"name": "python3"}, "colab": {"provenance": []}}
    original = json.dumps(_notebook(metadata), indent=2)
    problems = cc.notebook_problems(
        original.encode(), json.dumps(json.loads(original), indent=2, sort_keys=True).encode()
    )
    assert "notebook metadata changed beyond the keys a fix owns" in problems


def test_a_fixed_cell_that_no_longer_parses_is_caught() -> None:
    broken = _jupyter(_with_source(_notebook(), 1, ["import torch\n", "x = torch.ones(2"]))
    problems = cc.notebook_problems(GOOD, broken)
    assert len(problems) == 1
    assert problems[0] == "cell 2: the fixed code does not parse: '(' was never closed (line 2)"


def test_a_source_list_turned_into_a_string_is_caught() -> None:
    as_string = _jupyter(_with_source(_notebook(), 1, "%pip install torch\nimport torch\n"))
    problems = cc.notebook_problems(GOOD, as_string)
    assert "cell 2: source changed between a string and a list" in problems


def test_a_source_list_not_split_into_lines_is_caught() -> None:
    lumped = _jupyter(_with_source(_notebook(), 1, ["%pip install torch\nimport torch\n", "x = 1"]))
    problems = cc.notebook_problems(GOOD, lumped)
    assert problems == ["cell 2: source list no longer holds one line per item"]


def test_non_ascii_escaping_must_follow_the_file() -> None:
    with_accent = _with_source(_notebook(), 1, ["x = 'café'"])
    written_raw = _jupyter(with_accent)
    written_escaped = (json.dumps(with_accent, indent=1, sort_keys=True) + "\n").encode()
    assert "non-ASCII now written as \\u escapes" in cc.notebook_problems(GOOD, written_escaped)
    ascii_only = (json.dumps(_notebook(), indent=1, sort_keys=True) + "\n").encode()
    assert "non-ASCII characters written in an ASCII-only file" in cc.notebook_problems(
        ascii_only, written_raw
    )


def test_setting_the_owned_metadata_keys_passes() -> None:
    # NBP301's fix as nbport writes it: members appended, the file's own indent (1 space here).
    before = GOOD.decode()
    marker = ' "metadata": {\n  "kernelspec": {\n   "display_name": "Python 3",\n'
    assert marker in before
    closing = '   "name": "python3"\n  }\n },\n "nbformat"'
    assert closing in before
    after = before.replace(
        closing,
        '   "name": "python3"\n  },\n  "accelerator": "GPU",\n  "colab": {\n   "gpuType": "T4"\n'
        '  }\n },\n "nbformat"',
    )
    assert cc.notebook_problems(GOOD, after.encode()) == []


def test_other_metadata_changes_are_caught() -> None:
    before = GOOD.decode()
    after = before.replace('"display_name": "Python 3"', '"display_name": "Python 3 (GPU)"')
    problems = cc.notebook_problems(GOOD, after.encode())
    assert "notebook metadata changed beyond the keys a fix owns" in problems


def test_removing_an_owned_key_is_caught() -> None:
    with_accelerator = _notebook({"accelerator": "GPU", "kernelspec": {"name": "python3"}})
    without = _notebook({"kernelspec": {"name": "python3"}})
    problems = cc.notebook_problems(_jupyter(with_accelerator), _jupyter(without))
    assert problems == ["metadata.accelerator removed"]


def test_removal_spans_empty_an_object_to_braces() -> None:
    text = '{"colab": {\n  "gpuType": "T4"\n }, "b": 1}'
    members = cc.object_members(text, text.index("{", 1))
    spans = cc._removal_spans(text, members, {"gpuType"})
    (start, end) = spans[0]
    assert text[:start] + text[end:] == '{"colab": {}, "b": 1}'


def test_removal_spans_take_first_middle_and_last_members_with_their_commas() -> None:
    text = '{"a": 1, "b": 2, "c": 3}'
    members = cc.object_members(text, 0)
    for removed, expected in (
        ({"a"}, '{"b": 2, "c": 3}'),
        ({"b"}, '{"a": 1, "c": 3}'),
        ({"c"}, '{"a": 1, "b": 2}'),
        ({"b", "c"}, '{"a": 1}'),
    ):
        kept = text
        for start, end in reversed(cc._removal_spans(text, members, removed)):
            kept = kept[:start] + kept[end:]
        assert kept == expected, removed


def test_nbformat_3_sources_are_found() -> None:
    text = json.dumps(
        {
            "metadata": {"name": ""},
            "nbformat": 3,
            "nbformat_minor": 0,
            "worksheets": [
                {
                    "cells": [
                        {"cell_type": "code", "input": ["x = 1"], "language": "python"},
                        {"cell_type": "markdown", "source": "# hi"},
                    ],
                    "metadata": {},
                }
            ],
        }
    )
    spans = cc.cell_source_spans(text)
    assert [text[start:end] for start, end in spans] == ['["x = 1"]', '"# hi"']


def test_a_notebook_that_did_not_validate_is_not_held_to_it() -> None:
    invalid = _notebook()
    del invalid["cells"][1]["execution_count"]  # required for a code cell
    invalid_fixed = _with_source(invalid, 1, ["%pip install torch\n", "import torch"])
    assert cc.notebook_problems(_jupyter(invalid), _jupyter(invalid_fixed)) == []
    # ...but a valid one that a fix makes invalid is caught (here: an output loses its name).
    damaged = json.loads(FIXED)
    del damaged["cells"][1]["outputs"][0]["name"]
    problems = cc.notebook_problems(GOOD, _jupyter(damaged))
    assert problems[0].startswith("no longer validates with nbformat")


def test_scripts_keep_line_endings_bom_and_syntax() -> None:
    before = b"\xef\xbb\xbfimport os\r\nos.chdir('data')\r\n"
    assert cc.script_problems(before, b"\xef\xbb\xbfimport os\r\nos.chdir('..')\r\n") == []
    assert cc.script_problems(before, b"\xef\xbb\xbfimport os\nos.chdir('..')\n") == [
        "line endings or the final newline changed"
    ]
    assert cc.script_problems(before, b"import os\r\nos.chdir('..')\r\n") == [
        "byte order mark added or removed"
    ]
    broken = cc.script_problems(before, b"\xef\xbb\xbfimport os\r\nos.chdir('..'\r\n")
    assert len(broken) == 1
    assert broken[0].startswith("the fixed script does not parse")


def test_percent_scripts_parse_with_their_escapes_masked() -> None:
    before = b"# %%\nimport os\n# %%\n!ls data\n"
    assert cc.script_problems(before, b"# %%\nimport os\n# %%\n!ls ../data\n") == []
    problems = cc.script_problems(before, b"# %%\nimport os\n# %%\n!ls data\nx = (\n")
    assert problems == ["the fixed script does not parse at line 5: '(' was never closed"]


ROOT = Path("/tmp/copy")
FILES = ["repo/a.ipynb", "repo/odd:name.py", "repo/b.py"]


def test_parse_text_output_reads_findings_errors_summary_and_stray_lines() -> None:
    stdout = "\n".join(
        [
            "/tmp/copy/repo/a.ipynb:cell 3:2:5: NBP002 `!pip install` runs the first pip: use %pip",
            "/tmp/copy/repo/odd:name.py:12:1: NBP202 `tf.Session` is TF 1 API",
            "Found 2 findings in 2 files. 1 fixable with `nbport fix`.",
            "something else",
        ]
    )
    stderr = "\n".join(
        [
            "/tmp/copy/repo/b.py: error: not valid Python 3: invalid syntax",
            "/tmp/copy/repo/a.ipynb:cell 4: error: not valid Python 3: '(' was never closed",
            "1 error: some files or cells were not checked (lines marked error).",
        ]
    )
    output = cc.parse_text_output(stdout, stderr, ROOT, FILES)
    assert output.findings == (
        cc.ReportedFinding(
            "repo/a.ipynb", 3, 2, 5, "NBP002", "`!pip install` runs the first pip: use %pip"
        ),
        cc.ReportedFinding("repo/odd:name.py", None, 12, 1, "NBP202", "`tf.Session` is TF 1 API"),
    )
    assert output.errors == (
        cc.ReportedError("repo/b.py", None, "not valid Python 3: invalid syntax"),
        cc.ReportedError("repo/a.ipynb", 4, "not valid Python 3: '(' was never closed"),
    )
    # The summary goes to stdout; an error summary on stderr is not an error line.
    assert output.stray_lines == (
        "something else",
        "1 error: some files or cells were not checked (lines marked error).",
    )
    assert cc.expected_exit_code(output) == 2


def test_parse_json_output_reads_the_version_1_report() -> None:
    document = {
        "version": 1,
        "findings": [
            {
                "rule": "NBP001",
                "message": "`!cd data` runs in a throw-away shell",
                "path": "/tmp/copy/repo/a.ipynb",
                "cell": 3,
                "line": 2,
                "column": 1,
                "end": {"line": 2, "column": 10},
                "fix": {"available": True, "safety": "safe"},
            },
            {
                "rule": "NBP001",
                "message": "elsewhere",
                "path": "/elsewhere/x.py",
                "cell": None,
                "line": 1,
                "column": 1,
                "end": {"line": 1, "column": 2},
                "fix": {"available": False, "safety": "none"},
            },
        ],
        "errors": [{"path": "/tmp/copy/repo/b.py", "cell": None, "message": "invalid JSON: x"}],
    }
    output = cc.parse_json_output(json.dumps(document), "", ROOT, FILES)
    assert output.findings == (
        cc.ReportedFinding(
            "repo/a.ipynb", 3, 2, 1, "NBP001", "`!cd data` runs in a throw-away shell", True
        ),
    )
    assert output.errors == (cc.ReportedError("repo/b.py", None, "invalid JSON: x"),)
    assert len(output.stray_lines) == 1 and "/elsewhere/x.py" in output.stray_lines[0]
    assert (
        cc.parse_json_output("Traceback", "", ROOT, FILES)
        .stray_lines[0]
        .startswith("stdout is not JSON")
    )


def test_error_kinds() -> None:
    assert cc.error_kind("invalid JSON: Expecting value (line 1, column 1)") == "invalid JSON"
    assert cc.error_kind(
        "duplicate JSON key 'id' at line 4; nbport will not rewrite this file"
    ) == ("duplicate JSON keys")
    assert cc.error_kind("not valid Python 3: invalid syntax") == "syntax error in a cell or script"
    assert (
        cc.error_kind("kernel language is 'R', not Python; not checked") == "not a Python notebook"
    )
    assert cc.error_kind("something new") == "other"


def test_findings_per_rule_counts_findings_and_files() -> None:
    findings = [
        cc.ReportedFinding("a.py", None, 1, 1, "NBP002", "m"),
        cc.ReportedFinding("a.py", None, 2, 1, "NBP002", "m"),
        cc.ReportedFinding("b.py", None, 1, 1, "NBP002", "m"),
        cc.ReportedFinding("b.py", None, 1, 1, "NBP101", "m"),
    ]
    assert cc.findings_per_rule(findings) == [("NBP002", 3, 2), ("NBP101", 1, 1)]


def test_precision_sample_is_fixed_by_its_seed_and_quotes_the_code(tmp_path: Path) -> None:
    (tmp_path / "nb.ipynb").write_bytes(GOOD)
    (tmp_path / "s.py").write_text("import os\r\nos.chdir('x')\r\n")
    findings = [cc.ReportedFinding("nb.ipynb", 2, line, 1, "NBP002", "m") for line in (1, 2, 3)]
    findings += [cc.ReportedFinding("s.py", None, 2, 1, "NBP001", "m | pipe")]
    first = cc.precision_sample(findings, tmp_path, count=3, seed=1)
    again = cc.precision_sample(list(reversed(findings)), tmp_path, count=3, seed=1)
    assert first == again
    assert len({item.finding for item in first}) == 3
    everything = cc.precision_sample(findings, tmp_path, count=40, seed=1)
    assert {item.finding for item in everything} == set(findings)
    assert {(item.finding.path, item.finding.line): item.code for item in everything} == {
        ("nb.ipynb", 1): "!pip install torch",
        ("nb.ipynb", 2): "import torch",
        ("nb.ipynb", 3): "x = torch.ones(2)",
        ("s.py", 2): "os.chdir('x')",
    }
    table = cc.precision_markdown(everything, len(findings), tmp_path)
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 4  # the header and one row per finding
    assert "| m \\| pipe |" in table
    assert "| `os.chdir('x')` | |" in table  # the code, then the empty verdict


def test_parse_outputs_read_skipped_files() -> None:
    stdout = "\n".join(
        [
            "/tmp/copy/repo/a.ipynb: skipped: not Python (R)",
            "All checks passed (2 files checked).",
            "1 file skipped: not Python (R).",
        ]
    )
    output = cc.parse_text_output(stdout, "", ROOT, FILES)
    assert (output.skipped, output.stray_lines, output.errors) == (("repo/a.ipynb",), (), ())
    assert cc.expected_exit_code(output) == 0
    counts = cc.outcome_counts(FILES, output)
    assert counts["skipped (a notebook in another language)"] == 1
    assert counts["passing (no finding, no error)"] == 2
    document = {
        "version": 1,
        "findings": [],
        "errors": [],
        "skipped": [
            {"path": "/tmp/copy/repo/a.ipynb", "reason": "not Python (R)"},
            {"path": "/elsewhere/r.ipynb", "reason": "not Python (R)"},
        ],
    }
    output = cc.parse_json_output(json.dumps(document), "", ROOT, FILES)
    assert output.skipped == ("repo/a.ipynb",)
    assert len(output.stray_lines) == 1 and "/elsewhere/r.ipynb" in output.stray_lines[0]
