"""The library face: fixing in memory, overlapping edits, refusals, atomic writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from nbport.api import apply_fixes, check_paths, check_source, fix_document, fix_paths, rules_for
from nbport.atomic_write import write_atomically
from nbport.documents import document_from_cells
from nbport.finding import Edit, Finding, Fix, FixSafety, Location


def _finding(unit: int, start: int, end: int, text: str) -> Finding:
    where = Location(1, 1, 1)
    fix = Fix((Edit(start, end, text),), FixSafety.SAFE)
    return Finding("NBP001", "m", Path("x.ipynb"), where, where, unit, fix)


def test_apply_fixes_skips_overlaps_and_keeps_order() -> None:
    document = document_from_cells(["abcdef"], "notebook")
    changes, applied = apply_fixes(
        document, [_finding(0, 0, 2, "X"), _finding(0, 1, 3, "Y"), _finding(0, 4, 5, "Z")]
    )
    assert changes == {0: "XcdZf"}
    assert len(applied) == 2


def test_check_source_finds_in_memory() -> None:
    result = check_source(["import os", "!cd data"])
    assert [(f.rule, f.start.label()) for f in result.findings] == [("NBP001", "cell 2:1:1")]


def test_fix_refuses_documents_with_unreadable_cells() -> None:
    document = document_from_cells(["print 'x'", "!cd data"], "notebook")
    outcome = fix_document(document, rules_for())
    assert outcome.document is document
    assert outcome.fixed == ()
    assert [error.cell for error in outcome.result.errors] == [1]


def test_atomic_write_keeps_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "n.ipynb"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [path.name for path in tmp_path.iterdir()] == ["n.ipynb"]


def test_fix_paths_without_write_changes_nothing(tmp_path: Path) -> None:
    notebook = document_from_cells(["!cd data"], "notebook")
    path = tmp_path / "n.ipynb"
    path.write_bytes(notebook.raw)
    report = fix_paths([path], write=False)
    assert path.read_bytes() == notebook.raw
    assert report.changes and report.changes[0].after == "%cd data"
    assert report.exit_code(changes_count=True) == 1
    assert check_paths([path]).exit_code() == 1


def test_an_indented_cell_is_python_as_ipython_reads_it() -> None:
    # IPython strips the indentation of a cell whose first line is indented; so must the checker.
    cell = "\n    import os\n    path = 'data\\\\images\\\\a.png'\n    !cd data\n"
    result = check_source(cell)
    assert result.errors == ()
    assert [(f.rule, f.start.label()) for f in result.findings] == [
        ("NBP101", "cell 1:3:12"),
        ("NBP001", "cell 1:4:5"),
    ]
    outcome = fix_document(document_from_cells([cell], "notebook"), rules_for())
    assert outcome.document.units()[0].text == (
        "\n    import os\n    path = 'data/images/a.png'\n    %cd data\n"
    )
