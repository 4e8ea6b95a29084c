"""Suppressions: `# nbport: ignore[...]` comments, the `nbport-ignore` cell tag, `# nbport: ignore-file`,
and the NBP000 findings for suppressions that silence nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbport.api import (
    check_document,
    check_file,
    check_paths,
    check_source,
    fix_document,
    fix_file,
    fix_paths,
    rules_for,
)
from nbport.documents import document_from_bytes, document_from_cells
from nbport.report.text import finding_line
from nbport.suppressions import SuppressionKind, find_suppressions, scans_for


def labels(result: Any) -> list[str]:
    """`NBP001 cell 1:2:1` for each finding of a check result or file report."""
    return [f"{finding.rule} {finding.start.label()}" for finding in result.findings]


def notebook_bytes(
    cells: Sequence[str | tuple[str, Sequence[str]]], *, markdown_first: bool = False
) -> bytes:
    """A version 4 notebook of code cells; a `(source, tags)` pair gives the cell tags."""
    items: list[dict[str, Any]] = []
    if markdown_first:
        items.append({"cell_type": "markdown", "id": "md", "metadata": {}, "source": "# Title\n"})
    for number, cell in enumerate(cells, start=1):
        source, tags = (cell, ()) if isinstance(cell, str) else cell
        metadata = {"tags": list(tags)} if tags else {}
        items.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{number}",
                "metadata": metadata,
                "outputs": [],
                "source": source,
            }
        )
    notebook = {
        "cells": items,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return (json.dumps(notebook, indent=1) + "\n").encode()


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def cell_sources(path: Path) -> list[str]:
    return [unit.text for unit in document_from_bytes(path, path.read_bytes()).units()]


# --- Line comments -------------------------------------------------------------------------------


def test_a_comment_with_the_rule_id_silences_that_finding_on_its_line() -> None:
    result = check_source(["!cd data  # nbport: ignore[NBP001]\n!cd other\n"])
    assert labels(result) == ["NBP001 cell 1:2:1"]


def test_rule_names_and_lower_case_ids_work_as_codes() -> None:
    assert labels(check_source("!cd data  # nbport: ignore[shell-cd]\n")) == []
    assert labels(check_source("!cd data  # nbport: ignore[nbp001]\n")) == []


def test_a_bare_ignore_silences_every_rule_on_its_line() -> None:
    # `!pip install tensorflow==1.15` is both NBP002 and NBP205.
    both = rules_for(target="both")
    bare = check_source("!pip install tensorflow==1.15  # nbport: ignore\n", rules=both)
    assert labels(bare) == []
    one = check_source("!pip install tensorflow==1.15  # nbport: ignore[NBP205]\n", rules=both)
    assert labels(one) == ["NBP002 cell 1:1:1"]


def test_several_codes_separated_by_commas() -> None:
    result = check_source("!pip install tensorflow==1.15  # nbport: ignore[NBP002, tf1-install]\n")
    assert labels(result) == []


def test_a_comment_for_another_rule_silences_nothing() -> None:
    result = check_source("!cd data  # nbport: ignore[NBP101]\n")
    assert labels(result) == ["NBP001 cell 1:1:1"]


def test_a_comment_on_the_line_above_does_not_reach_the_next_line() -> None:
    result = check_source(
        "# nbport: ignore[NBP101]\np = 'data\\\\images\\\\a.png'\n", layout="notebook"
    )
    assert labels(result) == ["NBP101 cell 1:2:5"]


def test_a_finding_over_several_lines_is_silenced_on_its_first_or_last_line() -> None:
    code = "import tensorflow as tf\nsess = (tf{}\n  .Session){}\n"
    assert labels(check_source(code.format("", ""))) == ["NBP202 cell 1:2:9"]
    assert labels(check_source(code.format("  # nbport: ignore[NBP202]", ""))) == []
    assert (
        labels(check_source(code.format("", "()  # nbport: ignore[NBP202]").replace(")()", ")")))
        == []
    )


def test_a_comment_after_another_comment_still_counts() -> None:
    result = check_source("!cd data  # go there  # nbport: ignore[NBP001]\n")
    assert labels(result) == []


def test_percent_script_lines_are_counted_inside_each_cell() -> None:
    # File lines: 1 `# %%`, 2 `x = 1`, 3 `# %%`, 4 `!cd a`, 5 `!cd b  # ...`.
    result = check_source(["x = 1\n", "!cd a\n!cd b  # nbport: ignore[NBP001]\n"], layout="percent")
    assert labels(result) == ["NBP001 4:1"]


def test_plain_script_comment() -> None:
    code = "p = 'data\\\\images\\\\a.png'  # nbport: ignore[NBP101]\nq = 'data\\\\b\\\\c.png'\n"
    assert labels(check_source(code, layout="script")) == ["NBP101 2:5"]


def test_a_commented_magic_in_a_percent_script_takes_a_comment_after_it() -> None:
    # No live escape in the file: jupytext's commented style, `# !cd` is an escape.
    cells = ["import os\n", "# !cd data  # nbport: ignore[NBP001]\n# !cd other\n"]
    assert labels(check_source(cells, layout="percent")) == ["NBP001 5:3"]


def test_a_marker_inside_a_string_is_not_a_comment() -> None:
    code = "p = ('data\\\\images\\\\a.png', '# nbport: ignore')\n"
    assert labels(check_source(code)) == ["NBP101 cell 1:1:6"]


def test_a_marker_inside_a_multi_line_string_is_not_a_comment() -> None:
    code = 'note = """\n# nbport: ignore-file\n"""\n!cd data\n'
    assert labels(check_source(code)) == ["NBP001 cell 1:4:1"]


