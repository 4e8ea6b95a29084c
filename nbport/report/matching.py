"""`difflib`'s matching blocks without its quadratic worst case, for `--diff` of big cells.

`difflib.SequenceMatcher` finds the longest matching block of its two sequences, then does the
same on each side of it, and so on. Each search scans its whole range, so a cell where fixed lines
alternate with unchanged ones (every search finds one short block at the start of its range) costs
the square of its lines: 19 s for 20,000 lines. The diffs users know are `difflib`'s, so this module
finds exactly the same blocks, in time close to linear:

* The matching pairs `a[x] == b[y]` that `difflib` looks at (`b2j`: no popular lines) are grouped
  once into *runs*, maximal diagonals of consecutive pairs. In a range, `difflib`'s longest block
  before its extension is the longest run clipped to the range, the one starting first in `a`,
  then in `b`, on ties (`find_longest_match` keeps the first pair that reaches a new length).
* Each range keeps its runs in a heap ordered that way. A key is set when the run is pushed and
  clipping only makes a run shorter and start later, so a key can only be too good: the run on top
  is re-keyed until its key is exact, and is then the best.
* A run that crosses from the lower left of a block to its upper right would be longer than the
  block, which is the longest: so each run lies on one side of a block at most, and belongs to one
  range at most. The larger side keeps its parent's heap (runs of the other side leave it when they
  come to the top); the smaller side builds its own from the runs that start in it, found by where
  they start (`by_x`; `by_y` finds those a block's rows cut). Each line is on the smaller side at
  most log2(lines) times.

The extension of a block over equal popular lines, the order of the blocks and the merging of
adjacent ones are `difflib`'s own code, unchanged.

Most diffs are cheap for `difflib` (on the shared corpus it spends at most 6.2 times what its first
search costs) and it is quicker there, with less to set up: it runs first, and this module takes
over only when `difflib` has spent `BUDGET` times its first search.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from heapq import heapify, heappop, heapreplace
from itertools import accumulate
from typing import Any

#: How many times the cost of its first search `difflib` may spend before this module takes over.
BUDGET = 16
#: And a little more, for tiny diffs.
SLACK = 2_000

# A heap entry: (-length, first x, first y, run) of a run clipped to a range; lower is better.
_Entry = tuple[int, int, int, int]


class _OverBudget(Exception):
    """`difflib` has spent its budget: a diff it would take the square of the lines to make."""


class SequenceMatcher(difflib.SequenceMatcher[str]):
    """`difflib.SequenceMatcher` (no junk function) whose `get_matching_blocks` gives the same
    blocks without rescanning a range for each block found in it."""

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        super().__init__(None, a, b)
        self._costs: list[int] | None = None
        self._budget = 0

    def get_matching_blocks(self) -> list[difflib.Match]:
        """The same list as `difflib.SequenceMatcher.get_matching_blocks`."""
        # `difflib`'s own state, which typeshed does not declare: `a`, `b`, `b2j`, `bjunk`, ...
        state: Any = self
        if state.matching_blocks is not None:
            return list(state.matching_blocks)
        # What `find_longest_match` costs over rows `alo:ahi` of `a`: the rows and the places in
        # `b` it looks at for each (`costs[ahi] - costs[alo]`).
        self._costs = list(
            accumulate((1 + len(state.b2j.get(line, ())) for line in state.a), initial=0)
        )
        self._budget = BUDGET * self._costs[-1] + SLACK
        try:
            return super().get_matching_blocks()
        except _OverBudget:
            pass
        finally:
            self._costs = None
        blocks = _Blocks(state.a, state.b, state.b2j, state.bjunk).find()
        # From here on, `difflib.SequenceMatcher.get_matching_blocks` as it is.
        blocks.sort()
        i1 = j1 = k1 = 0
        non_adjacent = []
        for i2, j2, k2 in blocks:
            if i1 + k1 == i2 and j1 + k1 == j2:
                k1 += k2
            else:
                if k1:
                    non_adjacent.append((i1, j1, k1))
                i1, j1, k1 = i2, j2, k2
        if k1:
            non_adjacent.append((i1, j1, k1))
        non_adjacent.append((len(state.a), len(state.b), 0))
        state.matching_blocks = list(map(difflib.Match._make, non_adjacent))
        return list(state.matching_blocks)

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:
        """`difflib`'s, charged to the budget while `get_matching_blocks` runs."""
        if self._costs is not None:
            stop = len(self._costs) - 1 if ahi is None else ahi
            self._budget -= self._costs[stop] - self._costs[alo]
            if self._budget < 0:
                raise _OverBudget
        return super().find_longest_match(alo, ahi, blo, bhi)


