"""NBP205 tf1-install: `pip install tensorflow==1.*` (or an old Keras) in a `!`/`%pip` line."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from nbport.escapes import Escape, EscapeKind
from nbport.rule import Rule

#: Distribution names (PEP 503 normalised) and the first version Colab's Python can install and use.
_FIRST_WORKING = {
    "tensorflow": (2,),
    "tensorflow-gpu": (2,),
    "tensorflow-cpu": (2,),
    "keras": (2, 4),
}
#: pip options that take a value as the next argument (`-r requirements.txt`, `-i URL`, ...).
_OPTIONS_WITH_VALUE = frozenset(
    {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-t",
        "--target",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "--prefix",
        "--root",
        "--src",
        "--python-version",
        "--platform",
        "--implementation",
        "--abi",
        "--upgrade-strategy",
        "--progress-bar",
        "--trusted-host",
        "--cache-dir",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--no-binary",
        "--only-binary",
        "--config-settings",
        "-C",
        "--global-option",
        "--report",
    }
)
_SHELL_OPERATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "|&", "(", ")"})
_REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>(?:[<>=!~][^;]*)?)(?:;.*)?$"
)
_CLAUSE = re.compile(r"\s*(?P<op>===|==|!=|~=|<=|>=|<|>)\s*(?P<version>[^\s,]+)\s*")


#: A shell word and its offset in the escape as written (None when it cannot be found again).
_Word = tuple[str, int | None]


@dataclass(frozen=True)
class _Requirement:
    #: The argument as written (quotes removed), and the normalised project name.
    text: str
    name: str
    spec: str


class Tf1InstallRule(Rule):
    """Reads each pip install line and reports requirements that only TF 1 era releases satisfy."""

    id = "NBP205"

    def check_escape(self, escape: Escape) -> None:
        """`!pip install tensorflow-gpu==1.15`, `%pip install keras==2.2.4`, `# !pip ...` alike."""
        if escape.kind is EscapeKind.LINE_MAGIC:
            if escape.name != "pip":
                return
            command = escape.body
        elif escape.kind in (EscapeKind.SHELL, EscapeKind.SHELL_CAPTURE):
            command = escape.body
        else:
            return
        assert self.context is not None
        written = self.context.unit.text[escape.start : escape.end]
        words = _located(_split(command), written)
        for simple in _commands(words):
            for requirement, at in _install_arguments(simple):
                if not _only_tf1_era(requirement):
                    continue
                if at is None:  # written too oddly to find again: point at the whole line
                    start, end = escape.start, escape.end
                else:
                    start = escape.start + at
                    end = start + len(requirement.text)
                self.report(start, end, _message(requirement))


def _message(requirement: _Requirement) -> str:
    if requirement.name == "keras":
        return (
            f"`{requirement.text}` installs a multi-backend Keras from before 2.4, which replaces "
            "Colab's Keras and fails at `import keras` with Colab's TensorFlow: drop it and use "
            "`from tensorflow import keras`"
        )
    return (
        f"`{requirement.text}` asks for TensorFlow 1, which has no wheels for the Python Colab runs: "
        "the install fails or breaks the runtime; use Colab's TensorFlow 2 (port TF 1 code with "
        "`tf.compat.v1`)"
    )


def _split(command: str) -> list[str]:
    """Shell words of a command line, with its operators as words; [] if it cannot be read."""
    lexer = shlex.shlex(command.replace("\\\n", " "), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes
        return []


def _located(words: Sequence[str], written: str) -> list[_Word]:
    """Each word with its offset in the escape as written, found in order (None if not found)."""
    located: list[_Word] = []
    cursor = 0
    for word in words:
        at = written.find(word, cursor)
        if at < 0:
            located.append((word, None))
        else:
            located.append((word, at))
            cursor = at + len(word)
    return located


def _commands(words: Sequence[_Word]) -> Iterator[list[_Word]]:
    """The simple commands of a shell line, split at `&&`, `;`, `|`, ..."""
    current: list[_Word] = []
    for word in words:
        if word[0] in _SHELL_OPERATORS:
            if current:
                yield current
            current = []
        else:
            current.append(word)
    if current:
        yield current


def _install_arguments(located: Sequence[_Word]) -> Iterator[tuple[_Requirement, int | None]]:
    """The requirement arguments of `pip install ...`, `python -m pip install ...`, `sudo pip3 ...`,
    each with its offset in the escape."""
    words = [word for word, _ in located]
    position = _pip_position(words)
    if position is None or position + 1 >= len(words) or words[position + 1] != "install":
        return
    skip_next = False
    for word, at in located[position + 2 :]:
        if skip_next:
            skip_next = False
            continue
        if word.startswith("-"):
            skip_next = word in _OPTIONS_WITH_VALUE
            continue
        match = _REQUIREMENT.match(word)
        if match is None:
            continue
        name = re.sub(r"[-_.]+", "-", match.group("name")).lower()
        yield _Requirement(word, name, match.group("spec").strip()), at


def _pip_position(words: Sequence[str]) -> int | None:
    """Index of the `pip` word (`pip`, `pip3`, `pip3.10`, or `python -m pip`), if the command is pip."""
    index = 0
    while index < len(words) and (words[index] == "sudo" or "=" in words[index]):
        index += 1  # `sudo pip ...`, `PIP_NO_CACHE_DIR=1 pip ...`
    if index >= len(words):
        return None
    program = words[index].rsplit("/", 1)[-1]
    if re.fullmatch(r"pip[0-9.]*", program):
        return index
    is_python = re.fullmatch(r"python[0-9.]*", program) or "sys.executable" in program
    if is_python and words[index + 1 : index + 3] == ["-m", "pip"]:
        return index + 2
    return None


def _only_tf1_era(requirement: _Requirement) -> bool:
    """Whether the requirement admits only releases older than the first that works on Colab."""
    first_working = _FIRST_WORKING.get(requirement.name)
    return first_working is not None and _only_older(requirement.spec, first_working)


def _only_older(spec: str, bound: tuple[int, ...]) -> bool:
    """Whether every version the specifier set admits is older than `bound` (`==1.15`, `<2`, ...)."""
    for clause in spec.split(","):
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            continue
        operator, version = match.group("op"), match.group("version")
        release = _release(version)
        if release is None:
            continue
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
