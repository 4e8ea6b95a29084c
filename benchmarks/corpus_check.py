"""Whole-corpus trust check: `nbport check` and `nbport fix --unsafe-fixes` on a copy of a corpus.

Run from the repository, after the README's install::

    python benchmarks/corpus_check.py [CORPUS] [--precision-sample benchmarks/precision.md]

CORPUS defaults to `../shared/corpus` beside the repository. Everything runs through the real command
line (a subprocess, as a user would) on a temporary copy; the original files are only read. The
report is Markdown on stdout, with PASS or FAIL for each property; the exit code is 1 if any fails.

What is checked, and how:

- `nbport check` never prints a traceback, exits 0, 1 or 2 as its output says, and prints nothing
  but findings, one-line errors, skipped files and its summary; each file gets findings, passes,
  gets error lines, or is skipped (a notebook in another language).
- `nbport fix --unsafe-fixes` changes only files that had findings, as many as its summary says.
  Every changed notebook still validates with nbformat (when it did before) and, byte for byte, is
  the original outside its cells' sources and the metadata keys a fix owns (`metadata.accelerator`,
  `metadata.colab.gpuType`, and a `metadata.colab` object made to hold it): so cell count, ids,
  outputs, attachments, metadata, key order, indent, trailing newline are kept. Each changed source
  keeps its JSON form (string or list of lines), the file's escaping of non-ASCII, and changed code
  cells still parse with IPython escapes masked. Changed scripts still parse and keep their line
  endings, byte order mark and encoding.
- No file that `check` reported an error for (syntax error, invalid JSON, duplicate keys...) is
  written, and a second `fix` changes nothing.

The JSON walking here is this module's own (on top of the C scanner behind `json.loads`), not
nbport's, so that a bug in nbport's layout code cannot hide itself. The test suite runs the same
`trust_check` on a fixed sample of the corpus (tests/test_corpus_sample.py).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from json.decoder import scanstring
from json.scanner import make_scanner
from pathlib import Path
from typing import Any

import nbformat

from nbport.documents import DocumentError, document_from_bytes
from nbport.documents.base import EscapeStyle
from nbport.escapes import scan

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPOSITORY.parent / "shared" / "corpus"
SUFFIXES = (".ipynb", ".py")
#: Metadata paths (below the notebook's `metadata`) that nbport's fixes may set (NBP301).
OWNED_METADATA: tuple[tuple[str, ...], ...] = (("accelerator",), ("colab", "gpuType"))
#: The seed of the precision sample, fixed so that the sample can be judged once and re-drawn.
PRECISION_SEED = 7
PRECISION_COUNT = 40


# --- The corpus and its copy ----------------------------------------------------------------------


def corpus_files(root: Path) -> list[str]:
    """Every notebook and script under `root`, as sorted POSIX paths relative to it."""
    found = []
    for directory, _subdirectories, names in os.walk(root):
        for name in names:
            if name.endswith(SUFFIXES):
                found.append((Path(directory) / name).relative_to(root).as_posix())
    return sorted(found)


def sample_files(files: Sequence[str], every: int) -> list[str]:
    """Every `every`-th of `files` (sorted by path, so each repository of the corpus shows up)."""
    return list(files[::every])


def copy_files(source: Path, files: Iterable[str], target: Path) -> dict[str, bytes]:
    """Copy `files` from `source` to `target` (keeping their relative paths); their bytes."""
    originals: dict[str, bytes] = {}
    for name in files:
        data = (source / name).read_bytes()
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
        originals[name] = data
    return originals


def snapshot(root: Path, files: Iterable[str]) -> dict[str, bytes]:
    """The bytes of each of `files` under `root`."""
    return {name: (root / name).read_bytes() for name in files}


# --- Running the command line ---------------------------------------------------------------------


@dataclass(frozen=True)
class CliRun:
    """One run of the `nbport` command line."""

    arguments: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def has_traceback(self) -> bool:
        """Whether either stream shows a Python traceback."""
        return "Traceback (most recent call last)" in self.stdout + self.stderr


def run_nbport(*arguments: str) -> CliRun:
    """Run `python -m nbport ARGUMENTS` (the installed nbport, as a user would), without colour."""
    environment = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
    environment["NO_COLOR"] = "1"
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "nbport", *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=environment,
        check=False,
    )
    seconds = time.perf_counter() - started
    return CliRun(arguments, completed.returncode, completed.stdout, completed.stderr, seconds)


def json_output_available() -> bool:
    """Whether this nbport's `check` has `--output-format json`."""
    return "--output-format" in run_nbport("check", "--help").stdout


# --- Reading what `check` printed -----------------------------------------------------------------


@dataclass(frozen=True)
class ReportedFinding:
    """A finding as `nbport check` printed it; `path` is relative to the checked root."""

    path: str
    cell: int | None
    line: int
    column: int
    rule: str
    message: str
    #: Whether `nbport fix` may rewrite it; None when the output format does not say.
    fixable: bool | None = None


