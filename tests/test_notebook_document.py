"""NotebookDocument: reading notebooks, and writing back only the sources that changed."""

from __future__ import annotations

import base64
import json
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import nbformat
import pytest
from conftest import CORPUS, require_shared
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nbport.documents.base import DocumentError, NotPython, python_newlines
from nbport.documents.json_layout import (
    StringStyle,
    encode_source,
    read_layout,
)
from nbport.documents.notebook import NotebookDocument
from nbport.escapes import EscapeStyle

PATH = Path("test.ipynb")
BOM = b"\xef\xbb\xbf"


def notebook_bytes(*sources: str, indent: int | str | None = 1, **metadata: Any) -> bytes:
    """A small v4 notebook: a markdown cell, then one code cell per source (as lists of lines)."""
    cells: list[dict[str, Any]] = [
        {"cell_type": "markdown", "id": "md", "metadata": {}, "source": ["# Title"]}
    ]
    for number, source in enumerate(sources):
        cells.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{number}",
                "metadata": {},
                "outputs": [],
                "source": source.splitlines(keepends=True),
            }
        )
    data = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    return (json.dumps(data, indent=indent, ensure_ascii=False) + "\n").encode()


def load(raw: bytes) -> NotebookDocument:
    return NotebookDocument.from_bytes(PATH, raw)


