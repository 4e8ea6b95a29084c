"""`ScriptDocument`: decoding exactly as Python does, byte-identical round trips, percent cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, require_shared

from nbport.documents import document_from_bytes
from nbport.documents.base import DocumentError, EscapeStyle
from nbport.documents.script import ScriptDocument

PATH = Path("script.py")


def load(raw: bytes) -> ScriptDocument:
    return ScriptDocument.from_bytes(PATH, raw)


# --- plain scripts ----------------------------------------------------------------------------------


def test_plain_script_is_one_unit():
    document = load(b"import os\n\nos.chdir('data')\n")
    assert document.kind == "script"
    assert document.notices == ()
    assert not document.is_percent
    (unit,) = document.units()
    assert (unit.index, unit.cell, unit.first_line) == (0, None, 1)
    assert unit.text == "import os\n\nos.chdir('data')\n"
    assert unit.escape_style is EscapeStyle.NONE


def test_empty_script_is_valid():
    document = load(b"")
    (unit,) = document.units()
    assert unit.text == ""
    assert document.dump() == b""


def test_load_reads_the_file(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"x = 1\r\n")
    document = ScriptDocument.load(path)
    assert (document.path, document.raw) == (path, b"x = 1\r\n")
    with pytest.raises(DocumentError, match=r"^no such file$"):
        ScriptDocument.load(tmp_path / "missing.py")
    with pytest.raises(DocumentError, match=r"^is a directory$"):
        ScriptDocument.load(tmp_path)


def test_document_from_bytes_picks_script():
    assert isinstance(document_from_bytes(PATH, b"x = 1\n"), ScriptDocument)


# --- line endings and encodings ---------------------------------------------------------------------


def test_crlf_is_kept():
    raw = b"import os\r\nos.chdir('data')\r\n"
    document = load(raw)
    assert document.units()[0].text == "import os\r\nos.chdir('data')\r\n"
    assert document.dump() == raw
    changed = document.with_sources({0: "import os\r\nos.chdir('/content/data')\r\n"})
    assert changed.dump() == b"import os\r\nos.chdir('/content/data')\r\n"


def test_mixed_and_lone_cr_line_endings_are_kept():
    raw = b"a = 1\r\nb = 2\nc = 3\rd = 4"
    document = load(raw)
    # The unit reads the lone `\r` as Python does, at the same offsets; the file keeps it.
    assert document.units()[0].text == "a = 1\r\nb = 2\nc = 3\nd = 4"
    assert document.text == "a = 1\r\nb = 2\nc = 3\rd = 4"
    assert document.dump() == raw


def test_bom_is_kept():
    raw = b"\xef\xbb\xbfx = 'caf\xc3\xa9'\n"
    document = load(raw)
    assert document.encoding == "utf-8-sig"
    assert document.units()[0].text == "x = 'café'\n"  # the BOM is not text
    assert document.dump() == raw
    assert document.with_sources({0: "x = 'thé'\n"}).dump() == b"\xef\xbb\xbfx = 'th\xc3\xa9'\n"


def test_latin1_cookie_is_respected_and_kept():
    raw = b"# -*- coding: latin-1 -*-\nname = 'Andr\xe9'\n"
    document = load(raw)
    assert document.encoding == "iso-8859-1"
    assert document.units()[0].text == "# -*- coding: latin-1 -*-\nname = 'André'\n"
    changed = document.with_sources({0: "# -*- coding: latin-1 -*-\nname = 'Zoë'\n"})
    assert changed.dump() == b"# -*- coding: latin-1 -*-\nname = 'Zo\xeb'\n"
    with pytest.raises(DocumentError, match=r"cannot write '€'"):
        document.with_sources({0: "x = '€'\n"})


def test_cookie_on_second_line():
    raw = b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n"
    document = load(raw)
    assert document.encoding == "cp1252"
    assert "x = '€'" in document.units()[0].text
    assert document.dump() == raw


def test_not_utf8_is_a_one_line_error():
    with pytest.raises(DocumentError) as error:
        load(b"x = 'abcdefg\xff'\n")
    assert str(error.value) == "not UTF-8: invalid byte 0xff at offset 12"
    # Also past the lines `detect_encoding` reads, and after a BOM (offsets count it).
    with pytest.raises(DocumentError, match=r"^not UTF-8: invalid byte 0xe9 at offset 20$"):
        load(b"x = 1\ny = 2\nz = 3\n# \xe9\n")
    with pytest.raises(DocumentError, match=r"^not UTF-8: invalid byte 0xff at offset 5$"):
        load(b"\xef\xbb\xbfx=\xff\n")


def test_declared_encoding_that_does_not_fit():
    with pytest.raises(DocumentError, match=r"^not ascii: invalid byte 0xe9 at offset 27$"):
        load(b"# -*- coding: ascii -*-\nx='\xe9'\n")


def test_unknown_encoding_is_an_error():
    with pytest.raises(DocumentError, match="encoding") as error:
        load(b"# -*- coding: klingon -*-\nx = 1\n")
    assert "\n" not in str(error.value)


def test_binary_file_is_an_error():
    with pytest.raises(DocumentError, match=r"^binary file, not a Python script$"):
        load(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


# --- percent scripts --------------------------------------------------------------------------------

PERCENT = """\
#!/usr/bin/env python
# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
# ---

# %% [markdown]
# # Title
# ```python
# # %%
# ```

# %%
import os
# !ls -la

# %% Training tags=["slow"]
x = '''
# %%
'''

# %% [raw]
raw text

