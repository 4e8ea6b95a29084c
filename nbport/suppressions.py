"""Suppressions: findings silenced on purpose, and the suppressions that silence nothing.

Three forms, as ruff and flake8 users know them:

* `# nbport: ignore[NBP001]` (rule ids or names, comma-separated) or a bare `# nbport: ignore`, as a
  comment on the line a finding starts or ends on; in notebook cells, percent and plain scripts, and
  on IPython escape lines (`!cd data  # nbport: ignore[NBP001]`);
* the Jupyter cell tag `nbport-ignore` (`metadata.tags`; in a percent script, jupytext's
  `# %% tags=["nbport-ignore"]`): every finding in that cell;
* `# nbport: ignore-file` (or `# nbport: ignore-file[NBP202]`) among the comment lines at the top of
  a script, before its first statement, or at the top of a notebook's first code cell.

Comments are told from strings with `tokenize` (and, on escape lines, a shell-style scan), but only in
units whose text holds `nbport:`, so files without suppressions pay one substring test per unit.

With `report_unused=True`, every suppression that silences nothing (or names an unknown rule, or is
written in a form nbport does not read) becomes a finding of the pseudo-rule `NBP000`; an unused
comment, or the unused codes of one, can be removed by a safe fix. Like ruff's RUF100, only rules that
ran can leave a code unused: a suppression for a rule that is not selected is left alone.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from nbport.catalog import load_catalog
from nbport.documents.base import Document, Unit
from nbport.documents.script import ScriptDocument
from nbport.escapes import ScannedUnit, bound_in, scan, strip_leading_indent
from nbport.finding import Edit, Finding, Location

#: The rule id of unused-suppression findings (`nbport.rules.unused_suppression`).
UNUSED_SUPPRESSION = "NBP000"
#: The Jupyter cell tag that silences every finding in its cell.
CELL_TAG = "nbport-ignore"
#: What every suppression comment holds; units without it are not searched further.
MARKER = "nbport:"

# `# nbport: ignore`, `# nbport: ignore[A, B]`, `# nbport: ignore-file[...]`; the `#` starts the
# comment or follows a space. Group `rest` is whatever follows, to tell a reason from a typo.
_SUPPRESSION = re.compile(
    r"(?:(?<=\s)|^)#[ \t]*nbport:[ \t]*(?P<kind>ignore-file|ignore)(?![-\w])"
    r"(?:\[(?P<codes>[^\]\r\n]*)\])?(?P<rest>[^\r\n]*)"
)
# Where a comment starts like a suppression: one that `_SUPPRESSION` rejects is a typo.
_ATTEMPT = re.compile(r"(?:(?<=\s)|^)#[ \t]*nbport:")
# The next comment after a suppression on the same line (`# nbport: ignore  # type: ignore`).
_NEXT_COMMENT = re.compile(r"\s#")
_CODE_SEPARATOR = re.compile(r"[\s,]+")
# A percent script's cell marker, and the JSON list of tags jupytext writes on it.
_PERCENT_MARKER = re.compile(r"^\s*#\s*%%")
_MARKER_TAGS = re.compile(r"(?:^|\s)tags=(\[[^\]]*\])")


class SuppressionKind(Enum):
    """What a suppression covers."""

    #: A comment: findings starting or ending on its line.
    LINE = "line"
    #: The `nbport-ignore` cell tag: findings in its cell.
    CELL = "cell"
    #: `# nbport: ignore-file` at the top: findings anywhere in the file.
    FILE = "file"
    #: `# nbport: ignore-file` below the top of the file: silences nothing.
    MISPLACED = "misplaced"
    #: A `# nbport:` comment in no form nbport reads (`# nbport: ignore NBP001`): silences nothing.
    MALFORMED = "malformed"


@dataclass(frozen=True)
class Suppression:
    """One suppression as written in a document."""

    kind: SuppressionKind
    #: The comment as written, up to its closing `]` (`# nbport: ignore[NBP001]`), or the tag.
    text: str
    #: The codes as written (`NBP001`, `shell-cd`); None silences every rule.
    codes: tuple[str, ...] | None
    #: Index of the unit holding it, or None for a script's header line outside every unit.
    unit: int | None
    #: 1-based line in the unit's text (in the file's text when `unit` is None); for a tag, 1 in a
    #: notebook and 0 in a percent script, where the tag stands on the `# %%` line above the cell.
    line: int
    start: Location
    end: Location
    #: The edit that removes the comment cleanly; None for tags and for lines outside every unit.
    removal: Edit | None = None
    #: Offsets, in the unit's text, of the text between the brackets.
    codes_span: tuple[int, int] | None = None


@dataclass
class SuppressionUse:
    """What one suppression silenced in this check: the rule ids, so unused codes can be named."""

    rules: set[str] = field(default_factory=set)


def silence(
    document: Document, findings: Sequence[Finding], suppressions: Sequence[Suppression]
) -> tuple[list[Finding], list[SuppressionUse]]:
    """The findings no suppression of `document` silences, and what each suppression silenced
    (for NBP000, `nbport.rules.unused_suppression`)."""
    units = document.units()
    known = known_codes()
    uses = [SuppressionUse() for _ in suppressions]
    by_line: dict[tuple[int, int], list[int]] = {}
    by_unit: dict[int, list[int]] = {}
    whole_file: list[int] = []
    for number, suppression in enumerate(suppressions):
        if suppression.kind is SuppressionKind.FILE:
            whole_file.append(number)
        elif suppression.unit is None:
            continue  # a line of a percent script's header, outside every cell: no finding there
        elif suppression.kind is SuppressionKind.LINE:
            by_line.setdefault((suppression.unit, suppression.line), []).append(number)
        elif suppression.kind is SuppressionKind.CELL:
            by_unit.setdefault(suppression.unit, []).append(number)

    kept: list[Finding] = []
    for finding in findings:
        first_line = units[finding.unit].first_line if finding.unit < len(units) else 1
        lines = {finding.start.line - first_line + 1, finding.end.line - first_line + 1}
        candidates = [*whole_file, *by_unit.get(finding.unit, ())]
        for line in sorted(lines):
            candidates += by_line.get((finding.unit, line), ())
        silenced = False
        for number in candidates:
            if _covers(suppressions[number], finding.rule, known):
                uses[number].rules.add(finding.rule)
                silenced = True  # every suppression that covers it is used, not only the first
        if not silenced:
            kept.append(finding)
    return kept, uses


def find_suppressions(
    document: Document, scanned: Callable[[int], ScannedUnit | None]
) -> tuple[Suppression, ...]:
    """Every suppression in `document`, in file order (tags first within a cell); `scanned(index)`
    is the engine's scan of each unit holding `MARKER`, whose escapes tell comments from commands."""
    if isinstance(document, ScriptDocument):
        return _script_suppressions(document, scanned)
    found = []
    for unit in document.units():
        if CELL_TAG in unit.tags:
            found.append(_tag_suppression(unit))
        scan = scanned(unit.index)
        if MARKER in unit.text and scan is not None:
            # The top of a notebook is the top of its first code cell.
            unit_top = set(_leading_comment_lines(unit.text)) if unit.index == 0 else set()
            found.extend(_comment_suppressions(unit, scan, unit_top))
    return tuple(found)


