"""IPython escapes in a cell: find them, describe them, and mask them so the cell parses as Python.

The rules follow IPython's own input transformer (`IPython/core/inputtransformer2.py`, which is not
imported here: it is slow to import and not a run-time dependency):

* a cell whose first non-blank line starts with `%%`, once its indentation is removed, is a cell
  magic (`cell_magic`; `leading_indent` says which indentation IPython removes, and from where);
* `!cmd`, `!!cmd`, `%magic`, `?obj`, `??obj`, `/f a`, `,f a`, `;f a` are escapes only as the first
  token of a *logical* line (`EscapedCommand`): never inside brackets, strings, comments or after a
  backslash continuation, but indented lines count (`try:` / `    %tensorflow_version 2.x`);
* `x = !cmd` and `x = %magic` need the first `=` of the logical line outside brackets
  (`SystemAssign`, `MagicAssign`);
* `obj?` / `obj??` is a logical line whose last token is `?` (`HelpEnd`);
* an escape runs to the end of its physical line and of any lines it continues with a trailing
  backslash (`find_end_of_continued_line`);
* a cell of one line whose first word is a line magic, `pip install requests`, runs as that magic
  (automagic, on by default: `AutoMagicChecker` in `IPython/core/prefilter.py`); it is a
  `LINE_MAGIC` without its `%` (see `_Scanner.automagic` for when exactly).

IPython finds these by tokenizing the cell with `tokenize`; this module does the same work with a
small scanner that only tracks what decides where logical lines start: brackets, strings (single,
triple-quoted, any prefix), comments and backslash continuations. Where tokenizers differ between
Python versions, it follows the pure-Python tokenizer of Python 3.11, as IPython does there.

Percent scripts (`EscapeStyle.COMMENTED`) also hold magics commented out the way jupytext writes
them (`# !cd data`, `# %matplotlib inline`, `# %%time`); they are found with jupytext's own
patterns (`jupytext/magics.py`) and reported at the `!`/`%` inside the comment. They are masked like
live ones, from the `#` on: to IPython they are statements, and `try:` / `    # %tensorflow_version
2.x` / `except Exception:` would not parse if the block held only a comment.
"""

from __future__ import annotations

import ast
import bisect
import json
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from pathlib import Path


class EscapeStyle(Enum):
    """How IPython escapes are written in a unit's text."""

    #: As Jupyter stores them: `!cmd`, `%magic` on their own (notebook cells).
    LIVE = "live"
    #: Commented out the way jupytext writes them (`# !cmd`, `# %magic`), or live (percent scripts).
    COMMENTED = "commented"
    #: None at all: a plain Python script.
    NONE = "none"


class EscapeKind(Enum):
    """Which IPython escape a line uses."""

    SHELL = "!"  # !cmd
    SHELL_CAPTURE = "!!"  # !!cmd
    LINE_MAGIC = "%"  # %magic args
    CELL_MAGIC = "%%"  # %%magic args (first line of a cell)
    HELP = "?"  # obj? / obj?? / ?obj / ??obj
    AUTOCALL = "/"  # /f a, ,f a b, ;f a b


@dataclass(frozen=True)
class Escape:
    """One IPython escape as written in a unit, with its position in the unit's text."""

    kind: EscapeKind
    #: 1-based line of the unit on which the escape starts.
    line: int
    #: 0-based column (in characters) of the escape's first character (`!`, `%`, `?`, the name for
    #: `obj?`); for `x = !cmd`, the column of the `!`. For `obj?` IPython replaces the whole logical
    #: line, so this is the column of the line's first token (`a` in `a = b?`).
    column: int
    #: Offsets in the unit's text: `start` at the escape's first character, `end` after the last
    #: character of its last continuation line (before that line's newline).
    start: int
    end: int
    #: For `!cmd`/`%magic`: everything after the escape characters as written, continuation
    #: backslash-newlines kept. For HELP: the object expression. For an escape written inside a
    #: comment (`# !pip install \` / `#   x`), the text as jupytext uncomments it.
    body: str
    #: The name assigned to in `x = !cmd` / `x = %magic`, else None.
    target: str | None = None
    #: The escape characters as IPython reads them: `!`, `!!`, `%`, `%%`, `?`, `??`, `/`, `,`, `;`.
    #: For `obj?` / `obj??`, the trailing `?` or `??`; none (`""`) for a line magic written without
    #: its `%` (automagic: `pip install requests`, whose `body` is the whole line).
    marker: str = ""
    #: True when the escape is written inside a comment (`# %matplotlib inline` in a percent script).
    commented: bool = False

    @property
    def automagic(self) -> bool:
        """Whether this is a line magic written without its `%`, which IPython's automagic runs."""
        return self.kind is EscapeKind.LINE_MAGIC and not self.marker

    @property
    def name(self) -> str:
        """Magic name for LINE_MAGIC/CELL_MAGIC (`cd` for `%cd data`), program for SHELL."""
        head = self.body.lstrip()
        return head.split(None, 1)[0] if head.split() else ""

    @property
    def args(self) -> str:
        """The text after the name, leading blanks stripped."""
        head = self.body.lstrip()
        parts = head.split(None, 1)
        return parts[1] if len(parts) > 1 else ""