def validate(raw: bytes) -> None:
    """Raise unless `raw` is a valid notebook by nbformat's own check."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nbformat.validate(json.loads(raw.decode("utf-8-sig")))


def pairs(raw: bytes | str) -> Any:
    """The JSON value with every object as a list of (key, value) pairs, so key order counts."""
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    return json.loads(text, object_pairs_hook=list)


# --- Reading --------------------------------------------------------------------------------------


def test_units_are_code_cells_numbered_among_all_cells():
    document = load(notebook_bytes("import os\n!ls", "x = 1\n"))
    assert document.kind == "notebook"
    assert document.notices == ()
    assert [(unit.index, unit.cell, unit.text) for unit in document.units()] == [
        (0, 2, "import os\n!ls"),
        (1, 3, "x = 1\n"),
    ]
    assert all(unit.first_line == 1 for unit in document.units())
    assert all(unit.escape_style is EscapeStyle.LIVE for unit in document.units())
    assert document.version == (4, 5)
    assert document.notebook.cells[1].source == ["import os\n", "!ls"]


def test_source_as_one_string():
    data = json.loads(notebook_bytes("a\nb"))
    data["cells"][1]["source"] = "a\nb"
    raw = json.dumps(data).encode()
    document = load(raw)
    assert document.units()[0].text == "a\nb"
    changed = document.with_sources({0: "c\n"}).dump()
    assert changed == raw.replace(b'"a\\nb"', b'"c\\n"')


def test_load_reads_the_file(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_bytes(notebook_bytes("x"))
    document = NotebookDocument.load(path)
    assert document.path == path
    assert document.raw == path.read_bytes()
    with pytest.raises(DocumentError, match=r"^no such file$"):
        NotebookDocument.load(tmp_path / "missing.ipynb")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty file"),
        (b" \n\t", "empty file"),
        (BOM, "empty file"),
        (b'{"cells": []\x00}', "binary file, not a notebook"),
        ('{"a": "é"}'.encode("utf-16"), "binary file, not a notebook"),
        (b'{"cells": "\xff"}', "not UTF-8: invalid byte 0xff at offset 11"),
        (BOM + b'{"a": "\xc3"}', "not UTF-8: invalid byte 0xc3 at offset 10"),
        (b'{"cells": [,]}', r"invalid JSON: Expecting value \(line 1, column 12\)"),
        (b'{"a": 1}\n{"b": 2}', r"invalid JSON: Extra data \(line 2, column 1\)"),
        (b"[1, 2]", "not a Jupyter notebook: the JSON value is an array, not an object"),
        (b"42", "not a Jupyter notebook: the JSON value is a number, not an object"),
        (b'"x"', "not a Jupyter notebook: the JSON value is a string, not an object"),
        (b"null", "not a Jupyter notebook: the JSON value is null, not an object"),
        (b'{"cells": []}', "not a Jupyter notebook: no 'nbformat' key"),
        (b'{"nbformat": "4"}', "not a Jupyter notebook: 'nbformat' and 'nbformat_minor' must"),
        (b'{"nbformat": 4, "nbformat_minor": 4.0}', "not a Jupyter notebook: 'nbformat' and"),
        (b'{"nbformat": 2, "nbformat_minor": 0}', "unsupported nbformat version 2; nbport reads"),
        (
            b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": 1}',
            r"not a Jupyter notebook: Additional properties are not allowed \('x' was unexpected\)",
        ),
        (b'{"nbformat": 4, "nbformat_minor": 5}', "not a Jupyter notebook: '[a-z]+' is a required"),
    ],
)
def test_bad_files(raw, message):
    with pytest.raises(DocumentError, match=f"^{message}") as raised:
        load(raw)
    assert "\n" not in str(raised.value)
    assert "test.ipynb" not in str(raised.value)


@pytest.mark.parametrize(
    ("metadata", "language"),
    [
        ({"kernelspec": {"name": "ir", "display_name": "R", "language": "R"}}, "R"),
        ({"language_info": {"name": "julia"}}, "julia"),
        (
            {
                "kernelspec": {"name": "x", "display_name": "x", "language": "bash"},
                "language_info": {"name": "python"},
            },
            "bash",
        ),
    ],
)
def test_other_kernel_languages_are_not_checked(metadata, language):
    # Skipped rather than failed (tests/test_languages.py), but never read as Python.
    with pytest.raises(NotPython) as raised:
        load(notebook_bytes("x", **metadata))
    assert str(raised.value) == f"not Python ({language})"


@pytest.mark.parametrize(
    "metadata",
    [
        {},
        {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        {"language_info": {"name": "python", "version": "3.11"}},
        {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        {"language_info": {"name": "Python 3"}},
    ],
)
def test_python_kernels_are_checked(metadata):
    assert load(notebook_bytes("x", **metadata)).units()[0].text == "x"


def test_byte_order_mark_is_kept():
    raw = BOM + notebook_bytes("x = 1")
    document = load(raw)
    assert document.dump() == raw
    changed = document.with_sources({0: "x = 2"}).dump()
    assert changed == raw.replace(b'"x = 1"', b'"x = 2"')


def test_duplicate_keys_block_writing_but_not_checking():
    raw = b"""{
 "cells": [
  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
   "source": [
    "x = 1"
   ]}
 ],
 "metadata": {},
 "metadata": {"kernelspec": {"name": "python3", "display_name": "P", "language": "python"}},
 "nbformat": 4,
 "nbformat_minor": 4
}"""
    document = load(raw)
    assert [unit.text for unit in document.units()] == ["x = 1"]
    (notice,) = document.notices
    assert notice.message == (
        "duplicate JSON key 'metadata' at line 9; nbport will not rewrite this file"
    )
    assert notice.blocks_writing
    # The new document still says so, with the key's new line.
    changed = document.with_sources({0: "x = 1\ny = 2\nz = 3"})
    (notice,) = changed.notices
    assert notice.message.startswith("duplicate JSON key 'metadata' at line 11;")
    assert notice.blocks_writing


def test_a_repeated_source_key_edits_the_value_json_loads_keeps():
    raw = notebook_bytes("x = 1").replace(b'"source": [', b'"source": ["old"],\n   "source": [')
    document = load(raw)
    assert document.units()[0].text == "x = 1"
    assert document.notices[0].blocks_writing
    new = document.with_sources({0: "x = 2"}).dump()
    assert new == raw.replace(b'"x = 1"', b'"x = 2"')


def test_many_duplicate_keys_are_counted():
    raw = notebook_bytes("x").replace(b'"id": "c0",', b'"id": "c0", "id": "c0", "id": "c1",')
    (notice,) = load(raw).notices
    assert notice.message.startswith("duplicate JSON key 'id' at line ")
    assert "(and 1 more)" in notice.message


def test_validation_does_not_add_cell_ids():
    data = json.loads(notebook_bytes("x"))
    for cell in data["cells"]:
        del cell["id"]
    document = load(json.dumps(data).encode())
    assert "id" not in document.notebook.cells[1]


# --- nbformat 3 -----------------------------------------------------------------------------------


def v3_notebook_bytes() -> bytes:
    v3 = nbformat.v3
    notebook = v3.new_notebook(
        worksheets=[
            v3.new_worksheet(
                cells=[
                    v3.new_heading_cell("Title", level=1),
                    v3.new_code_cell(input="import os\nos.getcwd()"),
                    v3.new_text_cell("markdown", source="Some *text*"),
                ]
            ),
            v3.new_worksheet(cells=[v3.new_code_cell(input=""), v3.new_code_cell(input="x")]),
        ],
        metadata=v3.new_metadata(name="old"),
    )
    return v3.writes_json(notebook).encode()


def test_nbformat_3_is_checked_and_edited_in_place():
    raw = v3_notebook_bytes()
    document = load(raw)
    assert document.version[0] == 3
    assert [(unit.cell, unit.text) for unit in document.units()] == [
        (2, "import os\nos.getcwd()"),
        (4, ""),
        (5, "x"),
    ]
    changed = document.with_sources({0: "import os\nprint(os.getcwd())", 1: "y = 1\ny"})
    new = changed.dump()
    assert new.startswith(raw[: raw.index(b"os.getcwd()")])
    data = json.loads(new)
    assert data["nbformat"] == 3
    cells = [cell for sheet in data["worksheets"] for cell in sheet["cells"]]
    assert cells[1]["input"] == ["import os\n", "print(os.getcwd())"]
    assert cells[3]["input"] == ["y = 1\n", "y"]
    validate(new)
    expected = json.loads(raw)
    expected["worksheets"][0]["cells"][1]["input"] = cells[1]["input"]
    expected["worksheets"][1]["cells"][0]["input"] = cells[3]["input"]
    assert new.decode() == json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False)
    assert [unit.text for unit in load(new).units()][:2] == [
        "import os\nprint(os.getcwd())",
        "y = 1\ny",
    ]


def test_later_nbformat_3_minor_versions_are_read_as_3_0():
    raw = v3_notebook_bytes().replace(b'"nbformat_minor": 0', b'"nbformat_minor": 1')
    assert b'"nbformat_minor": 1' in raw
    assert len(load(raw).units()) == 3


# --- Writing --------------------------------------------------------------------------------------


def test_unchanged_texts_change_nothing():
    raw = notebook_bytes("a\nb", "c")
    document = load(raw)
    assert document.with_sources({}) is document
    assert document.with_sources({0: "a\nb", 1: "c"}).dump() == raw


def test_unknown_unit_index():
    with pytest.raises(IndexError):
        load(notebook_bytes("x")).with_sources({1: "y"})


def test_escaped_lone_surrogates_survive_edits():
    raw = notebook_bytes("a = 1\nb = 2").replace(b"a = 1", b"a = '\\ud800'")
    document = load(raw)
    assert document.units()[0].text == "a = '\ud800'\nb = 2"
    changed = document.with_sources({0: "a = '\ud800'\nb = '\udfff'"}).dump()
    assert b"b = '\\udfff'" in changed
    assert load(changed).units()[0].text == "a = '\ud800'\nb = '\udfff'"


@pytest.mark.parametrize(
    ("items", "new_text", "expected"),
    [
        # Blank lines kept in the item before, as some writers do: the untouched items stay.
        (["a = 1\n\n", "b = 2\n\n", "c = 3"], "a = 1\n\nb = 3\n\nc = 3", None),
        (["a = 1\n\n", "b = 2\n\n", "c = 3"], "a = 1\n\nb = 2\n\nc = 4\nd", None),
        (["a\n", "b = ", "c\n", "d"], "a\nb = c\ne", ["a\n", "b = c\n", "e"]),
        (["x = 1\n", "x = 1\n"], "x = 1\n", ["x = 1\n"]),
        (["x\n", "", "y"], "x\n\ny", ["x\n", "\n", "", "y"]),
        (["ab"], "abc\n", ["abc\n"]),
    ],
)
def test_edits_keep_the_items_around_them(items, new_text, expected):
    data = json.loads(notebook_bytes("x"))
    data["cells"][1]["source"] = items
    raw = json.dumps(data, indent=1).encode()
    new = json.loads(load(raw).with_sources({0: new_text}).dump())
    if expected is None:
        expected = {
            "a = 1\n\nb = 3\n\nc = 3": ["a = 1\n\n", "b = 3\n", "\n", "c = 3"],
            "a = 1\n\nb = 2\n\nc = 4\nd": ["a = 1\n\n", "b = 2\n\n", "c = 4\n", "d"],
        }[new_text]
    assert new["cells"][1]["source"] == expected


def test_unchanged_lines_keep_their_original_tokens():
    # Lines written by a tool that escapes non-ASCII, in a file that mostly does not.
    raw = notebook_bytes("s = 'é'\nt = 'é'\n", "u = 'ü'")
    raw = raw.replace(b"\"s = '\xc3\xa9'\\n\"", b"\"s = '\\u00e9'\\n\"")
    document = load(raw)
    changed = document.with_sources({0: "s = 'é'\nt = 'ü'\nv = 'é'\n"}).dump()
    assert b"\"s = '\\u00e9'\\n\"" in changed
    assert "\"t = 'ü'\\n\"".encode() in changed
    assert "\"v = 'é'\\n\"".encode() in changed


def test_source_line_in_file():
    raw = notebook_bytes("a = 1\nb = 2\n\nc = 3", "x = 1")
    document = load(raw)
    lines = raw.decode().splitlines()
    for line, expected in enumerate(["a = 1\n", "b = 2\n", "\n", "c = 3"], start=1):
        assert json.dumps(expected)[1:-1] in lines[document.source_line_in_file(0, line) - 1]
    # Past the end: the last line.
    assert document.source_line_in_file(0, 9) == document.source_line_in_file(0, 4)
    # One string: the line where the value starts.
    data = json.loads(raw)
    data["cells"][1]["source"] = "a\nb"
    raw = json.dumps(data, indent=1).encode()
    document = load(raw)
    line = document.source_line_in_file(0, 2)
    assert raw.decode().splitlines()[line - 1].strip() == '"source": "a\\nb"'
    with pytest.raises(ValueError):
        document.source_line_in_file(0, 0)


def test_source_line_in_file_with_items_holding_several_lines():
    data = json.loads(notebook_bytes("x"))
    data["cells"][1]["source"] = ["a\nb\n", "", "c\n", "d"]
    raw = json.dumps(data, indent=1).encode()
    document = load(raw)
    lines = raw.decode().splitlines()

    def text_at(line: int) -> str:
        return lines[document.source_line_in_file(0, line) - 1].strip()

    assert [text_at(line) for line in (1, 2, 3, 4)] == [
        '"a\\nb\\n",',
        '"a\\nb\\n",',
        '"c\\n",',
        '"d"',
    ]


# --- Generated notebooks --------------------------------------------------------------------------

SPECIAL = "\n\n\n\r\t\"\\/<>&'é€😀\u2028\x7f\x08\x0c\x1b !%"
# No lone surrogates: no writer can put one in a UTF-8 file (as an escape, see below).
texts = st.text(
    st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=["Cs"])), max_size=40
)
# One of every character the styles treat differently, so that the file shows its style.
PROBE = "é😀<>&/\u2028\x7f\x08\x0c\x1b"
base64_strings = st.binary(max_size=24).map(lambda data: base64.b64encode(data).decode())
tags = st.lists(st.sampled_from(["hide", "parameters"]), unique=True, max_size=2)
cell_metadata = st.fixed_dictionaries(
    {},
    optional={
        "tags": tags,
        "collapsed": st.booleans(),
        "scrolled": st.booleans(),
        "nbport-test": texts,
    },
)
v4 = nbformat.v4
outputs = st.one_of(
    st.builds(
        lambda name, text: v4.new_output("stream", name=name, text=text),
        st.sampled_from(["stdout", "stderr"]),
        texts,
    ),
    st.builds(
        lambda png, text: v4.new_output(
            "display_data", data={"image/png": png, "text/plain": text}
        ),
        base64_strings,
        texts,
    ),
    st.builds(
        lambda count, text: v4.new_output(
            "execute_result", data={"text/plain": text}, execution_count=count
        ),
        st.integers(1, 99),
        texts,
    ),
    st.builds(
        lambda name, value, trace: v4.new_output(
            "error", ename=name, evalue=value, traceback=trace
        ),
        texts,
        texts,
        st.lists(texts, max_size=3),
    ),
)
cells = st.one_of(
    st.builds(
        lambda source, out, count, meta: v4.new_code_cell(
            source, outputs=out, execution_count=count, metadata=meta
        ),
        texts,
        st.lists(outputs, max_size=3),
        st.none() | st.integers(1, 99),
        cell_metadata,
    ),
    st.builds(
        lambda source, png, meta: v4.new_markdown_cell(
            source, metadata=meta, **({"attachments": {"a.png": {"image/png": png}}} if png else {})
        ),
        texts,
        st.none() | base64_strings,
        cell_metadata,
    ),
    st.builds(lambda source: v4.new_raw_cell(source), texts),
)


@dataclass(frozen=True)
class Writer:
    """How a generated notebook is written: Python's json options plus other writers' habits."""

    indent: int | str | None
    sort_keys: bool
    ensure_ascii: bool
    compact: bool
    final_newline: bool
    go_escapes: bool  # <, >, &, U+2028, U+2029 as \u escapes, \b and \f as \u0008, \u000c
    escape_slash: bool
    uppercase_hex: bool
    crlf: bool
    bom: bool

    def write(self, data: Any) -> bytes:
        separators = (",", ":") if self.compact else None
        text = json.dumps(
            data,
            indent=self.indent,
            sort_keys=self.sort_keys,
            ensure_ascii=self.ensure_ascii,
            separators=separators,
        )
        # Outside strings, JSON text holds none of the characters replaced here.
        if self.go_escapes:
            for char in "<>&\u2028\u2029":
                text = text.replace(char, f"\\u{ord(char):04x}")
            text = re.sub(
                r"\\(\\|b|f)",
                lambda m: {"\\": "\\\\", "b": "\\u0008", "f": "\\u000c"}[m[1]],
                text,
            )
        if self.escape_slash:
            text = text.replace("/", "\\/")
        if self.uppercase_hex:
            text = re.sub(
                r"\\(\\|u[0-9a-f]{4})",
                lambda m: m[0] if m[1] == "\\" else m[0].upper().replace("\\U", "\\u"),
                text,
            )
        if self.final_newline:
            text += "\n"
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return (BOM if self.bom else b"") + text.encode("utf-8")


writers = st.builds(
    Writer,
    indent=st.sampled_from([None, 0, 1, 2, 4, "\t"]),
    sort_keys=st.booleans(),
    ensure_ascii=st.booleans(),
    compact=st.booleans(),
    final_newline=st.booleans(),
    go_escapes=st.booleans(),
    escape_slash=st.booleans(),
    uppercase_hex=st.booleans(),
    crlf=st.booleans(),
    bom=st.booleans(),
)


@st.composite
def notebooks(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    """A valid v4 notebook as plain data, and whether it carries the style probe."""
    notebook = v4.new_notebook(cells=draw(st.lists(cells, max_size=6)))
    probe = draw(st.booleans())
    if probe:
        notebook.metadata["nbport-probe"] = PROBE
    if draw(st.booleans()):
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
    form = draw(st.sampled_from(["list", "string", "mixed"]))
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # new_*_cell draws random ids: keep examples reproducible
        as_list = form == "list" or (form == "mixed" and draw(st.booleans()))
        if as_list:
            cell.source = cell.source.splitlines(keepends=True)
    return json.loads(json.dumps(notebook)), probe


def with_new_sources(data: Any, changes: dict[int, str]) -> Any:
    """`data` with code cell `index` holding each new text, in the form its source had."""
    data = json.loads(json.dumps(data))
    code_cells = [cell for cell in data["cells"] if cell["cell_type"] == "code"]
    for index, text in changes.items():
        cell = code_cells[index]
        cell["source"] = (
            text.splitlines(keepends=True) if isinstance(cell["source"], list) else text
        )
    return data


def marked_pattern(writer: Writer, data: Any, changed: list[int]) -> re.Pattern[str]:
    """A pattern for the text of `data` written by `writer` in which only the sources of the
    `changed` code cells may differ: each of them is a group.

    Written independently of nbport: the changed sources are replaced by markers, and the text
    between markers must stay exactly as the writer wrote it.
    """
    code_cells = [cell for cell in data["cells"] if cell["cell_type"] == "code"]
    marked = json.loads(json.dumps(data))
    marked_cells = [cell for cell in marked["cells"] if cell["cell_type"] == "code"]
    for index in changed:
        marked_cells[index]["source"] = f"@@nbport-marker-{index}@@"
    text = writer.write(marked).decode("utf-8-sig")
    assert len(code_cells) == len(marked_cells)
    pieces = re.split(r'"@@nbport-marker-[0-9]+@@"', text)
    return re.compile("(.*)".join(re.escape(piece) for piece in pieces), re.DOTALL)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(notebooks(), writers, st.data())
def test_generated_notebooks_round_trip_and_edit_in_place(notebook, writer, data):
    notebook_data, probe = notebook
    raw = writer.write(notebook_data)
    document = load(raw)
    # Unchanged: the very same bytes, and the sources as nbformat sees them.
    assert document.dump() == raw
    code_cells = [cell for cell in notebook_data["cells"] if cell["cell_type"] == "code"]
    all_numbers = [
        number
        for number, cell in enumerate(notebook_data["cells"], start=1)
        if cell["cell_type"] == "code"
    ]
    assert [unit.cell for unit in document.units()] == all_numbers
    # Units read a lone `\r` as a newline, as Python does (`python_newlines`).
    assert [unit.text for unit in document.units()] == [
        python_newlines("".join(cell["source"])) for cell in code_cells
    ]
    assume(code_cells)

    indices = data.draw(st.sets(st.sampled_from(range(len(code_cells))), min_size=1))
    changes = {index: data.draw(texts, label=f"text {index}") for index in sorted(indices)}
    for index, text in changes.items():
        original = "".join(code_cells[index]["source"])
        # Text that differs from a cell only in how its lines end, and any text for a cell
        # written with lone `\r` endings, take the cell's own endings: test_line_endings.py.
        assume(text == original or python_newlines(text) != python_newlines(original))
        assume(not ("\r" in original and "\n" not in original))
    changed = document.with_sources(changes)
    new = changed.dump()
    expected = with_new_sources(notebook_data, changes)

    # Same data, same key order, only the changed sources differ.
    assert pairs(new) == pairs(writer.write(expected))
    # Every byte outside the changed sources' values is as the writer wrote it.
    match = marked_pattern(writer, notebook_data, sorted(changes)).fullmatch(
        new.decode("utf-8-sig")
    )
    assert match is not None
    for group, index in zip(match.groups(), sorted(changes), strict=True):
        assert (
            json.loads(group)
            == json.loads(json.dumps(expected))["cells"][
                notebook_data["cells"].index(code_cells[index])
            ]["source"]
        )
    assert new.startswith(BOM) == writer.bom
    validate(new)
    # Loading the result gives the new texts.
    reloaded = load(new)
    for index, unit in enumerate(reloaded.units()):
        assert unit.text == python_newlines(
            changes.get(index, "".join(code_cells[index]["source"]))
        )
    # Idempotent: the same texts again change nothing.
    assert changed.with_sources(changes).dump() == new
    assert reloaded.with_sources(changes).dump() == new
    # When the file shows every part of its style, the edit is exactly what its writer would
    # have written.
    if probe:
        assert new == writer.write(expected)


@settings(deadline=None, max_examples=150)
@given(notebooks(), writers)
def test_generated_notebooks_reencode_their_own_sources(notebook, writer):
    notebook_data, probe = notebook
    assume(probe)
    text = writer.write(notebook_data).decode("utf-8-sig")
    assert sources_reencoded_exactly(text) == len(notebook_data["cells"])


def sources_reencoded_exactly(text: str) -> int:
    """How many cells' source values the learned style and layout write exactly as `text` has."""
    layout = read_layout(text)
    style = StringStyle.learn(text)
    data = json.loads(text)
    exact = 0
    for spans, cell in zip(layout.cells, data["cells"], strict=True):
        value = spans.source
        assert value is not None
        source = cell["source"]
        list_layout = layout.list_layout(text, spans, value) if isinstance(source, list) else None
        exact += encode_source(source, style, list_layout) == text[value.start : value.end]
    return exact


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@settings(deadline=None)
@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries(
            {
                "nbformat": st.sampled_from([3, 4, 5]) | json_values,
                "nbformat_minor": st.integers(0, 9) | json_values,
            },
            optional={
                "cells": json_values,
                "worksheets": json_values,
                "metadata": json_values,
            },
        ),
    )
)
def test_any_json_loads_or_gives_a_document_error(value):
    raw = json.dumps(value).encode()
    try:
        document = load(raw)
    except DocumentError as error:
        assert "\n" not in str(error)
    else:
        assert document.dump() == raw
        document.units()