def scans_for(document: Document) -> Callable[[int], ScannedUnit | None]:
    """The scans `find_suppressions` reads, made as the engine makes them, for a caller outside a
    check (the engine hands over its own)."""
    units = document.units()
    shadowed = bound_in([unit.text for unit in units])
    scans = {
        unit.index: scan(unit.text, unit.escape_style, shadowed)
        for unit in units
        if MARKER in unit.text
    }
    return scans.get


def _script_suppressions(
    document: ScriptDocument, scanned: Callable[[int], ScannedUnit | None]
) -> tuple[Suppression, ...]:
    text = document.python_text
    if MARKER not in text and CELL_TAG not in text:
        return ()
    units = document.units()
    lines = text.split("\n")
    # The top of a script is the top of the file: a percent script's header, then its first cells.
    top = _leading_comment_lines(text)
    found = list(_header_suppressions(text, units, top))
    for unit in units:
        if document.is_percent and unit.first_line > 1:
            marker = lines[unit.first_line - 2]
            if CELL_TAG in marker and CELL_TAG in _percent_marker_tags(marker):
                where = Location(None, unit.first_line - 1, 1)
                found.append(
                    Suppression(SuppressionKind.CELL, CELL_TAG, None, unit.index, 0, where, where)
                )
        scan = scanned(unit.index)
        if MARKER in unit.text and scan is not None:
            unit_top = {line - unit.first_line + 1 for line in top}
            found.extend(_comment_suppressions(unit, scan, unit_top))
    return tuple(found)