# %%
"""


def test_percent_units():
    document = load(PERCENT.encode())
    assert document.is_percent
    units = document.units()
    assert [unit.text for unit in units] == [
        "import os\n# !ls -la\n\n",
        "x = '''\n# %%\n'''\n\n",
        "",
    ]
    assert [unit.first_line for unit in units] == [15, 19, 27]
    lines = PERCENT.split("\n")
    for unit in units:
        assert unit.cell is None
        assert unit.escape_style is EscapeStyle.COMMENTED
        assert "\n".join(lines[unit.first_line - 1 :]).startswith(unit.text)


def test_text_before_the_first_marker_is_a_unit_if_not_blank():
    document = load(b"import os\n\n# %%\nx = 1\n")
    assert [(unit.text, unit.first_line) for unit in document.units()] == [
        ("import os\n\n", 1),
        ("x = 1\n", 4),
    ]
    document = load(b"\n\n# %%\nx = 1\n")
    assert [unit.text for unit in document.units()] == ["x = 1\n"]


def test_cell_magic_line_is_not_a_marker():
    # `# %%time` is a commented cell magic (no blank after `%%`); `# %% time` is a titled cell.
    document = load(b"# %%\n# %%time\nx = 1\n# %% time\ny = 2\n")
    assert [unit.text for unit in document.units()] == ["# %%time\nx = 1\n", "y = 2\n"]


def test_other_markers_jupytext_accepts():
    document = load(b"# %%\na\n#%%\nb\n    # %% indented\nc\n# In[3]:\nd\n# <codecell>\ne\n")
    assert [unit.text for unit in document.units()] == ["a\n", "b\n", "c\n", "d\n", "e\n"]


def test_markdown_and_raw_cells_are_not_units():
    text = '# %% [md]\n# a\n# %% Notes [markdown] key=1\n# b\n# %% {"cell_type": 1}\nc\n'
    assert [unit.text for unit in load(text.encode()).units()] == ["c\n"]


def test_live_magics_make_a_hydrogen_script():
    # jupytext reads a percent script holding live magics with `comment_magics` off.
    document = load(b"# %%\n%matplotlib inline\n# !ls\n")
    assert [unit.escape_style for unit in document.units()] == [EscapeStyle.LIVE]


def test_percent_script_with_crlf():
    raw = b"# %%\r\nimport os\r\n\r\n# %%\r\n# !ls\r\n"
    document = load(raw)
    assert [unit.text for unit in document.units()] == ["import os\r\n\r\n", "# !ls\r\n"]
    assert document.dump() == raw


def test_with_sources_changes_only_the_unit_span():
    raw = PERCENT.encode()
    document = load(raw)
    changed = document.with_sources({1: "x = 2\n"})
    start = PERCENT.index("x = '''")
    end = PERCENT.index("# %% [raw]")
    assert changed.dump() == (PERCENT[:start] + "x = 2\n" + PERCENT[end:]).encode()
    assert [unit.text for unit in changed.units()][1] == "x = 2\n"
    assert document.dump() == raw  # the original is unchanged
    assert changed.path == document.path


def test_with_sources_keeps_the_next_marker_on_its_own_line():
    document = load(b"# %%\nx = 1\n# %%\ny = 2\n")
    assert document.with_sources({0: "x = 2"}).dump() == b"# %%\nx = 2\n# %%\ny = 2\n"
    document = load(b"# %%\r\nx = 1\r\n# %%\r\ny = 2\r\n")
    assert document.with_sources({0: "x = 2"}).dump() == b"# %%\r\nx = 2\r\n# %%\r\ny = 2\r\n"
    # An empty last cell whose marker ends the file without a newline.
    document = load(b"# %%\r\nx = 1\r\n# %%")
    assert document.with_sources({1: "y = 2\r\n"}).dump() == b"# %%\r\nx = 1\r\n# %%\r\ny = 2\r\n"


def test_with_sources_unchanged_is_the_same_document():
    document = load(PERCENT.encode())
    same = document.with_sources({index: unit.text for index, unit in enumerate(document.units())})
    assert same is document
    with pytest.raises(IndexError):
        document.with_sources({9: ""})


# --- the corpus ---------------------------------------------------------------------------------------


def test_corpus_scripts_round_trip():
    paths = sorted(require_shared(CORPUS).rglob("*.py"))
    assert len(paths) > 1000
    loaded = crlf = 0
    for path in paths:
        raw = path.read_bytes()
        try:
            document = ScriptDocument.from_bytes(path, raw)
        except DocumentError:
            continue
        loaded += 1
        crlf += b"\r\n" in raw
        assert document.dump() == raw, path
        units = document.units()
        assert document.with_sources({unit.index: unit.text for unit in units}).dump() == raw
        if not document.is_percent:
            # The unit is the whole file: an edit at its end changes nothing before it.
            (unit,) = units
            assert document.with_sources({0: unit.text + "pass\n"}).dump() == raw + b"pass\n"
    assert loaded > 1100
    assert crlf > 300  # the corpus has hundreds of CRLF scripts: they must come back exactly


def test_an_indented_commented_magic_keeps_the_percent_reading() -> None:
    # jupytext would call this file "hydrogen" and leave the magic a comment, so that `try:` held
    # only a comment; nbport reads the magic as commented and masks it, so the cell parses.
    from nbport.api import check_source

    text = "# %%\ntry:\n    # %tensorflow_version 2.x\nexcept Exception:\n    pass\n"
    document = ScriptDocument.from_bytes(Path("colab.py"), text.encode())
    assert [unit.escape_style for unit in document.units()] == [EscapeStyle.COMMENTED]
    assert check_source(text[len("# %%\n") :], "percent").errors == ()