@dataclass(frozen=True)
class ReportedError:
    """An error line as `nbport check` printed it; `path` is relative to the checked root."""

    path: str
    cell: int | None
    message: str


@dataclass(frozen=True)
class CheckOutput:
    """What one `nbport check` run printed, read back."""

    findings: tuple[ReportedFinding, ...]
    errors: tuple[ReportedError, ...]
    #: Lines that are neither a finding, an error, a skipped file nor a summary line.
    stray_lines: tuple[str, ...]
    #: Files nbport skipped (notebooks in another language), relative to the root.
    skipped: tuple[str, ...] = ()


_LOCATION = re.compile(
    r":(?:cell (?P<cell>\d+):)?(?P<line>\d+):(?P<column>\d+): (?P<rule>[A-Z]+\d+) (?P<message>.*)"
)
_ERROR = re.compile(r"(?::cell (?P<cell>\d+))?: error: (?P<message>.*)")
#: A line of `--show-skipped`.
_SKIPPED = re.compile(r": skipped: (?P<reason>.+)")
#: The closing lines of the text report (nbport/report/text.py `summary_lines`).
_SUMMARY = re.compile(
    r"(Found \d+ findings? in |All checks passed|No findings in |\d+ errors?: |Fixed \d+ |"
    r"Would fix \d+ |\d+ findings? left|\d+ files? skipped: )"
)


def _split_path(line: str, root: str, files: frozenset[str]) -> tuple[str, str] | None:
    """(relative path, rest of the line) for a line starting with `root/<one of files>`."""
    if not line.startswith(root):
        return None
    rest = line[len(root) :]
    # A path may itself hold `.py:` or `:`: try each place a known file name could end.
    for match in re.finditer(r"\.(?:ipynb|py)(?=:)", rest):
        name = rest[: match.end()]
        if name in files:
            return name, rest[match.end() :]
    return None


def parse_text_output(stdout: str, stderr: str, root: Path, files: Iterable[str]) -> CheckOutput:
    """Read the text report: findings on stdout, error lines on stderr, paths under `root`."""
    prefix = root.as_posix().rstrip("/") + "/"
    known = frozenset(files)
    findings: list[ReportedFinding] = []
    errors: list[ReportedError] = []
    skipped: list[str] = []
    stray: list[str] = []
    for line in stdout.splitlines():
        split = _split_path(line, prefix, known)
        match = _LOCATION.fullmatch(split[1]) if split else None
        if split and _SKIPPED.fullmatch(split[1]):
            skipped.append(split[0])
        elif split and match:
            cell = int(match["cell"]) if match["cell"] else None
            findings.append(
                ReportedFinding(
                    split[0],
                    cell,
                    int(match["line"]),
                    int(match["column"]),
                    match["rule"],
                    match["message"],
                )
            )
        elif line.strip() and not _SUMMARY.match(line):
            stray.append(line)
    for line in stderr.splitlines():
        split = _split_path(line, prefix, known)
        match = _ERROR.fullmatch(split[1]) if split else None
        if split and match:
            cell = int(match["cell"]) if match["cell"] else None
            errors.append(ReportedError(split[0], cell, match["message"]))
        elif line.strip():
            stray.append(line)
    return CheckOutput(tuple(findings), tuple(errors), tuple(stray), tuple(skipped))


def parse_json_output(stdout: str, stderr: str, root: Path, files: Iterable[str]) -> CheckOutput:
    """Read the JSON report (`--output-format json`, schema version 1); stderr must be empty."""
    prefix = root.as_posix().rstrip("/") + "/"
    known = frozenset(files)
    stray = [line for line in stderr.splitlines() if line.strip()]
    try:
        document = json.loads(stdout)
    except json.JSONDecodeError as error:
        return CheckOutput((), (), (f"stdout is not JSON: {error}", *stray))
    if not isinstance(document, dict) or document.get("version") != 1:
        return CheckOutput((), (), ("not a version 1 JSON report", *stray))

    def relative(path: str) -> str | None:
        name = path[len(prefix) :] if path.startswith(prefix) else None
        return name if name in known else None

    findings: list[ReportedFinding] = []
    errors: list[ReportedError] = []
    for item in document.get("findings", []):
        name = relative(item["path"])
        if name is None:
            stray.append(json.dumps(item))
            continue
        fixable = item.get("fix", {}).get("available")
        findings.append(
            ReportedFinding(
                name,
                item["cell"],
                item["line"],
                item["column"],
                item["rule"],
                item["message"],
                fixable,
            )
        )
    for item in document.get("errors", []):
        name = relative(item["path"])
        if name is None:
            stray.append(json.dumps(item))
            continue
        errors.append(ReportedError(name, item["cell"], item["message"]))
    skipped: list[str] = []
    for item in document.get("skipped", []):
        name = relative(item["path"])
        if name is None:
            stray.append(json.dumps(item))
            continue
        skipped.append(name)
    return CheckOutput(tuple(findings), tuple(errors), tuple(stray), tuple(skipped))


