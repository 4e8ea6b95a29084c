"""How much of the corpus's use of names gone from Colab's packages nbport reports (issue 13).

For every file of the corpus, list the dotted names it uses under the usual imports of a group of
packages, keep those that do not resolve in a venv holding Colab's own pins of those packages, and
count the (file, name) pairs that some nbport finding on that file names. Two groups:

* `tf` (the issue's measure): `tf.`, `np.`, `keras.` after `import tensorflow as tf`,
  `import numpy as np`, `from tensorflow import keras`, `import keras` (and `import tensorflow`,
  `import numpy`), plus the names of `from tensorflow... / keras... / numpy... import x`.
* `sci` (the same check for the other packages): `pd.`, `scipy.`, `sklearn.` after
  `import pandas as pd`, `import scipy` (`import scipy.x`), `import sklearn`, plus the names of
  `from pandas... / scipy... / sklearn... import x` (the form most scikit-learn code uses).

A name is the attribute chain as written (`tf.estimator.DNNClassifier`, cut at a call), or for a
`from` import the module and the name (`keras.layers.core.Dense`). What is counted is its shortest
prefix that does not resolve (`tf.estimator`), checked for real in the venv: the script runs itself
under the venv's interpreter, imports the package and follows the attributes, importing a dotted
prefix as a module where an attribute is missing (what `from a.b import c` does). Pairs that occur
only in cells nbport reports unreadable (a syntax error...) are left out: nbport cannot read them.

A finding **names** a pair when it is on that file and its message contains the name as written
or in its qualified form (`tensorflow.estimator`), not as the start of a longer identifier (so
`np.int` is not named by a message about `np.int64`); a longer dotted name under it counts (a
message about `tensorflow.contrib.learn` names the file's use of `tensorflow.contrib`). Also reported: the files with
such a name and no finding at all, and the check that nbport never flags a name that resolves:
each NBP206 finding's first backticked name, qualified through the file's imports, must not
resolve in the venv.

The venv (Colab's pins from `nbport/data/colab_runtime.json`, latest runtime; the script checks
the installed versions against the table):

    python3 -m venv /tmp/colab-pins
    /tmp/colab-pins/bin/pip install tensorflow==2.20.0 keras==3.13.2 tf-keras==2.20.1 \\
        numpy==2.1.3 pandas==2.2.3 scipy==1.16.3 scikit-learn==1.6.1

Run from the repository with nbport installed (`tools/removed_api.py` makes such venvs too):

    python benchmarks/removed_names.py --venv /tmp/colab-pins --group tf [CORPUS]
    python benchmarks/removed_names.py --venv /tmp/colab-pins --group sci [CORPUS]
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import warnings
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
#: Group → (local name → qualified module for `import x as y`), the packages whose `from` imports
#: count, and the distributions whose versions the venv must match.
GROUPS: dict[str, tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]] = {
    "tf": (
        {"tf": "tensorflow", "tensorflow": "tensorflow", "np": "numpy", "numpy": "numpy"},
        ("tensorflow", "keras", "numpy"),
        ("tensorflow", "keras", "numpy"),
    ),
    "sci": (
        {"pd": "pandas", "pandas": "pandas", "scipy": "scipy", "sklearn": "sklearn"},
        ("pandas", "scipy", "sklearn"),
        ("pandas", "scipy", "scikit-learn"),
    ),
}


# -- inside the venv


@cache
def _removed_api_tool() -> Any:
    """`tools/removed_api.py`, loaded by its path (the tools are scripts, not a package): its
    `resolves` is the one reading of "is this dotted name reachable" for both scripts."""
    path = Path(__file__).resolve().parents[1] / "tools" / "removed_api.py"
    spec = importlib.util.spec_from_file_location("removed_api", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def resolves(name: str) -> bool:
    """Whether `name` is reachable: `tools/removed_api.py`'s `resolves`, which the table uses too."""
    return bool(_removed_api_tool().resolves(name))


