"""NBP006 pip-no-wheel: a pinned `pip install` whose matching releases have no wheel for Colab's Python.

What pip finds for each release on each Python comes from the wheel index (`nbport.wheel_index`,
made from PyPI by `tools/wheel_index.py`, dated). A requirement is matched against it as pip does
(`packaging.specifiers`, pre-releases only when asked for or when nothing else matches), among
the releases pip could use at all. Only what the index says is reported: a distribution, release or
Python it does not know gives no finding, nor does an sdist that may or may not build.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from nbport.escapes import Escape
from nbport.rules.base import Rule
from nbport.rules.pip import PipCommand, Requirement, pip_installs, requirement_span
from nbport.rules.tf1_install import tf1_only
from nbport.runtime import load_runtime, runtime_names
from nbport.wheel_index import (
    WheelStatus,
    index_date,
    index_pythons,
    releases,
    wheel_status,
)

#: pip options after which PyPI is not (or not the only) place pip looks, or the Python pip
#: installs for is another one: the index says nothing about those commands.
_OTHER_SOURCE = frozenset(
    {
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "--no-index",
        "--python-version",
        "--platform",
        "--abi",
        "--implementation",
    }
)
#: Specifier operators that bound a requirement from above: a pin. A requirement without one
#: (`torch`, `numpy>=1.20`) admits releases newer than the index.
_PINNING = frozenset({"==", "===", "<", "<=", "~="})
_INSTALLS = (WheelStatus.WHEEL, WheelStatus.PURE_SDIST)
_NOTHING = WheelStatus.NOTHING


@dataclass(frozen=True)
class _Verdict:
    """Why a requirement cannot be installed on a Python."""

    #: The release pip would compile from its sdist; None when pip finds nothing at all.
    compiled: str | None = None
    #: For `compiled`: the newest Python of the index that release has a wheel for.
    wheels_up_to: str | None = None


class PipNoWheelRule(Rule):
    """Reads each `pip install` line and reports pinned requirements with no wheel for the
    Python of the targeted Colab runtime."""

    def check_escape(self, escape: Escape) -> None:
        """`!pip install torch==1.9.0`, `%pip install "numpy<2.1"`, `# !pip ...` alike."""
        for command, simple, pip in pip_installs(escape, self.unit.unit.text):
            if any(word.value.split("=", 1)[0] in _OTHER_SOURCE for word in simple.words):
                continue  # another index, or another Python: not what the wheel index describes
            for requirement in pip.requirements():
                message = self._judge(requirement, _prereleases(pip))
                if message is not None:
                    where = requirement_span(command, requirement) or escape
                    self.report(where, message)

    def _judge(self, requirement: Requirement, prereleases: bool) -> str | None:
        """The message for `requirement` when the index says it cannot install; else None."""
        specifier = _pin(requirement)
        if specifier is None or tf1_only(requirement):
            return None  # unpinned, unreadable, or TF 1: NBP205 owns those (one cause, one finding)
        runtime = self.runtime
        python = "{}.{}".format(*runtime.python)
        verdict = _verdict(requirement.name, specifier, python, prereleases)
        if verdict is None:
            return None
        text = requirement.word.value
        head = (
            f"`{text}`: no release matching it has a wheel for {runtime.describe_python()} "
            f"({runtime.label})"
        )
        if verdict.compiled is None:
            head += ", nor a source pip could build there, so the install fails"
        else:
            head += (
                f"; pip would compile {requirement.name} {verdict.compiled} from source, a release "
                f"with wheels up to Python {verdict.wheels_up_to} only"
            )
        return f"{head}; {self._ways_out(requirement.name, specifier, python, prereleases)}"

    def _ways_out(self, name: str, specifier: str, python: str, prereleases: bool) -> str:
        """Which releases do install on `python`, what the runtime ships, and which other Colab
        runtime would install the requirement as written; with the index's date."""
        runtime = self.runtime
        run = _newest_wheels(name, python)
        if run is None:
            ways = f"no release of {name} has one"
        elif run[0] == run[1]:
            ways = f"{name} {run[1]} has one"
        else:
            ways = f"{name} has one from {run[0]} to {run[1]}"
        installed = runtime.describe(name)
        if installed is not None:
            ways += f", and {runtime.label} has {installed} installed"
        other = _runtime_installing(name, specifier, runtime.name, prereleases)
        if other is not None:
            ways += f"; {other} installs it as written"
        return f"{ways} (PyPI as of {index_date()})"


