"""Recall of NBP207 (removed-call) on a corpus: each removed Keras 3 / pandas 2 call written in code.

Run from the repository, after the README's install::

    python benchmarks/removed_call_recall.py [CORPUS]

CORPUS defaults to `../shared/corpus` beside the repository. For each pattern below, a regular
expression finds the lines of code that hold it: in notebooks' code cells and in scripts, leaving out
lines that are comments (`#` first). Each such line should carry an NBP207 finding of that pattern
(matched by its message) on the same cell and line, unless the cell is one `nbport check` reports
unreadable (Python 2, ...). The report is Markdown on stdout: per pattern, the files that mention
the word anywhere (the issue's counts were of these), the files with a code line, the files with a
finding, and each code line without one, to be read: a line inside a string (commented-out code
in `\"\"\"...\"\"\"`), a function of the notebook's own that takes `nb_epoch=`, ... are right to be
left alone, and the regular expressions do not know that.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
OPTIMIZERS = "Adadelta|Adafactor|Adagrad|Adam|AdamW|Adamax|Ftrl|Lamb|Lion|Nadam|RMSprop|SGD"
#: Name, the regular expression of a code line, the word a file "mentions", and the regular
#: expression of the finding's message.
PATTERNS = [
    (
        "fit/evaluate/predict_generator",
        r"\.(fit|evaluate|predict)_generator\(",
        r"_generator",
        r"_generator` is gone",
    ),
    ("predict_classes", r"\.predict_classes\(", r"predict_classes", r"predict_classes` is gone"),
    ("nb_epoch=", r"\bnb_epoch\s*=", r"nb_epoch", r"nb_epoch=\.\.\.\)"),
    ("optimizer lr=", rf"\b({OPTIMIZERS})\s*\([^)]*\blr\s*=", r"\blr\s*=", r"\blr=\.\.\.\)"),
    (
        "optimizer decay=",
        rf"\b({OPTIMIZERS})\s*\([^)]*\bdecay\s*=",
        r"\bdecay\s*=",
        r"decay=\.\.\.\)",
    ),
    ("optimizer.lr", r"optimizer\.lr\b", r"optimizer\.lr\b", r"optimizer\.lr`"),
    (
        "ModelCheckpoint(...hdf5/.h5 weights)",
        r"ModelCheckpoint\(.*\.hdf5|ModelCheckpoint\(.*save_weights_only\s*=\s*True",
        r"ModelCheckpoint",
        r"ModelCheckpoint\(",
    ),
    (
        "save_weights('x.h5')",
        r"\.save_weights\([^)]*\.h(df)?5['\"]",
        r"save_weights",
        r"save_weights\(",
    ),
    ("iteritems()", r"\.iteritems\(\)", r"iteritems", r"iteritems\(\)` is gone"),
    ("DataFrame.append", r"\.append\([^)]*ignore_index", r"ignore_index", r"DataFrame\.append"),
]


def code_lines(path: Path) -> list[tuple[int | None, int, str]]:
    """(cell, line, text) of each line of code: code cells of a notebook, a script's lines."""
    if path.suffix == ".py":
        return [
            (None, n, line)
            for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        ]
    try:
        cells = json.loads(path.read_text(errors="replace")).get("cells", [])
    except (json.JSONDecodeError, AttributeError):
        return []
    lines = []
    for index, cell in enumerate(cells, 1):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = source if isinstance(source, str) else "".join(source)
            lines += [(index, n, line) for n, line in enumerate(text.splitlines(), 1)]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "corpus", nargs="?", type=Path, default=REPOSITORY.parent / "shared" / "corpus"
    )
    corpus = parser.parse_args(argv).corpus
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbport",
            "check",
            "--select",
            "NBP207",
            "--output-format",
            "json",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stdout)
    unreadable = {(error["path"], error.get("cell")) for error in report["errors"]}
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".ipynb", ".py") and p.is_file())
    print(
        "| pattern | files mentioning it | files with a code line | files flagged | code lines without a finding |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    misses: dict[str, list[str]] = defaultdict(list)
    for name, line_pattern, word, message in PATTERNS:
        found = {
            (f["path"], f["cell"], f["line"])
            for f in report["findings"]
            if re.search(message, f["message"])
        }
        mentioning = with_line = flagged = 0
        for path in files:
            text = path.read_text(errors="replace")
            if not re.search(word, text):
                continue
            mentioning += 1
            lines = [
                (c, n, t)
                for c, n, t in code_lines(path)
                if re.search(line_pattern, t) and not t.lstrip().startswith("#")
            ]
            lines = [
                (c, n, t)
                for c, n, t in lines
                if (str(path), c) not in unreadable and (str(path), None) not in unreadable
            ]
            if not lines:
                continue
            with_line += 1
            hits = [(c, n, t) for c, n, t in lines if (str(path), c, n) in found]
            flagged += bool(hits)
            misses[name] += [
                f"{path.relative_to(corpus)} cell {c} line {n}: `{t.strip()[:90]}`"
                for c, n, t in lines
                if (c, n, t) not in hits
            ]
        print(f"| {name} | {mentioning} | {with_line} | {flagged} | {len(misses[name])} |")
    for name, lines in misses.items():
        if lines:
            print(f"\n{name}, code lines without a finding:\n")
            print("\n".join(f"- {line}" for line in lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