def inside(names: list[str]) -> dict[str, Any]:
    """Each name's shortest prefix that does not resolve (None: it resolves), and versions."""
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    warnings.simplefilter("ignore")
    from importlib.metadata import PackageNotFoundError, version

    answer: dict[str, str | None] = {}
    for name in names:
        parts = name.split(".")
        answer[name] = next(
            (
                ".".join(parts[:length])
                for length in range(1, len(parts) + 1)
                if not resolves(".".join(parts[:length]))
            ),
            None,
        )
    versions = {}
    for dist in ("tensorflow", "keras", "numpy", "pandas", "scipy", "scikit-learn"):
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            versions[dist] = None
    return {"names": answer, "versions": versions}


# -- outside


def cells(path: Path) -> list[tuple[int, str]] | None:
    """Each unit's index and its Python text with IPython escapes masked (None: not Python)."""
    from nbport.documents import DocumentError, document_from_bytes
    from nbport.escapes import scan

    try:
        document = document_from_bytes(path, path.read_bytes())
    except (DocumentError, OSError, UnicodeDecodeError, ValueError):
        return None
    units = []
    for unit in document.units():
        scanned = scan(unit.text, unit.escape_style)
        if scanned.is_python:
            units.append((unit.index, scanned.masked))
    return units


def uses(path: Path, group: str) -> dict[str, tuple[str, set[int]]]:
    """Written name → (qualified name, the units it occurs in), for the group's usual imports."""
    aliases, from_roots, _ = GROUPS[group]
    found: dict[str, tuple[str, set[int]]] = {}
    bound: dict[str, str] = {}
    for index, text in cells(path) or []:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                tree = ast.parse(_dedent(text))
            except (SyntaxError, ValueError):
                continue
        # Imports first (in the cell's order), then the chains; good enough for counting.
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    target = alias.name if alias.asname else alias.name.split(".")[0]
                    if aliases.get(local) == target or (
                        group == "tf" and local == "keras" and target == "keras"
                    ):
                        bound[local] = target
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                module = node.module
                if group == "tf" and module == "tensorflow":
                    for alias in node.names:
                        if alias.name == "keras" and (alias.asname or "keras") == "keras":
                            bound["keras"] = "tensorflow.keras"
                if module.split(".")[0] in from_roots:
                    for alias in node.names:
                        if alias.name != "*":
                            name = f"{module}.{alias.name}"
                            found.setdefault(name, (name, set()))[1].add(index)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            attributes, root = [], node
            while isinstance(root, ast.Attribute):
                attributes.insert(0, root.attr)
                root = root.value
            if isinstance(root, ast.Name) and root.id in bound:
                written = ".".join([root.id, *attributes])
                qualified = ".".join([bound[root.id], *attributes])
                found.setdefault(written, (qualified, set()))[1].add(index)
    return found


def _dedent(text: str) -> str:
    """IPython strips the first line's indentation from every line that has it."""
    lines = text.splitlines(keepends=True)
    first = next((line for line in lines if line.strip()), "")
    indent = first[: len(first) - len(first.lstrip())]
    if not indent:
        return text
    return "".join(line[len(indent) :] if line.startswith(indent) else line for line in lines)