def test_a_line_of_a_multi_line_string_that_looks_like_a_comment_is_not_one() -> None:
    code = 'import tensorflow as tf\ndoc = """\n# nbport: ignore  # """; sess = tf.Session()\n'
    assert labels(check_source(code)) == ["NBP202 cell 1:3:33"]


def test_a_marker_quoted_on_a_shell_line_is_not_a_comment() -> None:
    assert labels(check_source('!cd "data # nbport: ignore"\n')) == ["NBP001 cell 1:1:1"]
    assert labels(check_source("!cd data\\ \\# nbport: ignore\n")) == ["NBP001 cell 1:1:1"]


def test_an_indented_cell_is_read_as_ipython_reads_it() -> None:
    # IPython removes the first line's indentation from the cell; the comment is found all the same.
    code = (
        "    p = 'data\\\\images\\\\a.png'  # nbport: ignore[NBP101]\n    q = 'x\\\\y\\\\z.png'\n"
    )
    assert labels(check_source(code)) == ["NBP101 cell 1:2:9"]


def test_a_typo_in_the_comment_silences_nothing() -> None:
    # A bare ignore followed by a code would silence every rule: it is read as no suppression at all.
    assert labels(check_source("!cd data  # nbport: ignore NBP101\n")) == ["NBP001 cell 1:1:1"]
    assert labels(check_source("!cd data  # nbport: ignroe\n")) == ["NBP001 cell 1:1:1"]


def test_a_reason_after_the_codes_is_allowed() -> None:
    assert labels(check_source("!cd data  # nbport: ignore[NBP001] the shell is enough\n")) == []


# --- Cell tags -----------------------------------------------------------------------------------


def test_the_cell_tag_silences_every_finding_in_its_cell_only(tmp_path: Path) -> None:
    data = notebook_bytes(
        [("!cd data\n!pip install tensorflow==1.15\n", ["setup", "nbport-ignore"]), "!cd x\n"]
    )
    report = check_file(write(tmp_path, "tagged.ipynb", data), rules_for())
    assert labels(report) == ["NBP001 cell 2:1:1"]


