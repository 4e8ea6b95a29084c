"""NBP001 shell-cd: `!cd dir` changes directory in a subshell that exits at once."""

from __future__ import annotations

import shlex

from nbport.escapes import Escape, EscapeKind
from nbport.finding import Edit
from nbport.rules.base import Rule

#: Shell operators that chain another command in the same subshell, where `cd` does take effect.
_CHAINING = {"&&", "||", ";", "|", "&", ";;", "|&"}


class ShellCdRule(Rule):
    """Flags a `!cd` that is the whole shell command; fixes it to the `%cd` magic."""

    def check_escape(self, escape: Escape) -> None:
        """Report `!cd dir` when nothing else runs in the same subshell."""
        if escape.kind is not EscapeKind.SHELL or escape.target is not None:
            return
        if escape.name != "cd" or _chains_commands(escape.body):
            return
        written = " ".join(["!cd", escape.args.strip()]).strip()
        # The shell drops a `# comment`, but IPython hands it to `%cd` as part of the path
        # (`%cd data  # x` looks for a folder `data # x`): such a line is left for the user.
        commented = _has_comment(escape.body)
        self.report(
            escape,
            f"`{written}` runs in a throw-away shell: the next command is still in the old "
            "directory; use `%cd`"
            + (" (and move the comment to a line of its own)" if commented else ""),
            edits=() if commented else [Edit(escape.start, escape.start + 1, "%")],
        )


def _words(command: str, *, comments: bool) -> list[str] | None:
    """The shell words and operators of `command`, or None where its quotes do not close."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    if not comments:
        lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        return None


def _has_comment(command: str) -> bool:
    """True when the shell line ends in a `# comment` (a word starting with `#`, outside quotes)."""
    return any(word.startswith("#") for word in _words(command, comments=False) or [])


def _chains_commands(command: str) -> bool:
    """True when the shell line holds more than the one `cd` (or cannot be read safely)."""
    if "\n" in command:
        return True
    words = _words(command, comments=True)
    return words is None or any(word in _CHAINING for word in words)
