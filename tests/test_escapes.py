"""`nbport.escapes.scan`: every escape form, where escapes are not, positions, masking, and two
differential tests: against IPython's own `TransformerManager` over corpus cells, and against
jupytext's reading of percent scripts."""

from __future__ import annotations

import bisect
import json
import random
import re
import warnings

import pytest
from conftest import CORPUS, require_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbport import escapes
from nbport.documents.base import EscapeStyle
from nbport.escapes import PYTHON_CELL_MAGICS, EscapeKind, ScannedUnit, scan

LIVE = EscapeStyle.LIVE
COMMENTED = EscapeStyle.COMMENTED

SHELL = EscapeKind.SHELL
CAPTURE = EscapeKind.SHELL_CAPTURE
LINE = EscapeKind.LINE_MAGIC
CELL = EscapeKind.CELL_MAGIC
HELP = EscapeKind.HELP
AUTOCALL = EscapeKind.AUTOCALL


def found(scanned: ScannedUnit) -> list[tuple]:
    """The escapes as (kind, line, column, marker, body, target) tuples."""
    return [(e.kind, e.line, e.column, e.marker, e.body, e.target) for e in scanned.escapes]


def check_invariants(text: str, scanned: ScannedUnit) -> None:
    """What every scan must keep: positions that point at the escape, a line-preserving mask."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    escape_lines: set[int] = set()
    for escape in scanned.escapes:
        line_index = bisect.bisect_right(starts, escape.start) - 1
        assert escape.line == line_index + 1
        assert escape.column == escape.start - starts[line_index]
        assert escape.start < escape.end
        # An escape ends at the end of a line, before its line ending.
        assert text[escape.end : escape.end + 1] in ("", "\n") or text.startswith(
            "\r\n", escape.end
        )
        last_index = bisect.bisect_right(starts, escape.end) - 1
        escape_lines.update(range(line_index, last_index + 1))
    if not scanned.is_python:
        assert scanned.masked == ""
        return
    original_lines = text.split("\n")
    masked_lines = scanned.masked.split("\n")
    assert len(masked_lines) == len(original_lines)
    for index, (old, new) in enumerate(zip(original_lines, masked_lines, strict=True)):
        if index not in escape_lines:
            assert new == old, f"line {index + 1} changed without an escape"
        # Line endings are kept (the last piece has none: a `\r` there is text).
        if index < len(original_lines) - 1:
            assert old.endswith("\r") == new.endswith("\r")
    for escape in scanned.escapes:
        # Whatever precedes the escape on its line (indentation, `x = `) is unchanged; a commented
        # escape is masked from its `#` on.
        line = original_lines[escape.line - 1]
        kept = len(line) - len(line.lstrip()) if escape.commented else escape.column
        assert masked_lines[escape.line - 1][:kept] == line[:kept]
        assert masked_lines[escape.line - 1][kept:].startswith("__nbport_escape_")
    assert unmask(scanned.masked, scanned) == text


def unmask(masked: str, scanned: ScannedUnit) -> str | None:
    """Put the escapes back into `masked` (possibly edited since `scan` made it), as black does:
    each masked escape must still occur exactly once, else None. nbport itself never needs this
    (fixes edit the original text); the tests use it to prove masking loses nothing.
    """
    if not scanned.is_python:
        return None
    result = masked
    for masked_fragment, original in scanned.replacements:
        if result.count(masked_fragment) != 1:
            return None
        result = result.replace(masked_fragment, original)
    return result


# --- every form ------------------------------------------------------------------------------------

FORMS = [
    # (text, expected escapes, cell_magic, is_python)
    ("!ls -la", [(SHELL, 1, 0, "!", "ls -la", None)], None, True),
    ("!!ls", [(CAPTURE, 1, 0, "!!", "ls", None)], None, True),
    ("%matplotlib inline", [(LINE, 1, 0, "%", "matplotlib inline", None)], None, True),
    ("%%time\nx = 1", [(CELL, 1, 0, "%%", "time", None)], "time", True),
    ("%%bash\nls -la\n", [(CELL, 1, 0, "%%", "bash", None)], "bash", False),
    ("files = !ls", [(SHELL, 1, 8, "!", "ls", "files")], None, True),
    ("files=!ls", [(SHELL, 1, 6, "!", "ls", "files")], None, True),
    ("x = %pwd", [(LINE, 1, 4, "%", "pwd", "x")], None, True),
    ("a[0] = %who_ls", [(LINE, 1, 7, "%", "who_ls", "a[0]")], None, True),
    ("obj?", [(HELP, 1, 0, "?", "obj", None)], None, True),
    ("obj??", [(HELP, 1, 0, "??", "obj", None)], None, True),
    ("np.linalg.norm?", [(HELP, 1, 0, "?", "np.linalg.norm", None)], None, True),
    ("a.b[0]??", [(HELP, 1, 0, "??", "a.b[0]", None)], None, True),
    ("?obj", [(HELP, 1, 0, "?", "obj", None)], None, True),
    ("??obj", [(HELP, 1, 0, "??", "obj", None)], None, True),
    ("%timeit?", [(HELP, 1, 0, "?", "%timeit", None)], None, True),
    ("%%time?", [(HELP, 1, 0, "?", "%%time", None)], None, True),
    ("/print a b", [(AUTOCALL, 1, 0, "/", "print a b", None)], None, True),
    (",print a b", [(AUTOCALL, 1, 0, ",", "print a b", None)], None, True),
    (";print a b", [(AUTOCALL, 1, 0, ";", "print a b", None)], None, True),
    # IPython's HelpEnd takes the whole line, from its first token, when it ends in `name?`.
    ("x = %foo bar?", [(HELP, 1, 0, "?", "bar", None)], None, True),
    ("!ls?", [(HELP, 1, 0, "?", "ls", None)], None, True),
    # A `%%` line that is not the cell's first is a line magic named `%time` to IPython.
    ("x = 1\n%%time", [(LINE, 2, 0, "%", "%time", None)], None, True),
    ("  \n\n%%capture out\nx = 1", [(CELL, 3, 0, "%%", "capture out", None)], "capture", True),
    (
        "%%writefile a.py\nimport os\n",
        [(CELL, 1, 0, "%%", "writefile a.py", None)],
        "writefile",
        False,
    ),
    ("%%\nx", [(CELL, 1, 0, "%%", "", None)], "", False),
    ("%%unknown_magic\nx", [(CELL, 1, 0, "%%", "unknown_magic", None)], "unknown_magic", False),
]


@pytest.mark.parametrize(("text", "expected", "cell_magic", "is_python"), FORMS)
def test_every_form(text, expected, cell_magic, is_python):
    scanned = scan(text, LIVE)
    assert found(scanned) == expected
    assert scanned.cell_magic == cell_magic
    assert scanned.is_python is is_python
    check_invariants(text, scanned)
    if is_python:
        compile(scanned.masked, "<masked>", "exec")


def test_name_and_args():
    (escape,) = scan("!pip install -q tensorflow==2.1", LIVE).escapes
    assert (escape.name, escape.args) == ("pip", "install -q tensorflow==2.1")
    (escape,) = scan("%cd  data/images", LIVE).escapes
    assert (escape.name, escape.args) == ("cd", "data/images")


# --- where escapes are and are not ------------------------------------------------------------------

INDENTED = "try:\n    %tensorflow_version 2.x\nexcept Exception:\n    pass\n"

WHERE = [
    (INDENTED, [(LINE, 2, 4, "%", "tensorflow_version 2.x", None)]),
    (
        "if True:\n    !pip install x\n    y = !ls\n",
        [
            (SHELL, 2, 4, "!", "pip install x", None),
            (SHELL, 3, 8, "!", "ls", "y"),
        ],
    ),
    ("for i in range(2): x = !ls", [(SHELL, 1, 23, "!", "ls", "for i in range(2): x")]),
    # Not at the start of a logical line: inside brackets, strings, comments, after `\`.
    ("f(\n!ls)\n", []),
    ("x = [1,\n  %time\n]\n", []),
    ('s = """\n!ls\n%time\n"""\n', []),
    ("s = '''\n!ls\n'''\n!pwd", [(SHELL, 4, 0, "!", "pwd", None)]),
    ("s = 'a\\\n!ls'\n", []),
    ('s = "a \\\nobj?\n', []),  # unterminated: an error token to the end of `obj?`'s line
    ("# !ls\n#%time\n", []),
    ("x = 1 + \\\n!ls\n", []),
    ("x = 1; !ls", []),
    ("print(1) !ls", []),
    # Operators that begin with an escape character are not escapes.
    ("x != 1\n!=x", []),
    ("x %= 2", []),
    ("a = 6\n// 2", []),
    ("a\n/= 2", []),
    ("a == !b", []),
    ("a = b = %foo", []),  # IPython only looks at the first `=`
    ("x = \\\n!ls", [(SHELL, 2, 0, "!", "ls", "x")]),  # SystemAssign reads through `\\`
    ("x = 1; y = !ls", []),
    ("f(a=!ls)", []),
    ("x = %%time", []),  # MagicAssign needs a name after `%`
    ("x = %1", []),
    ("d = {'a': !ls}", []),
    ("obj?  ", []),  # IPython's HelpEnd needs the `?` right before the newline
    ("obj?  # what is it", []),  # ... and the `?` to be the last token, not a comment
    ("f(a,\nobj?\n", [(HELP, 1, 0, "?", "obj", None)]),  # at the end, inside brackets: help
    ("f(a,\nobj?\n\n", []),
    ('print("why?\n', [(HELP, 1, 0, "?", "why", None)]),  # `"` alone is an error token
    ("print('why?')", []),
    ("x = 1  # why?", []),
    ("/ f", []),  # `/` needs a callable name: IPython leaves it alone
    ("'''unterminated\n!ls\n", []),  # the tokenizer never gets out of the string
    # The string opens on an escape line: the escape ends at its line, the next line is code.
    (
        "!echo '''\nx = 1\n!pwd",
        [(SHELL, 1, 0, "!", "echo '''", None), (SHELL, 3, 0, "!", "pwd", None)],
    ),
    ("!echo (\nprint(1)\n", [(SHELL, 1, 0, "!", "echo (", None)]),
    # Escapes after a bracket closes, and after an unmatched closer, are seen again.
    ("f(1,\n  2)\n!ls", [(SHELL, 3, 0, "!", "ls", None)]),
    ("x = 1)\n!ls", [(SHELL, 2, 0, "!", "ls", None)]),
    # Prefixed and nested quotes.
    ("s = rb'\\''\n!ls", [(SHELL, 2, 0, "!", "ls", None)]),
    ('s = f"{x!r}"\n%time', [(LINE, 2, 0, "%", "time", None)]),
]


@pytest.mark.parametrize(("text", "expected"), WHERE)
def test_where_escapes_are(text, expected):
    scanned = scan(text, LIVE)
    assert found(scanned) == expected
    check_invariants(text, scanned)


def test_blocked_help_shadows_later_help_lines():
    # IPython's HelpEnd only ever looks at the first `?` line; it cannot handle `f(x)?`, so the
    # later `obj?` is never transformed either. Other escapes go on.
    scanned = scan("f(x)?\nobj?\n!ls", LIVE)
    assert found(scanned) == [(SHELL, 3, 0, "!", "ls", None)]


def test_blocked_slash_shadows_later_line_start_escapes():
    scanned = scan("/ f\n!ls\nx = !pwd\n", LIVE)
    assert found(scanned) == [(SHELL, 3, 4, "!", "pwd", "x")]


def test_python_cell_magic_body_is_a_cell_of_its_own():
    # %%time runs its body through IPython's transformer again: a cell magic there counts too.
    scanned = scan("%%capture\n%%bash\nls\n", LIVE)
    assert [e.kind for e in scanned.escapes] == [CELL, CELL]
    assert (scanned.cell_magic, scanned.is_python) == ("capture", False)
    scanned = scan("%%time\n\n  %%timeit\n  !ls\n", LIVE)
    assert found(scanned)[1:] == [
        (CELL, 3, 2, "%%", "timeit", None),
        (SHELL, 4, 2, "!", "ls", None),
    ]


def test_indented_cell_magic_is_read_as_colabs_ipython_reads_it():
    # Colab's IPython (7.34) removes the first line's indentation from the lines that start with
    # it before looking for `%%`: the other lines do not matter (IPython 9.1 would dedent only
    # what all lines share, nothing here, and the cell would not compile: unexpected indent).
    assert scan("  %%time\n  x = 1\n", LIVE).cell_magic == "time"
    scanned = scan("  %%time\nx = 1\n", LIVE)
    assert (scanned.cell_magic, scanned.is_python) == ("time", True)
    assert found(scanned) == [(CELL, 1, 2, "%%", "time", None)]
    # Spaces and tabs only: a form feed is no indentation to IPython's `leading_indent`.
    assert scan("\f%%bash\nls\n", LIVE).cell_magic is None


def test_indented_bash_cell_is_not_python_whatever_follows():
    # Before: the scanner read ` %%bash` as a line magic and `!cd data` as an escape, so NBP001
    # rewrote the body of a bash cell.
    scanned = scan(" %%bash\n!cd data", LIVE)
    assert (scanned.cell_magic, scanned.is_python) == ("bash", False)
    assert [escape.kind for escape in scanned.escapes] == [CELL]
    assert scan("\n\t%%bash\n  ls\n", LIVE).cell_magic == "bash"


def test_leading_indent_is_the_first_non_blank_lines():
    assert escapes.leading_indent("  x = 1\ny = 2") == "  "
    assert escapes.leading_indent("\n  \n\t x\n") == "\t "
    assert escapes.leading_indent("x\n  y") == ""
    assert escapes.leading_indent("\f x") == ""
    assert escapes.leading_indent(" \n ") == ""


# --- continuation lines -----------------------------------------------------------------------------


def test_continuation_lines_belong_to_the_escape():
    text = "!pip install \\\n    tensorflow \\\n    keras\nimport os\n"
    scanned = scan(text, LIVE)
    (escape,) = scanned.escapes
    assert escape.body == "pip install \\\n    tensorflow \\\n    keras"
    assert text[escape.start : escape.end] == "!" + escape.body
    assert scanned.masked == "__nbport_escape_0__\n\n\nimport os\n"
    check_invariants(text, scanned)


def test_continued_escape_inside_a_block_still_compiles():
    text = "if x:\n    !pip install \\\nfoo\n    y = 1\n"
    scanned = scan(text, LIVE)
    assert scanned.masked == "if x:\n    __nbport_escape_0__\n\n    y = 1\n"
    compile(scanned.masked, "<masked>", "exec")


def test_assignment_continuation():
    text = "out = !ls \\\n  -la\nprint(out)"
    scanned = scan(text, LIVE)
    assert found(scanned) == [(SHELL, 1, 6, "!", "ls \\\n  -la", "out")]
    assert scanned.masked == "out = __nbport_escape_0__\n\nprint(out)"


# --- line endings -----------------------------------------------------------------------------------


def test_crlf():
    text = "import os\r\n!ls\r\nx = %pwd\r\n!pip install \\\r\n  y\r\nobj?\r\n"
    scanned = scan(text, LIVE)
    assert found(scanned) == [
        (SHELL, 2, 0, "!", "ls", None),
        (LINE, 3, 4, "%", "pwd", "x"),
        (SHELL, 4, 0, "!", "pip install \\\r\n  y", None),
        (HELP, 6, 0, "?", "obj", None),
    ]
    for escape in scanned.escapes:
        assert "\r" not in text[escape.end - 1 : escape.end]
    assert scanned.masked == (
        "import os\r\n__nbport_escape_0__\r\nx = __nbport_escape_1__\r\n"
        "__nbport_escape_2__\r\n\r\n__nbport_escape_3__\r\n"
    )
    check_invariants(text, scanned)
    assert scan("%%time\r\nx = 1\r\n", LIVE).cell_magic == "time"


# --- masking ----------------------------------------------------------------------------------------


def test_placeholders_do_not_collide_with_user_code():
    text = "__nbport_escape_0__ = 1\n!ls\n"
    scanned = scan(text, LIVE)
    assert scanned.masked.startswith("__nbport_escape_0__ = 1\n")
    assert scanned.masked.count("__nbport_escape_0__") == 1
    assert unmask(scanned.masked, scanned) == text


def test_unmask_keeps_edits_and_refuses_ambiguity():
    text = "import os\n!ls\nos.chdir('data')\n"
    scanned = scan(text, LIVE)
    edited = scanned.masked.replace("os.chdir('data')", "os.chdir('/content/data')")
    assert unmask(edited, scanned) == "import os\n!ls\nos.chdir('/content/data')\n"
    assert unmask(scanned.masked + "__nbport_escape_0__\n", scanned) is None
    assert unmask(scanned.masked.replace("__nbport_escape_0__", "x"), scanned) is None
    assert unmask("", scan("%%bash\nls", LIVE)) is None


def test_style_none_finds_nothing():
    text = "!ls\n%time x\n"
    assert scan(text, EscapeStyle.NONE) == ScannedUnit((), text, None, True)


def test_fast_path_skips_the_scanner(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("scanned a text that has no escape candidate")

    monkeypatch.setattr(escapes, "_Scanner", refuse)
    text = "import os\nx = {'a': 1}\nprint(x % 2, 'hi!')  # why? because\n"
    assert scan(text, LIVE) == ScannedUnit((), text, None, True)
    assert scan("# just a comment\n", COMMENTED).masked == "# just a comment\n"
    with pytest.raises(AssertionError):
        scan("!ls", LIVE)


# --- commented escapes (percent scripts) --------------------------------------------------------------

COMMENTED_FORMS = [
    ("# !cd data", [(SHELL, 1, 2, "!", "cd data", None)]),
    ("#!ls", [(SHELL, 1, 1, "!", "ls", None)]),
    ("# %matplotlib inline", [(LINE, 1, 2, "%", "matplotlib inline", None)]),
    ("#%matplotlib inline", [(LINE, 1, 1, "%", "matplotlib inline", None)]),
    ("if x:\n    # !pip install y", [(SHELL, 2, 6, "!", "pip install y", None)]),
    ("# files = !ls", [(SHELL, 1, 10, "!", "ls", "files")]),
    ("# x = %pwd", [(LINE, 1, 6, "%", "pwd", "x")]),
    ("# obj?", [(HELP, 1, 2, "?", "obj", None)]),
    ("# ?obj", [(HELP, 1, 2, "?", "obj", None)]),
    # Live escapes are escapes in percent scripts too.
    ("!ls\n# %time x", [(SHELL, 1, 0, "!", "ls", None), (LINE, 2, 2, "%", "time x", None)]),
    # Not magics to jupytext: plain comments.
    ("# Is this a question?", []),
    ("# # %time", []),  # a comment in the notebook too
    ("# %time x # noescape", []),
    ("# 100% sure!", []),
    ("# ,f a", []),
    ("x = '''\n# !ls\n'''", []),
]


@pytest.mark.parametrize(("text", "expected"), COMMENTED_FORMS)
def test_commented_escapes(text, expected):
    """Escapes as jupytext comments them, at their `!`/`%` inside the comment."""
    scanned = scan(text, COMMENTED)
    assert found(scanned) == expected
    for escape in scanned.escapes:
        # Escapes inside a comment are flagged, and only those.
        line_start = text.rfind("\n", 0, escape.start) + 1
        assert escape.commented == ("#" in text[line_start : escape.start])
    check_invariants(text, scanned)
    compile(scanned.masked, "<masked>", "exec")


def test_commented_cell_magic():
    scanned = scan("# %%time\nx = 1\n# !ls\n", COMMENTED)
    assert found(scanned) == [(CELL, 1, 2, "%%", "time", None), (SHELL, 3, 2, "!", "ls", None)]
    assert scanned.cell_magic == "time"
    assert scanned.masked == "__nbport_escape_0__\nx = 1\n__nbport_escape_1__\n"
    scanned = scan("\n# %%bash\n# ls -la\n", COMMENTED)
    assert (scanned.cell_magic, scanned.is_python, scanned.masked) == ("bash", False, "")


def test_commented_continuation():
    text = "# !pip install \\\n#     tensorflow\nimport os\n"
    scanned = scan(text, COMMENTED)
    (escape,) = scanned.escapes
    assert escape.body == "pip install \\\n    tensorflow"  # as jupytext uncomments it
    assert (escape.start, escape.end) == (2, text.index("\nimport"))
    assert scanned.masked == "__nbport_escape_0__\n#     tensorflow\nimport os\n"
    # A continuation line that is not a comment is blanked, so the cell still parses.
    text = "# !pip install \\\n      tensorflow\nimport os\n"
    scanned = scan(text, COMMENTED)
    assert scanned.masked == "__nbport_escape_0__\n\nimport os\n"
    assert unmask(scanned.masked, scanned) == text
    # CRLF: the body keeps the file's line endings; the escape claims no line past the text.
    text = "x = 1\r\n# !pip install \\\r\n#   keras \\\r\n"
    (escape,) = scan(text, COMMENTED).escapes
    assert escape.body == "pip install \\\r\n  keras \\"
    assert text[escape.end :] == "\r\n"
    check_invariants(text, scan(text, COMMENTED))


# --- differential: IPython --------------------------------------------------------------------------

import IPython.core.inputtransformer2 as it2  # noqa: E402 - a test extra, imported where it is used

#: The names a fresh kernel binds of the user's: none. With it, `scan` reads automagic exactly as
#: IPython does there.
NOTHING_BOUND = escapes.bound_in([])


class PromptCell(Exception):
    """IPython strips `>>>` / `In [1]:` prompts from this cell: not an escape, not compared."""


def colab_leading_indent(lines: list[str]) -> list[str]:
    """The first step of reading a cell in Colab's IPython (7.34; 7.x and 8.x read alike): the
    spaces and tabs opening the first line are taken from every line that starts with them.

    Used in place of the installed IPython's own `leading_indent`, which since 9.1 takes away only
    what all lines share (`textwrap.dedent`); after this one, that is nothing, so the rest of the
    installed IPython reads the cell as Colab's does.
    """
    if not lines:
        return lines
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip(" \t"))]
    return [line[len(indent) :] if line.startswith(indent) else line for line in lines]


def ipython_cleanup(cell: str) -> list[str]:
    """The cell's lines after IPython's first clean-up steps: leading blank lines, indentation."""
    return colab_leading_indent(it2.leading_empty_lines(cell.splitlines(keepends=True)))


def ipython_changes(cell: str) -> tuple[str | None, set[int]]:
    """IPython's cell magic name and the 0-based lines of `cell` its transformer replaces.

    Runs IPython's own cleanup, `cell_magic` and token transformers exactly as
    `TransformerManager.transform_cell` does, following each original line through the rewrites.
    """
    if not cell.endswith("\n"):
        cell += "\n"
    lines = cell.splitlines(keepends=True)
    count = len(lines)
    lines = it2.leading_empty_lines(lines)
    offset = count - len(lines)
    lines = colab_leading_indent(lines)
    for strip in (it2.classic_prompt, it2.ipython_prompt):
        if strip(lines) != lines:
            raise PromptCell
    if lines and lines[0].startswith("%%") and not re.match(r"%%\w+\?", lines[0]):
        name = lines[0][2:].rstrip().partition(" ")[0]
        changed = {offset}
        body = "".join(lines[1:])
        if name in PYTHON_CELL_MAGICS and body.strip():
            changed |= {offset + 1 + line for line in ipython_changes(body)[1]}
        return name, changed
    origin = list(range(offset, offset + len(lines)))
    changed: set[int] = set()
    manager = it2.TransformerManager()
    for _ in range(it2.TRANSFORM_LOOP_LIMIT):
        tokens_by_line = it2.make_tokens_by_line(lines)
        candidates = [
            transformer
            for cls in manager.token_transformers
            if (transformer := cls.find(tokens_by_line))
        ]
        for transformer in sorted(candidates, key=it2.TokenTransformBase.sortby):
            try:
                new_lines = transformer.transform(lines)
            except SyntaxError:
                continue
            start = transformer.start_line
            replaced = len(lines) - len(new_lines) + 1
            changed.update(origin[start : start + replaced])
            origin[start : start + replaced] = [origin[start]]
            lines = new_lines
            break
        else:
            # Then, on a cell of one line, automagic (`InteractiveShell.transform_cell`).
            cell = "".join(lines)
            if len(cell.splitlines()) == 1 and ipython_automagic(cell) != cell.rstrip("\n"):
                changed.add(origin[0])
            return None, changed
    raise AssertionError("IPython did not converge")


def ipython_automagic(cell: str) -> str:
    """What IPython's prefilter makes of a cell of one line, in a fresh kernel that binds none of
    the user's names: the same line, or a line magic's call (automagic)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    with shell.builtin_trap:
        return shell.prefilter_manager.prefilter_lines(cell)