def test_the_cell_tag_in_an_nbformat_3_notebook(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "collapsed": False, "input": "!cd data\n", "language": "python"}
    cells = [
        {**cell, "metadata": {"tags": ["nbport-ignore"]}, "outputs": []},
        {**cell, "metadata": {}, "outputs": []},
    ]
    notebook = {
        "metadata": {"name": ""},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [{"cells": cells, "metadata": {}}],
    }
    path = write(tmp_path, "v3.ipynb", json.dumps(notebook, indent=1))
    assert labels(check_file(path, rules_for())) == ["NBP001 cell 2:1:1"]


def test_other_tags_silence_nothing(tmp_path: Path) -> None:
    data = notebook_bytes([("!cd data\n", ["nbport-ignored", "skip"])])
    assert labels(check_file(write(tmp_path, "t.ipynb", data), rules_for())) == [
        "NBP001 cell 1:1:1"
    ]


def test_the_cell_tag_on_a_percent_script_marker(tmp_path: Path) -> None:
    # jupytext writes a cell's tags on its marker line.
    text = '# %% tags=["nbport-ignore"]\r\n!cd data\r\n\r\n# %% tags=["other"]\r\n!cd x\r\n'
    path = write(tmp_path, "tagged.py", text)
    assert labels(check_file(path, rules_for())) == ["NBP001 5:1"]


def test_an_unused_tag_on_a_percent_marker_is_reported_at_the_marker(tmp_path: Path) -> None:
    path = write(tmp_path, "tagged.py", '# %%\n!cd data\n\n# %% tags=["nbport-ignore"]\nx = 1\n')
    report = check_file(path, rules_for(), report_unused_suppressions=True)
    assert labels(report) == ["NBP001 2:1", "NBP000 4:1"]
    assert report.findings[1].fix is None


# --- ignore-file ---------------------------------------------------------------------------------


def test_ignore_file_at_the_top_of_a_script_silences_the_file() -> None:
    code = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\n# nbport: ignore-file\np = 'a\\\\b\\\\c.png'\n"
    assert labels(check_source(code, layout="script")) == []


def test_ignore_file_with_codes_silences_only_those_rules() -> None:
    cells = ["# nbport: ignore-file[NBP001]\n!cd data\n", "!pip install tensorflow==1.15\n!cd x\n"]
    assert labels(check_source(cells, rules=rules_for(target="both"))) == [
        "NBP002 cell 2:1:1",
        "NBP205 cell 2:1:14",
    ]


def test_ignore_file_after_the_first_statement_does_nothing() -> None:
    code = "x = 1\n# nbport: ignore-file\np = 'a\\\\b\\\\c.png'\n"
    assert labels(check_source(code, layout="script")) == ["NBP101 3:5"]


def test_ignore_file_after_a_module_docstring_does_nothing() -> None:
    code = '"""A script."""\n# nbport: ignore-file\np = \'a\\\\b\\\\c.png\'\n'
    assert labels(check_source(code, layout="script")) == ["NBP101 3:5"]


def test_ignore_file_at_the_top_of_the_first_code_cell_of_a_notebook(tmp_path: Path) -> None:
    # A Markdown title cell before it does not matter: the first *code* cell is the top.
    data = notebook_bytes(["# nbport: ignore-file\nimport os\n", "!cd data\n"], markdown_first=True)
    assert labels(check_file(write(tmp_path, "n.ipynb", data), rules_for())) == []


def test_ignore_file_in_a_later_cell_does_nothing() -> None:
    cells = ["import os\n", "# nbport: ignore-file\n!cd data\n"]
    assert labels(check_source(cells)) == ["NBP001 cell 2:2:1"]


def test_ignore_file_in_a_percent_script_header_or_first_cell() -> None:
    header = "# nbport: ignore-file\n# %%\n!cd data\n# %%\n!cd x\n"
    first_cell = "# %%\n# nbport: ignore-file\n!cd data\n# %%\n!cd x\n"
    for text in (header, first_cell):
        document = document_from_bytes(Path("s.py"), text.encode())
        assert check_document(document, rules_for()).findings == ()


