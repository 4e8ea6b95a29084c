"""The JSON walker, the string styles and the list layouts behind notebook editing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbport.documents.json_layout import (
    ListLayout,
    StringStyle,
    decoded_tokens,
    encode_source,
    loads_counting_duplicates,
    read_layout,
)
from nbport.positions import LineIndex

# --- Strings --------------------------------------------------------------------------------------

SPECIAL = "\n\r\t\"\\/<>&'é€😀\u2028\u2029\x7f\x08\x0c\x1b\x00 a"
texts = st.text(st.one_of(st.sampled_from(SPECIAL), st.characters()), max_size=30)


#: Text a UTF-8 file can hold: no lone surrogates (json.dumps writes those raw, and then the file
#: could not be encoded; `StringStyle` escapes them instead, see the test below).
writable_texts = st.text(
    st.one_of(st.sampled_from(SPECIAL), st.characters(blacklist_categories=("Cs",))), max_size=30
)


@given(writable_texts, st.booleans())
def test_default_style_is_json_dumps(value, ensure_ascii):
    style = StringStyle(ensure_ascii=ensure_ascii, escape_del=ensure_ascii)
    assert style.encode(value) == json.dumps(value, ensure_ascii=ensure_ascii)


def test_lone_surrogates_are_escaped_even_without_ensure_ascii():
    token = StringStyle(ensure_ascii=False).encode("a\ud800b")
    assert token == '"a\\ud800b"'
    token.encode("utf-8")


@given(texts, st.builds(StringStyle, *[st.booleans()] * 7))
def test_every_style_decodes_to_the_value(value, style):
    token = style.encode(value)
    assert json.loads(token) == value
    token.encode("utf-8")  # always writable as UTF-8


def test_colab_2018_style_escapes_html_characters():
    style = StringStyle(escape_html=True, escape_line_separators=True, short_escapes=False)
    assert style.encode("a<b>&c\u2028é\b") == '"a\\u003cb\\u003e\\u0026c\\u2028é\\u0008"'


def test_astral_characters_become_surrogate_pairs_in_ascii_style():
    assert StringStyle(ensure_ascii=True).encode("😀") == '"\\ud83d\\ude00"'
    assert StringStyle(ensure_ascii=True, uppercase_hex=True).encode("😀") == '"\\uD83D\\uDE00"'
    assert StringStyle().encode("😀") == '"😀"'


def test_lone_surrogates_are_always_escaped():
    assert StringStyle().encode("\ud800") == '"\\ud800"'


def test_slashes_escaped_when_the_file_does():
    assert StringStyle(escape_slash=True).encode("a/b") == '"a\\/b"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": "plain"}', StringStyle()),
        ('{"a": "\\u00e9"}', StringStyle(ensure_ascii=True, escape_del=True)),
        ('{"a": "é\\u00e9é"}', StringStyle()),
        (
            '{"a": "\\u003c\\u0026"}',
            StringStyle(escape_html=True, escape_line_separators=True),
        ),
        ('{"a": "<\\u003c<"}', StringStyle()),
        ('{"a": "\\/"}', StringStyle(escape_slash=True)),
        ('{"a": "\\u0008"}', StringStyle(short_escapes=False)),
        ('{"a": "\\u001B"}', StringStyle(uppercase_hex=True)),
        ('{"a": "\\\\u003c"}', StringStyle()),  # an escaped backslash, then text
        ('{"a": "\\u2028"}', StringStyle(escape_line_separators=True)),
        ('{"a": "\x7f"}', StringStyle()),
        ('{"a": "\\u007f"}', StringStyle(escape_del=True)),
    ],
)
def test_learned_style(text, expected):
    assert StringStyle.learn(text) == expected


# --- Walking --------------------------------------------------------------------------------------


def test_duplicate_keys_counted_and_located():
    text = '{"a": 1,\n "b": {"c": 2, "c": 3},\n "a": 4}'
    data, duplicates = loads_counting_duplicates(text)
    assert data == {"a": 4, "b": {"c": 3}}
    assert duplicates == 2
    found = read_layout(text, every_object=True).duplicates
    assert [(d.key, LineIndex(text).line_of(d.offset)) for d in found] == [("c", 2), ("a", 3)]
    # Without every_object, objects off the way to the cells are skipped.
    assert [d.key for d in read_layout(text).duplicates] == ["a"]


def test_spans_of_sources_and_inputs():
    text = json.dumps(
        {
            "cells": [
                {"cell_type": "code", "source": ["a\n", "b"], "outputs": [{"source": "x"}]},
                {"cell_type": "markdown", "source": "m"},
                {"cell_type": "code", "source": []},
            ],
            "metadata": {"source": "not a cell"},
        },
        indent=1,
    )
    layout = read_layout(text)
    assert [cell.cell_type for cell in layout.cells] == ["code", "markdown", "code"]
    first, second, third = (cell.source for cell in layout.cells)
    assert first is not None and second is not None and third is not None
    assert text[first.start : first.end] == '[\n    "a\\n",\n    "b"\n   ]'
    assert [text[s:e] for s, e in first.items or ()] == ['"a\\n"', '"b"']
    assert text[second.start : second.end] == '"m"'
    assert second.items is None
    assert text[third.start : third.end] == "[]"
    assert text[first.key_start : first.key_start + 8] == '"source"'
    assert decoded_tokens(text, first) == {"a\n": '"a\\n"', "b": '"b"'}


def test_repeated_source_key_uses_the_last_one_like_json_loads():
    text = '{"cells": [{"cell_type": "code", "source": "first", "source": "second"}]}'
    value = read_layout(text).cells[0].source
    assert value is not None
    assert text[value.start : value.end] == '"second"'


def test_nbformat_3_cells_come_from_all_worksheets():
    text = json.dumps(
        {
            "worksheets": [
                {"cells": [{"cell_type": "heading", "source": "T"}]},
                {"cells": [{"cell_type": "code", "input": "x"}]},
            ],
            "nbformat": 3,
        }
    )
    cells = read_layout(text).cells
    assert [cell.cell_type for cell in cells] == ["heading", "code"]
    value = cells[1].input
    assert value is not None
    assert text[value.start : value.end] == '"x"'


def test_values_json_loads_accepts_are_walked():
    text = '{"cells": [], "x": [NaN, -Infinity, 1e5, -0.5, true, null], "y": {}}'
    assert read_layout(text, every_object=True).cells == ()


# --- Layout ---------------------------------------------------------------------------------------


def _layout_of_cell(text: str, position: int) -> ListLayout:
    layout = read_layout(text)
    cell = layout.cells[position]
    assert cell.source is not None
    return layout.list_layout(text, cell, cell.source)


@pytest.mark.parametrize("indent", [0, 1, 2, 4, "\t"])
def test_empty_list_gets_the_file_indent(indent):
    cells = [{"cell_type": "code", "metadata": {}, "source": []}]
    text = json.dumps({"cells": cells, "metadata": {}}, indent=indent)
    layout = _layout_of_cell(text, 0)
    lines = ["x\n", "y"]
    expected = json.dumps({"cells": [{**cells[0], "source": lines}], "metadata": {}}, indent=indent)
    assert text.replace("[]", encode_source(lines, StringStyle(), layout)) == expected


@pytest.mark.parametrize("separators", [(", ", ": "), (",", ":")])
def test_empty_list_in_a_one_line_file(separators):
    cells = [{"cell_type": "code", "source": []}]
    text = json.dumps({"cells": cells, "metadata": {}}, separators=separators)
    lines = ["x\n", "y"]
    expected = json.dumps(
        {"cells": [{**cells[0], "source": lines}], "metadata": {}}, separators=separators
    )
    assert text.replace("[]", encode_source(lines, StringStyle(), _layout_of_cell(text, 0))) == (
        expected
    )


def test_empty_list_borrows_the_layout_of_a_sibling_with_crlf():
    cells = [
        {"cell_type": "markdown", "source": ["a\n", "b"]},
        {"cell_type": "code", "source": []},
    ]
    text = json.dumps({"cells": cells}, indent=2).replace("\n", "\r\n")
    layout = _layout_of_cell(text, 1)
    assert layout == ListLayout("\r\n        ", ",\r\n        ", "\r\n      ")


def test_one_item_list_spreads_over_lines_like_its_first_item():
    text = '{"cells": [\n  {"cell_type": "code", "source": [\n      "x"\n    ]}]}'
    assert _layout_of_cell(text, 0) == ListLayout("\n      ", ",\n      ", "\n    ")


def test_odd_separators_lose_to_the_common_one():
    text = '{"cells": [{"cell_type": "code", "source": ["a\\n",  "b\\n", "c\\n", "d"]}]}'
    assert _layout_of_cell(text, 0).separator == ", "


def test_encode_source_keeps_known_tokens():
    tokens = {"é\n": '"\\u00e9\\n"'}
    layout = ListLayout("", ", ", "")
    assert encode_source(["é\n", "é"], StringStyle(), layout, tokens) == '["\\u00e9\\n", "é"]'
    assert encode_source("é", StringStyle(), None) == '"é"'
    assert encode_source([], StringStyle(), layout) == "[]"
    with pytest.raises(ValueError, match="layout"):
        encode_source(["x"], StringStyle(), None)


def test_line_index():
    index = LineIndex("a\nbc\n\nd")
    assert [index.line_of(offset) for offset in range(7)] == [1, 1, 2, 2, 2, 3, 4]
