"""pip commands as the rules read them: which simple command of a shell line runs pip (`pip3`,
`python -m pip`, `{sys.executable} -m pip`, behind `sudo` or `VAR=1`), its subcommand, its requirements
with their version specifiers, and its `-r` files. The one reader of pip commands for every rule that
reads `pip install` lines; the words come from the shell reader (`nbport.rules.shell`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from nbport.escapes import Escape
from nbport.rules.shell import (
    EscapeCommand,
    ShellToken,
    SimpleCommand,
    escape_command,
    subcommand,
)
from nbport.rules.tables import rule_table

_PIP = re.compile(r"pip[0-9.]*")
_PYTHON = re.compile(r"python[0-9.]*")
_PIP_TABLE = rule_table(__file__)["pip"]
_PIP_VALUE_OPTIONS = frozenset(_PIP_TABLE["value-options"])
_REQUIREMENT_FILE_OPTIONS = frozenset(_PIP_TABLE["requirement-files"])
#: Options whose value is something to install that names no project (a file, a folder).
_SOURCE_OPTIONS = _REQUIREMENT_FILE_OPTIONS | {"-e", "--editable"}
#: A requirement as pip reads one: a name, extras, a version specifier, environment markers.
_REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>(?:[<>=!~][^;]*)?)(?:;.*)?$"
)
_CLAUSE = re.compile(r"\s*(?P<op>===|==|!=|~=|<=|>=|<|>)\s*(?P<version>[^\s,]+)\s*")


@dataclass(frozen=True)
class Requirement:
    """One requirement argument of a pip command: `tensorflow-gpu==1.15`, `'keras<2.4'`."""

    word: ShellToken
    #: The project's name, normalised as PEP 503 says (`TensorFlow_GPU` → `tensorflow-gpu`).
    name: str
    #: The version specifier as written (`==1.15`, `>=1.13,<2`); empty when there is none.
    specifier: str

    def only_below(self, bound: tuple[int, ...]) -> bool:
        """Whether every version the specifier admits is older than `bound`."""
        return specifier_only_below(self.specifier, bound)


@dataclass(frozen=True)
class PipCommand:
    """A simple command that runs pip: `pip install -U x`, `sudo pip3 ...`, `python -m pip ...`."""

    #: The words that name pip: (`pip3`,) or (`python3`, `-m`, `pip`).
    program: tuple[ShellToken, ...]
    #: The subcommand (`install`, `uninstall`), the first word after pip's own options; None if none.
    subcommand: ShellToken | None
    #: The words after the subcommand.
    arguments: tuple[ShellToken, ...]

    @property
    def on_path(self) -> bool:
        """Whether the shell finds the program on PATH (`pip3`, `python -m pip`), rather than being
        given one (`/usr/bin/pip`, `{sys.executable} -m pip`)."""
        first = self.program[0].value
        return "/" not in first and "sys.executable" not in first

    def requirements(self) -> Iterator[Requirement]:
        """The arguments that are requirements, not options nor option values (`-r file`)."""
        for option, word in self._arguments():
            match = None if option else _REQUIREMENT.match(word.value)
            if match is not None:
                name = re.sub(r"[-_.]+", "-", match.group("name")).lower()
                yield Requirement(word, name, match.group("spec").strip())

    def sources(self) -> list[ShellToken]:
        """The arguments that name no project but a place to install from: `-r`/`-e` values,
        URLs, paths and archives (`.`, `git+https://...`, `./x.whl`)."""
        return [
            word
            for option, word in self._arguments()
            if option in _SOURCE_OPTIONS
            or (option is None and ("/" in word.value or _REQUIREMENT.match(word.value) is None))
        ]

    def requirement_files(self) -> list[ShellToken]:
        """The files named by `-r file` / `--requirement file`."""
        return [word for option, word in self._arguments() if option in _REQUIREMENT_FILE_OPTIONS]

    def _arguments(self) -> Iterator[tuple[str | None, ShellToken]]:
        """Each argument that is not an option, with the option it is the value of (or None)."""
        words = iter(self.arguments)
        for word in words:
            if not word.value.startswith("-"):
                yield None, word
            elif word.value in _PIP_VALUE_OPTIONS and (value := next(words, None)) is not None:
                yield word.value, value


def pip_command(words: Sequence[ShellToken]) -> PipCommand | None:
    """A simple command's words (wrappers dropped: `SimpleCommand.words`) read as pip, or None
    when its program is not pip (`pip3`, `python3.10 -m pip`, `{sys.executable} -m pip`)."""
    if not words:
        return None
    program = words[0].value.rsplit("/", 1)[-1]
    if _PIP.fullmatch(program):
        size = 1
    elif (_PYTHON.fullmatch(program) or "sys.executable" in program) and [
        word.value for word in words[1:3]
    ] == ["-m", "pip"]:
        size = 3
    else:
        return None
    verb = subcommand(words[size - 1 :], _PIP_VALUE_OPTIONS)
    arguments = words[words.index(verb) + 1 :] if verb is not None else ()
    return PipCommand(tuple(words[:size]), verb, tuple(arguments))


def pip_installs(
    escape: Escape, unit_text: str
) -> Iterator[tuple[EscapeCommand, SimpleCommand, PipCommand]]:
    """Each `pip install` that the escape `escape` of a unit whose text is `unit_text` runs (`!pip`,
    `%pip`, `!python -m pip`, one of several commands on the line), with its escape command and
    simple command: the loop every rule that reads install lines starts with."""
    command = escape_command(escape, unit_text, frozenset({"pip"}))
    if command is None:
        return
    for simple in command.commands():
        pip = pip_command(simple.words)
        if pip is not None and pip.subcommand is not None and pip.subcommand.value == "install":
            yield command, simple, pip


def requirement_span(command: EscapeCommand, requirement: Requirement) -> tuple[int, int] | None:
    """Where `requirement` stands in the unit of `command` (inside its quotes: `'keras<2.4'`), to
    report it there; None when it is written too oddly to find again (`tensorflow=="1.15"`)."""
    word = requirement.word
    inside = word.raw.find(word.value)
    start = command.place(word.start + inside) if inside >= 0 else None
    return None if start is None else (start, start + len(word.value))


def specifier_only_below(specifier: str, bound: tuple[int, ...]) -> bool:
    """Whether every version a specifier set admits is older than `bound` (`==1.15`, `<2`, `~=1.15`
    are all below (2,)); False for clauses it cannot read (`=={version}`)."""
    for clause in specifier.split(","):
        match = _CLAUSE.fullmatch(clause)
        release = None if match is None else _release(match.group("version"))
        if match is None or release is None:
            continue
        operator, version = match.group("op"), match.group("version")
        if operator in ("==", "===") and version.endswith(".*"):
            ceiling = (*release[:-1], release[-1] + 1)  # `==1.*` admits everything below 2
            if not _before(bound, ceiling):
                return True
        elif operator in ("==", "===", "<=") and _before(release, bound):
            return True
        elif operator == "<" and not _before(bound, release):
            return True  # `<2`, `<2.0`, `<1.15`: every admitted version is below `bound`
        elif operator == "~=" and len(release) > 1:
            ceiling = (*release[:-2], release[-2] + 1)  # `~=1.15` admits everything below 2
            if not _before(bound, ceiling):
                return True
    return False


def _release(version: str) -> tuple[int, ...] | None:
    """The leading numbers of a version (`1.15.0rc1` → (1, 15, 0), `1.*` → (1,)); None if none."""
    numbers: list[int] = []
    for part in version.split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        numbers.append(int(digits.group()))
        if digits.end() != len(part):
            break
    return tuple(numbers) or None


def _before(version: tuple[int, ...], bound: tuple[int, ...]) -> bool:
    """`version` < `bound`, comparing release numbers padded with zeros; `1.*` is (1,)."""
    width = max(len(version), len(bound))
    return version + (0,) * (width - len(version)) < bound + (0,) * (width - len(bound))