def test_find_suppressions_describes_each_form() -> None:
    document = document_from_cells(
        [
            "# nbport: ignore-file[NBP202]\n!cd a  # nbport: ignore[NBP001, shell-pip]\n",
            "x = 1  # nbport: ignore\n",
        ],
        "notebook",
    )
    found = find_suppressions(document, scans_for(document))
    assert [(s.kind, s.text, s.codes, s.unit, s.line, s.start.label()) for s in found] == [
        (SuppressionKind.FILE, "# nbport: ignore-file[NBP202]", ("NBP202",), 0, 1, "cell 1:1:1"),
        (
            SuppressionKind.LINE,
            "# nbport: ignore[NBP001, shell-pip]",
            ("NBP001", "shell-pip"),
            0,
            2,
            "cell 1:2:8",
        ),
        (SuppressionKind.LINE, "# nbport: ignore", None, 1, 1, "cell 2:1:8"),
    ]


def test_a_document_without_the_marker_has_no_suppressions() -> None:
    document = document_from_cells(["!cd data  # nbport ignore\n", "x = 'nbport'\n"], "notebook")
    assert find_suppressions(document, scans_for(document)) == ()


# --- Fixing --------------------------------------------------------------------------------------


def test_fix_leaves_suppressed_findings_alone(tmp_path: Path) -> None:
    data = notebook_bytes(
        ["!cd data  # nbport: ignore[NBP001]\n!cd other\n", ("!cd tagged\n", ["nbport-ignore"])]
    )
    path = write(tmp_path, "fix.ipynb", data)
    report = fix_file(path, rules_for())
    assert [finding.rule for finding in report.fixed] == ["NBP001"]
    assert report.findings == ()
    assert cell_sources(path) == ["!cd data  # nbport: ignore[NBP001]\n%cd other\n", "!cd tagged\n"]


def test_fix_leaves_a_file_with_ignore_file_unchanged(tmp_path: Path) -> None:
    text = "# nbport: ignore-file\np = 'data\\\\images\\\\a.png'\n"
    path = write(tmp_path, "s.py", text)
    report = fix_file(path, rules_for())
    assert report.fixed == () and not report.written
    assert path.read_text() == text


# --- Unused suppressions (NBP000) ----------------------------------------------------------------


def unused(
    cells: str | list[str], layout: str = "notebook", select: Sequence[str] = ()
) -> list[str]:
    result = check_source(cells, layout, rules_for(select), report_unused_suppressions=True)
    return [f"{f.rule} {f.start.label()} {f.message}" for f in result.findings]


def test_unused_suppressions_are_not_reported_by_default() -> None:
    assert check_source("x = 1  # nbport: ignore\n").findings == ()


def test_a_bare_comment_on_a_clean_line_is_unused() -> None:
    assert unused("x = 1  # nbport: ignore\n") == [
        "NBP000 cell 1:1:8 unused suppression: `# nbport: ignore` silences nothing here"
    ]


def test_a_used_comment_is_not_reported() -> None:
    assert unused("!cd data  # nbport: ignore[NBP001]\n") == []
    assert unused("!cd data  # nbport: ignore\n") == []


def test_an_unused_code_beside_a_used_one_is_named() -> None:
    assert unused("!cd data  # nbport: ignore[NBP001, NBP101]\n") == [
        "NBP000 cell 1:1:11 unused suppression: NBP101 in `# nbport: ignore[NBP001, NBP101]` "
        "silences nothing here"
    ]


def test_an_unknown_code_is_reported() -> None:
    assert unused("!cd data  # nbport: ignore[NBP001, NBP999]\n") == [
        "NBP000 cell 1:1:11 unused suppression: NBP999 in `# nbport: ignore[NBP001, NBP999]` "
        "silences nothing here (no rule is called NBP999)"
    ]


def test_a_code_of_a_rule_that_did_not_run_is_not_judged() -> None:
    # Only NBP101 runs: NBP001 might well be needed when all rules run, as in ruff.
    assert unused("!cd data  # nbport: ignore[NBP001]\n", select=["NBP101"]) == []
    assert unused("!cd data  # nbport: ignore[NBP001, NBP101]\n", select=["NBP101"]) == [
        "NBP000 cell 1:1:11 unused suppression: NBP101 in `# nbport: ignore[NBP001, NBP101]` "
        "silences nothing here"
    ]


