"""The kernel's readers of spelling (`nbport.rules.tokens`, `nbport.rules.strings`) and tables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.engine import check_document
from nbport.escapes import scan
from nbport.rules import KERNEL_MODULES
from nbport.rules.names import NameResolver
from nbport.rules.strings import Literal, LiteralRule, plain_string, shortened, string_literals
from nbport.rules.tables import rule_table
from nbport.rules.tokens import dotted_names, import_names, tokens
from nbport.rules.unit import UnitContext
from nbport.rules.values import Values
from nbport.walk import walk


def unit_of(python: str) -> UnitContext:
    unit = document_from_cells([python], "notebook").units()[0]
    return UnitContext(unit, scan(python, unit.escape_style), python, ast.parse(python))


def value_of(python: str) -> tuple[UnitContext, ast.expr]:
    unit = unit_of(python)
    statement = unit.tree.body[0]
    assert isinstance(statement, ast.Assign)
    return unit, statement.value


@pytest.mark.parametrize(
    ("python", "expected"),
    [
        ("x = 'cuda'", ["'cuda'"]),
        ("x = ('cu'  # a comment\n     'da')", ["'cu'", "'da'"]),
        ("x = 'a' f'{b}' r'\\d'", ["'a'", "f'{b}'", "r'\\d'"]),
        ("x = f'{a:{b}}' 'c'", ["f'{a:{b}}'", "'c'"]),
        ("x = 'it\\'s'", ["'it\\'s'"]),
        ("x = ''", ["''"]),
        ("x = '''a''' '''b'''", ["'''a'''", "'''b'''"]),
        ("x = ('é' 'ü'\n     'cuda')", ["'é'", "'ü'", "'cuda'"]),
        # A form feed or U+2028 in a literal ends no line for the tokenizer.
        ("x = ('''a\x0cb\u2028c''' 'cu'\n     'da')", ["'''a\x0cb\u2028c'''", "'cu'", "'da'"]),
    ],
)
def test_string_literals_as_written_at_their_place(python: str, expected: list[str]) -> None:
    unit, node = value_of(python)
    literals = string_literals(unit, node)
    assert [literal.text for literal in literals] == expected
    assert [python[literal.start : literal.end] for literal in literals] == expected


def test_a_literal_knows_its_prefix_quote_body_and_plain_value() -> None:
    literal = Literal("Rb'''x'''", 0, 9)
    assert (literal.prefix, literal.quote, literal.body, literal.plain) == ("Rb", "'''", "x", None)
    assert Literal("r'a\\b'", 0, 6).plain == "a\\b"
    assert Literal("'a\\b'", 0, 5).plain is None  # an escape: the value is not the text
    assert Literal("f'{x}'", 0, 6).plain is None
    assert Literal("f'cuda:{rank:>{w}}/{{x}}'", 0, 25).template == "cuda:{}/{{x}}"
    assert Literal("'a\\tb'", 0, 6).value == "a\tb"  # a value, escapes read
    assert Literal("f'/content/{name}.csv'", 0, 22).value == "/content/{}.csv"  # a template


def test_a_message_shortens_a_long_text() -> None:
    assert shortened("/content/data.csv") == "/content/data.csv"
    assert shortened("x" * 60) == "x" * 60
    assert shortened("x" * 61) == "x" * 57 + "..."


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("f'a{x}b'", [(2, "a"), (6, "b")]),
        ("f'{x}'", []),
        ("rf'a{{b}}{x:>{w}}c'", [(3, "a{{b}}"), (17, "c")]),  # `{{` is text, a format spec is not
        ("'a{x}'", [(1, "a{x}")]),  # not an f-string: its body
    ],
)
def test_text_parts_of_a_literal(text: str, parts: list[tuple[int, str]]) -> None:
    literal = Literal(text, 0, len(text))
    assert literal.text_parts() == parts
    assert all(text[start : start + len(part)] == part for start, part in parts)


def test_editable_span_of_offsets_as_of_nodes() -> None:
    python = "x = 1\n__nbport_escape_0__\ny = ('a'\n     'b')"
    cell = "x = 1\n!ls\ny = ('a'\n     'b')"
    unit = document_from_cells([cell], "notebook").units()[0]
    context = UnitContext(unit, scan(cell, unit.escape_style), python, ast.parse(python))
    assert context.editable_span(0, 5)
    assert not context.editable_span(4, 8)  # onto the escape's line
    start = cell.index("'a'")
    assert context.editable_span(start, len(cell))  # two lines, no escape, no re-indentation
    dedented = UnitContext(unit, context.scanned, python, context.tree, 4, frozenset({3, 4}))
    assert dedented.editable_span(start, start + 3)
    assert not dedented.editable_span(start, len(cell))  # several re-indented lines


def test_plain_string_is_one_plain_literal_or_nothing() -> None:
    for python, expected in [
        ("x = 'cuda'", "cuda"),
        ("x = 'cu' 'da'", None),
        ("x = b'cuda'", None),
        ("x = f'cuda'", None),
        ("x = 3", None),
    ]:
        assert plain_string(*value_of(python)) == expected, python


def test_tokens_of_a_statement_on_several_lines_of_an_indented_cell() -> None:
    python = "    from a . b import (c,\n        d)  # x\n    y = 1"
    unit = document_from_cells([python], "notebook").units()[0]
    dedented = "from a . b import (c,\n    d)  # x\ny = 1"
    context = UnitContext(
        unit,
        scan(python, unit.escape_style),
        dedented,
        ast.parse(dedented),
        4,
        frozenset({1, 2, 3}),
    )
    statement = context.tree.body[0]
    assert [python[token.start : token.end] for token in tokens(context, statement)] == [
        *("from", "a", ".", "b", "import", "(", "c", ",", "d", ")"),
    ]


@pytest.mark.parametrize(
    ("python", "names"),
    [
        ("from tensorflow . contrib import tpu as t", ["tensorflow.contrib", "tpu", "t"]),
        ("import a.b.c, d as e", ["a.b.c", "d", "e"]),
        ("from . import x", ["x"]),
        ("from ..a.b import (c,\n    d)", ["a.b", "c", "d"]),
    ],
)
def test_dotted_names_of_an_import(python: str, names: list[str]) -> None:
    unit = unit_of(python)
    statement = unit.tree.body[0]
    assert isinstance(statement, (ast.Import, ast.ImportFrom))
    assert [".".join(t.text for t in name) for name in dotted_names(unit, statement)] == names


def test_import_names_read_as_expressions_outer_first() -> None:
    python = "from tensorflow.contrib.tpu import x"
    unit = unit_of(python)
    statement = unit.tree.body[0]
    assert isinstance(statement, ast.ImportFrom)
    found = [
        (ast.unparse(name), python[start:end]) for name, start, end in import_names(unit, statement)
    ]
    assert found == [
        ("tensorflow.contrib.tpu", "tensorflow.contrib.tpu"),
        ("tensorflow.contrib", "tensorflow.contrib"),
        ("tensorflow", "tensorflow"),
        ("contrib", "contrib"),
        ("tpu", "tpu"),
        ("x", "x"),
    ]


class _Literals(LiteralRule):
    def __init__(self) -> None:
        self.seen: list[tuple[str, bool]] = []

    def check_literal(self, literal: Literal, string: ast.expr, prose: bool) -> None:
        self.seen.append((literal.text, prose))


def literals_read(python: str) -> list[tuple[str, bool]]:
    rule = _Literals()
    rule.unit = unit_of(python)
    walk(rule.unit.tree, [rule], NameResolver())
    return rule.seen


def test_a_literal_rule_reads_each_literal_of_the_code_once() -> None:
    python = (
        '"""A docstring."""\n'
        "x = 'a' 'b'\n"
        'y = f\'text {d["key"]:>{width}} {f"inner"}\'\n'
        "'bare' f'{z}'\n"
    )
    assert literals_read(python) == [
        ('"""A docstring."""', True),
        ("'a'", False),
        ("'b'", False),
        ('f\'text {d["key"]:>{width}} {f"inner"}\'', False),
        ('"key"', False),  # a string in a replacement field is a string of the code
        ('f"inner"', False),
        ("'bare'", True),
        ("f'{z}'", True),
    ]


def test_rule_table_reads_the_toml_beside_a_rule(tmp_path: Path) -> None:
    (tmp_path / "some_rule.toml").write_text("[words]\ncuda = 'GPU'\n", encoding="utf-8")
    assert rule_table(str(tmp_path / "some_rule.py")) == {"words": {"cuda": "GPU"}}


def test_kernel_modules_hold_no_rule() -> None:
    package = Path(__file__).resolve().parents[1] / "nbport" / "rules"
    assert {path.stem for path in package.glob("*.py")} >= KERNEL_MODULES
    names = {entry.name.replace("-", "_") for entry in load_catalog().values()}
    assert not names & KERNEL_MODULES


def test_a_literal_rule_runs_in_the_engine() -> None:
    """NBP301 reads literals through `LiteralRule`: a docstring is prose, an f-string is not."""
    entry = load_catalog()["NBP301"]
    document = document_from_cells(["'''Uses cuda.'''\nx = f'cuda:{i}'"], "notebook")
    [finding] = check_document(document, [entry]).findings
    assert finding.start.label() == "cell 1:2:5"
    assert "(`cuda:{}`)" in finding.message


def test_values_follow_bindings_through_scopes() -> None:
    values = Values()

    def run(code: str) -> None:
        for statement in ast.parse(code).body:
            assert isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For))
            values.bind(statement)

    run("E = 12\nA, (B, C) = 2, (3, 4)\nN: int = E * A - C")
    assert values.integer(ast.Name("N")) == 20
    run("A += 1\nfor C in x: pass")
    assert values.lookup("A") is None and values.lookup("C") is None  # rebound to nothing known
    assert values.integer(ast.Name("N")) is None  # read when asked: `A` is no longer known
    values.enter()
    run("E = 'x'")
    assert values.integer(ast.Name("E")) is None
    values.module_level()
    assert values.integer(ast.Name("E")) == 12
    assert values.integer(ast.parse("E / 2", mode="eval").body) is None