@dataclass(frozen=True)
class ScannedUnit:
    """A unit's text seen through IPython's eyes."""

    escapes: tuple[Escape, ...]
    #: The text with every escape replaced by valid Python: the same number of lines, and every line
    #: that holds no escape is unchanged, so positions in it map straight back to the original.
    masked: str
    #: Name of the cell magic on the cell's first line (`bash` for `%%bash`), else None.
    cell_magic: str | None
    #: False when a cell magic hands the cell to another interpreter (`%%bash`, `%%html`, ...): the
    #: cell is then not Python and must not be parsed as such.
    is_python: bool
    #: Pairs (text in `masked`, text in the original) for each masked escape.
    replacements: tuple[tuple[str, str], ...] = field(default=(), repr=False)


#: Cell magics whose body IPython runs as Python in the kernel (they call `run_cell` or
#: `transform_cell` on it): the core ones from `IPython/core/magics/execution.py` and
#: `ast_mod.py`, plus common extensions that do the same. Every other cell magic (`%%bash`,
#: `%%writefile`, `%%html`, `%%script`, `%%python3`, which runs a separate interpreter, unknown ones)
#: hands its body to something else.
PYTHON_CELL_MAGICS: frozenset[str] = frozenset(
    {
        "time",
        "timeit",
        "prun",
        "capture",
        "debug",
        "code_wrap",
        "memit",  # memory_profiler
        "px",  # ipyparallel
        "snakeviz",
    }
)

#: Prefix of the names that replace escapes in `masked`; made longer if the text already uses it.
PLACEHOLDER_PREFIX = "__nbport_escape_"

#: The line magics IPython's automagic reaches, read off real kernels by `tools/ipython_magics.py`.
MAGICS_PATH = Path(__file__).with_name("ipython_magics.json")


@cache
def automagic_names() -> frozenset[str]:
    """The words automagic runs as line magics in a kernel of any IPython in `MAGICS_PATH` (Colab's
    and a current one), aliases such as `ls` and `cat` included."""
    data = json.loads(MAGICS_PATH.read_text(encoding="utf-8"))
    return frozenset(name for shell in data["shells"] for name in shell["line_magics"])


# --- cheap tests -------------------------------------------------------------------------------

# A superset of where a live escape can be: a line starting with an escape character, `=` followed
# by `!`/`%`, or a line ending in `?`. Text matching none of these has no escape at all.
_LIVE_CANDIDATE = re.compile(r"^[ \t\f]*[!%?/,;]|=[ \t\f]*[!%]|\?\r?$", re.MULTILINE)
# In percent scripts, also a comment line holding `%`, `!` or `?`.
_COMMENT_CANDIDATE = re.compile(r"^[ \t\f]*#[^\n]*[%!?]", re.MULTILINE)

# --- IPython's patterns ------------------------------------------------------------------------

# `_help_end_re` from IPython/core/inputtransformer2.py, unchanged.
_HELP_END_RE = re.compile(
    r"""(%{0,2}
    (?!\d)[\w*]+            # Variable name
    (\.(?!\d)[\w*]+|\[-?[0-9]+\])*       # .etc.etc or [0], we only support literal integers.
    )
    (\?\??)$                # ? or ??
    """,
    re.VERBOSE,
)
_CELL_MAGIC_HELP_RE = re.compile(r"%%\w+\?")
# A line without escape characters as `split_user_input` reads it: blanks, the "function part"
# (`ifun`, which automagic looks up as a magic), the rest.
_AUTOMAGIC_LINE = re.compile(r"\s*(?P<name>[\w.*]*)(?P<rest>.*)", re.DOTALL)
_NONBLANK = re.compile(r"\S")
_MAGIC_WORD = re.compile(r"[\w.*]*")

# --- jupytext's patterns for Python (jupytext/magics.py), for commented magics -----------------

_JT_MAGIC_RE = re.compile(r"^\s*(# |#)*(%|%%|%%%)[a-zA-Z]")
_JT_MAGIC_FORCE_ESC_RE = re.compile(r"^\s*(# |#)*(%|%%|%%%)[a-zA-Z](.*)#\s*escape")
_JT_MAGIC_NOT_ESC_RE = re.compile(r"^\s*(# |#)*(%|%%|%%%)[a-zA-Z](.*)#\s*noescape")
_JT_HELP_OR_BASH_RE = re.compile(r"^\s*(?:(?:# |#)+\s*)?(\?|!)\s*[A-Za-z\.\~\$\\\/\{\}]")
_JT_MAGIC_CMD_RE = re.compile(
    r"^(# |#)*(cat|cd|cp|mv|rm|rmdir|mkdir|copy|ddir|echo|ls|ldir|mkdir|ren|rmdir)($|\s$|\s[^=,])"
)
_JT_MAGIC_HELP_RE = re.compile(r"^\s*(# )*[^\s]*\?\s*$")
_JT_MAGIC_ASSIGN_RE = re.compile(
    r"^(# |#)*\s*([a-zA-Z_][a-zA-Z_$0-9]*)\s*=\s*(%|%%|%%%|!)[a-zA-Z](.*)"
)
_JT_LINE_CONTINUATION_RE = re.compile(r".*\\\s*$")