def test_an_unused_cell_tag_is_reported(tmp_path: Path) -> None:
    data = notebook_bytes([("x = 1\n", ["nbport-ignore"]), ("!cd data\n", ["nbport-ignore"])])
    report = check_file(
        write(tmp_path, "t.ipynb", data), rules_for(), report_unused_suppressions=True
    )
    assert [f"{f.rule} {f.start.label()} {f.message}" for f in report.findings] == [
        "NBP000 cell 1:1:1 unused suppression: the cell tag `nbport-ignore` silences nothing in this cell"
    ]
    assert report.findings[0].fix is None


def test_an_unused_ignore_file_is_reported() -> None:
    assert unused("# nbport: ignore-file\nx = 1\n", layout="script") == [
        "NBP000 1:1 unused suppression: `# nbport: ignore-file` silences nothing in this file"
    ]
    assert unused(["# nbport: ignore-file[NBP202]\n!cd data  # nbport: ignore\n"]) == [
        "NBP000 cell 1:1:1 unused suppression: `# nbport: ignore-file[NBP202]` silences nothing in this file"
    ]


def test_a_misplaced_ignore_file_is_reported() -> None:
    message = unused(["x = 1\n# nbport: ignore-file\n"])
    assert message == [
        "NBP000 cell 1:2:1 unused suppression: `# nbport: ignore-file` silences nothing here; it works "
        "only in the comment lines at the top of a script or of a notebook's first code cell"
    ]


def test_a_malformed_comment_is_reported() -> None:
    assert unused("!cd data  # nbport: ignore NBP001  # why\n", select=["NBP101"]) == [
        "NBP000 cell 1:1:11 `# nbport: ignore NBP001` is not a suppression nbport reads, so it "
        "silences nothing; write `# nbport: ignore`, `# nbport: ignore[NBP001]` or `# nbport: ignore-file`"
    ]


def test_a_cell_that_could_not_be_read_is_not_judged() -> None:
    # The first cell is not Python 3: no rule looked at it, so its comment may be needed.
    result = check_source(
        ["print 'hi'  # nbport: ignore\n", "x = 1  # nbport: ignore\n"],
        report_unused_suppressions=True,
    )
    assert [error.cell for error in result.errors] == [1]
    assert labels(result) == ["NBP000 cell 2:1:8"]


def test_a_cell_magic_cell_is_not_python_and_not_judged() -> None:
    assert unused("%%bash\necho hi  # nbport: ignore\n") == []


def test_check_paths_reports_unused_suppressions_only_when_asked(tmp_path: Path) -> None:
    write(tmp_path, "a.py", "x = 1  # nbport: ignore[NBP101]\n")
    assert check_paths([tmp_path]).findings == []
    report = check_paths([tmp_path], report_unused_suppressions=True)
    assert [f"{f.rule} {f.start.label()}" for f in report.findings] == ["NBP000 1:8"]
    assert report.exit_code() == 1


def test_the_text_report_prints_nbp000_like_any_finding(tmp_path: Path) -> None:
    path = write(tmp_path, "a.py", "x = 1  # nbport: ignore\n")
    report = check_file(path, rules_for(), report_unused_suppressions=True)
    assert [finding_line(finding) for finding in report.findings] == [
        f"{path}:1:8: NBP000 warning: unused suppression: `# nbport: ignore` silences nothing here"
    ]


