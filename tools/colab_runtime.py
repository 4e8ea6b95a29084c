"""Produce `nbport/data/colab_runtime.json`: what Colab's runtimes ship, read off Google's own lists.

The input is `../shared/colab-runtime/`, a copy of Google's `googlecolab/backend-info` repository:

* `latest/`: today's runtime. Its commit and date are the newest row of `history.tsv` (one row per
  change of `pip-freeze.txt`); the script checks that this row's Python and package versions are
  those of `latest/`, so a copy of `latest/` newer than its history fails loudly.
* `versions/YYYY.MM/`: the past runtimes a notebook can pin. Their commits are the ones Google's
  README (`upstream-README.md`) names; their dates come from `history.tsv` when that commit changed
  `pip-freeze.txt` (else the date is null: the name says the month). The Python, NumPy, PyTorch,
  JAX and TensorFlow versions that README lists are checked against the lists read here.

For each runtime the table keeps its Python (`os-info.txt`) and, per kind of machine, every
installed distribution with its version (`pip-freeze.txt` for CPU, `pip-freeze.gpu.txt`,
`pip-freeze.tpu.txt`). Names are normalised as PEP 503 says (`array_record` → `array-record`).
A distribution installed from a URL takes its version from the file name of the URL
(`torch @ .../torch-2.11.0%2Bcpu-cp313-...whl` → `2.11.0+cpu`); one installed from a git commit
has no version (null). CPU is kept in full and GPU and TPU as differences from it
(`{"changed": {name: version}, "removed": [name]}`); a kind with no list of its own (the GPU of
2025.07 and 2025.10, whose `pip-freeze.txt` was taken on the one image CPU and GPU runtimes then
shared: it holds CUDA builds of torch) is absent, and readers use the CPU list for it.

Run from the repository root, with any Python 3.10+ (it needs nothing but the standard library and
imports nothing from nbport), whenever Google publishes a new runtime (copy it into
`../shared/colab-runtime/` first):

    python tools/colab_runtime.py ../shared/colab-runtime nbport/data/colab_runtime.json
"""

from __future__ import annotations

import json
import re
import sys
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Bumped when the shape of the output changes; readers check it.
TOOL_VERSION = 1
#: The kinds of runtime, and the file that lists each one's packages.
FREEZE_FILES = {"cpu": "pip-freeze.txt", "gpu": "pip-freeze.gpu.txt", "tpu": "pip-freeze.tpu.txt"}
#: The columns of `history.tsv` that name distributions (the others: date, commit, python).
HISTORY_META = ("date", "commit", "python")
#: What Google's README calls the packages it lists per runtime version.
README_NAMES = {"numpy": "numpy", "pytorch": "torch", "jax": "jax", "tensorflow": "tensorflow"}