def leading_indent(text: str) -> str:
    """The indentation IPython removes from a cell before reading it: the spaces and tabs opening
    its first non-blank line, which IPython's `leading_indent` takes from each line starting with
    them (`  %%time` / `  x = 1` runs, and so does ` %%bash` / `!cd data`, as a bash cell).

    That is IPython 7 and 8, and so Colab's (IPython 7.34.0). IPython 9.0 leaves a cell whose
    first line is a comment as it is, and 9.1 and later take away only the indentation that all
    lines share (`textwrap.dedent`). The readings agree whenever every line starts with the first
    one's indentation; where they do not, nbport reads the cell as Colab does. IPython 9.1 runs
    no line of such a cell: its first line keeps its indentation, an "unexpected indent" (` %%bash`
    / `!cd data` as much as ` x = 1` / `y = 2`).
    """
    for line in text.split("\n"):
        if line.strip():
            return line[: _skipped(_INDENT, line)]
    return ""


def jupytext_is_magic(line: str) -> bool:
    """Whether jupytext reading a percent script treats `line` (no line ending) as a magic.

    A port of `jupytext.magics.is_magic` for Python with jupytext's defaults for the percent format
    (`comment_magics` on, cells explicitly marked).
    """
    if _JT_MAGIC_FORCE_ESC_RE.match(line):
        return True
    if _JT_MAGIC_NOT_ESC_RE.match(line):
        return False
    return bool(
        _JT_MAGIC_RE.match(line)
        or _JT_HELP_OR_BASH_RE.match(line)
        or _JT_MAGIC_ASSIGN_RE.match(line)
        or _JT_MAGIC_HELP_RE.match(line)
        or _JT_MAGIC_CMD_RE.match(line)
    )


def jupytext_uncomment(line: str) -> tuple[str, int]:
    """Remove one comment level the way `jupytext.magics.unesc` does.

    Returns the new line and how many characters were removed after the indentation (0, 1 or 2).
    """
    unindented = line.lstrip()
    indent = len(line) - len(unindented)
    if unindented.startswith("# "):
        return line[:indent] + unindented[2:], 2
    if unindented.startswith("#"):
        return line[:indent] + unindented[1:], 1
    return line, 0


# --- the scanner ------------------------------------------------------------------------------

# Characters that can change where a logical line ends or what it holds.
_INTERESTING = re.compile(r"[\"'#\\()\[\]{}=\n]")
_BLANKS = re.compile(r"[ \t\f]*")
# The indentation IPython's `leading_indent` takes from a cell's first line: spaces and tabs only.
_INDENT = re.compile(r"[ \t]*")
# Between tokens of one logical line: blanks and backslash continuations (`x = \` / `!ls`).
_BLANKS_OR_CONTINUATIONS = re.compile(r"(?:[ \t\f]|\\\r?\n)*")
_OPENERS = frozenset("([{")


def _skipped(pattern: re.Pattern[str], text: str, pos: int = 0) -> int:
    """Where `pattern` (one that also matches the empty string) stops matching from `pos`."""
    match = pattern.match(text, pos)
    return pos if match is None else match.end()


_CLOSERS = frozenset(")]}")
# Characters that, right before `=`, make it part of another operator (`==`, `!=`, `+=`, `:=`, ...).
_NOT_ASSIGN_BEFORE = frozenset("=!<>+-*/%@&|^:")
# Closing patterns for strings: a backslash escapes any character, newlines included.
_STRING_END = {
    "'": re.compile(r"(?:[^'\\\n]|\\(?:\r?\n|.))*('?)"),
    '"': re.compile(r'(?:[^"\\\n]|\\(?:\r?\n|.))*("?)'),
    "'''": re.compile(r"(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL),
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL),
}


@dataclass
class _Found:
    """An escape found by the scanner, in the coordinates of the text it scanned."""

    kind: EscapeKind
    marker: str
    start: int  # first character of the escape
    mask_start: int  # first character replaced in `masked` (== start except for commented ones)
    end: int
    body: str
    target: str | None = None
    commented: bool = False


@dataclass
class _Walk:
    """A logical line as the tokenizer reads it (escape characters and all)."""

    #: Where the next logical line starts; None if tokenizing stops (unterminated `'''`).
    after: int | None
    #: Offset after the `?` that ends the line, or -1 if its last token is something else.
    help_limit: int
    #: The tokenizer's bracket depth at the end of the line.
    depth: int
    #: Offset of the line's first `=` outside brackets (-1 if none), and the depth there.
    equals: int
    equals_depth: int