@given(st.binary(max_size=60))
def test_any_bytes_load_or_give_a_document_error(raw):
    try:
        load(raw)
    except DocumentError as error:
        assert "\n" not in str(error)


# --- The corpus -----------------------------------------------------------------------------------


def corpus_paths() -> list[Path]:
    return sorted(require_shared(CORPUS).rglob("*.ipynb"))


def error_kind(message: str) -> str:
    return re.sub(r"[:(].*", "", message).strip()


def test_corpus_loads_or_gives_known_errors():
    errors: Counter[str] = Counter()
    notices: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    for path in corpus_paths():
        try:
            document = NotebookDocument.load(path)
        except NotPython as skip:
            skipped[skip.language] += 1
            continue
        except DocumentError as error:
            errors[error_kind(str(error))] += 1
            continue
        document.units()
        for notice in document.notices:
            assert notice.blocks_writing
            notices[notice.message.split(" at line")[0]] += 1
    assert errors == {
        "invalid JSON": 3,
        "not a Jupyter notebook": 2,
    }
    assert skipped == {"bash": 3}
    assert notices == {"duplicate JSON key 'metadata'": 2, "duplicate JSON key 'source'": 2}


def regular_separators(text: str) -> bool:
    """Whether each source list puts the same text between every two items."""
    for cell in read_layout(text).cells:
        items = cell.source.items if cell.source else None
        if items and len({text[a[1] : b[0]] for a, b in pairwise(items)}) > 1:
            return False
    return True


