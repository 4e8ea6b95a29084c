"""`nbport.report.matching` finds the blocks `difflib` finds, and writes the diffs it writes."""

from __future__ import annotations

import difflib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbport.report import matching
from nbport.report.matching import SequenceMatcher, unified_diff


@pytest.fixture(params=["difflib first", "runs only"])
def budget(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Test both ways of matching: `difflib` within its budget, and the runs this module keeps
    (no budget at all: it takes over at `difflib`'s first search)."""
    if request.param == "runs only":
        monkeypatch.setattr(matching, "BUDGET", 0)
        monkeypatch.setattr(matching, "SLACK", 0)


_lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n", "\n"]), max_size=40)


@given(_lines, _lines)
def test_blocks_are_difflibs(a: list[str], b: list[str]) -> None:
    with pytest.MonkeyPatch.context() as patch:  # hypothesis runs this many times in one test
        patch.setattr(matching, "BUDGET", 0)
        patch.setattr(matching, "SLACK", 0)
        expected = difflib.SequenceMatcher(None, a, b).get_matching_blocks()
        assert SequenceMatcher(a, b).get_matching_blocks() == expected


@given(_lines, _lines)
def test_blocks_are_difflibs_within_the_budget(a: list[str], b: list[str]) -> None:
    expected = difflib.SequenceMatcher(None, a, b).get_matching_blocks()
    assert SequenceMatcher(a, b).get_matching_blocks() == expected


def _random_pair(rng: random.Random) -> tuple[list[str], list[str]]:
    """Two sequences, often alike: one edited from the other, or drawn afresh; long enough, at
    times, for `difflib` to leave out its popular lines (200 lines or more)."""
    size = rng.choice([0, 1, 3, 10, 40, 150, 250, 400])
    alphabet = rng.choice([1, 2, 3, 6, 30, 10_000])
    a = [f"{rng.randrange(alphabet)}\n" for _ in range(size)]
    if rng.random() < 0.6:
        b = [line if rng.random() < 0.7 else f"{rng.randrange(alphabet + 3)}\n" for line in a]
        for _ in range(rng.randrange(5)):
            if b and rng.random() < 0.5:
                del b[rng.randrange(len(b))]
            else:
                b.insert(rng.randrange(len(b) + 1), f"{rng.randrange(alphabet)}\n")
    else:
        b = [f"{rng.randrange(alphabet)}\n" for _ in range(rng.choice([0, 2, 30, 300]))]
    return a, b


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.usefixtures("budget")
def test_blocks_and_diffs_are_difflibs_on_long_sequences(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        a, b = _random_pair(rng)
        expected = difflib.SequenceMatcher(None, a, b)
        matcher = SequenceMatcher(a, b)
        assert matcher.get_matching_blocks() == expected.get_matching_blocks(), (a, b)
        assert list(unified_diff(a, b, "x (before)", "x (after)")) == list(
            difflib.unified_diff(a, b, "x (before)", "x (after)")
        )


@pytest.mark.usefixtures("budget")
def test_a_fix_on_every_other_line() -> None:
    # The case that made `difflib` quadratic: each block it finds is one line at the start of
    # what is left, and it scanned all that is left to find it.
    before = [f"!cd data{n}\n" if n % 2 else f"x{n} = 1\n" for n in range(600)]
    after = [line.replace("!cd", "%cd") for line in before]
    expected = list(difflib.unified_diff(before, after, "a", "b"))
    assert list(unified_diff(before, after, "a", "b")) == expected
