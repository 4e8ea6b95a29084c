"""Shell command lines as the shell rules read them: the command of a `!` line (or `%sx`, `%system`,
`%pip`, a shell alias) split into words with their offsets, the way `sh` would, knowing IPython's own
`{expression}` expansion, and grouped into simple commands. What a pip command among them asks for is
read by `nbport.rules.pip`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

from nbport.escapes import Escape, EscapeKind


class TokenKind(Enum):
    """What a token of a shell command is."""

    WORD = "word"
    #: `&&`, `||`, `;`, `|`, `&`, `(`, `)` or a newline: the end of a simple command.
    CONTROL = "control"
    #: `>`, `>>`, `<`, `2>&`, ...: the next word is its target, not an argument.
    REDIRECT = "redirect"


@dataclass(frozen=True)
class ShellToken:
    """One token of a shell command, with its offsets in the command text."""

    kind: TokenKind
    #: The token as written.
    raw: str
    #: For words: the text the program receives (quotes and backslashes removed; IPython's
    #: `{expression}` and `$(...)` kept as written).
    value: str
    start: int
    end: int

    @property
    def quoted(self) -> bool:
        """True when any part of the word is quoted or escaped."""
        return self.raw != self.value or any(char in self.raw for char in "'\"\\")


_CONTROLS = ("&&", "||", ";;", "|&", ";", "&", "|", "(", ")")
_REDIRECTS = ("&>>", "<<<", ">>", "<<", ">&", "<&", "<>", ">|", "&>", ">", "<")
_SPACE = " \t"
# Characters that end an unquoted word in a shell command.
_WORD_END_SHELL = frozenset(" \t\n;&|()<>")
_WORD_END_ARGS = frozenset(" \t\n")


def shell_tokens(command: str, *, shell: bool = True) -> list[ShellToken] | None:
    """Split `command` into tokens as `sh` would (or, with `shell=False`, as IPython's `arg_split`
    splits magic arguments: whitespace and quotes only). None when a quote is left open.
    """
    tokens: list[ShellToken] = []
    pos = 0
    size = len(command)
    word_end = _WORD_END_SHELL if shell else _WORD_END_ARGS
    while pos < size:
        char = command[pos]
        if char in _SPACE:
            pos += 1
            continue
        if command.startswith("\\\n", pos) or command.startswith("\\\r\n", pos):
            pos = command.index("\n", pos) + 1  # a line continuation is a blank
            continue
        if char in "\r\n":
            if shell and char == "\n":
                tokens.append(ShellToken(TokenKind.CONTROL, "\n", "\n", pos, pos + 1))
            pos += 1
            continue
        if shell and char == "#":
            newline = command.find("\n", pos)
            pos = size if newline < 0 else newline
            continue
        if shell:
            operator = _operator_at(command, pos)
            if operator is not None:
                tokens.append(operator)
                pos = operator.end
                continue
        word = _word_at(command, pos, word_end, shell)
        if word is None:
            return None
        if (
            shell
            and word.raw.isdigit()
            and word.end < size
            and command[word.end] in "<>"
            and (redirect := _operator_at(command, word.end)) is not None
        ):
            # `2>file`, `2>&1`: the digits name a file descriptor of the redirection.
            word = ShellToken(
                TokenKind.REDIRECT,
                command[pos : redirect.end],
                command[pos : redirect.end],
                pos,
                redirect.end,
            )
        tokens.append(word)
        pos = word.end
    return tokens


def _operator_at(command: str, pos: int) -> ShellToken | None:
    """The control operator or redirection starting at `pos`, if any."""
    for operator in _REDIRECTS:
        if command.startswith(operator, pos):
            end = pos + len(operator)
            return ShellToken(TokenKind.REDIRECT, operator, operator, pos, end)
    for operator in _CONTROLS:
        if command.startswith(operator, pos):
            end = pos + len(operator)
            return ShellToken(TokenKind.CONTROL, operator, operator, pos, end)
    return None


def _word_at(command: str, pos: int, word_end: frozenset[str], shell: bool) -> ShellToken | None:
    """The word starting at `pos`; None if a quote is never closed."""
    start = pos
    size = len(command)
    value: list[str] = []
    while pos < size:
        char = command[pos]
        if char in word_end:
            break
        if char == "'":
            close = command.find("'", pos + 1)
            if close < 0:
                return None
            value.append(command[pos + 1 : close])
            pos = close + 1
        elif char == '"':
            pos += 1
            while True:
                if pos >= size:
                    return None
                inner = command[pos]
                if inner == '"':
                    pos += 1
                    break
                if inner == "\\" and pos + 1 < size and command[pos + 1] in '"\\$`\n':
                    value.append(command[pos + 1])
                    pos += 2
                    continue
                value.append(inner)
                pos += 1
        elif char == "\\":
            if command.startswith("\n", pos + 1) or command.startswith("\r\n", pos + 1):
                break  # a continuation ends the word
            value.append(command[pos + 1 : pos + 2])
            pos += 2
        elif char == "{" or (shell and (command.startswith("$(", pos) or char == "`")):
            # IPython's `{expression}` (expanded before the shell runs) and command substitutions
            # are kept whole: their spaces and quotes do not split the word.
            close = _closing(command, pos)
            if close < 0:
                value.append(char)
                pos += 1
            else:
                value.append(command[pos:close])
                pos = close
        else:
            value.append(char)
            pos += 1
    return ShellToken(TokenKind.WORD, command[start:pos], "".join(value), start, pos)


def _closing(command: str, pos: int) -> int:
    """The offset after the `}`, `)` or backquote closing the group opened at `pos`, or -1."""
    if command[pos] == "`":
        close = command.find("`", pos + 1)
        return -1 if close < 0 else close + 1
    opener = command[pos] if command[pos] == "{" else "("
    closer = "}" if opener == "{" else ")"
    depth = 0
    index = pos if opener == "{" else pos + 1
    while index < len(command):
        char = command[index]
        if char in "'\"":
            close = command.find(char, index + 1)
            if close < 0:
                return -1
            index = close + 1
            continue
        if char == "\n":
            return -1
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return -1


@dataclass(frozen=True)
class SimpleCommand:
    """One command of a shell line (`a && b | c` holds three), its arguments and how it is fed."""

    #: The words after the wrappers (`sudo`, `env`, `VAR=value`): `words[0]` is the program.
    words: tuple[ShellToken, ...]
    #: True when its standard input comes from a pipe or a `<` redirection, not from the user.
    stdin_redirected: bool

    @property
    def program(self) -> str:
        """The program's name without its directory (`apt-get` for `/usr/bin/apt-get`)."""
        return self.words[0].value.rsplit("/", 1)[-1] if self.words else ""