def test_corpus_sources_reencode_exactly_unless_hand_edited():
    reproduced = irregular = 0
    for path in corpus_paths():
        try:
            document = NotebookDocument.load(path)
        except DocumentError:
            continue
        text = document.raw.decode("utf-8-sig")
        cell_count = len(json.loads(text)["cells"])
        if sources_reencoded_exactly(text) == cell_count:
            reproduced += 1
        else:
            # Only a list whose items some tool re-joined by hand defeats the learned layout.
            assert not regular_separators(text), path
            irregular += 1
    assert (reproduced, irregular) == (1400, 50)


def joined_sources(notebook: Any) -> Any:
    """`notebook` (as from `pairs`) with every source as its form (list or one string) and text."""

    def joined(source: str | list[str]) -> tuple[str, str]:
        return (type(source).__name__, "".join(source))

    return [
        (key, [[(k, joined(v) if k == "source" else v) for k, v in cell] for cell in value])
        if key == "cells"
        else (key, value)
        for key, value in notebook
    ]


def split_as_nbformat_splits(text: str) -> bool:
    """Whether every list source of the notebook `text` is split as `splitlines(keepends=True)`."""
    return all(
        cell["source"] == "".join(cell["source"]).splitlines(keepends=True)
        for cell in json.loads(text)["cells"]
        if isinstance(cell["source"], list)
    )


