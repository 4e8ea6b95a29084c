"""NBP003 shell-prompt: shell commands that stop to ask a question, which hangs the cell."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nbport.escapes import Escape, EscapeKind
from nbport.finding import Edit, FixSafety
from nbport.rule import Rule
from nbport.rules.shell import (
    SHELL_MAGICS,
    EscapeCommand,
    ShellToken,
    SimpleCommand,
    escape_command,
    shell_tokens,
    simple_commands,
)

#: apt/apt-get subcommands that ask "Do you want to continue? [Y/n]".
_APT_ASKING = frozenset(
    {
        "install",
        "reinstall",
        "remove",
        "purge",
        "upgrade",
        "dist-upgrade",
        "full-upgrade",
        "autoremove",
        "autopurge",
        "build-dep",
    }
)
#: apt options that take a value as the next word.
_APT_VALUE_OPTIONS = frozenset(
    {"-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release", "--host-architecture"}
)
#: apt options that make it never ask: yes to all, or a run that changes nothing.
_APT_NO_PROMPT = frozenset(
    {
        "--yes",
        "--assume-yes",
        "--assume-no",
        "--simulate",
        "--just-print",
        "--dry-run",
        "--recon",
        "--no-act",
        "--download-only",
        "--print-uris",
        "--quiet=2",
        "-q=2",
    }
)
#: conda subcommands that ask "Proceed ([y]/n)?".
_CONDA_ASKING = frozenset({"install", "remove", "uninstall", "create", "update", "upgrade"})
_CONDA_NO_PROMPT = frozenset({"-y", "--yes", "--dry-run", "-d", "--json"})
#: unzip options that only read the archive (list, test, print to stdout): no file is written.
_UNZIP_READ_ONLY = frozenset("lptvzZc")


class ShellPromptRule(Rule):
    """Flags apt, pip uninstall, conda and unzip commands that wait for an answer."""

    id = "NBP003"

    def check_escape(self, escape: Escape) -> None:
        """Look at each simple command of a shell escape (and of `%pip`/`%sx`/`%system`)."""
        context = self.context
        assert context is not None
        command = escape_command(escape, context.unit.text, SHELL_MAGICS | {"pip"})
        if command is None:
            return
        text = command.text
        if escape.kind is EscapeKind.LINE_MAGIC and escape.name == "pip":
            text = "pip" + text  # `%pip uninstall x` runs `python -m pip uninstall x`
            command = EscapeCommand(text, command.offset - 3, command.mapped + 3)
        tokens = shell_tokens(text)
        if tokens is None:
            return
        for simple in simple_commands(tokens):
            if simple.stdin_redirected or not simple.words:
                continue  # `yes | apt-get install x`: the answers come from the pipe
            self._check_command(escape, command, simple)

    def _check_command(self, escape: Escape, command: EscapeCommand, simple: SimpleCommand) -> None:
        program = simple.program
        words = simple.words
        if program in ("apt", "apt-get"):
            verb = _subcommand(words, _APT_VALUE_OPTIONS)
            if verb is None or verb.value not in _APT_ASKING or _apt_never_asks(words):
                return
            self._report(
                escape,
                command,
                simple,
                verb,
                " -y",
                f'`{program} {verb.value}` asks "Do you want to continue? [Y/n]" whenever it must '
                "install or remove more than the packages named, and the cell hangs; add `-y`",
            )
        elif _is_pip(words):
            verb_index = 3 if words[0].value.rsplit("/", 1)[-1].startswith("python") else 1
            verb = _subcommand(words[verb_index - 1 :], frozenset())
            if verb is None or verb.value != "uninstall":
                return
            if any(_has_short_flag(word.value, "y") or word.value == "--yes" for word in words):
                return
            self._report(
                escape,
                command,
                simple,
                verb,
                " -y",
                '`pip uninstall` stops to ask "Proceed (Y/n)?" and the cell hangs; add `-y`',
            )
        elif program in ("conda", "mamba", "micromamba"):
            verb = _subcommand(words, frozenset({"-n", "--name", "-p", "--prefix", "-c"}))
            if verb is None or verb.value not in _CONDA_ASKING:
                return
            if any(
                word.value in _CONDA_NO_PROMPT or _has_short_flag(word.value, "y") for word in words
            ):
                return
            self._report(
                escape,
                command,
                simple,
                verb,
                " -y",
                f'`{program} {verb.value}` stops to ask "Proceed ([y]/n)?" and the cell hangs; '
                "add `-y`",
            )
        elif program == "unzip":
            if _unzip_never_asks(words):
                return
            self._report(
                escape,
                command,
                simple,
                words[0],
                " -o",
                "`unzip` asks whether to replace each file that already exists, so the cell hangs "
                "when it runs a second time; add `-o` to overwrite (or `-n` to keep existing files)",
                safety=FixSafety.UNSAFE,
            )

    def _report(
        self,
        escape: Escape,
        command: EscapeCommand,
        simple: SimpleCommand,
        after: ShellToken,
        insertion: str,
        message: str,
        safety: FixSafety | None = None,
    ) -> None:
        """Report the command, fixed by inserting `insertion` right after the word `after`."""
        program, last = simple.words[0], simple.words[-1]
        at = command.unit_offset(after.end)
        edits = [] if at is None else [Edit(at, at, insertion)]
        # The finding points at the asking command: a line may chain several.
        start = command.unit_offset(program.start)
        end = command.unit_offset(last.end)
        if start is None or end is None:
            start, end = escape.start, escape.end
        self.report(start, end, message, edits=edits, safety=safety)


def _subcommand(words: Sequence[ShellToken], value_options: frozenset[str]) -> ShellToken | None:
    """The first word after the program that is not an option (nor an option's value)."""
    index = 1
    while index < len(words):
        value = words[index].value
        if not value.startswith("-"):
            return words[index]
        index += 2 if value in value_options else 1
    return None


def _has_short_flag(value: str, flag: str) -> bool:
    """True for `-y`, `-qy`, `-yq`: a cluster of short options holding `flag`."""
    return value.startswith("-") and not value.startswith("--") and flag in value[1:]


def _is_pip(words: Sequence[ShellToken]) -> bool:
    """`pip ...`, `pip3 ...`, `python -m pip ...`, `python3.10 -m pip ...`."""
    program = words[0].value.rsplit("/", 1)[-1]
    if re.fullmatch(r"pip[0-9.]*", program):
        return True
    return (
        re.fullmatch(r"python[0-9.]*", program) is not None
        and len(words) > 2
        and words[1].value == "-m"
        and words[2].value == "pip"
    )


def _apt_never_asks(words: Sequence[ShellToken]) -> bool:
    """`-y`, `--yes`, `-qq`, `-q=2`, `-o APT::Get::Assume-Yes=true`, `-s` ... anywhere on the line."""
    quiet = 0
    for index, word in enumerate(words):
        value = word.value
        if value in _APT_NO_PROMPT:
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