def run_check(root: Path, files: Iterable[str], output_format: str) -> tuple[CliRun, CheckOutput]:
    """`nbport check ROOT` in `output_format` ("text" or "json"), and its output read back.

    The only place that knows the two formats apart: switching is this one argument.
    """
    if output_format == "json":
        run = run_nbport("check", "--output-format", "json", str(root))
        return run, parse_json_output(run.stdout, run.stderr, root, files)
    run = run_nbport("check", "--show-skipped", str(root))
    return run, parse_text_output(run.stdout, run.stderr, root, files)


def expected_exit_code(output: CheckOutput) -> int:
    """The exit code nbport promises for this output: 2 errors, 1 findings, 0 clean."""
    if output.errors:
        return 2
    return 1 if output.findings else 0


_ERROR_KINDS = (
    ("invalid JSON", re.compile(r"invalid JSON")),
    ("duplicate JSON keys", re.compile(r"duplicate JSON key")),
    ("syntax error in a cell or script", re.compile(r"not valid Python 3|libcst cannot parse")),
    ("not UTF-8 or bad encoding", re.compile(r"not UTF-8|encoding")),
    ("not a Python notebook", re.compile(r"kernel language|not a Jupyter notebook")),
    ("empty or binary file", re.compile(r"empty file|binary file")),
)


def error_kind(message: str) -> str:
    """A short name for the kind of an error line, for the report."""
    for kind, pattern in _ERROR_KINDS:
        if pattern.search(message):
            return kind
    return "other"


# --- Walking notebook JSON ------------------------------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_scan_value = make_scanner(json.JSONDecoder())


@dataclass(frozen=True)
class Member:
    """One `"key": value` of a JSON object in a text, by offsets."""

    key: str
    key_start: int
    value_start: int
    value_end: int


def _space(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]


def object_members(text: str, pos: int) -> list[Member]:
    """The members of the JSON object whose `{` is at `pos` in `text` (valid JSON)."""
    members: list[Member] = []
    pos = _space(text, pos + 1)
    if text[pos] == "}":
        return members
    while True:
        key_start = pos
        key, pos = scanstring(text, pos + 1)
        value_start = _space(text, _space(text, pos) + 1)  # past the colon
        _value, value_end = _scan_value(text, value_start)
        members.append(Member(key, key_start, value_start, value_end))
        pos = _space(text, value_end)
        if text[pos] == "}":
            return members
        pos = _space(text, pos + 1)  # past the comma


def array_items(text: str, pos: int) -> list[tuple[int, int]]:
    """The (start, end) of each item of the JSON array whose `[` is at `pos` in `text`."""
    items: list[tuple[int, int]] = []
    pos = _space(text, pos + 1)
    if text[pos] == "]":
        return items
    while True:
        _value, end = _scan_value(text, pos)
        items.append((pos, end))
        pos = _space(text, end)
        if text[pos] == "]":
            return items
        pos = _space(text, pos + 1)


def _member(members: Sequence[Member], key: str) -> Member | None:
    # The last one wins, as in json.loads (a written notebook has no duplicate keys anyway).
    found = [member for member in members if member.key == key]
    return found[-1] if found else None


def cell_source_spans(text: str) -> list[tuple[int, int]]:
    """The span of every cell's `source` (nbformat 3 code cells: `input`) value, in file order."""
    top = object_members(text, _space(text, 0))
    cell_lists: list[Member] = []
    cells = _member(top, "cells")
    if cells is not None:
        cell_lists.append(cells)
    else:
        worksheets = _member(top, "worksheets")
        if worksheets is not None and text[worksheets.value_start] == "[":
            for start, _end in array_items(text, worksheets.value_start):
                if text[start] == "{":
                    sheet_cells = _member(object_members(text, start), "cells")
                    if sheet_cells is not None:
                        cell_lists.append(sheet_cells)
    spans: list[tuple[int, int]] = []
    for cell_list in cell_lists:
        if text[cell_list.value_start] != "[":
            continue
        for start, _end in array_items(text, cell_list.value_start):
            if text[start] != "{":
                continue
            for member in object_members(text, start):
                if member.key in ("source", "input"):
                    spans.append((member.value_start, member.value_end))
    return spans


