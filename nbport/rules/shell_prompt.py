"""NBP003 shell-prompt: shell commands that stop to ask a question, which hangs the cell."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import NamedTuple

from nbport.escapes import Escape
from nbport.finding import Edit, FixSafety
from nbport.rules.base import Rule
from nbport.rules.pip import pip_command
from nbport.rules.shell import SHELL_MAGICS, ShellToken, escape_command, has_short_flag, subcommand
from nbport.rules.tables import rule_table

_TABLE = rule_table(__file__)
_APT, _CONDA, _UNZIP = _TABLE["apt"], _TABLE["conda"], _TABLE["unzip"]
_UNZIP_READ_ONLY = frozenset(_UNZIP["read-only"])


class _Asking(NamedTuple):
    """A command that waits for an answer: the word to put `option` after, and what to say."""

    after: ShellToken
    option: str
    message: str
    safety: FixSafety | None = None


class ShellPromptRule(Rule):
    """Flags apt, pip uninstall, conda and unzip commands that wait for an answer."""

    def check_escape(self, escape: Escape) -> None:
        """Look at each simple command of a shell escape (and of `%pip`/`%sx`/`%system`)."""
        command = escape_command(escape, self.unit.unit.text, SHELL_MAGICS | {"pip"})
        if command is None:
            return
        for simple in command.commands():
            if simple.stdin_redirected or not simple.words:
                continue  # `yes | apt-get install x`: the answers come from the pipe
            asking = _asking(simple.program, simple.words)
            if asking is None:
                continue
            at = command.unit_offset(asking.after.end)
            # The finding points at the asking command: a line may chain several.
            start = command.unit_offset(simple.words[0].start)
            end = command.unit_offset(simple.words[-1].end)
            self.report(
                escape if start is None or end is None else (start, end),
                asking.message,
                edits=[] if at is None else [Edit(at, at, " " + asking.option)],
                safety=asking.safety,
            )


def _asking(program: str, words: Sequence[ShellToken]) -> _Asking | None:
    """What the command `words` (run as `program`) stops to ask, if it does."""
    for manager, never_asks in ((_APT, _apt_never_asks), (_CONDA, _conda_never_asks)):
        if program in manager["programs"]:
            verb = subcommand(words, manager["value-options"])
            if verb is None or verb.value not in manager["asking"] or never_asks(words):
                return None
            message = manager["message"].format(command=f"{program} {verb.value}")
            return _Asking(verb, "-y", message)
    if program == "unzip":
        if _unzip_never_asks(words):
            return None
        return _Asking(words[0], "-o", _UNZIP["message"], FixSafety.UNSAFE)
    pip = pip_command(words)
    if pip is None or pip.subcommand is None or pip.subcommand.value != "uninstall":
        return None
    if _says_yes(words, ("--yes",)):
        return None
    return _Asking(pip.subcommand, "-y", _TABLE["pip"]["message"])


def _says_yes(words: Sequence[ShellToken], no_prompt: Collection[str]) -> bool:
    """`-y` (alone or in a cluster) or one of the options `no_prompt` anywhere on the line."""
    return any(word.value in no_prompt or has_short_flag(word.value, "y") for word in words)


def _conda_never_asks(words: Sequence[ShellToken]) -> bool:
    """`-y`, `--yes`, `--dry-run`, `--json` anywhere on the line."""
    return _says_yes(words, _CONDA["no-prompt"])


def _apt_never_asks(words: Sequence[ShellToken]) -> bool:
    """`-y`, `--yes`, `-qq`, `-q=2`, `-o APT::Get::Assume-Yes=true`, `-s` ... anywhere on the line."""
    quiet = 0
    for index, word in enumerate(words):
        value = word.value
        if value in _APT["no-prompt"]:
            return True
        if value.startswith("-o"):
            option = value[2:].lstrip("=") or (
                words[index + 1].value if index + 1 < len(words) else ""
            )
            name, _, setting = option.partition("=")
            if name.lower() == "apt::get::assume-yes" and setting.lower() in ("true", "1", "yes"):
                return True
        elif value.startswith("-") and not value.startswith("--") and "=" not in value:
            letters = value[1:]
            if any(letter in letters for letter in "ysd"):
                return True
            quiet += letters.count("q")
    return quiet >= 2  # quiet level 2 implies -y (apt-get(8))


def _unzip_never_asks(words: Sequence[ShellToken]) -> bool:
    """`unzip -o`/`-n` never ask; `-l`, `-t`, `-p`, ... only read the archive."""
    for word in words[1:]:
        value = word.value
        if value == "-x":
            break  # the rest are names of members to exclude
        if value.startswith("-") and not value.startswith("--"):
            letters = set(value[1:])
            if letters & {"o", "n"} or letters & _UNZIP_READ_ONLY:
                return True
    return False