# --- Removing unused suppressions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = 1  # nbport: ignore\ny = 2\n", "x = 1\ny = 2\n"),
        ("x = 1  # nbport: ignore[NBP101] because\n", "x = 1\n"),
        ("x = 1  # nbport: ignore  # type: ignore\n", "x = 1  # type: ignore\n"),
        ("x = 1  # keep this  # nbport: ignore\n", "x = 1  # keep this\n"),
        ("# nbport: ignore\nx = 1\n", "x = 1\n"),
        ("x = 1\n    # nbport: ignore", "x = 1"),
        ("!cd data  # nbport: ignore[NBP001, NBP101]\n", "!cd data  # nbport: ignore[NBP001]\n"),
        (
            "!cd data  # nbport: ignore[NBP101, shell-cd]\n",
            "!cd data  # nbport: ignore[shell-cd]\n",
        ),
        ("!cd data  # nbport: ignore[NBP999]\n", "%cd data\n"),
    ],
)
def test_fix_removes_unused_suppressions(tmp_path: Path, before: str, after: str) -> None:
    path = write(tmp_path, "n.ipynb", notebook_bytes([before]))
    report = fix_file(path, rules_for(), report_unused_suppressions=True)
    assert cell_sources(path) == [after]
    assert report.findings == ()


def test_fix_removes_an_unused_ignore_file_line_from_a_script(tmp_path: Path) -> None:
    path = write(tmp_path, "s.py", "# nbport: ignore-file\r\nx = 1\r\n")
    report = fix_file(path, rules_for(), report_unused_suppressions=True)
    assert [finding.rule for finding in report.fixed] == ["NBP000"]
    assert path.read_bytes() == b"x = 1\r\n"


def test_fix_without_the_option_keeps_unused_suppressions(tmp_path: Path) -> None:
    path = write(tmp_path, "s.py", "x = 1  # nbport: ignore\n")
    report = fix_paths([path])
    assert report.fixed == [] and path.read_text() == "x = 1  # nbport: ignore\n"


def test_a_line_outside_every_cell_has_no_fix(tmp_path: Path) -> None:
    # A Markdown cell of a percent script is no unit: nbport edits only code cells.
    text = "# %% [markdown]\n# nbport: ignore-file\n\n# %%\nx = 1\n"
    path = write(tmp_path, "s.py", text)
    report = fix_file(path, rules_for(), report_unused_suppressions=True)
    assert [f"{f.rule} {f.start.label()}" for f in report.findings] == ["NBP000 2:1"]
    assert report.findings[0].fix is None
    assert path.read_text() == text


def test_ignore_file_in_a_percent_script_yaml_header_counts() -> None:
    text = "# ---\n# nbport: ignore-file\n# ---\n\n# %%\n!cd data\n"
    document = document_from_bytes(Path("s.py"), text.encode())
    assert document.units()[0].first_line == 6  # the header belongs to no unit
    assert check_document(document, rules_for()).findings == ()


# --- Bad input -------------------------------------------------------------------------------------


def test_a_cell_tokenize_cannot_read_is_an_error_not_a_crash() -> None:
    result = check_source(
        ['x = """\n# nbport: ignore\n', "!cd a\n"], report_unused_suppressions=True
    )
    assert [error.cell for error in result.errors] == [1]
    assert labels(result) == ["NBP001 cell 2:1:1"]


_FRAGMENTS = st.sampled_from(
    [
        "# nbport: ignore",
        "# nbport: ignore-file",
        "# nbport:",
        "[",
        "]",
        "NBP001",
        "shell-cd",
        ", ",
        "!cd x",
        "%cd y",
        "%%bash\n",
        "p = 'a\\\\b\\\\c.png'",
        '"""',
        "'",
        "\\",
        " ",
        "\t",
        "\n",
        "\r\n",
        "x = (1,",
        ")",
        "#",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(_FRAGMENTS, max_size=12).map("".join), min_size=1, max_size=3),
    st.sampled_from(["notebook", "percent"]),
)
def test_suppressions_only_take_findings_away_and_never_crash(
    cells: list[str], layout: str
) -> None:
    from nbport.engine import check_document

    document = document_from_cells(cells, layout)
    rules = rules_for()
    plain = check_document(document, rules)
    result = check_document(document, rules, report_unused_suppressions=True)
    assert result.errors == plain.errors
    kept = [finding for finding in result.findings if finding.rule != "NBP000"]
    assert set(kept) <= set(plain.findings)
    fix_document(document, rules, unsafe=True, report_unused_suppressions=True)
