"""Apply text edits to a unit's text in one pass.

A cell with a finding on each of its 200,000 lines gets as many edits; splicing them in one at a time
(`text[:start] + replacement + text[end:]`) copies the whole text per edit, which is quadratic.
Edits that do not overlap are instead joined in one pass over the text, with the same result.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from nbport.finding import Edit


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """`text` with `edits` (offsets into `text`) applied, as if spliced in one at a time from the
    last to the first.

    Edits that touch the same offset keep their sorted order (two insertions at one point are
    inserted in order). Overlapping edits, which no fix should make, are spliced one at a time, as
    they always were, so that what they produce does not change either.
    """
    ordered = sorted(edits)
    if any(following.start < edit.end for edit, following in pairwise(ordered)):
        for edit in reversed(ordered):
            text = text[: edit.start] + edit.replacement + text[edit.end :]
        return text
    pieces: list[str] = []
    copied = 0  # text before this offset is already in `pieces`
    for edit in ordered:
        pieces.append(text[copied : edit.start])
        pieces.append(edit.replacement)
        copied = edit.end
    pieces.append(text[copied:])
    return "".join(pieces)


__all__ = ["apply_edits"]