def nbport_changes(cell: str, scanned: ScannedUnit) -> set[int]:
    """The 0-based lines of `cell` on which `scan` found escapes."""
    starts = [0] + [m.end() for m in re.finditer("\n", cell)]
    changed: set[int] = set()
    for escape in scanned.escapes:
        last = bisect.bisect_right(starts, escape.end) - 1
        changed.update(range(escape.line - 1, last + 1))
    return changed


def ipython_compiles(cell: str, cell_magic: str | None) -> bool:
    """Whether the Python IPython runs for `cell` compiles (for %%time & co, their body)."""
    manager = it2.TransformerManager()
    while cell_magic is not None:
        if cell_magic not in PYTHON_CELL_MAGICS:
            return True
        cell = "".join(ipython_cleanup(cell)[1:])
        cell_magic = ipython_cell_magic(cell)
    try:
        compile(manager.transform_cell("".join(ipython_cleanup(cell))), "<ipython>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


def ipython_cell_magic(cell: str) -> str | None:
    """The cell magic IPython's `cell_magic` sees on `cell`'s first line, if any."""
    lines = ipython_cleanup(cell)
    if lines and lines[0].startswith("%%") and not re.match(r"%%\w+\?", lines[0]):
        return lines[0][2:].rstrip().partition(" ")[0]
    return None


def commonly_indented(cell: str) -> bool:
    """IPython removes the indentation of a cell whose first line is indented (for %%time & co,
    of their body when it runs it); a mask keeps positions."""
    while True:
        lines = it2.leading_empty_lines(cell.splitlines(keepends=True))
        if colab_leading_indent(lines) != lines:
            return True
        magic = ipython_cell_magic(cell)
        if magic is None or magic not in PYTHON_CELL_MAGICS:
            return False
        cell = "".join(lines[1:])


def corpus_cells() -> list[str]:
    cells: list[str] = []
    for path in sorted(require_shared(CORPUS).rglob("*.ipynb")):
        try:
            notebook = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError):
            continue
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                cells.append("".join(source) if isinstance(source, list) else source)
    return cells