def unified_diff(a: Sequence[str], b: Sequence[str], fromfile: str, tofile: str) -> Iterator[str]:
    """`difflib.unified_diff(a, b, fromfile, tofile)`, line for line, with this module's matcher."""
    started = False
    for group in SequenceMatcher(a, b).get_grouped_opcodes(3):
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        before = _unified_range(first[1], last[2])
        after = _unified_range(first[3], last[4])
        yield f"@@ -{before} +{after} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in a[i1:i2]:
                    yield " " + line
                continue
            if tag in {"replace", "delete"}:
                for line in a[i1:i2]:
                    yield "-" + line
            if tag in {"replace", "insert"}:
                for line in b[j1:j2]:
                    yield "+" + line


def _unified_range(start: int, stop: int) -> str:
    """`difflib._format_range_unified`: a hunk's range as `start,length` (1-based)."""
    beginning = start + 1
    length = stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


class _Range:
    """A range of `a` and of `b` still to match, and the heap of the runs in it."""

    __slots__ = ("ahi", "alo", "bhi", "blo", "heap")

    def __init__(self, alo: int, ahi: int, blo: int, bhi: int, heap: list[_Entry]) -> None:
        self.alo, self.ahi, self.blo, self.bhi, self.heap = alo, ahi, blo, bhi, heap


