"""Which modules the standard library of a runtime's Python has, and which it no longer has.

nbport may run on another Python than the runtime's (Colab's is 3.13): the standard library of the
runtime's Python is taken as the running Python's (`sys.stdlib_module_names`) with the modules
`stdlib.toml` lists as removed put back or taken out by the runtime's version. That table is
reviewed by hand, with its sources (PEP 594, PEP 632, What's New in 3.12 and 3.13, and 2to3's
`fix_imports` for Python 2's module names).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from nbport.rules.tables import rule_table

_TABLE = rule_table(__file__)


@dataclass(frozen=True)
class Removed:
    """A module the standard library no longer has on some Python."""

    name: str
    #: The Python that no longer has it: (3, 13); (3, 0) for a Python 2 module.
    python: tuple[int, int]
    #: What to use instead, as a message says it (with backticks).
    use: str
    #: A PyPI distribution that provides the module again (a backport), if there is one.
    install: str | None = None


def _version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


_REMOVED = {
    name: Removed(name, _version(entry["python"]), entry["use"], entry.get("install"))
    for name, entry in _TABLE["removed"].items()
}
_PYTHON2 = {
    name: Removed(name, (3, 0), f"`{renamed}`") for name, renamed in _TABLE["python2"].items()
}
_ALWAYS = frozenset(sys.stdlib_module_names) - set(_REMOVED)


def removed(module: str, python: tuple[int, int]) -> Removed | None:
    """What became of `module` (a top-level name) if `python`'s standard library lacks it though an
    older one had it; None otherwise."""
    found = _REMOVED.get(module) or _PYTHON2.get(module)
    return found if found is not None and python >= found.python else None


def in_standard_library(module: str, python: tuple[int, int]) -> bool:
    """Whether `python`'s standard library has the top-level module `module`."""
    if module in _ALWAYS:
        return True
    found = _REMOVED.get(module)
    return found is not None and python < found.python
