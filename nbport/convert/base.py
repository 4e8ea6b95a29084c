"""What the conversions share: the error that stops one, and jupytext, imported when needed."""

from __future__ import annotations

from types import ModuleType


class ConvertError(Exception):
    """A conversion that was not done; the message is one line and names no path."""


def load_jupytext() -> ModuleType:
    """jupytext, imported now; raises `ConvertError` naming what to install."""
    try:
        import jupytext
    except ImportError:
        raise ConvertError("nbport convert needs jupytext: pip install jupytext") from None
    return jupytext


def first_line(error: BaseException) -> str:
    """The first line of `error`'s message, or its type's name when it has none."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


__all__ = ["ConvertError", "first_line", "load_jupytext"]