def change_region(old: str, new: str) -> tuple[int, int]:
    """The span of `old` that differs from `new`, by common prefix and suffix."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, len(old) - suffix


def assert_change_inside_one_source(old: str, new: str) -> None:
    """All differences between `old` and `new` lie inside one `source` value (found with json's
    own decoder, not nbport's walker)."""
    prefix, end = change_region(old, new)
    suffix = len(old) - end
    keys = list(re.finditer(r'"(?:source|input)"\s*:\s*', old[:prefix]))
    assert keys, "the change starts before any source"
    start = keys[-1].end()
    decoder = json.JSONDecoder()
    _, old_end = decoder.raw_decode(old, start)
    _, new_end = decoder.raw_decode(new, start)
    assert old_end >= len(old) - suffix, "the change goes past the source value"
    assert old[old_end:] == new[new_end:]


def test_corpus_sample_edits_touch_only_the_sources():
    sample = corpus_paths()[::10]
    edited = 0
    for path in sample:
        try:
            document = NotebookDocument.load(path)
        except DocumentError:
            continue
        raw = document.raw
        text = raw.decode("utf-8-sig")
        units = document.units()
        # Each cell rewritten with its own text: nothing changes.
        assert document.with_sources({unit.index: unit.text for unit in units}).dump() == raw
        # One small change at a time: only that source differs.
        for unit in units[:3] + units[-2:]:
            new_text = unit.text + "\nprint('nbport é <&>')\n" if unit.text else "x = 1"
            changed = document.with_sources({unit.index: new_text})
            new = changed.dump().decode("utf-8-sig")
            assert_change_inside_one_source(text, new)
            assert load(changed.dump()).units()[unit.index].text == new_text
            edited += 1
        # Every code cell changed at once.
        changes = {unit.index: "# nbport\n" + unit.text.replace("a", "ä") for unit in units}
        changed = document.with_sources(changes)
        expected = json.loads(text, object_pairs_hook=list)
        cells = dict(expected)["cells"]
        code_cells = [dict(cell) for cell in cells if dict(cell)["cell_type"] == "code"]
        for unit, cell in zip(units, code_cells, strict=True):
            source = cell["source"]
            new_text = changes[unit.index]
            cell["source"] = (
                new_text.splitlines(keepends=True) if isinstance(source, list) else new_text
            )
        # Rebuild the expected value with the same key order as the file.
        position = 0
        for number, cell in enumerate(cells):
            if dict(cell)["cell_type"] == "code":
                cells[number] = list(code_cells[position].items())
                position += 1
        assert joined_sources(pairs(changed.dump())) == joined_sources(expected)
        if split_as_nbformat_splits(text):
            assert pairs(changed.dump()) == expected
        validate(changed.dump())
        reverted = changed.with_sources({unit.index: unit.text for unit in units})
        assert joined_sources(pairs(reverted.dump())) == joined_sources(pairs(raw))
        if regular_separators(text) and split_as_nbformat_splits(text):
            # Going back writes each original item and token again, byte for byte.
            assert reverted.dump() == raw, path
    assert edited > 500


@pytest.mark.parametrize(
    ("structure", "message"),
    [
        ('"worksheets": [null]', "worksheets[0] is not an object"),
        ('"worksheets": [{"cells": [null]}]', "None is not of type 'object'"),  # nbformat's words
    ],
)
def test_version_3_structures_nbformat_lets_through_are_one_error(
    structure: str, message: str
) -> None:
    raw = f'{{"nbformat": 3, "nbformat_minor": 0, "metadata": {{}}, {structure}}}'.encode()
    with pytest.raises(DocumentError, match=re.escape(f"not a Jupyter notebook: {message}")):
        load(raw)