@dataclass
class _State:
    """What IPython remembers between transformations of one cell.

    IPython transforms the earliest escape, re-tokenizes and repeats; each transformer only ever
    looks at its *first* match in the cell. So a `obj?` line that its transformer cannot handle
    (`f(x)?`) shadows every later `obj?` line, and a `/` line without a name does the same to every
    later line-start escape.
    """

    help_blocked: bool = False
    escaped_blocked: bool = False
    #: The tokenizer's bracket depth, which an unmatched closer makes negative: the 3.11 tokenizer
    #: then reads every line as a continuation, where leading blanks become error tokens, so an
    #: indented `!` or `?` no longer starts the line.
    depth: int = 0
    #: The indentation IPython removes from the cell's lines before reading them (see
    #: `leading_indent`; a cell magic's body is a cell of its own).
    indent: str = ""


class _Scanner:
    """Finds escapes in one text; see the module docstring for the rules."""

    def __init__(
        self, text: str, commented: bool, shadowed: Callable[[str], bool] | None = None
    ) -> None:
        self.text = text
        self.commented = commented
        self.shadowed = shadowed
        self.found: list[_Found] = []
        self.cell_magic: str | None = None
        self.is_python = True
        self._line_starts: list[int] | None = None

    # -- positions

    def line_starts(self) -> list[int]:
        """Offsets at which each line of the text starts."""
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", self.text))
            self._line_starts = starts
        return self._line_starts

    def line_index(self, pos: int) -> int:
        """0-based index of the line holding offset `pos`."""
        return bisect.bisect_right(self.line_starts(), pos) - 1

    def content_end(self, pos: int) -> int:
        """Offset of the end of the line holding `pos`, before its `\\n` or `\\r\\n`."""
        nl = self.text.find("\n", pos)
        if nl < 0:
            return len(self.text)
        return nl - 1 if nl > 0 and self.text[nl - 1] == "\r" else nl

    def next_line(self, pos: int) -> int:
        """Offset of the start of the line after the one holding `pos` (len(text) at the end)."""
        nl = self.text.find("\n", pos)
        return len(self.text) if nl < 0 else nl + 1

    def continued_end(self, pos: int) -> int:
        """End of the line holding `pos` and of the lines it continues with a trailing backslash.

        IPython's `find_end_of_continued_line` only accepts `\\` right before `\\n`; `\\` before
        `\\r\\n` is accepted here too, as Python's tokenizer does.
        """
        text = self.text
        end = self.content_end(pos)
        # The text after a final newline is not a line: there is nothing to continue onto.
        while end > 0 and text[end - 1] == "\\" and self.next_line(end) < len(text):
            end = self.content_end(self.next_line(end))
        return end

    # -- cells

    def scan_cell(self, pos: int) -> None:
        """Scan a cell starting at offset `pos`: its cell magic, then its lines."""
        first = self.first_nonblank_line(pos)
        if first is None:
            return
        state = _State(indent=self.text[first : _skipped(_INDENT, self.text, first)])
        magic = self.cell_magic_at(first)
        if magic is not None:
            found, name = magic
            self.found.append(found)
            if self.cell_magic is None:
                self.cell_magic = name
            if name not in PYTHON_CELL_MAGICS:
                self.is_python = False
                return
            # IPython's %%time & co run their body through `transform_cell` again: a new cell.
            self.scan_cell(self.next_line(first))
            return
        escapes_before = len(self.found)
        self.scan_lines(first, state)
        if not self.commented and len(self.found) == escapes_before:
            automagic = self.automagic(first)
            if automagic is not None:
                self.found.append(automagic)

    def automagic(self, first: int) -> _Found | None:
        """IPython's automagic on the cell whose first non-blank line starts at `first`, when it
        holds no escape: `pip install requests` runs as `%pip install requests`.

        IPython tries it only on a cell that is one line once the blank lines before it are gone
        (`InteractiveShell.transform_cell`: `pip install x` then `import os` is a syntax error),
        when the line's first word (`split_user_input`) is a line magic that is neither assigned
        to (`pip = 3`, `ls, x = 1, 2`: `AssignmentChecker`) nor shadowed by a name defined in the
        kernel (`is_shadowed`). IPython runs the magic even where the line is valid Python (`cd
        /content/data`, `ls -la`, `cd`), unless the user bound the name (`history` after `history
        = model.fit(...)` is the variable). Only the running kernel knows those names: a line
        that is not valid Python can only run as the magic; one that is is read as the magic
        unless `shadowed` (the notebook's own bindings, see `bound_in`) says the name is bound,
        and as Python when nothing is known. Percent scripts are Python files too: automagic is
        read in notebook cells only.
        """
        text = self.text
        end = self.content_end(first)
        line = text[first:end]
        # One line: nothing after it but its line ending, and none of the other characters that
        # `str.splitlines`, with which IPython counts lines, breaks at (form feed, U+2028...).
        if text[end:] not in ("", "\n", "\r\n") or len(line.splitlines()) != 1:
            return None
        match = _AUTOMAGIC_LINE.match(line)
        if match is None:
            return None
        name = match["name"]
        if name not in automagic_names() or match["rest"].lstrip()[:1] in ("=", ","):
            return None
        if _is_python(line.lstrip(" \t")) and (self.shadowed is None or self.shadowed(name)):
            return None
        start = first + match.start("name")
        return _Found(
            EscapeKind.LINE_MAGIC, "", start=start, mask_start=start, end=end, body=text[start:end]
        )

    def first_nonblank_line(self, pos: int) -> int | None:
        """Start of the first line at or after `pos` that is not whitespace only."""
        text = self.text
        while pos < len(text):
            end = self.content_end(pos)
            if text[pos:end].strip():
                return pos
            pos = self.next_line(pos)
        return None

    def cell_magic_at(self, pos: int) -> tuple[_Found, str] | None:
        """The cell magic on the line at `pos` (the cell's first non-blank line), if any."""
        text = self.text
        end = self.content_end(pos)
        line = text[pos:end]
        # IPython removes this line's indentation before looking for `%%`, whatever the other
        # lines hold (`leading_indent`): ` %%bash` / `!cd data` is a bash cell.
        indent = _skipped(_INDENT, line)
        commented = False
        shift = 0
        if self.commented and line[indent : indent + 1] == "#" and jupytext_is_magic(line):
            line, shift = jupytext_uncomment(line)
            commented = True
        if line[indent : indent + 2] != "%%" or _CELL_MAGIC_HELP_RE.match(line, indent):
            return None
        body = line[indent + 2 :]
        name = body.rstrip().partition(" ")[0]
        found = _Found(
            EscapeKind.CELL_MAGIC,
            "%%",
            start=pos + indent + shift,
            mask_start=pos + indent,
            end=end,
            body=body,
            commented=commented,
        )
        return found, name

    # -- logical lines

    def scan_lines(self, pos: int, state: _State) -> None:
        """Visit each logical line from `pos` (a line start) to the end of the text."""
        text = self.text
        size = len(text)
        while pos < size:
            first = _skipped(_BLANKS, text, pos)
            char = text[first : first + 1]
            if char in ("", "\n") or text.startswith("\r\n", first):
                pos = self.next_line(first)
                continue
            if char == "#":
                if self.commented:
                    self.commented_escape(pos, state)
                pos = self.next_line(first)
                continue
            after = self.logical_line(pos, first, state)
            if after is None:
                return
            pos = after

    def logical_line(self, line_start: int, first: int, state: _State) -> int | None:
        """Look at the logical line whose first token is at `first`; return where the next starts.

        None means the rest of the text cannot be tokenized (an unterminated triple-quoted string):
        IPython's tokenizer stops there, and so no escape after it is seen.

        Like IPython, the whole logical line is tokenized first, escape and all, and then the
        candidates are tried in IPython's order: `obj?` (HelpEnd, which starts at the line's first
        token and wins ties), then a line-start escape (EscapedCommand), then `x = !cmd`.
        """
        marker = self.line_start_marker(first)
        # Is the line still indented once IPython has removed the cell's indentation from it?
        removed = len(state.indent) if self.text.startswith(state.indent, line_start) else 0
        if marker in ("!", "!!", "?", "??") and state.depth < 0 and first - line_start > removed:
            marker = None
        if state.escaped_blocked:
            marker = None
        start_depth = state.depth
        walk = self.walk(first, start_depth)

        if walk.help_limit >= 0 and not state.help_blocked:
            found = self.help_end(first, walk.help_limit)
            if found is not None:
                self.found.append(found)  # the line becomes one balanced call: depth unchanged
                return self.after_help(found.end, walk)
            help_failed = True
        else:
            help_failed = False

        if marker is not None:
            end = self.continued_end(first)
            found = self.escaped_command(marker, first, end)
            if found is not None:
                self.found.append(found)
                return self.next_line(end)
            # `/` without a name: IPython gives up on it and leaves it as Python, and its finder
            # keeps returning this line, so no later line-start escape is ever transformed.
            state.escaped_blocked = True

        if walk.equals >= 0:
            found = self.assignment(first, walk.equals)
            if found is not None:
                self.found.append(found)
                state.depth = walk.equals_depth
                return self.next_line(found.end)

        if help_failed:
            # Nothing else rewrites this line, so IPython's HelpEnd keeps finding it first.
            state.help_blocked = True
        state.depth = walk.depth
        return walk.after

    def after_help(self, end: int, walk: _Walk) -> int | None:
        """Where scanning goes on after a help line ending at `end`."""
        if walk.after is None:
            return None  # the unterminated string that stopped the tokens comes after the `?`
        return self.next_line(end)

    def walk(self, first: int, depth: int) -> _Walk:
        """Tokenize the logical line from `first` as Python's 3.11 tokenizer would.

        `depth` is the tokenizer's bracket depth (a logical line ends at a newline where it is not
        positive); `level` is IPython's own count for finding the first `=`, never below 0.
        """
        text = self.text
        size = len(text)
        level = 0
        last_string_end = first
        last_comment = -1
        equals = equals_depth = -1
        pos = first
        while True:
            match = _INTERESTING.search(text, pos)
            if match is None:
                limit = size
                if depth > 0 and text.endswith("\n"):
                    # The text ends inside brackets: the tokenizer stops with an error, and the
                    # last token IPython sees before the final NL is the last line's last one.
                    limit = size - 1
                    if last_comment >= text.rfind("\n", 0, limit) + 1:
                        limit = -1  # ... which is a comment: not a help line
                help_limit = self.help_limit(first, limit, last_string_end)
                return _Walk(size, help_limit, depth, equals, equals_depth)
            pos = match.start()
            char = text[pos]
            if char == "\n":
                if depth <= 0:
                    help_limit = self.help_limit(first, pos, last_string_end)
                    return _Walk(pos + 1, help_limit, depth, equals, equals_depth)
                pos += 1
            elif char == "#":
                # A comment is the line's last token, so the line is no `obj?` help line.
                last_comment = pos
                nl = text.find("\n", pos)
                if nl < 0:
                    return _Walk(size, -1, depth, equals, equals_depth)
                if depth <= 0:
                    return _Walk(nl + 1, -1, depth, equals, equals_depth)
                pos = nl
            elif char in _OPENERS:
                depth += 1
                level += 1
                pos += 1
            elif char in _CLOSERS:
                # The 3.11 tokenizer carries on after an unmatched closer (see `_State.depth`).
                depth -= 1
                level = max(0, level - 1)
                pos += 1
            elif char == "\\":
                if text.startswith("\n", pos + 1):
                    pos += 2
                elif text.startswith("\r\n", pos + 1):
                    pos += 3
                else:
                    pos += 1
            elif char == "=":
                if text[pos + 1 : pos + 2] == "=":
                    pos += 2  # `==`: neither half is an assignment
                    continue
                # IPython wants the first `=` token outside brackets; `+=`, `<=`, `:=` ... are
                # other tokens.
                if equals < 0 and level == 0 and text[pos - 1 : pos] not in _NOT_ASSIGN_BEFORE:
                    equals, equals_depth = pos, depth
                pos += 1
            else:  # a quote
                string_end = self.string_end(pos)
                if string_end is None:
                    # IPython keeps the tokens before the unterminated string: if it opens a line
                    # inside brackets, the previous line's last token may make a help line.
                    help_limit = -1
                    line_start = text.rfind("\n", 0, pos) + 1
                    if line_start > first and not text[line_start:pos].strip():
                        previous_start = text.rfind("\n", 0, line_start - 1) + 1
                        if last_comment < previous_start:
                            help_limit = self.help_limit(first, line_start - 1, last_string_end)
                    return _Walk(None, help_limit, depth, equals, equals_depth)
                pos = string_end
                last_string_end = string_end

    def string_end(self, pos: int) -> int | None:
        """End of the string literal opening at `pos`, as the 3.11 tokenizer reads it.

        An unterminated single-quoted string is just an error token for its quote, and tokenizing
        goes on after it; if it was continued with a backslash, the error token runs to the end of
        the line where it fails, newline included (the logical line goes on). An unterminated
        triple-quoted string swallows the rest (None).
        """
        text = self.text
        quote = text[pos]
        if text.startswith(quote * 3, pos):
            match = _STRING_END[quote * 3].match(text, pos + 3)
            return None if match is None else match.end()
        match = _STRING_END[quote].match(text, pos + 1)
        if match is None:  # cannot happen: the pattern also matches the empty string
            return pos + 1
        end = match.end()
        if match.group(1):
            return end
        if "\n" in text[pos:end]:
            return self.next_line(end)
        return pos + 1

    def help_limit(self, first: int, limit: int, last_string_end: int) -> int:
        """If the code from `first` to `limit` ends with a `?` token, the offset after it; else -1."""
        q = self.last_significant(limit)
        if q >= first and q >= last_string_end and self.text[q] == "?":
            return q + 1
        return -1

    def last_significant(self, limit: int) -> int:
        """Offset of the last non-blank character before `limit` (-1 if none)."""
        text = self.text
        q = limit - 1
        while q >= 0 and text[q] in " \t\f\r":
            q -= 1
        return q

    def help_end(self, first: int, end: int) -> _Found | None:
        """IPython's `HelpEnd` for the logical line from `first` whose code ends at `end`."""
        text = self.text
        q = self.last_significant(end)
        if q < first or text[q] != "?":
            return None
        # IPython's pattern needs the `?` right before the newline (`\r\n` accepted here too).
        if not (q + 1 == len(text) or text.startswith(("\n", "\r\n"), q + 1)):
            return None
        match = _HELP_END_RE.search(text, first, q + 1)
        if match is None:
            return None
        return _Found(
            EscapeKind.HELP,
            match.group(3),
            start=first,
            mask_start=first,
            end=q + 1,
            body=match.group(1),
        )

    def line_start_marker(self, first: int) -> str | None:
        """The escape characters opening a logical line at `first`, if its first token is one."""
        text = self.text
        char = text[first]
        following = text[first + 1 : first + 2]
        if char == "!":
            if following == "=":  # `!=` is an operator token
                return None
            return "!!" if following == "!" else "!"
        if char == "%":
            return None if following == "=" else "%"
        if char == "?":
            return "??" if following == "?" else "?"
        if char in ",;":
            return char
        if char == "/":
            return None if following in ("/", "=") else "/"
        return None

    def escaped_command(self, marker: str, first: int, end: int) -> _Found | None:
        """IPython's `EscapedCommand` at `first`; None when IPython rejects it (`/` alone)."""
        body = self.text[first + len(marker) : end]
        if marker == "/" and body.rstrip().partition(" ")[0] == "":
            return None
        kind = {
            "!": EscapeKind.SHELL,
            "!!": EscapeKind.SHELL_CAPTURE,
            "%": EscapeKind.LINE_MAGIC,
            "?": EscapeKind.HELP,
            "??": EscapeKind.HELP,
        }.get(marker, EscapeKind.AUTOCALL)
        return _Found(kind, marker, start=first, mask_start=first, end=end, body=body)

    def assignment(self, first: int, equals: int) -> _Found | None:
        """IPython's `SystemAssign`/`MagicAssign` for the first `=` of a logical line, if any."""
        text = self.text
        pos = _skipped(_BLANKS_OR_CONTINUATIONS, text, equals + 1)
        char = text[pos : pos + 1]
        following = text[pos + 1 : pos + 2]
        if char == "!" and following != "=":
            kind, marker = EscapeKind.SHELL, "!"
            # Python 3.11's IPython skips a line whose `=` starts its physical line.
            line_start = text.rfind("\n", 0, equals) + 1
            if not text[line_start:equals].strip(" \t\f"):
                return None
        elif char == "%":
            name_start = _skipped(_BLANKS, text, pos + 1)
            name_char = text[name_start : name_start + 1]
            if not (name_char.isidentifier()):
                return None
            kind, marker = EscapeKind.LINE_MAGIC, "%"
        else:
            return None
        end = self.continued_end(pos)
        target = text[first:equals].strip()
        body = text[pos + 1 : end]
        return _Found(kind, marker, start=pos, mask_start=pos, end=end, body=body, target=target)

    # -- commented escapes (percent scripts)

    def commented_escape(self, line_start: int, state: _State) -> None:
        """A magic commented out by jupytext on the line at `line_start`, if any."""
        text = self.text
        end = self.content_end(line_start)
        line = text[line_start:end]
        if not jupytext_is_magic(line):
            return
        # The lines jupytext uncomments together: this one and those it continues with `\`.
        pieces: list[tuple[int, int, str, int]] = []  # (line start, indent, uncommented, shift)
        block_parts: list[str] = []
        pos = line_start
        while True:
            end = self.content_end(pos)
            original = text[pos:end]
            uncommented, shift = jupytext_uncomment(original)
            indent = len(original) - len(original.lstrip())
            pieces.append((pos, indent, uncommented, shift))
            block_parts.append(uncommented)
            following = self.next_line(end)
            if not _JT_LINE_CONTINUATION_RE.match(original) or following >= len(text):
                break
            block_parts.append(text[end:following])  # the line's own ending, `\r\n` or `\n`
            pos = following
        block = "".join(block_parts)
        inner = _Scanner(block, commented=False)
        inner_first = _skipped(_BLANKS, block)
        if block[inner_first : inner_first + 1] in ("", "#", "\n"):
            return
        inner.logical_line(0, inner_first, state)
        inner_starts = inner.line_starts()

        def to_outer(offset: int) -> int:
            index = bisect.bisect_right(inner_starts, offset) - 1
            piece_start, indent, _, shift = pieces[index]
            column = offset - inner_starts[index]
            return piece_start + column + (shift if column >= indent else 0)

        for found in inner.found:
            if found.start >= len(pieces[0][2]) + 1:
                continue  # only what starts on the commented line belongs to it
            start = to_outer(found.start)
            # Masked from the `#` on: IPython sees a statement there, and a block whose only
            # statement is a commented magic (`try:` / `    # %tensorflow_version 2.x`) must parse.
            mask_start = min(start, line_start + pieces[0][1])
            self.found.append(
                _Found(
                    found.kind,
                    found.marker,
                    start=start,
                    mask_start=mask_start,
                    end=to_outer(found.end),
                    body=found.body,
                    target=found.target,
                    commented=True,
                )
            )