def _removal_spans(text: str, members: Sequence[Member], remove: set[str]) -> list[tuple[int, int]]:
    """Text spans that take the members named in `remove` out of their object, commas and all."""
    indices = [i for i, member in enumerate(members) if member.key in remove]
    if not indices:
        return []
    kept = [i for i in range(len(members)) if i not in indices]
    if not kept:
        # An object left empty: its whole inside goes, whitespace too (`{}`).
        first, last = members[0], members[-1]
        return [(text.rfind("{", 0, first.key_start) + 1, text.find("}", last.value_end))]
    spans = []
    for i in indices:
        following = next((k for k in kept if k > i), None)
        if following is not None:
            # Up to the next kept key: this member and the comma and space after it.
            spans.append((members[i].key_start, members[following].key_start))
        else:
            # A trailing run: from the end of the last kept value (dropping the comma before).
            preceding = max(k for k in kept if k < i)
            spans.append((members[preceding].value_end, members[i].value_end))
    return _merge(spans)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def owned_metadata_spans(text: str, drop_colab: bool) -> list[tuple[int, int]]:
    """Spans that take the metadata keys a fix owns out of the notebook `text`.

    `metadata.accelerator` and `metadata.colab.gpuType` go; with `drop_colab` (the original had no
    `colab` object, so a fix made it) the whole `metadata.colab` goes.
    """
    metadata = _member(object_members(text, _space(text, 0)), "metadata")
    if metadata is None or text[metadata.value_start] != "{":
        return []
    members = object_members(text, metadata.value_start)
    top_keys = {"accelerator"}
    spans: list[tuple[int, int]] = []
    colab = _member(members, "colab")
    if drop_colab:
        top_keys.add("colab")
    elif colab is not None and text[colab.value_start] == "{":
        inner = object_members(text, colab.value_start)
        spans += _removal_spans(text, inner, {"gpuType"})
    spans += _removal_spans(text, members, top_keys)
    return _merge(spans)


def notebook_skeleton(text: str, drop_colab: bool) -> str:
    """`text` with each cell source replaced by `@` and the fix-owned metadata keys taken out."""
    cuts = [(start, end, "@") for start, end in cell_source_spans(text)]
    cuts += [(start, end, "") for start, end in owned_metadata_spans(text, drop_colab)]
    pieces = []
    done = 0
    for start, end, replacement in sorted(cuts):
        pieces.append(text[done:start])
        pieces.append(replacement)
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


# --- Judging a changed file -----------------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"
_PARSE_ONLY = ast.PyCF_ONLY_AST  # parse only: nothing is compiled or run
# A `\uXXXX` escape that is not itself escaped (`\\u0041` is a backslash and `u0041`).
_UNICODE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u([0-9a-fA-F]{4})")


def _escapes_non_ascii(text: str) -> bool:
    return any(int(match[1], 16) >= 0x80 for match in _UNICODE_ESCAPE.finditer(text))


def _cells(notebook: Mapping[str, Any]) -> list[Any]:
    if "cells" in notebook:
        return list(notebook["cells"])
    return [cell for sheet in notebook.get("worksheets", []) for cell in sheet.get("cells", [])]


def _source_key(cell: Mapping[str, Any]) -> str:
    return "input" if "input" in cell and "source" not in cell else "source"


