"""NBP205 tf1-install: `pip install tensorflow==1.*` (or an old Keras) in a `!`/`%pip` line."""

from __future__ import annotations

from nbport.escapes import Escape
from nbport.rules.base import Rule
from nbport.rules.pip import Requirement, pip_command
from nbport.rules.shell import EscapeCommand, escape_command
from nbport.rules.tables import rule_table

#: Distribution names (PEP 503 normalised) and the first version Colab's Python can install and use.
_FIRST_WORKING = {
    name: tuple(release) for name, release in rule_table(__file__)["first-working"].items()
}


class Tf1InstallRule(Rule):
    """Reads each pip install line and reports requirements that only TF 1 era releases satisfy."""

    def check_escape(self, escape: Escape) -> None:
        """`!pip install tensorflow-gpu==1.15`, `%pip install keras==2.2.4`, `# !pip ...` alike."""
        command = escape_command(escape, self.unit.unit.text, frozenset({"pip"}))
        if command is None:
            return
        for simple in command.commands():
            pip = pip_command(simple.words)
            if pip is None or pip.subcommand is None or pip.subcommand.value != "install":
                continue
            for requirement in pip.requirements():
                bound = _FIRST_WORKING.get(requirement.name)
                if bound is not None and requirement.only_below(bound):
                    self.report(_written(command, requirement) or escape, _message(requirement))


def _written(command: EscapeCommand, requirement: Requirement) -> tuple[int, int] | None:
    """Where the requirement stands in the unit (inside its quotes, `'keras<2.4'`); None when it is
    written too oddly to find again (`tensorflow=="1.15"`)."""
    word = requirement.word
    inside = word.raw.find(word.value)
    start = command.place(word.start + inside) if inside >= 0 else None
    return None if start is None else (start, start + len(word.value))


def _message(requirement: Requirement) -> str:
    """What goes wrong on Colab with `requirement`, and what to do instead."""
    text = requirement.word.value
    if requirement.name == "keras":
        return (
            f"`{text}` installs a multi-backend Keras from before 2.4, which replaces Colab's Keras "
            "and fails at `import keras` with Colab's TensorFlow: drop it and use "
            "`from tensorflow import keras`"
        )
    return (
        f"`{text}` asks for TensorFlow 1, which has no wheels for the Python Colab runs: the "
        "install fails or breaks the runtime; use Colab's TensorFlow 2 (port TF 1 code with "
        "`tf.compat.v1`)"
    )