#: Commands that run the rest of their arguments as another command, and their options taking a value.
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U"}),
    "env": frozenset({"-u", "-C", "-S"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "-o"}),
    "nice": frozenset({"-n"}),
    "command": frozenset(),
    "exec": frozenset({"-a"}),
}
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def simple_commands(tokens: Sequence[ShellToken]) -> Iterator[SimpleCommand]:
    """The simple commands of a tokenized line, with wrappers and variable assignments skipped."""
    piped = False
    words: list[ShellToken] = []
    redirected = False
    after_redirect = False
    for token in [*tokens, ShellToken(TokenKind.CONTROL, ";", ";", -1, -1)]:
        if token.kind is TokenKind.CONTROL:
            if words:
                yield SimpleCommand(_unwrap(words), piped or redirected)
            piped = token.raw in ("|", "|&")
            words, redirected, after_redirect = [], False, False
        elif token.kind is TokenKind.REDIRECT:
            after_redirect = True
            redirected = redirected or token.raw.lstrip("0123456789").startswith("<")
        elif after_redirect:
            after_redirect = False  # the redirection's file, not an argument
        else:
            words.append(token)


def subcommand(words: Sequence[ShellToken], value_options: Collection[str]) -> ShellToken | None:
    """The first word after the program `words[0]` that is not an option (nor the value of one of
    `value_options`): `install` in `apt-get -q install x`."""
    index = 1
    while index < len(words):
        value = words[index].value
        if not value.startswith("-"):
            return words[index]
        index += 2 if value in value_options else 1
    return None


def has_short_flag(value: str, flag: str) -> bool:
    """True for `-y`, `-qy`, `-yq`: a cluster of short options holding `flag`."""
    return value.startswith("-") and not value.startswith("--") and flag in value[1:]


def _unwrap(words: list[ShellToken]) -> tuple[ShellToken, ...]:
    """Drop `VAR=value`, `sudo -u x`, `env`, ... in front of the real program."""
    index = 0
    while index < len(words):
        value = words[index].value
        if _ASSIGNMENT.match(value):
            index += 1
            continue
        options = _WRAPPERS.get(value)
        if options is None:
            break
        index += 1
        while index < len(words) and words[index].value.startswith("-"):
            index += 2 if words[index].value in options else 1
    return tuple(words[index:])


