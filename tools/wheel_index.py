"""Produce `nbport/data/wheel_index.json`: which releases of a package install on each Colab Python.

`!pip install torch==1.12.1` fails on Colab today: no release of torch 1.12.1 has a wheel for
Python 3.13, and none has an sdist. Rules that judge `pip install` pins read this table, made from
PyPI's JSON API (`pypi.py`) for:

* the distributions that the shared corpus of real notebooks (`../shared/corpus/`) pins in a
  `pip install` line, with a specifier that bounds the version from above (`!pip install x==1.2`,
  `%pip install "x[extra]==1.2"`, `'x<2.1'`, `x~=1.10.0`; found by a plain scan of its code cells
  and scripts: `corpus_pins`), as NBP006 (pip-no-wheel) reads them;
* the common ML stack (`ML_STACK` below), pinned or not.

For each release of each distribution and each Python that a runtime of
`nbport/data/colab_runtime.json` runs (3.11, 3.12, 3.13), one letter says what pip finds there:

* `w`: a wheel that installs (the tags pip accepts on Colab: `cp313-cp313`, `cp3X-abi3` for X up
  to 13, `py3-none-any`, on manylinux x86-64 up to glibc 2.35; `Requires-Python` admitting it);
* `p`: no such wheel, but an sdist of a pure-Python package: pip builds it without a compiler;
* `c`: no such wheel, an sdist of a package with compiled extensions: pip would compile it;
* `s`: no such wheel, an sdist, and nothing tells whether it compiles;
* `-`: nothing pip can install (no wheel for this Python and no sdist, or `Requires-Python`
  excludes it).

What "compiled" means is assumed, simply: a release whose wheels include any platform wheel (not
`*-none-any`) has extensions; one with wheels that are all pure has none; a release with no wheel at
all is judged by the distribution's other releases the same way, and is `s` when none has a wheel.
Yanked files count like the others (pip installs them when pinned with `==`). Releases whose
version PEP 440 cannot read, or with no file at all, are left out.

Output, one distribution a line: {"generated_by", "tool_version", "date", "pythons": ["3.11", ...],
"distributions": {name: {"versions": "1.0 1.1 ...", "3.11": "ww-c...", ...}}}: the versions in
PEP 440 order, and for each Python one letter per version. Run from the repository root (it needs
`packaging` and reaches pypi.org), after `tools/colab_runtime.py`:

    python tools/wheel_index.py nbport/data/wheel_index.json [--cache DIR]
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pypi
from packaging.version import InvalidVersion, Version

TOOL_VERSION = 1
REPOSITORY = Path(__file__).resolve().parents[1]
RUNTIME_TABLE = REPOSITORY / "nbport" / "data" / "colab_runtime.json"
CORPUS = REPOSITORY.parent / "shared" / "corpus"

#: The packages ML notebooks install or pin most, whether the corpus pins them or not.
ML_STACK = (
    "accelerate",
    "catboost",
    "datasets",
    "flax",
    "gensim",
    "gym",
    "h5py",
    "jax",
    "jaxlib",
    "keras",
    "keras-hub",
    "keras-nlp",
    "lightgbm",
    "matplotlib",
    "nltk",
    "numba",
    "numpy",
    "onnxruntime",
    "opencv-contrib-python",
    "opencv-python",
    "opencv-python-headless",
    "optax",
    "pandas",
    "pillow",
    "protobuf",
    "scikit-image",
    "scikit-learn",
    "scipy",
    "seaborn",
    "sentencepiece",
    "spacy",
    "tensorflow",
    "tensorflow-addons",
    "tensorflow-cpu",
    "tensorflow-datasets",
    "tensorflow-gpu",
    "tensorflow-hub",
    "tensorflow-io",
    "tensorflow-probability",
    "tensorflow-text",
    "tf-keras",
    "tokenizers",
    "torch",
    "torchaudio",
    "torchvision",
    "transformers",
    "xgboost",
)

#: A `pip install` command in a notebook or a script line (`!pip`, `%pip`, `pip3`, `python -m pip`,
#: `{sys.executable} -m pip`).
PIP_INSTALL = re.compile(r"\bpip3?\s+install\b(.*)$")
#: One requirement with a version specifier (`x==1.2`, `"x[extra]==1.2.*"`, `'x>=1,<2'`).
PIN = re.compile(r"""^["']?([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*([<>=!~][^\s"';]*)""")
#: What makes a specifier a pin: an operator bounding the version from above (`==`, `===`,
#: `~=`, `<`, `<=`); a lower bound alone (`x>=1.0`) lets pip take the newest release.
UPPER_BOUND = re.compile(r"==|~=|<")


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins_in(line: str) -> list[tuple[str, str]]:
    """The `(distribution, specifier)` pins of a `pip install` line (none for other lines)."""
    match = PIP_INSTALL.search(line)
    if match is None:
        return []
    found = []
    for word in match.group(1).split():
        pin = PIN.match(word)
        if pin and UPPER_BOUND.search(pin.group(2)):
            found.append((normalize(pin.group(1)), pin.group(2)))
    return found


def corpus_pins(corpus: Path) -> Counter[str]:
    """The distributions the corpus pins in `pip install` lines, with how many lines pin each."""
    counts: Counter[str] = Counter()
    for path in sorted(corpus.rglob("*")):
        if path.suffix not in (".py", ".ipynb"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".ipynb":
                cells = json.loads(text).get("cells", [])
                text = "\n".join(
                    "".join(cell.get("source", ""))
                    for cell in cells
                    if cell.get("cell_type") == "code"
                )
        except (OSError, UnicodeDecodeError, ValueError, AttributeError):
            continue
        for line in text.splitlines():
            counts.update(name for name, _ in pins_in(line))
    return counts


def parse_python(text: str) -> tuple[int, int]:
    """`3.13.15` → `(3, 13)`."""
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def compiled(files: Iterable[Mapping[str, Any]]) -> bool | None:
    """Whether files' wheels show compiled extensions: True when any is a platform wheel, False
    when all are pure, None without a wheel."""
    wheels = [f["filename"] for f in files if f.get("packagetype") == "bdist_wheel"]
    if not wheels:
        return None
    return not all(pypi.is_pure(name) for name in wheels)


def release_letter(
    files: Sequence[Mapping[str, Any]], python: tuple[int, int], fallback: bool | None
) -> str:
    """The letter of one release on one Python (see the docstring); `fallback` is what the
    distribution's other releases say about compiling."""
    if pypi.installable_wheels(files, python):
        return "w"
    sdists = [
        f
        for f in files
        if f.get("packagetype") == "sdist" and pypi.python_allowed(f.get("requires_python"), python)
    ]
    if not sdists:
        return "-"
    needs = compiled(files)
    if needs is None:
        needs = fallback
    return {True: "c", False: "p", None: "s"}[needs]


def index_project(project: Mapping[str, Any], pythons: Sequence[tuple[int, int]]) -> dict[str, str]:
    """One distribution's entry: its versions in order, and one letter per version per Python."""
    releases: Mapping[str, list[Mapping[str, Any]]] = project.get("releases", {})
    readable = []
    for version, files in releases.items():
        try:
            readable.append((Version(version), version, files))
        except InvalidVersion:
            continue
    readable = sorted(item for item in readable if item[2])
    everything = [f for _, _, files in readable for f in files]
    fallback = compiled(everything)
    entry = {"versions": " ".join(version for _, version, _ in readable)}
    for python in pythons:
        entry[f"{python[0]}.{python[1]}"] = "".join(
            release_letter(files, python, fallback) for _, _, files in readable
        )
    return entry


def dump(table: Mapping[str, Any]) -> str:
    """JSON with one distribution a line: compact, and a refresh diffs readably."""
    head = {key: value for key, value in table.items() if key != "distributions"}
    lines = ["{"]
    lines += [f"{json.dumps(key)}:{json.dumps(value)}," for key, value in head.items()]
    lines.append('"distributions":{')
    entries = [
        f"{json.dumps(name)}:{json.dumps(entry, separators=(',', ':'))}"
        for name, entry in table["distributions"].items()
    ]
    lines.append(",\n".join(entries))
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


def main(arguments: Sequence[str]) -> int:
    """`wheel_index.py OUTPUT [--cache DIR] [--jobs N]`."""
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--cache", type=Path, help="keep PyPI's answers in this folder")
    parser.add_argument("--jobs", type=int, default=8)
    options = parser.parse_args(arguments)
    started = time.monotonic()
    runtimes = json.loads(RUNTIME_TABLE.read_text(encoding="utf-8"))["runtimes"]
    pythons = sorted({parse_python(runtime["python"]) for runtime in runtimes})
    pinned = corpus_pins(CORPUS) if CORPUS.exists() else Counter()
    if not pinned:
        print(f"warning: no corpus at {CORPUS}: the ML stack alone", file=sys.stderr)
    names = sorted({*ML_STACK, *pinned})
    client = pypi.PyPI(options.cache)
    with ThreadPoolExecutor(options.jobs) as pool:
        projects = list(pool.map(client.project, names))
    distributions = {}
    for name, project in zip(names, projects, strict=True):
        if project is None:
            print(f"warning: {name} is not on PyPI", file=sys.stderr)
            continue
        distributions[name] = index_project(project, pythons)
    table = {
        "generated_by": "tools/wheel_index.py",
        "tool_version": TOOL_VERSION,
        "date": datetime.date.today().isoformat(),
        "pythons": [f"{major}.{minor}" for major, minor in pythons],
        "distributions": distributions,
    }
    options.output.write_text(dump(table), encoding="utf-8")
    seconds = time.monotonic() - started
    print(
        f"wrote {options.output}: {len(distributions)} distributions"
        f" ({len(pinned)} pinned by the corpus), {options.output.stat().st_size} bytes,"
        f" in {seconds:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