class RuntimeDataError(Exception):
    """The copied lists disagree with each other, or hold a line this script cannot read."""


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them: lower case, runs of `-_.` as one `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def version_from_url(url: str) -> str | None:
    """The version in a direct reference's file name (a wheel or an sdist); None for a VCS URL."""
    if url.startswith(("git+", "hg+", "svn+", "bzr+")):
        return None
    filename = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
    if filename.endswith(".whl"):
        return filename.split("-")[1]
    match = re.match(r"^(.+?)-(\d[^-]*?)(\.tar\.gz|\.zip|\.tar\.bz2)$", filename)
    if match is None:
        raise RuntimeDataError(f"no version in the file name of {url}")
    return match.group(2)


def parse_freeze(text: str) -> dict[str, str | None]:
    """The distributions of a `pip freeze` output, by normalised name, with their versions."""
    installed: dict[str, str | None] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "==" in line:
            name, _, version = line.partition("==")
            installed[normalize(name.strip())] = version.strip()
        elif " @ " in line:
            name, _, url = line.partition(" @ ")
            installed[normalize(name.strip())] = version_from_url(url.strip())
        else:
            raise RuntimeDataError(f"line {number}: cannot read {line!r}")
    return dict(sorted(installed.items()))


def parse_os_info(text: str) -> dict[str, str]:
    """`os-info.txt`: the system (`Ubuntu 22.04.5 LTS`) and the Python version (`3.13.15`)."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
    python = next((line.split()[1] for line in lines if line.startswith("Python ")), None)
    if python is None or not lines:
        raise RuntimeDataError("os-info.txt names no Python")
    return {"os": lines[0], "python": python}


def parse_history(text: str) -> list[dict[str, str]]:
    """`history.tsv`, newest row first: date, commit, python and the tracked versions by name."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


def parse_upstream_readme(text: str) -> dict[str, dict[str, str]]:
    """Google's README: each past runtime version with its commit and the versions it lists
    (`python`, `numpy`, `torch`, `jax`, `tensorflow`), by name (`2026.07`)."""
    versions: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        heading = re.match(r"^###\s+(\d{4}\.\d{2})\s*$", line)
        if heading:
            current = versions.setdefault(heading.group(1), {})
            continue
        if current is None:
            continue
        commit = re.search(r"/tree/([0-9a-f]{40})", line)
        if commit:
            current["commit"] = commit.group(1)
        item = re.match(r"^\*\s+(\S+)\s+(\d[\w.]*)", line)
        if item:
            key = item.group(1).lower()
            if key == "python":
                current["python"] = item.group(2)
            elif key in README_NAMES:
                current[README_NAMES[key]] = item.group(2)
    return versions


@dataclass(frozen=True)
class RuntimeLists:
    """One runtime's files, read: its system and Python, and its packages per kind."""

    os: str
    python: str
    kinds: Mapping[str, Mapping[str, str | None]]


def read_runtime(folder: Path) -> RuntimeLists:
    """The lists of one runtime folder (`latest/` or `versions/2026.07/`)."""
    info = parse_os_info((folder / "os-info.txt").read_text(encoding="utf-8"))
    for kind in ("gpu", "tpu"):  # the kinds' own os-info files, where published, must agree
        other = folder / f"os-info-{kind}.txt"
        if other.exists():
            theirs = parse_os_info(other.read_text(encoding="utf-8"))["python"]
            if theirs != info["python"]:
                raise RuntimeDataError(f"{other}: Python {theirs}, not {info['python']}")
    kinds = {
        kind: parse_freeze((folder / filename).read_text(encoding="utf-8"))
        for kind, filename in FREEZE_FILES.items()
        if (folder / filename).exists()
    }
    if "cpu" not in kinds:
        raise RuntimeDataError(f"{folder} has no pip-freeze.txt")
    return RuntimeLists(info["os"], info["python"], kinds)


def difference(base: Mapping[str, str | None], other: Mapping[str, str | None]) -> dict[str, Any]:
    """`other` as changes from `base`: what it adds or holds at another version, what it lacks."""
    changed = {name: version for name, version in other.items() if base.get(name, "") != version}
    removed = sorted(name for name in base if name not in other)
    return {"changed": dict(sorted(changed.items())), "removed": removed}


def base_version(version: str | None) -> str | None:
    """`2.11.0+cpu` → `2.11.0`: the local label says which build, not which release."""
    return version.split("+", 1)[0] if version else version


def check_history_row(row: Mapping[str, str], lists: RuntimeLists, what: str) -> None:
    """The history row of a commit must list the Python and versions of that commit's files."""
    problems = []
    if row.get("python", "?") not in ("?", lists.python):
        problems.append(f"python {row['python']} != {lists.python}")
    cpu = lists.kinds["cpu"]
    for column, value in row.items():
        if column in HISTORY_META or value in ("", "?", "-"):
            continue
        if cpu.get(normalize(column)) != value:
            problems.append(f"{column} {value} != {cpu.get(normalize(column))}")
    if problems:
        raise RuntimeDataError(f"{what} disagrees with history.tsv: {'; '.join(problems)}")


def check_readme(listed: Mapping[str, str], lists: RuntimeLists, what: str) -> None:
    """The versions Google's README lists for a runtime must be those of its files (TensorFlow
    only where some kind ships it; the README says it is not in the TPU runtimes)."""
    problems = []
    if "python" in listed and listed["python"] != lists.python:
        problems.append(f"python {listed['python']} != {lists.python}")
    for name in README_NAMES.values():
        if name not in listed:
            continue
        found = base_version(lists.kinds["cpu"].get(name))
        if found != listed[name]:
            problems.append(f"{name} {listed[name]} != {found}")
    if problems:
        raise RuntimeDataError(f"{what} disagrees with upstream-README.md: {'; '.join(problems)}")


def runtime_entry(name: str, commit: str, date: str | None, lists: RuntimeLists) -> dict[str, Any]:
    """One runtime as the table stores it: CPU in full, the other kinds as differences."""
    cpu = lists.kinds["cpu"]
    entry: dict[str, Any] = {
        "name": name,
        "commit": commit,
        "date": date,
        "python": lists.python,
        "os": lists.os,
        "cpu": dict(cpu),
    }
    for kind in ("gpu", "tpu"):
        if kind in lists.kinds:
            entry[kind] = difference(cpu, lists.kinds[kind])
    return entry


def build_table(source: Path) -> dict[str, Any]:
    """The whole table from a copy of `googlecolab/backend-info` at `source`."""
    history = parse_history((source / "history.tsv").read_text(encoding="utf-8"))
    by_commit = {row["commit"]: row for row in history}
    readme = parse_upstream_readme((source / "upstream-README.md").read_text(encoding="utf-8"))
    newest = history[0]
    latest = read_runtime(source / "latest")
    check_history_row(newest, latest, "latest/")
    runtimes = [runtime_entry("latest", newest["commit"], newest["date"], latest)]
    for folder in sorted((source / "versions").iterdir(), reverse=True):
        listed = readme.get(folder.name)
        if listed is None or "commit" not in listed:
            raise RuntimeDataError(f"upstream-README.md names no commit for {folder.name}")
        lists = read_runtime(folder)
        check_readme(listed, lists, f"versions/{folder.name}")
        row = by_commit.get(listed["commit"][: len(newest["commit"])])
        if row is not None:
            check_history_row(row, lists, f"versions/{folder.name}")
        date = row["date"] if row is not None else None
        runtimes.append(runtime_entry(folder.name, listed["commit"], date, lists))
    return {
        "generated_by": "tools/colab_runtime.py",
        "tool_version": TOOL_VERSION,
        "source": "googlecolab/backend-info, copied in ../shared/colab-runtime",
        "upstream_commit": newest["commit"],
        "upstream_date": newest["date"],
        "runtimes": runtimes,
    }


def dump(table: Mapping[str, Any]) -> str:
    """The table as JSON: one package per line, so that a refresh diffs readably, and no indent
    (the package ships it)."""
    return json.dumps(table, indent=0, separators=(",", ":"), ensure_ascii=False) + "\n"


def main(arguments: Iterable[str]) -> int:
    """`colab_runtime.py SOURCE OUTPUT`."""
    args = list(arguments)
    if len(args) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: python tools/colab_runtime.py SOURCE_FOLDER OUTPUT_JSON", file=sys.stderr)
        return 2
    source, output = Path(args[0]), Path(args[1])
    try:
        table = build_table(source)
    except (OSError, RuntimeDataError) as error:
        print(f"colab_runtime.py: error: {error}", file=sys.stderr)
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(dump(table), encoding="utf-8")
    for runtime in table["runtimes"]:
        kinds = ", ".join(kind for kind in ("cpu", "gpu", "tpu") if kind in runtime)
        print(
            f"{runtime['name']}: Python {runtime['python']}, {len(runtime['cpu'])} distributions"
            f" (CPU), kinds {kinds}, commit {runtime['commit'][:12]} {runtime['date'] or ''}"
        )
    print(f"wrote {output} ({output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