@dataclass(frozen=True)
class EscapeCommand:
    """The shell command (or magic arguments) an escape runs, and where it starts in the unit."""

    text: str
    #: Offset in the unit's text of `text[0]`.
    offset: int
    #: How many characters of `text`, from its start, lie on the escape's first line as written;
    #: later characters of a commented escape (`# !cmd \` / `#   more`) are not mapped to the unit.
    mapped: int
    #: For each later line of a commented escape: where it starts in `text` and in the unit (the
    #: unit's line holds it after its `#`; None if not), to point at, not to edit.
    later_lines: tuple[tuple[int, int | None], ...] = ()

    def unit_offset(self, index: int) -> int | None:
        """The unit offset of `text[index]`, or None where the text differs from the unit's."""
        return self.offset + index if index <= self.mapped else None

    def place(self, index: int) -> int | None:
        """Where `text[index]` stands in the unit, also on the later lines of a commented escape
        (where `unit_offset` is None: an edit there would have to keep the `#`)."""
        at = self.unit_offset(index)
        for start, unit_start in self.later_lines:
            if start <= index:
                at = None if unit_start is None else unit_start + index - start
        return at

    def commands(self) -> list[SimpleCommand]:
        """The simple commands of `text` read as a shell line; none when a quote is left open."""
        tokens = shell_tokens(self.text)
        return list(simple_commands(tokens)) if tokens else []


#: Line magics whose arguments are a shell command: `%sx`, `%system`, `%pip`, and IPython's default
#: shell aliases on Linux (`%ls`, `%cp`, ...).
SHELL_MAGICS = frozenset(
    {
        "sx",
        "system",
        "cat",
        "cp",
        "ls",
        "ll",
        "lf",
        "lk",
        "ldir",
        "lx",
        "mkdir",
        "mv",
        "rm",
        "rmdir",
    }
)
#: Line magics that run the program of their own name (`%pip install x` runs pip with the kernel's
#: Python): their command is read with the name as its program.
PROGRAM_MAGICS = frozenset({"pip", "conda", "mamba"})


def escape_command(escape: Escape, unit_text: str, magics: frozenset[str]) -> EscapeCommand | None:
    """The command run by a `!`/`!!` escape, or the arguments of a line magic named in `magics`
    (for `PROGRAM_MAGICS`, the magic's name and its arguments: `pip install x`).

    The offsets are checked against the unit's text, so an edit computed from them lands on the
    characters it means to change.
    """
    body = escape.body
    base = escape.start + len(escape.marker)
    if escape.kind in (EscapeKind.SHELL, EscapeKind.SHELL_CAPTURE):
        skip = 0
    elif escape.kind is EscapeKind.LINE_MAGIC and escape.name in magics:
        skip = len(body) - len(body.lstrip())
        if escape.name not in PROGRAM_MAGICS:
            skip += len(escape.name)
    else:
        return None
    first_line = body.split("\n", 1)[0]
    if unit_text[base : base + len(first_line)] != first_line:
        return None  # positions do not map (cannot happen for escapes the scanner found)
    mapped = len(body) if not escape.commented else len(first_line)
    if not escape.commented and unit_text[base : base + len(body)] != body:
        mapped = len(first_line)
    later = _commented_lines(body, unit_text, base) if escape.commented else ()
    shifted = tuple((start - skip, unit_start) for start, unit_start in later)
    return EscapeCommand(body[skip:], base + skip, mapped - skip, shifted)


def _commented_lines(body: str, unit_text: str, base: int) -> tuple[tuple[int, int | None], ...]:
    """For each line after the first of a commented escape's `body` (unit text from `base`): its
    start in `body` and in the unit, where the unit's line ends with it (`#   more` holds `  more`)."""
    found: list[tuple[int, int | None]] = []
    start = body.find("\n") + 1
    line_start = unit_text.find("\n", base) + 1
    while start and line_start:
        end = body.find("\n", start)
        line = body[start : len(body) if end < 0 else end]
        line_end = unit_text.find("\n", line_start)
        written = unit_text[line_start : len(unit_text) if line_end < 0 else line_end]
        mapped = written.endswith(line)
        found.append((start, line_start + len(written) - len(line) if mapped else None))
        start, line_start = end + 1, line_end + 1
    return tuple(found)