def named(message: str, names: tuple[str, ...]) -> bool:
    """Whether `message` contains one of `names`, not as the start of a longer name."""
    return any(re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", message) for name in names)


def written_prefix(written: str, qualified: str, prefix: str) -> str:
    """The written form of the qualified `prefix` of `qualified` (`tensorflow.estimator` of
    `tf.estimator.X` → `tf.estimator`)."""
    dropped = qualified.count(".") - prefix.count(".")
    parts = written.split(".")
    return ".".join(parts[: len(parts) - dropped]) if dropped < len(parts) else written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(REPOSITORY.parent / "shared" / "corpus"))
    parser.add_argument("--venv", required=True, help="the venv with Colab's pins")
    parser.add_argument("--group", choices=sorted(GROUPS), default="tf")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--show", type=int, default=20, help="unnamed pairs to list")
    args = parser.parse_args()
    if args.inside:
        print(json.dumps(inside(json.loads(sys.stdin.read()))))
        return 0

    corpus = Path(args.corpus)
    files = sorted(
        path for path in corpus.rglob("*") if path.suffix in (".ipynb", ".py") and path.is_file()
    )
    per_file = {path: uses(path, args.group) for path in files}
    every = sorted({qualified for found in per_file.values() for qualified, _ in found.values()})
    python = Path(args.venv) / "bin" / "python"
    result = subprocess.run(
        [str(python), __file__, "--inside", "--venv", args.venv],
        input=json.dumps(every),
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    missing: dict[str, str | None] = answer["names"]
    from nbport.runtime import load_runtime

    runtime = load_runtime("latest")
    for dist in GROUPS[args.group][2]:
        pinned, installed = runtime.version_of(dist), answer["versions"][dist]
        if pinned != installed:
            print(
                f"venv has {dist} {installed}, Colab's runtime {pinned}: rebuild it",
                file=sys.stderr,
            )
            return 2

    check = subprocess.run(
        [sys.executable, "-m", "nbport", "check", "--output-format", "json", "--target", "both"]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
    )
    report = json.loads(check.stdout)
    findings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in report["findings"]:
        findings[str(Path(finding["path"]))].append(finding)
    unreadable: dict[str, set[int | None]] = defaultdict(set)
    for error in report["errors"]:
        unreadable[str(Path(error["path"]))].add(error.get("cell"))

    pairs = named_pairs = 0
    files_with = silent = 0
    unnamed: list[tuple[str, str]] = []
    silent_files: list[tuple[str, list[str]]] = []
    flagged_resolving: list[tuple[str, str]] = []
    for path, found in per_file.items():
        key = str(path)
        bad_cells = unreadable.get(key, set())
        gone: dict[str, tuple[str, str]] = {}  # written prefix → (qualified prefix, written)
        for written, (qualified, units) in found.items():
            prefix = missing.get(qualified)
            if prefix is None or None in bad_cells:
                continue
            if all(_cell_number(index) in bad_cells for index in units):
                continue
            gone.setdefault(written_prefix(written, qualified, prefix), (prefix, written))
        messages = [finding["message"] for finding in findings.get(key, [])]
        if gone:
            files_with += 1
            if not messages:
                silent += 1
                silent_files.append((str(path.relative_to(corpus)), sorted(gone)))
        for written, (qualified, _) in sorted(gone.items()):
            pairs += 1
            if any(named(message, (written, qualified)) for message in messages):
                named_pairs += 1
            else:
                unnamed.append((str(path.relative_to(corpus)), written))
        # NBP206 never names something that resolves: its first backticked name, qualified.
        qualify = {written: qualified for written, (qualified, _) in found.items()}
        for finding in findings.get(key, []):
            if finding["rule"] != "NBP206":
                continue
            match = re.search(r"`([^`]+)`", finding["message"])
            written = match.group(1) if match else ""
            qualified = qualify.get(written) or _qualify_prefix(written, found)
            if qualified and missing.get(qualified, "") is None:
                flagged_resolving.append((str(path.relative_to(corpus)), written))

    share = 100 * named_pairs / pairs if pairs else 100.0
    print(f"group {args.group}: {len(files)} files; {files_with} use a name that does not resolve")
    print(f"(file, name) pairs: {pairs}; named by a finding: {named_pairs} ({share:.1f} %)")
    print(f"files with such a name and no finding at all: {silent}")
    for path_name, names in silent_files[: args.show]:
        print(f"  no finding: {path_name}: {', '.join(names)}")
    print(
        f"NBP206 findings whose name resolves (of those the script can qualify): {len(flagged_resolving)}"
    )
    for path_name, written in flagged_resolving[: args.show]:
        print(f"  flagged but resolves: {path_name}: {written}")
    for path_name, written in unnamed[: args.show]:
        print(f"  not named: {path_name}: {written}")
    counts: dict[str, int] = defaultdict(int)
    for _, written in unnamed:
        counts[written] += 1
    print("unnamed names, most frequent first:")
    for written, count in sorted(counts.items(), key=lambda item: -item[1])[: args.show]:
        print(f"  {count:4d} {written}")
    return 0


def _cell_number(index: int) -> int:
    """The `cell` nbport's JSON gives the unit of index `index` (1-based)."""
    return index + 1


def _qualify_prefix(written: str, found: dict[str, tuple[str, set[int]]]) -> str | None:
    """The qualified form of a written prefix of some chain the file uses."""
    for chain, (qualified, _) in found.items():
        if chain == written or chain.startswith(written + "."):
            dropped = chain.count(".") - written.count(".")
            return qualified.rsplit(".", dropped)[0] if dropped else qualified
    return None


if __name__ == "__main__":
    raise SystemExit(main())
