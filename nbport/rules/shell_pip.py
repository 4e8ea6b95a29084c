"""NBP002 shell-pip: `!pip install` installs with whatever pip is first on PATH; `%pip` targets the kernel."""

from __future__ import annotations

from nbport.escapes import Escape, EscapeKind
from nbport.finding import Edit
from nbport.rules.base import Rule
from nbport.rules.pip import pip_command
from nbport.rules.shell import escape_command, shell_tokens, simple_commands

#: pip subcommands that change the environment, which must be the kernel's.
_CHANGING = frozenset({"install", "uninstall"})


class ShellPipRule(Rule):
    """Flags `!pip install ...` (and `!python -m pip install ...`); fixes it to `%pip install ...`."""

    def check_escape(self, escape: Escape) -> None:
        """Report a `!` line that starts with pip installing or uninstalling."""
        if escape.kind is not EscapeKind.SHELL:
            return  # `!!pip` returns the output as a list: not a line `%pip` can replace
        command = escape_command(escape, self.unit.unit.text, frozenset())
        tokens = shell_tokens(command.text) if command is not None else None
        if command is None or not tokens:
            return
        first = next(simple_commands(tokens), None)
        pip = pip_command(first.words) if first is not None else None
        if pip is None or pip.subcommand is None or pip.subcommand.value not in _CHANGING:
            return
        # `%pip` replaces the words up to the subcommand, so they must open the line as written:
        # not `sudo pip`, `VAR=1 pip`, `pip -q install`, `"pip" install` nor `/usr/bin/pip`.
        head = [*pip.program, pip.subcommand]
        if tokens[: len(head)] != head or any(word.quoted for word in head) or not pip.on_path:
            return
        verb = pip.subcommand.value
        written = command.text[: pip.program[-1].end].strip()
        message = (
            f"`!{written} {verb}` runs the first pip on PATH, which on a laptop is often another "
            f"Python's; use `%pip {verb}`, which always acts on the notebook's own kernel"
        )
        if escape.target is not None:
            # `x = !pip install ...` keeps the output; `%pip` returns None, so only say it.
            self.report(escape, message + " (without capturing its output)")
            return
        end = command.unit_offset(pip.program[-1].end)
        self.report(escape, message, edits=[] if end is None else [Edit(escape.start, end, "%pip")])
