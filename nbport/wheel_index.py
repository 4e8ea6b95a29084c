"""Which releases of a package pip can install on each Python Colab runs: `data/wheel_index.json`.

The table is made at build time from PyPI's JSON API by `tools/wheel_index.py` (its docstring says
which distributions, and what each letter means) and read here once, on first use. It answers
`installable("torch", "1.12.1", (3, 13))` → False (no wheel for Python 3.13, no sdist) and
`installable_versions("torch", (3, 13))` → the releases a pin could move to.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from nbport.runtime import normalize

INDEX_PATH = Path(__file__).with_name("data") / "wheel_index.json"
_FORMAT = 1


class WheelStatus(Enum):
    """What pip finds for one release on one Python (the table's letters)."""

    #: A wheel that installs.
    WHEEL = "w"
    #: No wheel, an sdist of pure Python: pip builds it without a compiler.
    PURE_SDIST = "p"
    #: No wheel, an sdist with compiled extensions: pip would compile it (and may fail).
    COMPILED_SDIST = "c"
    #: No wheel, an sdist that may or may not need compiling.
    SDIST = "s"
    #: Nothing pip can install on that Python.
    NOTHING = "-"


@cache
def _index() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    if table.get("tool_version") != _FORMAT:
        raise RuntimeError(f"{INDEX_PATH.name} is not of format {_FORMAT}: regenerate it")
    return table


def index_date() -> str:
    """The day the index was read off PyPI (`2026-12-04`): releases after it are unknown."""
    return str(_index()["date"])


def index_pythons() -> tuple[str, ...]:
    """The Pythons the index knows (`3.11`, `3.12`, `3.13`): those of Colab's runtimes."""
    return tuple(_index()["pythons"])


def known_distributions() -> tuple[str, ...]:
    """The distributions the index holds, by normalised name."""
    return tuple(_index()["distributions"])


def canonical_version(version: str) -> str:
    """A version as `==` compares releases: no local label, no `v`, lower case, and the release
    numbers without trailing zeros (`2.11.0+cpu` → `2.11`, `1.0.0rc1` → `1rc1`)."""
    text = version.strip().lower().split("+", 1)[0].removeprefix("v")
    match = re.match(r"^(\d+(?:\.\d+)*)(.*)$", text)
    if match is None:
        return text
    numbers = [int(part) for part in match.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return ".".join(str(number) for number in numbers) + match.group(2)


def _python_key(python: tuple[int, int] | str) -> str:
    if isinstance(python, tuple):
        return f"{python[0]}.{python[1]}"
    return ".".join(python.split(".")[:2])


@cache
def _releases(distribution: str) -> tuple[tuple[str, ...], dict[str, int]] | None:
    """The versions of `distribution` in order, and each one's place by `canonical_version`."""
    entry = _index()["distributions"].get(distribution)
    if entry is None:
        return None
    versions = tuple(entry["versions"].split())
    return versions, {canonical_version(version): place for place, version in enumerate(versions)}


def wheel_status(
    distribution: str, version: str, python: tuple[int, int] | str
) -> WheelStatus | None:
    """What pip finds for `distribution==version` on `python` (`(3, 13)` or `"3.13"`); None when
    the index does not know the distribution, the release or the Python."""
    name = normalize(distribution)
    releases = _releases(name)
    statuses = _index()["distributions"].get(name, {}).get(_python_key(python))
    if releases is None or statuses is None:
        return None
    place = releases[1].get(canonical_version(version))
    return None if place is None else WheelStatus(statuses[place])


def installable(distribution: str, version: str, python: tuple[int, int] | str) -> bool | None:
    """Whether `pip install distribution==version` installs on `python`: True with a wheel (or a
    pure-Python sdist), False when pip finds nothing it can install; None when the index does not
    know, or when pip would have to build an sdist that may need compiling."""
    status = wheel_status(distribution, version, python)
    if status in (WheelStatus.WHEEL, WheelStatus.PURE_SDIST):
        return True
    if status is WheelStatus.NOTHING:
        return False
    return None


def releases(
    distribution: str, python: tuple[int, int] | str
) -> tuple[tuple[str, WheelStatus], ...]:
    """Every release of `distribution` the index holds, oldest first, each with what pip finds
    for it on `python`: for a reader that matches releases against a version specifier as pip
    does. Empty when the index does not know the distribution or the Python."""
    name = normalize(distribution)
    known = _releases(name)
    statuses = _index()["distributions"].get(name, {}).get(_python_key(python))
    if known is None or statuses is None:
        return ()
    return tuple(
        (version, WheelStatus(letter)) for version, letter in zip(known[0], statuses, strict=True)
    )


def installable_versions(
    distribution: str, python: tuple[int, int] | str, *, prereleases: bool = False
) -> tuple[str, ...]:
    """The releases of `distribution` that have a wheel for `python`, oldest first: `[0]` and
    `[-1]` are the oldest and newest pins that work. Pre-releases only with `prereleases`."""
    name = normalize(distribution)
    releases = _releases(name)
    statuses = _index()["distributions"].get(name, {}).get(_python_key(python))
    if releases is None or statuses is None:
        return ()
    return tuple(
        version
        for version, letter in zip(releases[0], statuses, strict=True)
        if letter == WheelStatus.WHEEL.value and (prereleases or not _is_prerelease(version))
    )


def _is_prerelease(version: str) -> bool:
    """`2.11.0rc1`, `1.0.dev3`, `0.5b1` (post-releases, `1.0.post1`, are final)."""
    return re.search(r"(a|b|rc|c|alpha|beta|pre|preview|dev)\d*", version.lower()) is not None


__all__ = [
    "WheelStatus",
    "canonical_version",
    "index_date",
    "index_pythons",
    "installable",
    "installable_versions",
    "known_distributions",
    "releases",
    "wheel_status",
]