def scan(
    text: str, style: EscapeStyle, shadowed: Callable[[str], bool] | None = None
) -> ScannedUnit:
    """Find the escapes in `text` written in `style` and mask them.

    `shadowed` tells whether a name is bound in the kernel running the cell, so that a one-line
    cell that is valid Python and starts with a line magic's name is that magic only when the
    name is not bound (`cd /content/data`, but not `history` after `history = model.fit(x)`):
    pass `bound_in` of the notebook's cells; without it, such a line is read as Python. Text
    with nothing that could be an escape comes back at once, unchanged.
    """
    if style is EscapeStyle.NONE:
        return ScannedUnit((), text, None, True)
    commented = style is EscapeStyle.COMMENTED
    if (
        not _LIVE_CANDIDATE.search(text)
        and not (commented and _COMMENT_CANDIDATE.search(text))
        and not (not commented and automagic_candidate(text))
    ):
        return ScannedUnit((), text, None, True)
    scanner = _Scanner(text, commented, shadowed)
    scanner.scan_cell(0)
    return _build(scanner)


def bound_in(texts: Sequence[str]) -> Callable[[str], bool]:
    """A test of whether the code in `texts` (a notebook's cells) binds a name at any place: an
    assignment or augmented assignment to it (among other targets too), `def`/`class`, `import`,
    `as`, `for`, `global`, `:=`, or a magic line naming it (`%%bigquery history` stores its
    result in `history`). Read off the text, loosely: in doubt, the name is bound, and the line
    that names it stays Python. Each name is looked for once, when first asked about.
    """
    answers: dict[str, bool] = {}

    def bound(name: str) -> bool:
        if name not in answers:
            pattern = _binding(name)
            answers[name] = any(name in text and pattern.search(text) for text in texts)
        return answers[name]

    return bound


