"""Applying a fix's edits: the same text as splicing them in one at a time, in one pass over the text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nbport.edits import apply_edits
from nbport.finding import Edit


def _spliced(text: str, edits: list[Edit]) -> str:
    """What `apply_fixes` did before: splice each edit in, from the last to the first."""
    for edit in sorted(edits, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


@st.composite
def _text_and_edits(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    text = draw(st.text(alphabet="ab\n", max_size=30))
    offsets = st.integers(min_value=0, max_value=len(text))
    edits = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        start, end = sorted((draw(offsets), draw(offsets)))
        edits.append(Edit(start, end, draw(st.text(alphabet="XY", max_size=3))))
    return text, edits


@given(_text_and_edits())
def test_edits_give_the_text_splicing_gave(case: tuple[str, list[Edit]]) -> None:
    # Overlapping edits included: no fix should make them, but their result must not change either.
    text, edits = case
    assert apply_edits(text, edits) == _spliced(text, edits)


def test_insertions_at_one_offset_keep_their_order() -> None:
    edits = [Edit(1, 1, "b"), Edit(1, 3, "Z"), Edit(1, 1, "a")]
    assert apply_edits("0123", edits) == "0abZ3"


class _CountingText(str):
    """A text that counts the characters copied out of it, or out of the texts made from it."""

    copied = 0

    def __getitem__(self, key: int | slice) -> _CountingText:  # type: ignore[override]
        part = _CountingText(str.__getitem__(self, key))
        _CountingText.copied += len(part)
        return part

    def __add__(self, other: str) -> _CountingText:  # type: ignore[override]
        joined = _CountingText(str.__add__(self, other))
        _CountingText.copied += len(joined)
        return joined


def test_many_edits_copy_the_text_once() -> None:
    # A cell with a finding on each of its lines: splicing each fix in copied the whole cell per
    # fix (quadratic); the text is now cut once and joined once.
    lines = 2_000
    text = _CountingText("!cd data\n" * lines)
    edits = [Edit(9 * line, 9 * line + 1, "%") for line in range(lines)]
    _CountingText.copied = 0
    fixed = apply_edits(text, edits)
    assert fixed == "%cd data\n" * lines
    assert _CountingText.copied <= len(text)