def _joined(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _split_as_lines(source: Any) -> bool:
    """Whether a list source holds one line per item, as Jupyter writes it."""
    if not isinstance(source, list):
        return True
    for number, item in enumerate(source, 1):
        if not isinstance(item, str):
            return False
        newlines = item.count("\n")
        if newlines > 1 or (newlines == 1 and not item.endswith("\n")):
            return False
        if newlines == 0 and number < len(source):
            return False  # only the last line may lack its newline
    return True


def _metadata_value(metadata: Any, keys: Sequence[str]) -> Any:
    for key in keys:
        if not isinstance(metadata, dict) or key not in metadata:
            return None
        metadata = metadata[key]
    return metadata


def _without_owned(metadata: Any, had_colab: bool) -> Any:
    if not isinstance(metadata, dict):
        return metadata
    rest = {key: value for key, value in metadata.items() if key != "accelerator"}
    colab = rest.get("colab")
    if not had_colab:
        rest.pop("colab", None)
    elif isinstance(colab, dict):
        rest["colab"] = {key: value for key, value in colab.items() if key != "gpuType"}
    return rest


def _python_problem(text: str, style: EscapeStyle) -> tuple[str, int] | None:
    """Why a unit's text does not parse with its IPython escapes masked (nbport's masking, the
    way IPython runs a cell), and on which line of it; None when it parses or is not Python."""
    scanned = scan(text, style)
    if not scanned.is_python:
        return None
    python = _dedent_like_ipython(scanned.masked)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # odd string escapes warn while parsing
        try:
            compile(python, "<cell>", "exec", _PARSE_ONLY, dont_inherit=True)
        except SyntaxError as error:
            return error.msg, error.lineno or 1
        except ValueError as error:  # NUL characters
            return str(error), 1
    return None


def _dedent_like_ipython(text: str) -> str:
    """IPython's `leading_indent`: when the first non-blank line is indented, that indent goes from
    every line that starts with it."""
    if not text[:1].isspace():
        return text
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    prefix = first[: len(first) - len(first.lstrip(" \t"))]
    if not prefix:
        return text
    return "\n".join(line[len(prefix) :] if line.startswith(prefix) else line for line in lines)


def _validation_error(notebook: Mapping[str, Any]) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            nbformat.validate(nbformat.from_dict(notebook))
        except nbformat.ValidationError as error:
            return str(error).splitlines()[0]
    return None


def notebook_problems(before: bytes, after: bytes) -> list[str]:
    """What a fix broke in a notebook: empty when `after` keeps everything it must keep."""
    if before.startswith(_BOM) != after.startswith(_BOM):
        return ["byte order mark added or removed"]
    try:
        old_text = before.removeprefix(_BOM).decode("utf-8")
        new_text = after.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        return [f"not UTF-8 after the fix: {error}"]
    try:
        old, new = json.loads(old_text), json.loads(new_text)
    except json.JSONDecodeError as error:
        return [f"invalid JSON after the fix: {error}"]
    problems: list[str] = []
    if _validation_error(old) is None:
        invalid = _validation_error(new)
        if invalid is not None:
            problems.append(f"no longer validates with nbformat: {invalid}")
    old_cells, new_cells = _cells(old), _cells(new)
    if len(old_cells) != len(new_cells):
        return [*problems, f"cell count {len(old_cells)} became {len(new_cells)}"]
    for number, (old_cell, new_cell) in enumerate(zip(old_cells, new_cells, strict=True), 1):
        key = _source_key(old_cell)
        old_rest = [(k, v) for k, v in old_cell.items() if k != key]
        new_rest = [(k, v) for k, v in new_cell.items() if k != key]
        if old_rest != new_rest:
            keys = (set(old_cell) | set(new_cell)) - {key}
            changed = sorted(k for k in keys if old_cell.get(k) != new_cell.get(k))
            problems.append(f"cell {number}: {', '.join(changed) or 'key order'} changed")
            continue
        old_source, new_source = old_cell.get(key), new_cell.get(key)
        if old_source == new_source:
            continue
        if isinstance(old_source, list) != isinstance(new_source, list):
            problems.append(f"cell {number}: source changed between a string and a list")
        elif _split_as_lines(old_source) and not _split_as_lines(new_source):
            problems.append(f"cell {number}: source list no longer holds one line per item")
        if old_cell.get("cell_type") == "code":
            problem = _python_problem(_joined(new_source), EscapeStyle.LIVE)
            if problem is not None:
                message, line = problem
                problems.append(
                    f"cell {number}: the fixed code does not parse: {message} (line {line})"
                )
    old_metadata, new_metadata = old.get("metadata"), new.get("metadata")
    had_colab = isinstance(old_metadata, dict) and "colab" in old_metadata
    for keys in OWNED_METADATA:
        if (
            _metadata_value(old_metadata, keys) is not None
            and _metadata_value(new_metadata, keys) is None
        ):
            problems.append(f"metadata.{'.'.join(keys)} removed")
    if list(_ordered(_without_owned(old_metadata, had_colab))) != list(
        _ordered(_without_owned(new_metadata, had_colab))
    ):
        problems.append("notebook metadata changed beyond the keys a fix owns")
    if [(k, v) for k, v in old.items() if k not in ("cells", "worksheets", "metadata")] != [
        (k, v) for k, v in new.items() if k not in ("cells", "worksheets", "metadata")
    ]:
        problems.append("top-level keys changed")
    if not _escapes_non_ascii(old_text) and _escapes_non_ascii(new_text):
        problems.append("non-ASCII now written as \\u escapes")
    if old_text.isascii() and not new_text.isascii():
        problems.append("non-ASCII characters written in an ASCII-only file")
    if notebook_skeleton(old_text, not had_colab) != notebook_skeleton(new_text, not had_colab):
        problems.append("bytes outside the changed sources and owned metadata differ (JSON style)")
    return problems


def _ordered(value: Any) -> Iterable[Any]:
    """`value` as nested (key, value) pairs in order, so that key order counts in comparisons."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, list(_ordered(item)) if isinstance(item, dict | list) else item
    elif isinstance(value, list):
        for item in value:
            yield list(_ordered(item)) if isinstance(item, dict | list) else item
    else:
        yield value


def _line_endings(data: bytes) -> tuple[bool, bool, bool]:
    """(has CRLF, has a bare LF, ends with a newline)."""
    crlf = data.count(b"\r\n")
    return crlf > 0, data.count(b"\n") > crlf, data.endswith(b"\n")


def script_problems(before: bytes, after: bytes) -> list[str]:
    """What a fix broke in a script: empty when `after` still parses and keeps its form."""
    problems: list[str] = []
    if before.startswith(_BOM) != after.startswith(_BOM):
        problems.append("byte order mark added or removed")
    if _line_endings(before) != _line_endings(after):
        problems.append("line endings or the final newline changed")
    try:
        before.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    if utf8:
        try:
            after.decode("utf-8")
        except UnicodeDecodeError:
            problems.append("no longer UTF-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(before, "<before>", "exec", dont_inherit=True, flags=_PARSE_ONLY)
        except (SyntaxError, ValueError):
            compiled_before = False
        else:
            compiled_before = True
        if compiled_before:
            try:
                compile(after, "<after>", "exec", dont_inherit=True, flags=_PARSE_ONLY)
            except (SyntaxError, ValueError) as error:
                problems.append(f"the fixed script does not parse: {error}")
                return problems
    problems += _unit_problems(after)
    return problems


def _unit_problems(script: bytes) -> list[str]:
    """Each unit of a script (percent cells may hold IPython escapes) parses with escapes masked."""
    try:
        document = document_from_bytes(Path("fixed.py"), script)
    except DocumentError as error:
        return [f"nbport cannot read the fixed script: {error}"]
    problems = []
    for unit in document.units():
        problem = _python_problem(unit.text, unit.escape_style)
        if problem is not None:
            message, line = problem
            where = unit.first_line + line - 1
            problems.append(f"the fixed script does not parse at line {where}: {message}")
    return problems


def file_problems(name: str, before: bytes, after: bytes) -> list[str]:
    """What a fix broke in the file `name` (a notebook or a script)."""
    if name.endswith(".ipynb"):
        return notebook_problems(before, after)
    return script_problems(before, after)


# --- The whole check ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Property:
    """One property of the trust check and whether it held."""

    name: str
    passed: bool
    detail: str = ""


@dataclass
class TrustReport:
    """Everything `trust_check` found, for the Markdown report and for tests."""

    files: list[str]
    output_format: str
    check_run: CliRun
    check_output: CheckOutput
    fix_runs: list[CliRun] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    changed_again: list[str] = field(default_factory=list)
    #: Problems per changed file.
    problems: dict[str, list[str]] = field(default_factory=dict)
    properties: list[Property] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether every property held."""
        return all(prop.passed for prop in self.properties)


_FIXED_SUMMARY = re.compile(r"^Fixed \d+ findings? in (\d+) files?\.$", re.MULTILINE)


def _listed(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def trust_check(
    corpus: Path, files: Sequence[str], work: Path, output_format: str = "text"
) -> TrustReport:
    """Check and fix a copy of `files` (relative to `corpus`) under `work`; judge every property."""
    root = work / "corpus"
    originals = copy_files(corpus, files, root)
    check_run, output = run_check(root, files, output_format)
    report = TrustReport(list(files), output_format, check_run, output)
    props = report.properties
    props.append(Property("check prints no traceback", not check_run.has_traceback))
    expected = expected_exit_code(output)
    props.append(
        Property(
            "check exits 0, 1 or 2, as its output says",
            check_run.returncode == expected,
            f"exit {check_run.returncode}, expected {expected}",
        )
    )
    props.append(
        Property(
            "check prints only findings, one-line errors, skipped files and its summary",
            not output.stray_lines,
            "; ".join(output.stray_lines[:3]),
        )
    )

    fix_run = run_nbport("fix", "--unsafe-fixes", str(root))
    report.fix_runs.append(fix_run)
    after = snapshot(root, files)
    report.changed = [name for name in files if after[name] != originals[name]]
    props.append(
        Property(
            "fix prints no traceback and exits 0, 1 or 2",
            not fix_run.has_traceback and fix_run.returncode in (0, 1, 2),
            f"exit {fix_run.returncode}",
        )
    )
    fixable = {f.path for f in output.findings if f.fixable is not False}
    unexpected = [name for name in report.changed if name not in fixable]
    props.append(
        Property(
            "fix changes only files with fixable findings; every other file is byte-identical",
            not unexpected,
            _listed(unexpected),
        )
    )
    summary = _FIXED_SUMMARY.search(fix_run.stdout)
    said = int(summary[1]) if summary else 0
    props.append(
        Property(
            "fix changes as many files as its summary says",
            said == len(report.changed),
            f"summary {said}, changed {len(report.changed)}",
        )
    )
    for name in report.changed:
        problems = file_problems(name, originals[name], after[name])
        if problems:
            report.problems[name] = problems
    for kind, suffix in (("notebook", ".ipynb"), ("script", ".py")):
        broken = [name for name in report.problems if name.endswith(suffix)]
        props.append(
            Property(
                f"every changed {kind} keeps its content and form and still parses",
                not broken,
                _listed(broken),
            )
        )
    errored = sorted({error.path for error in output.errors})
    written = [name for name in errored if name in report.changed]
    props.append(
        Property(
            "no file with an error line in check (syntax, invalid JSON, duplicate keys...) is written",
            not written,
            _listed(written),
        )
    )

    again = run_nbport("fix", "--unsafe-fixes", str(root))
    report.fix_runs.append(again)
    after_again = snapshot(root, files)
    report.changed_again = [name for name in files if after_again[name] != after[name]]
    props.append(
        Property(
            "a second fix changes nothing",
            not report.changed_again and not again.has_traceback,
            _listed(report.changed_again),
        )
    )
    return report


# --- Reports --------------------------------------------------------------------------------------


def _cell(text: object) -> str:
    """`text` made safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str, limit: int = 120) -> str:
    """`text` as a Markdown code span in a table cell."""
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def findings_per_rule(findings: Iterable[ReportedFinding]) -> list[tuple[str, int, int]]:
    """(rule, findings, files) for each rule, most findings first."""
    counts: Counter[str] = Counter()
    files: dict[str, set[str]] = {}
    for finding in findings:
        counts[finding.rule] += 1
        files.setdefault(finding.rule, set()).add(finding.path)
    return [
        (rule, count, len(files[rule])) for rule, count in sorted(counts.items(), key=_by_count)
    ]


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def outcome_counts(files: Sequence[str], output: CheckOutput) -> dict[str, int]:
    """How many files got findings, passed, got error lines (a file may have both), or were
    skipped."""
    with_findings = {finding.path for finding in output.findings}
    with_errors = {error.path for error in output.errors}
    skipped = set(output.skipped)
    return {
        "with findings": len(with_findings),
        "passing (no finding, no error)": sum(
            1
            for name in files
            if name not in with_findings and name not in with_errors and name not in skipped
        ),
        "with an error line": len(with_errors),
        "with both findings and an error line": len(with_findings & with_errors),
        "skipped (a notebook in another language)": len(skipped),
    }


def report_markdown(report: TrustReport, corpus: Path, command: str) -> str:
    """The Markdown report of a trust check."""
    files = report.files
    notebooks = sum(1 for name in files if name.endswith(".ipynb"))
    output = report.check_output
    lines = [
        "# nbport corpus trust check",
        "",
        f"Corpus: `{corpus}`: {len(files)} files ({notebooks} notebooks, {len(files) - notebooks}"
        f" scripts), checked and fixed on a temporary copy. Command: `{command}`. Report format"
        f" read back: {report.output_format}.",
        "",
        "## Properties",
        "",
        "| property | result | detail |",
        "|---|---|---|",
    ]
    for prop in report.properties:
        result = "PASS" if prop.passed else "**FAIL**"
        lines.append(f"| {_cell(prop.name)} | {result} | {_cell(prop.detail)} |")
    lines += ["", "## `nbport check`", "", "| files | count |", "|---|---:|"]
    for label, count in outcome_counts(files, output).items():
        lines.append(f"| {label} | {count} |")
    lines.append(f"| (findings in all) | {len(output.findings)} |")
    lines.append(f"| (error lines in all) | {len(output.errors)} |")
    lines.append(
        f"| (wall time, exit code) | {report.check_run.seconds:.1f} s, {report.check_run.returncode} |"
    )
    if output.errors:
        kinds: Counter[str] = Counter(error_kind(error.message) for error in output.errors)
        kind_files: dict[str, set[str]] = {}
        for error in output.errors:
            kind_files.setdefault(error_kind(error.message), set()).add(error.path)
        lines += ["", "| error kind | lines | files |", "|---|---:|---:|"]
        for kind, count in kinds.most_common():
            lines.append(f"| {kind} | {count} | {len(kind_files[kind])} |")
    lines += ["", "## `nbport fix --unsafe-fixes`", "", "| | files |", "|---|---:|"]
    changed_notebooks = sum(1 for name in report.changed if name.endswith(".ipynb"))
    lines.append(f"| changed by the first fix | {len(report.changed)} |")
    lines.append(f"| of which notebooks | {changed_notebooks} |")
    lines.append(f"| of which scripts | {len(report.changed) - changed_notebooks} |")
    lines.append(f"| changed with a problem | {len(report.problems)} |")
    lines.append(f"| changed by a second fix | {len(report.changed_again)} |")
    for number, run in enumerate(report.fix_runs, 1):
        lines.append(
            f"| (fix {number}: wall time, exit code) | {run.seconds:.1f} s, {run.returncode} |"
        )
    if report.problems:
        lines += ["", "### Problems in changed files", ""]
        for name, problems in list(report.problems.items())[:30]:
            lines.append(f"- `{name}`: {'; '.join(problems)}")
    lines += ["", "## Findings per rule", "", "| rule | findings | files |", "|---|---:|---:|"]
    for rule, count, rule_files in findings_per_rule(output.findings):
        lines.append(f"| {rule} | {count} | {rule_files} |")
    tracebacks = [run for run in (report.check_run, *report.fix_runs) if run.has_traceback]
    if tracebacks:
        lines += ["", "## First traceback", "", "```"]
        stream = tracebacks[0].stderr or tracebacks[0].stdout
        lines += stream[stream.find("Traceback") :].splitlines()[-25:]
        lines.append("```")
    return "\n".join(lines) + "\n"


# --- The precision sample -------------------------------------------------------------------------


@dataclass(frozen=True)
class SampledFinding:
    """A finding drawn for the precision judgement, with the line of code it points at."""

    finding: ReportedFinding
    code: str


def code_line(path: Path, cell: int | None, line: int) -> str:
    """The text of `line` (1-based) of `cell` (1-based, every cell counted) or of the script."""
    data = path.read_bytes().removeprefix(_BOM)
    if cell is None:
        text = data.decode("utf-8", errors="replace")
    else:
        notebook = json.loads(data.decode("utf-8"))
        cells = _cells(notebook)
        if not 1 <= cell <= len(cells):
            return ""
        text = _joined(cells[cell - 1].get(_source_key(cells[cell - 1]), ""))
    lines = text.split("\n")
    return lines[line - 1].rstrip("\r") if 1 <= line <= len(lines) else ""


def precision_sample(
    findings: Sequence[ReportedFinding],
    root: Path,
    count: int = PRECISION_COUNT,
    seed: int = PRECISION_SEED,
) -> list[SampledFinding]:
    """`count` findings drawn at random (fixed `seed`) from `findings`, in the order drawn."""
    ordered = sorted(findings, key=lambda f: (f.path, f.cell or 0, f.line, f.column, f.rule))
    drawn = random.Random(seed).sample(ordered, min(count, len(ordered)))
    return [SampledFinding(f, code_line(root / f.path, f.cell, f.line)) for f in drawn]


def _shown(path: Path) -> str:
    """`path` relative to the repository when it is near it (`../shared/corpus`), else as is."""
    relative = os.path.relpath(path, REPOSITORY)
    return relative if relative.count("..") <= 1 else str(path)


def precision_markdown(sample: Sequence[SampledFinding], total: int, corpus: Path) -> str:
    """`benchmarks/precision.md`: the sample as a table with an empty verdict column."""
    lines = [
        "# Precision: findings drawn at random and judged by reading the code",
        "",
        f"{len(sample)} of the {total} findings of `nbport check` over `{_shown(corpus)}`,",
        f"drawn with seed {PRECISION_SEED} by `python benchmarks/corpus_check.py --precision-sample"
        " benchmarks/precision.md`. The draw is uniform over findings, so common rules dominate.",
        "",
        "Verdict: **TP** when the code does break (or silently misbehave) on Colab as the message",
        "says, **FP** when it does not; one line of reason each. Every FP becomes a clean example",
        "in the rule's catalog entry (`rules/<ID>-*.toml`) and gets fixed.",
        "",
        "| # | file | cell | line | rule | message | code | verdict |",
        "|---:|---|---:|---:|---|---|---|---|",
    ]
    for number, item in enumerate(sample, 1):
        f = item.finding
        cell = "" if f.cell is None else str(f.cell)
        lines.append(
            f"| {number} | `{_cell(f.path)}` | {cell} | {f.line} | {f.rule} | {_cell(f.message)}"
            f" | {_code(item.code)} | |"
        )
    lines += [
        "",
        "## Summary",
        "",
        "- true positives: _ of " + str(len(sample)),
        "- false positives: _ (rules: _)",
        "",
        "## False positives and what was done",
        "",
        "- _",
    ]
    return "\n".join(lines) + "\n"


# --- Command line ---------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the trust check and print its report; 1 if any property fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--sample-every",
        type=int,
        default=1,
        metavar="N",
        help="Check only every N-th file (sorted by path), for a quick run.",
    )
    parser.add_argument(
        "--output-format",
        choices=("auto", "text", "json"),
        default="auto",
        help="How to read `nbport check`'s report: json when nbport has it (auto), or text.",
    )
    parser.add_argument(
        "--precision-sample",
        type=Path,
        metavar="FILE",
        help=f"Also write {PRECISION_COUNT} findings drawn at random (seed {PRECISION_SEED}) to FILE.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the temporary copy; say where.")
    args = parser.parse_args(argv)
    corpus: Path = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"corpus_check: error: {corpus}: not a directory", file=sys.stderr)
        return 2
    files = sample_files(corpus_files(corpus), max(1, args.sample_every))
    if not files:
        print(f"corpus_check: error: {corpus}: no .ipynb or .py files", file=sys.stderr)
        return 2
    output_format = args.output_format
    if output_format == "auto":
        output_format = "json" if json_output_available() else "text"
    command = " ".join(["python", *(sys.argv if argv is None else ["corpus_check.py", *argv])])
    work = Path(tempfile.mkdtemp(prefix="nbport-corpus-check-"))
    try:
        report = trust_check(corpus, files, work, output_format)
        print(report_markdown(report, corpus, command), end="")
        if args.precision_sample is not None:
            # Drawn from the untouched copy's findings: read the code lines from the original.
            sample = precision_sample(report.check_output.findings, corpus)
            text = precision_markdown(sample, len(report.check_output.findings), corpus)
            args.precision_sample.write_text(text, encoding="utf-8")
            print(f"\nWrote {len(sample)} sampled findings to `{args.precision_sample}`.")
    finally:
        if args.keep:
            print(f"\nThe copy is kept in `{work}`.", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
