"""Offsets and (line, column) pairs inside one unit's text."""

from __future__ import annotations

from bisect import bisect_right


class LineIndex:
    """Maps between character offsets and 1-based lines / 0-based columns of a text.

    A line ends after `\\n` (so `\\r\\n` files work: the `\\r` is the last character of its line).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        position = find("\n")
        while position != -1:
            starts.append(position + 1)
            position = find("\n", position + 1)
        self.starts = starts

    def offset(self, line: int, column: int) -> int:
        """The offset of `column` (0-based) on `line` (1-based)."""
        return self.starts[line - 1] + column

    def line_of(self, offset: int) -> int:
        """The 1-based line on which `offset` stands."""
        return bisect_right(self.starts, offset)

    def line_column(self, offset: int) -> tuple[int, int]:
        """The 1-based line and 0-based column of `offset`."""
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1]
