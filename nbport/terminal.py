"""What the terminal nbport prints to can show: colour, and a progress bar."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from collections.abc import Callable


def use_color(stream: object) -> bool:
    """Colour only on a terminal that can show it. `NO_COLOR` (https://no-color.org) turns it off;
    `FORCE_COLOR` turns it on, except `FORCE_COLOR=0` (or `false`), which turns it off; `TERM=dumb`
    turns it off unless forced."""
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR", "")
    if force:
        return force.strip().lower() not in ("0", "false", "no", "off")
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def styler(color: bool) -> Callable[..., str]:
    """`typer.style` on a terminal, else a pass-through with the same signature."""
    from nbport.report.text import plain

    return typer.style if color else plain


def shows_progress() -> bool:
    """Whether to show a progress bar: only when stderr is a terminal and `CI` is not set."""
    return sys.stderr.isatty() and not os.environ.get("CI")


__all__ = ["shows_progress", "styler", "use_color"]