@cache
def _binding(name: str) -> re.Pattern[str]:
    """Where a line binds `name` (see `bound_in`)."""
    word = rf"\b{re.escape(name)}\b"
    # Targets of an assignment: names, attributes, subscripts, tuples, starred (`a, *ls = x`).
    targets = r"[\w., \t()\[\]*]*"
    return re.compile(
        rf"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+{word}"
        rf"|^[ \t]*(?:for|with|global|nonlocal|import|from)\b[^\n]*{word}"
        rf"|\bas[ \t]+{word}|{word}[ \t]*:="
        # `%%bigquery history`, `%store -r history`: magics that set variables (or may).
        rf"|^[ \t]*%{{1,2}}\w[^\n]*{word}"
        rf"|^[ \t]*{targets}{word}{targets}(?::[^=\n]*)?(?:\*\*|//|>>|<<|[-+*/%&|^@])?=(?!=)",
        re.MULTILINE,
    )


def automagic_candidate(text: str) -> bool:
    """A cheap superset of the cells `_Scanner.automagic` reads as a magic: one line, after the
    blank ones, whose first word is a line magic's name."""
    # Without copying the cell: a long one fails at its first line ending.
    start = _NONBLANK.search(text)
    if start is None:
        return False
    newline = text.find("\n", start.start())
    if 0 <= newline < len(text) - 1:
        return False
    name = text[start.start() : _skipped(_MAGIC_WORD, text, start.start())]
    return bool(name) and name in automagic_names()