class _Blocks:
    """The matching blocks `difflib` finds, unsorted and unmerged."""

    def __init__(
        self, a: Sequence[str], b: Sequence[str], b2j: dict[str, list[int]], bjunk: set[str]
    ) -> None:
        self.a, self.b, self.bjunk = a, b, bjunk
        # Runs: first x, diagonal (y - x) and end x (exclusive). `at[run]` is the x where the run
        # now starts, clipped to its range (-1 once it belongs to none); the buckets hold each run
        # at that x and at its y, so that a range finds the runs that start in it.
        self.first: list[int] = []
        self.diagonal: list[int] = []
        self.end: list[int] = []
        ends_at: dict[int, int] = {}  # y -> the run whose last pair so far is (x - 1, y)
        for x, line in enumerate(a):
            continued: dict[int, int] = {}
            for y in b2j.get(line, ()):
                run = ends_at.get(y - 1)
                if run is None:
                    run = len(self.first)
                    self.first.append(x)
                    self.diagonal.append(y - x)
                    self.end.append(x + 1)
                else:
                    self.end[run] = x + 1
                continued[y] = run
            ends_at = continued
        self.at = list(self.first)
        self.by_x: dict[int, list[int]] = {}
        self.by_y: dict[int, list[int]] = {}
        for run, x in enumerate(self.first):
            self.by_x.setdefault(x, []).append(run)
            self.by_y.setdefault(x + self.diagonal[run], []).append(run)

    def find(self) -> list[tuple[int, int, int]]:
        """The blocks, each range searched as `find_longest_match` would."""
        heap = [self._entry(run, 0, len(self.a), 0, len(self.b)) for run in range(len(self.end))]
        entries = [entry for entry in heap if entry is not None]
        heapify(entries)
        ranges = [_Range(0, len(self.a), 0, len(self.b), entries)]
        blocks: list[tuple[int, int, int]] = []
        while ranges:
            span = ranges.pop()
            i, j, k = self._longest(span)
            if not k:
                continue
            blocks.append((i, j, k))
            below = span.alo < i and span.blo < j
            above = i + k < span.ahi and j + k < span.bhi
            if above:
                self._move_runs_across(i, j, k, span.ahi, span.bhi)
            lower = _Range(span.alo, i, span.blo, j, [])
            upper = _Range(i + k, span.ahi, j + k, span.bhi, [])
            if below and above:
                smaller, larger = (
                    (lower, upper) if i - span.alo <= span.ahi - i - k else (upper, lower)
                )
                larger.heap = span.heap
                smaller.heap = self._runs_in(smaller)
                ranges += [lower, upper]
            elif below or above:
                only = lower if below else upper
                only.heap = span.heap
                ranges.append(only)
        return blocks

    def _entry(self, run: int, alo: int, ahi: int, blo: int, bhi: int) -> _Entry | None:
        """The heap entry of `run` clipped to a range, or None if no part of it is in the range."""
        diagonal = self.diagonal[run]
        start = max(self.first[run], alo, blo - diagonal)
        stop = min(self.end[run], ahi, bhi - diagonal)
        if start >= stop:
            return None
        return start - stop, start, start + diagonal, run

    def _longest(self, span: _Range) -> tuple[int, int, int]:
        """`find_longest_match(alo, ahi, blo, bhi)` for the range: its best run, then extended."""
        heap = span.heap
        besti, bestj, bestsize = span.alo, span.blo, 0
        while heap:
            top = heap[0]
            entry = self._entry(top[3], span.alo, span.ahi, span.blo, span.bhi)
            if entry is None:
                heappop(heap)  # a run of the other side of a block, or of none
            elif entry == top:
                besti, bestj, bestsize = entry[1], entry[2], -entry[0]
                break
            else:
                heapreplace(heap, entry)  # clipped since it was pushed
        # From here on, `difflib.SequenceMatcher.find_longest_match` as it is.
        a, b, isbjunk = self.a, self.b, self.bjunk.__contains__
        alo, ahi, blo, bhi = span.alo, span.ahi, span.blo, span.bhi
        while (
            besti > alo
            and bestj > blo
            and not isbjunk(b[bestj - 1])
            and a[besti - 1] == b[bestj - 1]
        ):
            besti, bestj, bestsize = besti - 1, bestj - 1, bestsize + 1
        while (
            besti + bestsize < ahi
            and bestj + bestsize < bhi
            and not isbjunk(b[bestj + bestsize])
            and a[besti + bestsize] == b[bestj + bestsize]
        ):
            bestsize += 1
        while (
            besti > alo and bestj > blo and isbjunk(b[bestj - 1]) and a[besti - 1] == b[bestj - 1]
        ):
            besti, bestj, bestsize = besti - 1, bestj - 1, bestsize + 1
        while (
            besti + bestsize < ahi
            and bestj + bestsize < bhi
            and isbjunk(b[bestj + bestsize])
            and a[besti + bestsize] == b[bestj + bestsize]
        ):
            bestsize = bestsize + 1
        return besti, bestj, bestsize

    def _move_runs_across(self, i: int, j: int, k: int, ahi: int, bhi: int) -> None:
        """Runs that start beside the block `(i, j, k)` (in its columns or its rows) and go on
        above it now start at the edge of the range above it: move them there."""
        for bucket, stop, is_x in ((self.by_x, i + k, True), (self.by_y, j + k, False)):
            for coordinate in range(i if is_x else j, stop):
                for run in bucket.pop(coordinate, ()):
                    x = self.at[run]
                    if x < 0 or x != (coordinate if is_x else coordinate - self.diagonal[run]):
                        continue  # moved or dropped already
                    entry = self._entry(run, i + k, ahi, j + k, bhi)
                    self.at[run] = -1 if entry is None else entry[1]
                    if entry is not None:
                        self.by_x.setdefault(entry[1], []).append(run)
                        self.by_y.setdefault(entry[2], []).append(run)

    def _runs_in(self, span: _Range) -> list[_Entry]:
        """The heap of the runs that start in the range (all of its runs, when it is one side of a
        block whose crossing runs were moved); runs that start there but belong to no range are
        dropped from the buckets."""
        heap: list[_Entry] = []
        for x in range(span.alo, span.ahi):
            bucket = self.by_x.get(x)
            if not bucket:
                continue
            kept = []
            for run in bucket:
                if self.at[run] != x:
                    continue  # moved or dropped
                entry = self._entry(run, span.alo, span.ahi, span.blo, span.bhi)
                if entry is None:
                    self.at[run] = -1
                    continue
                kept.append(run)
                heap.append(entry)
            if kept:
                self.by_x[x] = kept
            else:
                del self.by_x[x]
        heapify(heap)
        return heap


__all__ = ["BUDGET", "SLACK", "SequenceMatcher", "unified_diff"]