def _percent_marker_tags(line: str) -> tuple[str, ...]:
    """The tags jupytext writes on a percent cell's marker: `# %% tags=["nbport-ignore"]`."""
    if not _PERCENT_MARKER.match(line):
        return ()
    match = _MARKER_TAGS.search(line)
    if match is None:
        return ()
    try:
        tags = json.loads(match.group(1))
    except ValueError:
        return ()
    return tuple(tag for tag in tags if isinstance(tag, str)) if isinstance(tags, list) else ()


def _covers(suppression: Suppression, rule: str, known: Mapping[str, str]) -> bool:
    if suppression.codes is None:
        return True
    return any(known.get(code.upper()) == rule for code in suppression.codes)


def known_codes() -> dict[str, str]:
    """Every rule id and name, upper-cased, mapped to its rule id."""
    codes: dict[str, str] = {}
    for rule_id, entry in load_catalog().items():
        codes[rule_id.upper()] = rule_id
        codes[entry.name.upper()] = rule_id
    return codes


# --- Finding suppressions ----------------------------------------------------------------------


def _tag_suppression(unit: Unit) -> Suppression:
    where = Location(unit.cell, unit.first_line, 1)
    return Suppression(SuppressionKind.CELL, CELL_TAG, None, unit.index, 1, where, where)


def _leading_comment_lines(text: str) -> list[int]:
    """The 1-based lines of the comments before the first line that is neither blank nor a comment."""
    lines: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        lines.append(number)
    return lines


def _header_suppressions(
    text: str, units: Sequence[Unit], top: Iterable[int]
) -> Iterable[Suppression]:
    """Suppressions on the top comment lines of a script's `text` that belong to no unit (a percent
    script's header, its `# %%` markers, its Markdown cells)."""
    in_units = {
        unit.first_line + offset for unit in units for offset in range(_line_count(unit.text))
    }
    text_lines = text.split("\n")
    for line in top:
        if line in in_units or MARKER not in text_lines[line - 1]:
            continue
        content = text_lines[line - 1]
        column = content.index("#")
        for kind, comment, codes, start, end, _codes_span in _parse_comment(content, column):
            yield Suppression(
                kind,
                comment,
                codes,
                None,
                line,
                Location(None, line, start + 1),
                Location(None, line, end + 1),
            )