def _is_python(line: str) -> bool:
    """Whether CPython parses `line` (a cell of one line) as Python."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # odd string escapes: still Python
        try:
            compile(line, "<cell>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def _build(scanner: _Scanner) -> ScannedUnit:
    """Turn what the scanner found into `Escape`s and the masked text."""
    text = scanner.text
    found = sorted(scanner.found, key=lambda item: item.start)
    starts = scanner.line_starts()
    escapes = tuple(
        Escape(
            kind=item.kind,
            line=scanner.line_index(item.start) + 1,
            column=item.start - starts[scanner.line_index(item.start)],
            start=item.start,
            end=item.end,
            body=item.body,
            target=item.target,
            marker=item.marker,
            commented=item.commented,
        )
        for item in found
    )
    if not scanner.is_python:
        return ScannedUnit(escapes, "", scanner.cell_magic, False)

    prefix = PLACEHOLDER_PREFIX
    while prefix in text:
        prefix += "x"
    pieces: list[str] = []
    replacements: list[tuple[str, str]] = []
    copied = 0  # text before this offset is already in `pieces`
    for index, item in enumerate(found):
        first_end = scanner.content_end(item.mask_start)
        masked_part = [f"{prefix}{index}__"]
        pos = first_end
        while pos < item.end:
            # The line ending, then the continuation line emptied (a blank line is valid anywhere).
            newline_end = scanner.next_line(pos)
            masked_part.append(text[pos:newline_end])
            line_end = scanner.content_end(newline_end)
            line = text[newline_end:line_end]
            if item.commented and line.lstrip().startswith("#"):
                masked_part.append(line)  # jupytext's commented continuation: still a comment
            pos = line_end
        masked_fragment = "".join(masked_part)
        original_fragment = text[item.mask_start : item.end]
        pieces.append(text[copied : item.mask_start])
        pieces.append(masked_fragment)
        copied = item.end
        replacements.append((masked_fragment, original_fragment))
    pieces.append(text[copied:])
    return ScannedUnit(escapes, "".join(pieces), scanner.cell_magic, True, tuple(replacements))


def strip_leading_indent(masked: str) -> tuple[str, int, frozenset[int]]:
    """IPython's `leading_indent`: when a cell's first non-blank line is indented, that indentation is
    removed from every line that starts with it, so `    x = 1` runs (the reading of Colab's IPython,
    which the escape scanner shares: see `nbport.escapes.leading_indent`). Returns the text to parse,
    the width removed, and the (1-based) lines it was removed from.
    """
    if not masked[:1].isspace():  # the common case, decided without splitting the text
        return masked, 0, frozenset()
    prefix = leading_indent(masked)
    if not prefix:
        return masked, 0, frozenset()
    lines = masked.split("\n")  # lines as LineIndex counts them: `\n` only
    dedented = frozenset(number for number, line in enumerate(lines, 1) if line.startswith(prefix))
    text = "\n".join(line[len(prefix) :] if line.startswith(prefix) else line for line in lines)
    return text, len(prefix), dedented
