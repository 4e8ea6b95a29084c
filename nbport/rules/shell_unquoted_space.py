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
from nbport.rules.base import Rule
from nbport.rules.shell import SHELL_MAGICS, ShellToken, TokenKind, escape_command, shell_tokens

#: Folder names with a space that Google Drive gives every user, as (first word, second word).
_DRIVE_NAMES = (("My", "Drive"), ("Colab", "Notebooks"), ("Shared", "drives"))
#: Magics whose arguments are split: by a shell (their line runs through `system`), or by `%run`.
_SPLITTING_MAGICS = SHELL_MAGICS | {"pip", "conda", "mamba", "run"}
#: Characters that mean something different inside double quotes: with one of them in the
#: argument, only the folder name itself is quoted (`/content/drive/"My Drive"/*.csv`).
_NOT_FOR_WHOLE_QUOTING = frozenset("'\"\\`*?[]")


class ShellUnquotedSpaceRule(Rule):
    """Flags `My Drive`, `Colab Notebooks`, `Shared drives` split by the shell; quotes the argument."""

    def check_escape(self, escape: Escape) -> None:
        """Look for a Drive folder name whose space splits an argument."""
        is_run = escape.kind is EscapeKind.LINE_MAGIC and escape.name == "run"
        command = escape_command(escape, self.unit.unit.text, _SPLITTING_MAGICS)
        tokens = shell_tokens(command.text, shell=not is_run) if command is not None else None
        if command is None or tokens is None:
            return
        words = [token for token in tokens if token.kind is TokenKind.WORD]
        for run in _split_arguments(command.text, words):
            text = command.text[run[0].start : run[-1].end]
            names = " and ".join(f"`{a} {b}`" for a, b in _DRIVE_NAMES if f"{a} {b}" in text)
            message = (
                f"{'`%run`' if is_run else 'the shell'} splits `{text}` at the space in {names} "
                "into separate arguments; quote the path"
            )
            start, end = command.unit_offset(run[0].start), command.unit_offset(run[-1].end)
            if start is None or end is None:
                self.report(escape, message)
                continue
            replacement = _quoted(command.text, run, is_run)
            self.report((start, end), message, fix=replacement)


def _split_arguments(command: str, words: Sequence[ShellToken]) -> list[list[ShellToken]]:
    """Runs of consecutive words that one Drive folder name with an unquoted space splits apart."""
    runs: list[list[ShellToken]] = []
    for left, right in pairwise(words):
        if right.start == left.end + 1 and command[left.end] == " " and _drive_name(left, right):
            if runs and runs[-1][-1] is left:
                runs[-1].append(right)  # `My Drive/Colab Notebooks`: one argument split twice
            else:
                runs.append([left, right])
    return runs


def _drive_name(left: ShellToken, right: ShellToken) -> tuple[str, str] | None:
    """The Drive folder name that `left right` spells across the space (`.../My` + `Drive/...`)."""
    for first, second in _DRIVE_NAMES:
        if not (left.raw.endswith(first) and right.raw.startswith(second)):
            continue
        before = left.raw[: -len(first)]
        after = right.raw[len(second) :]
        # Part of a path: a `/` right before or after the name, and the name not glued to more
        # letters (`MyDrive`, `Drivers`).
        if (before or after) and before[-1:] in ("", "/") and after[:1] in ("", "/"):
            return first, second
    return None


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
        first, second = _drive_name(left, right) or ("", "")
        name_start, name_end = left.end - len(first), right.start + len(second)
        pieces += [command[copied:name_start], f'"{command[name_start:name_end]}"']
        copied = name_end
    return "".join([*pieces, command[copied : run[-1].end]])