def _line_count(text: str) -> int:
    """How many lines `text` has, a last line without its newline included."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def _comment_suppressions(unit: Unit, scanned: ScannedUnit, top: set[int]) -> Iterable[Suppression]:
    """The suppression comments of one unit, read with the engine's scan of it; `top` holds its
    lines where ignore-file works."""
    comments = _comment_columns(unit, scanned)
    if not comments:
        return
    lines = unit.text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    for line_number, column in sorted(comments.items()):
        content = lines[line_number - 1]
        for kind, text, codes, start, end, codes_span in _parse_comment(content, column):
            if kind is SuppressionKind.FILE and line_number not in top:
                kind = SuppressionKind.MISPLACED
            offset = starts[line_number - 1]
            file_line = unit.first_line + line_number - 1
            yield Suppression(
                kind,
                text,
                codes,
                unit.index,
                line_number,
                Location(unit.cell, file_line, start + 1),
                Location(unit.cell, file_line, end + 1),
                _removal(content, offset, start, line_number == len(lines)),
                None if codes_span is None else (offset + codes_span[0], offset + codes_span[1]),
            )


def _parse_comment(
    line: str, column: int
) -> Iterable[
    tuple[SuppressionKind, str, tuple[str, ...] | None, int, int, tuple[int, int] | None]
]:
    """The suppressions in the comment starting at `column` of `line`:
    (kind, text, codes, start column, end column, span of the codes in the line)."""
    comment = line[column:].rstrip("\r")
    for attempt in _ATTEMPT.finditer(comment):
        start = column + attempt.start()
        match = _SUPPRESSION.match(comment, attempt.start())
        if match is None or not _reads_well(match):
            next_comment = _NEXT_COMMENT.search(comment, attempt.end())
            end = len(comment) if next_comment is None else next_comment.start()
            text = comment[attempt.start() : end].rstrip()
            yield SuppressionKind.MALFORMED, text, None, start, start + len(text), None
            continue
        kind = (
            SuppressionKind.FILE if match.group("kind") == "ignore-file" else SuppressionKind.LINE
        )
        codes_text = match.group("codes")
        codes: tuple[str, ...] | None = None
        codes_span = None
        if codes_text is not None:
            codes = tuple(code for code in _CODE_SEPARATOR.split(codes_text) if code)
            codes_span = (column + match.start("codes"), column + match.end("codes"))
        text = comment[
            match.start() : match.end("codes") + 1 if codes_text is not None else match.end("kind")
        ]
        yield kind, text, codes, start, start + len(text), codes_span


def _reads_well(match: re.Match[str]) -> bool:
    """Whether what follows the suppression is a reason or another comment, not a typo.

    `# nbport: ignore[NBP001] data is local` reads well; `# nbport: ignore NBP001` does not (it would
    silence every rule, which is not what it says), nor does `# nbport: ignore[]`.
    """
    rest = match.group("rest")
    if match.group("codes") is not None:
        return bool(_CODE_SEPARATOR.sub("", match.group("codes")))
    return not rest.strip() or rest.lstrip().startswith("#")


def _removal(content: str, line_offset: int, start: int, last_line: bool) -> Edit:
    """The edit that removes the suppression at `start` of a line and what belongs to it.

    Up to the next comment on the line (`# nbport: ignore  # type: ignore` keeps `# type: ignore`),
    else to the end of the line along with the spaces before it; a line left blank goes whole.
    """
    body = content.rstrip("\r")
    next_comment = _NEXT_COMMENT.search(body, start + 1)
    if next_comment is not None:
        end = next_comment.start() + 1  # keep the next `#`, drop the spaces before it
        return Edit(line_offset + start, line_offset + end, "")
    before = body[:start].rstrip()
    if before:
        return Edit(line_offset + len(before), line_offset + len(body), "")
    if not last_line:
        return Edit(line_offset, line_offset + len(content) + 1, "")  # the line and its newline
    if line_offset > 0:
        return Edit(line_offset - 1, line_offset + len(content), "")  # the newline before it
    return Edit(line_offset, line_offset + len(content), "")


def _comment_columns(unit: Unit, scanned: ScannedUnit) -> dict[int, int]:
    """For each line of `unit` holding `nbport:` in a comment: the column of that comment's `#`.

    Empty for a unit that is not Python (a `%%bash` cell): no rule looks at those.
    """
    text = unit.text
    if not scanned.is_python:
        return {}
    lines = text.split("\n")
    wanted = {number for number, line in enumerate(lines, start=1) if MARKER in line}
    escape_columns: dict[int, int] = {}
    for escape in scanned.escapes:
        last = escape.line + text.count("\n", escape.start, escape.end)
        escape_columns[escape.line] = escape.column
        for line in range(escape.line + 1, last + 1):
            escape_columns.setdefault(line, 0)
    columns: dict[int, int] = {}
    python_lines = wanted - escape_columns.keys()
    python_columns = _python_comment_columns(scanned.masked, python_lines) if python_lines else {}
    for line in sorted(wanted):
        if line in escape_columns:
            column = _shell_comment_column(lines[line - 1], escape_columns[line])
        elif python_columns is None:  # tokenize failed: the cell was not checked either
            column = _shell_comment_column(lines[line - 1], 0)
        else:
            column = python_columns.get(line)
        if column is not None:
            columns[line] = column
    return columns


def _python_comment_columns(masked: str, lines: set[int]) -> dict[int, int] | None:
    """Columns of the comments on `lines` of Python text, or None if `tokenize` cannot read it."""
    python, dedent, dedented = strip_leading_indent(masked)
    columns: dict[int, int] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(python).readline):
            if token.type == tokenize.COMMENT and token.start[0] in lines:
                line, column = token.start
                columns[line] = column + (dedent if line in dedented else 0)
    except (tokenize.TokenError, SyntaxError):
        return None
    return columns


def _shell_comment_column(line: str, start: int) -> int | None:
    """Where a shell comment starts on an escape line: a `#` after a blank, outside quotes."""
    quote: str | None = None
    escaped = False
    for index in range(start, len(line)):
        char = line[index]
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == start or line[index - 1] in " \t"):
            return index
    return None


__all__ = [
    "CELL_TAG",
    "MARKER",
    "UNUSED_SUPPRESSION",
    "Suppression",
    "SuppressionKind",
    "SuppressionUse",
    "find_suppressions",
    "known_codes",
    "silence",
]
