"""NBP002 shell-pip: `!pip install` installs with whatever pip is first on PATH; `%pip` targets the kernel."""

from __future__ import annotations

import re

from nbport.escapes import Escape, EscapeKind
from nbport.finding import Edit
from nbport.rule import Rule
from nbport.rules.shell import (
    EscapeCommand,
    ShellToken,
    TokenKind,
    escape_command,
    shell_tokens,
)

#: pip subcommands that change the environment, which must be the kernel's.
_CHANGING = frozenset({"install", "uninstall"})
_PIP = re.compile(r"pip[0-9.]*")
_PYTHON = re.compile(r"python[0-9.]*")


class ShellPipRule(Rule):
    """Flags `!pip install ...` (and `!python -m pip install ...`); fixes it to `%pip install ...`."""

    id = "NBP002"

    def check_escape(self, escape: Escape) -> None:
        """Report a `!` line whose first command is pip installing or uninstalling."""
        if escape.kind is not EscapeKind.SHELL:
            return  # `!!pip` returns the output as a list: not a line `%pip` can replace
        context = self.context
        assert context is not None
        command = escape_command(escape, context.unit.text, frozenset())
        if command is None:
            return
        tokens = shell_tokens(command.text)
        if not tokens:
            return
        head = _pip_head(tokens)
        if head is None:
            return
        last, verb = head
        written = command.text[: last.end].strip()
        message = (
            f"`!{written} {verb}` runs the first pip on PATH, which on a laptop is often another "
            f"Python's; use `%pip {verb}`, which always acts on the notebook's own kernel"
        )
        if escape.target is not None:
            # `x = !pip install ...` keeps the output; `%pip` returns None, so only say it.
            self.report(escape.start, escape.end, message + " (without capturing its output)")
            return
        edits = _edits(escape, command, last)
        self.report(escape.start, escape.end, message, edits=edits)


def _pip_head(tokens: list[ShellToken]) -> tuple[ShellToken, str] | None:
    """For `pip install ...` / `python -m pip install ...` as the line's first command: the `pip`
    word and the subcommand; else None (`sudo pip`, `VAR=1 pip`, `pip list`, `cd x && pip ...`)."""
    words: list[ShellToken] = []
    for token in tokens:
        if token.kind is not TokenKind.WORD:
            break
        words.append(token)
    if not words:
        return None
    program = words[0].value
    if _PIP.fullmatch(program):
        pip_index = 0
    elif (
        _PYTHON.fullmatch(program)
        and len(words) > 2
        and words[1].value == "-m"
        and words[2].value == "pip"
    ):
        pip_index = 2
    else:
        return None
    if len(words) <= pip_index + 1 or words[pip_index + 1].value not in _CHANGING:
        return None
    if any(word.quoted for word in words[: pip_index + 2]):
        return None  # `!"pip" install`: written that way on purpose, leave it
    return words[pip_index], words[pip_index + 1].value


def _edits(escape: Escape, command: EscapeCommand, last: ShellToken) -> list[Edit]:
    """Replace `!pip` / `! pip3` / `!python -m pip` with `%pip`, keeping the rest of the line."""
    end = command.unit_offset(last.end)
    if end is None:
        return []
    return [Edit(escape.start, end, "%pip")]
