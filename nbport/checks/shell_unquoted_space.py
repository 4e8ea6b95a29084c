"""NBP004 shell-unquoted-space: a Drive path with a space, unquoted in a shell command or `%run`.

IPython splits the arguments of `%run` (`parse_options(..., mode='list')`, then `arg_split`), and the
shell splits those of `!` lines, `%sx`, `%system`, `%pip` and the shell aliases (`%ls`, `%cp`, ...):
`gdrive/My Drive/train.py` becomes two arguments. `%cd`, `%pushd` and `%load` are left alone: `%cd`
and `%load` parse their line in `mode='string'`, which joins the words back with one space, and
`%pushd` takes the line as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from nbport.escapes import Escape, EscapeKind
from nbport.finding import Edit
from nbport.rule import Rule
from nbport.rules.shell import (
    SHELL_MAGICS,
    EscapeCommand,
    ShellToken,
    TokenKind,
    escape_command,
    shell_tokens,
)

#: Folder names with a space that Google Drive gives every user, as (first word, second word).
_DRIVE_NAMES = (("My", "Drive"), ("Colab", "Notebooks"), ("Shared", "drives"))
#: Magics whose arguments a shell splits (their line runs through `system`).
_SHELL_LIKE_MAGICS = SHELL_MAGICS | {"pip", "conda", "mamba"}
#: Characters that mean something different inside double quotes: with one of them in the
#: argument, only the folder name itself is quoted (`/content/drive/"My Drive"/*.csv`).
_NOT_FOR_WHOLE_QUOTING = frozenset("'\"\\`*?[]")


class ShellUnquotedSpaceRule(Rule):
    """Flags `My Drive`, `Colab Notebooks`, `Shared drives` split by the shell; quotes the argument."""

    id = "NBP004"

    def check_escape(self, escape: Escape) -> None:
        """Look for a Drive folder name whose space splits an argument."""
        context = self.context
        assert context is not None
        is_run = escape.kind is EscapeKind.LINE_MAGIC and escape.name == "run"
        magics = _SHELL_LIKE_MAGICS | {"run"}
        command = escape_command(escape, context.unit.text, magics)
        if command is None:
            return
        tokens = shell_tokens(command.text, shell=not is_run)
        if tokens is None:
            return
        words = [token for token in tokens if token.kind is TokenKind.WORD]
        for run in _split_arguments(command.text, words):
            self._report(escape, command, run, is_run)

    def _report(
        self, escape: Escape, command: EscapeCommand, run: Sequence[ShellToken], is_run: bool
    ) -> None:
        text = command.text[run[0].start : run[-1].end]
        start = command.unit_offset(run[0].start)
        end = command.unit_offset(run[-1].end)
        names = " and ".join(
            f"`{first} {second}`" for first, second in _DRIVE_NAMES if f"{first} {second}" in text
        )
        where = "`%run`" if is_run else "the shell"
        message = (
            f"{where} splits `{text}` at the space in {names} into separate arguments; "
            "quote the path"
        )
        if start is None or end is None:
            self.report(escape.start, escape.end, message)
            return
        replacement = _quoted(command.text, run, is_run)
        edits = [] if replacement is None else [Edit(start, end, replacement)]
        self.report(start, end, message, edits=edits)


def _split_arguments(command: str, words: Sequence[ShellToken]) -> list[tuple[ShellToken, ...]]:
    """Runs of consecutive words that one Drive folder name with an unquoted space splits apart."""
    runs: list[tuple[ShellToken, ...]] = []
    current: list[ShellToken] = []
    for left, right in pairwise(words):
        if right.start == left.end + 1 and command[left.end] == " " and _joins(left, right):
            if not current:
                current = [left]
            current.append(right)
        elif current:
            runs.append(tuple(current))
            current = []
    if current:
        runs.append(tuple(current))
    return runs


def _joins(left: ShellToken, right: ShellToken) -> bool:
    """True when `left right` is a path through a Drive folder: `.../My` + `Drive/...`."""
    return _drive_name(left, right) != ("", "")


def _drive_name(left: ShellToken, right: ShellToken) -> tuple[str, str]:
    """The Drive folder name that `left right` spells across the space, or two empty strings."""
    for first, second in _DRIVE_NAMES:
        if not (left.raw.endswith(first) and right.raw.startswith(second)):
            continue
        before = left.raw[: -len(first)]
        after = right.raw[len(second) :]
        # Part of a path: a `/` right before or after the name, and the name not glued to more
        # letters (`MyDrive`, `Drivers`).
        if before and not before.endswith("/"):
            continue
        if after and not after.startswith("/"):
            continue
        if before or after:
            return first, second
    return "", ""


def _quoted(command: str, run: Sequence[ShellToken], is_run: bool) -> str | None:
    """The argument `run` spells, rewritten so that no Drive folder name splits it; None if unsafe."""
    text = command[run[0].start : run[-1].end]
    if not any(char in _NOT_FOR_WHOLE_QUOTING for char in text) and not (
        text.startswith("~") and not is_run
    ):
        return f'"{text}"'
    if is_run:
        return None  # `%run` stops globbing a token with any quote in it: leave it to the user
    # Quote only each folder name (`~/"My Drive"/*.csv`): the shell still expands the rest.
    pieces: list[str] = []
    copied = run[0].start
    for left, right in pairwise(run):
        first, second = _drive_name(left, right)
        name_start, name_end = left.end - len(first), right.start + len(second)
        pieces.append(command[copied:name_start])
        pieces.append(f'"{command[name_start:name_end]}"')
        copied = name_end
    pieces.append(command[copied : run[-1].end])
    return "".join(pieces)
