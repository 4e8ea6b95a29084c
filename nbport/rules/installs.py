"""What a document installs, read from the text of all its units: `!pip install x`, `%pip install
x`, a `pip install x` line in a `%%bash` cell (which is no Python, so no rule sees its escapes),
`os.system("pip install x")`. Each pip command is read by the one pip reader (`nbport.rules.pip`).

Anything this cannot name counts as installing anything (`-r requirements.txt`, `-e .`,
`git+https://...`, a wheel file, `python setup.py install`, `conda install`, `apt-get install
python3-x`, a pip command it cannot read): a rule that asks "does the file install module x?" then
hears yes, and stays silent rather than tell a user to install what the file may install already.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nbport.documents.base import Unit
from nbport.escapes import EscapeStyle
from nbport.rules.pip import pip_command
from nbport.rules.shell import shell_tokens, simple_commands
from nbport.runtime import KINDS, ColabRuntime, distributions_for, normalize

#: Where a pip command starts on a line: `pip`, `pip3`, `/usr/bin/pip`, `python3 -m pip`,
#: `{sys.executable} -m pip`, after whatever runs it (`!`, `%`, `sudo`, `os.system("`).
_PIP = re.compile(
    r"(?<![\w.-])(?:\S*/)?(?:pip[0-9.]*|python[0-9.]*\s+-m\s+pip|\{sys\.executable\}\s+-m\s+pip)"
    r"\s+(?:-\S+\s+)*install\b"
)
#: Other ways of installing that name nothing this can map to a module.
_OTHER = re.compile(
    r"\bpip\W+install\b|\bpip\.main\b|\bsetup\.py\W+(?:install|develop)\b"
    r"|\b(?:conda|mamba|micromamba|apt|apt-get)\s+(?:\S+\s+)*install\b"
)
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz")


@dataclass(frozen=True)
class Installs:
    """The distributions a document installs (PEP 503 names), and whether it installs more."""

    distributions: frozenset[str]
    #: True when the document installs something this cannot name (see the module docstring).
    anything: bool

    def name(self, *names: str) -> bool:
        """Whether the document installs a distribution of one of `names` (or anything)."""
        return self.anything or any(normalize(name) in self.distributions for name in names)

    def provide(self, module: str, runtime: ColabRuntime) -> bool:
        """Whether the document may have installed `module`: it installs a distribution that
        provides it (or that has the module's own name: `pip install chainer`), or it installs
        some distribution `runtime` lacks, which may bring the module as a dependency
        (`pip install sagemaker` brings `boto3`): what each requires is not known here."""
        if self.name(*distributions_for(module), module.split(".", 1)[0]):
            return True
        return any(
            not any(runtime.provides(name, kind) for kind in KINDS) for name in self.distributions
        )


def document_installs(units: Iterable[Unit]) -> Installs:
    """What the pip lines of `units` install."""
    found: set[str] = set()
    anything = False
    for unit in units:
        text = unit.text.replace("\\\n", " ")  # a command continued on the next line
        for line in text.splitlines():
            if "install" not in line or not _live(line, unit.escape_style):
                continue
            match = _PIP.search(line)
            if match is None:
                anything = anything or _OTHER.search(line) is not None
                continue
            names = _read(line[match.start() :])
            if names is None:
                anything = True
            else:
                found.update(names)
    return Installs(frozenset(found), anything)


def _live(line: str, style: EscapeStyle) -> bool:
    """Whether `line` runs: not a comment, except in a percent script, where jupytext writes a
    notebook's `!pip` line as `# !pip`."""
    stripped = line.lstrip()
    if not stripped.startswith("#"):
        return True
    return style is EscapeStyle.COMMENTED and stripped[1:].lstrip()[:1] in ("!", "%")


def _read(command: str) -> set[str] | None:
    """The projects a pip command line installs; None if it installs more, or cannot be read."""
    tokens = shell_tokens(command)
    if tokens is None:  # `pip install x")` inside a Python string: read up to the quote
        tokens = shell_tokens(re.split(r"[\"']", command, maxsplit=1)[0])
    if not tokens:
        return None
    first = next(simple_commands(tokens), None)
    pip = None if first is None else pip_command(first.words)
    if pip is None or pip.subcommand is None or pip.subcommand.value != "install" or pip.sources():
        return None
    names = set()
    for requirement in pip.requirements():
        if requirement.word.value.lower().endswith(_ARCHIVES) or "{" in requirement.word.value:
            return None  # a wheel file, or a name IPython fills in (`{package}`)
        names.add(requirement.name)
    return names
