"""NBP205 tf1-install: `pip install tensorflow==1.*` (or an old Keras) in a `!`/`%pip` line.

NBP205 owns these requirements: NBP006 (pip-no-wheel), which reports every pinned install with no
wheel for Colab's Python, leaves to it those `tf1_only` accepts. The cause is one (the notebook is
TF 1 code) and so is the advice (port it to Colab's TensorFlow 2, not pick another pin).
"""

from __future__ import annotations

from nbport.escapes import Escape
from nbport.rules.base import Rule
from nbport.rules.pip import Requirement, pip_installs, requirement_span
from nbport.rules.tables import rule_table

#: Distribution names (PEP 503 normalised) and the first version Colab's Python can install and use.
_FIRST_WORKING = {
    name: tuple(release) for name, release in rule_table(__file__)["first-working"].items()
}


def tf1_only(requirement: Requirement) -> bool:
    """Whether `requirement` admits only TF 1 era releases (`tensorflow==1.15`, `keras<2.4`): what
    NBP205 reports, and NBP006 leaves to it."""
    bound = _FIRST_WORKING.get(requirement.name)
    return bound is not None and requirement.only_below(bound)


class Tf1InstallRule(Rule):
    """Reads each pip install line and reports requirements that only TF 1 era releases satisfy."""

    def check_escape(self, escape: Escape) -> None:
        """`!pip install tensorflow-gpu==1.15`, `%pip install keras==2.2.4`, `# !pip ...` alike."""
        for command, _, pip in pip_installs(escape, self.unit.unit.text):
            for requirement in pip.requirements():
                if tf1_only(requirement):
                    where = requirement_span(command, requirement) or escape
                    self.report(where, self._message(requirement))

    def _message(self, requirement: Requirement) -> str:
        """What goes wrong on the target runtime with `requirement`, and what to do instead; the
        versions are the runtime table's (`TensorFlow 2.20`, `Python 3.13`)."""
        runtime = self.runtime
        text = requirement.word.value
        tensorflow = runtime.describe("tensorflow") or "TensorFlow 2"
        if requirement.name == "keras":
            keras = runtime.describe("keras") or "Keras"
            return (
                f"`{text}` installs a multi-backend Keras from before 2.4, which replaces the "
                f"{keras} of {runtime.label} and fails at `import keras` with its {tensorflow}: "
                "drop it and use `from tensorflow import keras`"
            )
        return (
            f"`{text}` asks for TensorFlow 1, which has no wheel for {runtime.describe_python()} "
            f"({runtime.label}): the install fails; use the {tensorflow} it has installed, "
            "porting TF 1 code with `tf.compat.v1`"
        )