def compare_with_ipython(cells: list[str]) -> dict[str, int | list]:
    figures: dict[str, int | list] = {
        "compared": 0,
        "ipython changed": 0,
        "mismatches": [],
        "prompt cells": 0,
        "ipython errors": 0,
        "masked compiled": 0,
        "masked fails, indented cell": 0,
        "masked fails": [],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cell in cells:
            try:
                magic, theirs = ipython_changes(cell)
            except PromptCell:
                figures["prompt cells"] += 1
                continue
            except (IndentationError, SyntaxError):
                figures["ipython errors"] += 1  # tokenize raises: IPython cannot run the cell
                continue
            scanned = scan(cell, LIVE, NOTHING_BOUND)
            mine = nbport_changes(cell, scanned)
            figures["compared"] += 1
            figures["ipython changed"] += bool(theirs)
            if (magic, theirs) != (scanned.cell_magic, mine):
                figures["mismatches"].append((cell, magic, sorted(theirs), sorted(mine)))
            if scanned.is_python and ipython_compiles(cell, magic):
                try:
                    compile(scanned.masked, "<masked>", "exec")
                    figures["masked compiled"] += 1
                except SyntaxError:
                    if commonly_indented(cell):
                        figures["masked fails, indented cell"] += 1
                    else:
                        figures["masked fails"].append(cell)
    return figures


def test_differential_ipython_corpus():
    """Over a fixed sample of corpus cells, the lines IPython rewrites are exactly the lines where
    `scan` finds escapes, and `masked` compiles whenever IPython's result does.

    The only cells not held to that: prompt cells (`>>>`, stripped by IPython, not escapes), cells
    IPython itself cannot tokenize, and for compiling, cells whose lines all share an indentation
    (IPython dedents them; the mask keeps positions, so the engine must report them).
    """
    cells = corpus_cells()
    assert len(cells) > 20_000
    sample = random.Random(20240601).sample(cells, 8000)
    figures = compare_with_ipython(sample)
    assert figures["mismatches"] == []
    assert figures["masked fails"] == []
    assert figures["compared"] > 7900
    assert figures["ipython changed"] > 500  # the sample does exercise escapes
    assert figures["masked compiled"] > 7000


LINE_POOL = [
    "import os",
    "!ls -la",
    "!!pwd",
    "  !echo hi",
    "%matplotlib inline",
    "%%time",
    "%%bash",
    "x = !ls",
    "y = %pwd",
    "a = b = %foo",
    "obj?",
    "np.sum??",
    "f(x)?",
    "?obj",
    "/print 1 2",
    ",print a b",
    ";print a b",
    "/ f",
    "x = (1,",  # left open: the lines after it are inside brackets
    "x = (1,\n  2)",
    "x = [",
    "y = [\n  !ls,\n]",
    "s = '''",
    "'''",
    # Continued, and terminated: an unterminated one makes the 3.11 tokenizer leak state (every
    # later triple-quoted string then ends at its first line), which nbport does not mimic.
    's = "a \\\nb"',
    "if x:",
    "    pass",
    "    !pip install y",
    "try:",
    "    %tensorflow_version 2.x",
    "except Exception:",
    "!pip install \\",
    "    keras",
    "x = 1 + \\",
    "# !ls",
    "print('why?')",
    "x != 1",
    "x %= 2",
    "",
    "   ",
    "d = {'k': 1}",
    "%%capture",
    "a = 1; b = !ls",
    # Automagic, on cells of one line: the magic, an assignment, valid Python that is the magic.
    "pip install x",
    "  cd data",
    "pip = 3",
    "ls -la",
    "history",
    # No unmatched `)`: after one, IPython's behaviour depends on the Python version (3.12's
    # tokenizer stops there; 3.11's goes on, with IPython's and the tokenizer's bracket counts
    # disagreeing) and the cell is not Python anyway. `scan` follows 3.11 only roughly there.
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(st.sampled_from(LINE_POOL), min_size=1, max_size=8),
    ending=st.sampled_from(["\n", ""]),
)
def test_differential_ipython_generated(lines, ending):
    """Cells built from tricky lines: the same agreement with IPython as on the corpus."""
    cell = "\n".join(lines) + ending
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            magic, theirs = ipython_changes(cell)
        except (PromptCell, IndentationError, SyntaxError):
            return
    scanned = scan(cell, LIVE, NOTHING_BOUND)
    assert (scanned.cell_magic, nbport_changes(cell, scanned)) == (magic, theirs)
    check_invariants(cell, scanned)
    if scanned.is_python and ipython_compiles(cell, magic) and not commonly_indented(cell):
        compile(scanned.masked, "<masked>", "exec")


def test_the_ipython_harness_can_fail():
    """The harness sees IPython's rewrites: a scanner that missed indented escapes would differ."""
    assert ipython_changes(INDENTED) == (None, {1})
    assert ipython_changes("\npip install x\n") == (None, {1})
    assert ipython_changes("pip install x\nimport os") == (None, set())
    assert ipython_changes("%%time\npip install x") == ("time", {0, 1})
    assert ipython_changes("x = 1\n\n!ls \\\n  -la\ny = 2\n") == (None, {2, 3})
    assert ipython_changes("\n%%time\n!ls\n") == ("time", {1, 2})
    figures = compare_with_ipython(["!ls", "x = [\n!ls]"])
    assert figures["mismatches"] == [] and figures["ipython changed"] == 1


# --- differential: jupytext ---------------------------------------------------------------------------

import jupytext  # noqa: E402
from jupytext.magics import uncomment_magic  # noqa: E402


def uncomment_escapes(text: str) -> str:
    """`text` with each commented escape uncommented the way jupytext does it."""
    scanned = scan(text, COMMENTED)
    lines = text.split("\n")
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for escape in scanned.escapes:
        if not escape.commented:
            continue
        last = bisect.bisect_right(starts, escape.end) - 1
        for index in range(escape.line - 1, last + 1):
            lines[index] = escapes.jupytext_uncomment(lines[index])[0]
    return "\n".join(lines)


def strip_blank_tail(text: str) -> str:
    """Without the blank lines ending it: a unit runs to the next marker, and jupytext drops one
    or two of them."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def jupytext_code_cells(text: str) -> list[str]:
    notebook = jupytext.reads(text, fmt="py:percent")
    return [strip_blank_tail(cell.source) for cell in notebook.cells if cell.cell_type == "code"]


def nbport_code_cells(text: str) -> list[str]:
    from pathlib import Path

    from nbport.documents.script import ScriptDocument

    document = ScriptDocument.from_bytes(Path("cells.py"), text.encode())
    cells = []
    for unit in document.units():
        if scan(unit.text, COMMENTED).is_python:
            cells.append(uncomment_escapes(unit.text))
        else:
            # The body of `# %%bash` is not Python and not ours to read: compare only which cells
            # these are, uncommenting them by jupytext's own rule.
            lines = uncomment_magic(unit.text.split("\n"), "python", explicitly_code=True)
            cells.append("\n".join(lines))
    return [strip_blank_tail(cell) for cell in cells]


PERCENT_SCRIPTS = [
    """# %%
# !pip install -q tensorflow
# %matplotlib inline
import tensorflow as tf

# %% [markdown]
# # Training
# Run `!nvidia-smi` first.

# %%
# files = !ls data
print(files)

# %%
# %%time
model.fit(x, y)
""",
    """#!/usr/bin/env python
# -*- coding: utf-8 -*-
# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
# ---

# %%
import os

# %% {"tags": ["setup"]}
try:
    # %tensorflow_version 2.x
    pass
except Exception:
    pass

# %% [raw]
# raw text

# %% Loading [md]
# text

# %%
x = '''
# %%
# !not a magic, inside a string
'''
# !pip install \\
#     keras
# obj?
""",
    """import numpy as np  # code before the first marker is a cell

# %%
# %%bash
# ls -la

# %%

# %% title key="value"
# ?np.sum
""",
]


@pytest.mark.parametrize("text", PERCENT_SCRIPTS)
def test_differential_jupytext_scripts(text):
    assert nbport_code_cells(text) == jupytext_code_cells(text)


def test_jupytext_uncomments_more_than_escapes():
    """The known difference: jupytext also uncomments `# cd dir`, `# ls` (automagic commands, only
    run as magics when alone in a cell) and one level of `# # %foo`; those are no IPython escapes,
    so `scan` reports none."""
    text = "# %%\n# cd data\n# # %time\n"
    assert jupytext_code_cells(text) == ["cd data\n# %time"]
    assert nbport_code_cells(text) == ["# cd data\n# # %time"]
    assert scan("# cd data\n# # %time\n", COMMENTED).escapes == ()


PERCENT_POOL = [
    "# %%",
    "# %% [markdown]",
    "# %% [raw]",
    "# %% Title",
    "# %%time",
    "# %%bash",
    "# !ls -la",
    "#!pwd",
    "# %matplotlib inline",
    "# files = !ls",
    "# x = %pwd",
    "# obj?",
    "# ?obj",
    "# !pip install \\",
    "#     keras",
    "import os",
    "x = 1",
    "!ls",
    "%time x",
    "    # !indented",
    "if x:",
    "    pass",
    "s = '''",
    "# !inside",
    "'''",
    "# a comment",
    "# Why?",
    "# 100% done!",
    "",
    "```",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PERCENT_POOL), min_size=1, max_size=12))
def test_differential_jupytext_generated(lines):
    text = "# %%\n" + "\n".join(lines) + "\n"
    assert nbport_code_cells(text) == jupytext_code_cells(text)
