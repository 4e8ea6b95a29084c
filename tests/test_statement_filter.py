"""The statements libcst is given: those that match, inside the headers of their blocks, on the
unit's own lines."""

from __future__ import annotations

import ast
import re

import pytest

from nbport.statement_filter import KeptStatements, keep_statements

BACKSLASH = re.compile(r"\\")


def kept(python: str, pattern: re.Pattern[str] = BACKSLASH) -> KeptStatements | None:
    return keep_statements(python, ast.parse(python), [pattern])


def test_only_matching_top_level_statements_are_kept_with_their_lines() -> None:
    python = "import os\nx = 1\n\n# a comment\ny = 'C:\\\\data'\nz = 2\n"
    assert kept(python) == KeptStatements("y = 'C:\\\\data'", (5,))


def test_nothing_left_out_gives_none_and_nothing_kept_gives_no_lines() -> None:
    assert kept("a = 'x\\\\y'\nb = 'z\\\\w'\n") is None
    assert kept("a = 1\nb = 2\n") == KeptStatements("", ())


def test_a_nested_statement_keeps_the_headers_around_it() -> None:
    python = (
        "def load(root):\n"  # 1
        "    '''Read the data.'''\n"  # 2
        "    print('start')\n"  # 3
        "    for name in names:\n"  # 4
        "        path = root + '\\\\' + name\n"  # 5
        "        total = 0\n"  # 6
        "    return path\n"  # 7
    )
    result = kept(python)
    assert result == KeptStatements(
        "def load(root):\n    for name in names:\n        path = root + '\\\\' + name",
        (1, 4, 5),
    )


def test_a_block_left_empty_gets_a_pass_at_its_indent() -> None:
    python = (
        "if ready:\n"  # 1
        "    start()\n"  # 2
        "else:\n"  # 3
        "    path = 'a\\\\b'\n"  # 4
    )
    result = kept(python)
    assert result == KeptStatements("if ready:\n    pass\nelse:\n    path = 'a\\\\b'", (1, 2, 3, 4))


def test_handlers_and_clauses_keep_their_header_lines() -> None:
    python = (
        "try:\n"  # 1
        "    import torch\n"  # 2
        "except ImportError:\n"  # 3
        "    torch = None\n"  # 4
        "finally:\n"  # 5
        "    done = True\n"  # 6
    )
    result = kept(python, re.compile("import"))
    assert result == KeptStatements(
        "try:\n    import torch\nexcept ImportError:\n    pass\nfinally:\n    pass",
        (1, 2, 3, 4, 5, 6),
    )


def test_statements_sharing_a_line_and_one_line_blocks_stay_whole() -> None:
    python = "a = 1; b = 'x\\\\y'\nif c: d = 'e\\\\f'\ng = 2\n"
    assert kept(python) == KeptStatements("a = 1; b = 'x\\\\y'\nif c: d = 'e\\\\f'", (1, 2))


def test_decorators_come_with_their_function() -> None:
    python = "x = 1\n@cache\ndef f():\n    return 'a\\\\b'\n"
    assert kept(python) == KeptStatements("@cache\ndef f():\n    return 'a\\\\b'", (2, 3, 4))


def test_a_dropped_elif_leaves_valid_python() -> None:
    python = "if a:\n    x = 'p\\\\q'\nelif b:\n    y = 1\nelse:\n    z = 2\n"
    result = kept(python)
    assert result is not None
    ast.parse(result.text)
    assert result.text.splitlines()[:2] == ["if a:", "    x = 'p\\\\q'"]


@pytest.mark.parametrize(
    "python",
    [
        "class A:\n    '''doc'''\n    def m(self):\n        return 'x\\\\y'\n    other = 1\n",
        "with open(p) as f:\n    count = 0\n    for line in f:\n        if line:\n            n = 'a\\\\b'\n",
        "match cmd:\n    case 1:\n        a = 'b\\\\c'\n    case _:\n        pass\n",
        "while True:\n    break\nelse:\n    v = 'w\\\\x'\n",
        "async def f():\n    async with s:\n        await g('h\\\\i')\n    return 1\n",
    ],
)
def test_kept_text_parses_and_each_line_is_the_units_line(python: str) -> None:
    result = kept(python)
    assert result is not None and result.lines
    ast.parse(result.text)
    source = python.split("\n")
    for line, number in zip(result.text.split("\n"), result.lines, strict=True):
        assert line == source[number - 1] or line.strip() == "pass"