def _prereleases(pip: PipCommand) -> bool:
    """Whether pip is told to consider pre-releases (`--pre`)."""
    return any(word.value == "--pre" for word in pip.arguments)


def _pin(requirement: Requirement) -> str | None:
    """The requirement's specifier when it is readable and bounds the version from above
    (`==1.9.0`, `<2.1`, `~=0.23.0`); None otherwise (`{version}`, `>=1.0`, none). Requirements
    with environment markers (`x==1; python_version<'3.8'`) may not apply at all: None."""
    if not requirement.specifier or ";" in requirement.word.value:
        return None
    try:
        specifiers = SpecifierSet(requirement.specifier)
    except InvalidSpecifier:
        return None
    if not any(clause.operator in _PINNING for clause in specifiers):
        return None
    return str(specifiers)


@cache
def _verdict(name: str, specifier: str, python: str, prereleases: bool) -> _Verdict | None:
    """Why `name` + `specifier` cannot be installed on `python` (`3.13`), or None when it can or
    when the index cannot tell. pip looks only at releases with a file it could use there, keeps
    those the specifier admits (a pre-release only with `--pre`, when the specifier names one, or
    when no final release matches) and installs the newest."""
    known = releases(name, python)
    if not known:
        return None
    chosen = _chosen(name, specifier, python, prereleases)
    if not chosen:
        allow = True if prereleases else None
        everything = [version for version, _ in known]
        if not list(SpecifierSet(specifier).filter(everything, prereleases=allow)):
            return None  # no release the index knows matches: a newer one, or a typo; never guess
        return _Verdict()
    status = dict(known)
    if any(status[version] in _INSTALLS for version in chosen):
        return None
    newest = chosen[-1]  # the index lists releases oldest first
    if status[newest] is not WheelStatus.COMPILED_SDIST:
        return None  # an sdist that may be pure Python: pip may well build it
    # A compiled sdist is reported only when the release has platform wheels for an older Python
    # and none for this one: made before this Python, its extensions are built against a C API it
    # was never released for. Without that evidence (no wheel on any Python the index knows) the
    # index's "compiled" is a guess from the distribution's other releases.
    older = [
        other
        for other in index_pythons()
        if _before(other, python) and wheel_status(name, newest, other) is WheelStatus.WHEEL
    ]
    return _Verdict(newest, older[-1]) if older else None


@cache
def _newest_wheels(name: str, python: str) -> tuple[str, str] | None:
    """The first and last final releases of `name` in the newest unbroken run of releases with a
    wheel for `python` (`("2.5.0", "2.11.0")`): the pins that work, without an old release that
    happened to ship a universal wheel (torchvision 0.1.6); None when no release has one."""
    finals = [item for item in releases(name, python) if not Version(item[0]).is_prerelease]
    wheels = [place for place, (_, status) in enumerate(finals) if status is WheelStatus.WHEEL]
    if not wheels:
        return None
    first = last = wheels[-1]
    while first > 0 and finals[first - 1][1] is WheelStatus.WHEEL:
        first -= 1
    return finals[first][0], finals[last][0]


def _chosen(name: str, specifier: str, python: str, prereleases: bool) -> list[str]:
    """The releases pip chooses among for the requirement on `python`, oldest first: those with
    a file it could use there that the specifier admits (pre-releases as pip admits them)."""
    usable = [version for version, status in releases(name, python) if status is not _NOTHING]
    return list(SpecifierSet(specifier).filter(usable, prereleases=True if prereleases else None))


def _before(python: str, other: str) -> bool:
    """`3.12` is before `3.13`."""
    return tuple(map(int, python.split("."))) < tuple(map(int, other.split(".")))


@cache
def _runtime_installing(name: str, specifier: str, current: str, prereleases: bool) -> str | None:
    """How a message names the newest other Colab runtime, of another Python, where pip would
    install the requirement from a wheel or a pure sdist (`Colab's 2025.07 runtime (Python
    3.11)`); None if none would."""
    current_python = load_runtime(current).python
    for name_of_runtime in runtime_names():
        runtime = load_runtime(name_of_runtime)
        if runtime.python == current_python:
            continue
        python = "{}.{}".format(*runtime.python)
        status = dict(releases(name, python))
        chosen = _chosen(name, specifier, python, prereleases)
        if chosen and status[chosen[-1]] in _INSTALLS:
            return f"{runtime.label} ({runtime.describe_python()})"
    return None
