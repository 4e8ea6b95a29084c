"""Benchmark `nbport check` against ruff, nbQA + flake8 and tf_upgrade_v2 on a corpus of real files.

Run from the repository, after the README's install (peers are optional: a missing one is a
"skipped" row)::

    python benchmarks/run.py [CORPUS] [--runs 5] [--slow-runs 1] [--skip nbqa,tf_upgrade_v2] [--quick]

CORPUS defaults to `../shared/corpus` beside the repository. Every tool runs on a temporary copy of
it (nbQA writes its temporary files beside the notebooks). The report is Markdown on stdout;
progress goes to stderr. Every figure is the median of several runs, and the runs are taken
alternately (run 1 of each tool, then run 2 of each...) so that a machine busy for a while slows
every tool alike. It measures:

- the whole corpus: `nbport check` (all rules, default target), `ruff check --no-cache --isolated`
  on the same files, `nbqa flake8` on the notebooks, `tf_upgrade_v2 --intree` (which converts the
  `.py` files only) where TensorFlow is installed, and the floor, a bare Python loop that reads
  every file and `json.loads` every notebook: wall time, files/s, and each as a ratio to nbport;
- scaling: the corpus copied 1, 2 and 4 times, in separate folders: time per file;
- cold start: `nbport check` on one clean notebook against `python -c pass`;
- peak memory (largest resident set of any process of the run) on the whole corpus and on one
  generated ~200 MB notebook with large outputs;
- one big cell: `check`, `fix` and `fix --diff` on one generated cell (in a notebook, a plain script
  and a percent script) with a finding on each of its 5,000, 20,000 and 200,000 lines: wall time
  and peak memory per line, over what the same cell of 10 lines costs;

and prints the targets with PASS or FAIL.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPOSITORY.parent / "shared" / "corpus"
CLEAN_NOTEBOOK = REPOSITORY / "fixtures" / "clean_mnist.ipynb"
SKIPPABLE = (
    "ruff",
    "nbqa",
    "tf_upgrade_v2",
    "floor",
    "scaling",
    "cold-start",
    "memory",
    "big-cell",
)
BIG_NOTEBOOK_BYTES = 200_000_000
QUICK_BIG_NOTEBOOK_BYTES = 20_000_000
#: Lines of the one big cell, each with a finding; the first is the baseline of the target.
BIG_CELL_LINES = (5_000, 20_000, 200_000)
QUICK_BIG_CELL_LINES = (2_000, 5_000, 20_000)
#: What every big cell's figures are measured over: the same cell with this many lines.
BIG_CELL_BASE_LINES = 10
#: Sizes above this are run once: they take a minute each.
BIG_CELL_MAX_REPEATED = 20_000

# Targets (issue 7).
MAX_RATIO_TO_RUFF = 2.0
MIN_SPEEDUP_OVER_NBQA = 20.0
MAX_SCALING_DRIFT = 0.10
MAX_COLD_START_RATIO = 8.0
MAX_MEMORY_RATIO = 3.0
# Target (issue 11, item 7).
MAX_PER_LINE_GROWTH = 2.0

# The floor: what any linter of these files must at least do.
_FLOOR = """\
import json, os, sys
for directory, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith((".ipynb", ".py")):
            with open(os.path.join(directory, name), "rb") as file:
                data = file.read()
            if name.endswith(".ipynb"):
                try:
                    json.loads(data)
                except ValueError:
                    pass
"""

# Runs a command and prints its exit code and the peak resident set of its process tree: the
# largest of any one process (ru_maxrss is a maximum, not a sum), in KiB on Linux, bytes on macOS.
_PEAK_RSS = """\
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""

# The same, with the wall time of the command and the last line it printed (nbport's summary).
_TIMED_PEAK_RSS = """\
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
seconds = time.perf_counter() - started
last = (done.stdout.decode(errors="replace").strip().splitlines() or [""])[-1]
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, seconds, peak, "Traceback" in done.stderr.decode(errors="replace"))
print(last)
"""


def progress(message: str) -> None:
    """Tell the person waiting what is running (stderr, so stdout stays Markdown)."""
    print(message, file=sys.stderr, flush=True)


# --- Tools ----------------------------------------------------------------------------------------


def find_tool(name: str) -> str | None:
    """The executable `name` beside this Python (its virtual environment), else on PATH."""
    scripts = Path(sys.executable).parent
    for candidate in (scripts / name, scripts / f"{name}.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def nbport_command() -> list[str]:
    """The `nbport` console script of this environment, or `python -m nbport`."""
    script = find_tool("nbport")
    return [script] if script else [sys.executable, "-m", "nbport"]


def version_of(command: Sequence[str]) -> str:
    """The first line `COMMAND --version` prints, or why there is none."""
    try:
        completed = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    lines = (completed.stdout or completed.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def source_revision() -> str:
    """`, commit abc1234` (and whether the checkout has changes) when run from a git checkout."""
    git = shutil.which("git")
    if git is None:
        return ""
    head = subprocess.run(
        [git, "rev-parse", "--short", "HEAD"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    if head.returncode != 0:
        return ""
    status = subprocess.run(
        [git, "status", "--porcelain", "--untracked-files=no"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = " with uncommitted changes" if status.stdout.strip() else ""
    return f", commit {head.stdout.strip()}{dirty}"


def _version_tuple(text: str) -> tuple[int, ...]:
    for word in text.split():
        parts = word.split(".")
        if len(parts) >= 2 and all(part.isdigit() for part in parts):
            return tuple(int(part) for part in parts)
    return ()


def tensorflow_upgrader() -> tuple[list[str], str] | None:
    """The tf_upgrade_v2 command and TensorFlow's version, or None without TensorFlow."""
    script = find_tool("tf_upgrade_v2")
    if script is not None:
        # The console script's own interpreter knows which TensorFlow it runs.
        first = Path(script).read_bytes()[:300].split(b"\n", 1)[0]
        python = first[2:].decode(errors="replace").strip() if first.startswith(b"#!") else ""
        version = "unknown"
        if python and Path(python.split()[0]).exists():
            completed = subprocess.run(
                [
                    *python.split(),
                    "-c",
                    "import importlib.metadata as m; print(m.version('tensorflow'))",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            version = completed.stdout.strip() or "unknown"
        return [script], f"TensorFlow {version}"
    if find_spec("tensorflow") is not None:
        from importlib.metadata import version

        module = "tensorflow.tools.compatibility.tf_upgrade_v2_main"
        return [sys.executable, "-m", module], f"TensorFlow {version('tensorflow')}"
    return None


# --- Timing ---------------------------------------------------------------------------------------


class RunFailed(Exception):
    """A benchmarked command exited with an unexpected code or printed a traceback."""


def time_command(command: Sequence[str], ok: frozenset[int]) -> float:
    """Wall seconds of one run of `command`, its output discarded (errors kept to report)."""
    started = time.perf_counter()
    completed = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    seconds = time.perf_counter() - started
    stderr = completed.stderr.decode(errors="replace")
    if completed.returncode not in ok or "Traceback (most recent call last)" in stderr:
        last = stderr.strip().splitlines()[-1:] or ["(no stderr)"]
        raise RunFailed(f"exit {completed.returncode}: {last[0][:200]}")
    return seconds


@dataclass
class Timed:
    """One command to time, and its timings."""

    name: str
    #: The command for run number N (a fresh output folder per run, for tf_upgrade_v2).
    command: Callable[[int], list[str]]
    files: int
    ok: frozenset[int]
    runs: int
    note: str = ""
    skipped: str | None = None
    failure: str | None = None
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        """The median wall time, if the command ran."""
        if self.failure or self.skipped or not self.times:
            return None
        return statistics.median(self.times)


def alternate(timed: Sequence[Timed]) -> None:
    """Time each command its number of runs, round-robin: run 1 of each, then run 2 of each..."""
    rounds = max((item.runs for item in timed), default=0)
    for number in range(rounds):
        for item in timed:
            if item.skipped or item.failure or number >= item.runs:
                continue
            try:
                seconds = time_command(item.command(number), item.ok)
            except (OSError, RunFailed) as error:
                item.failure = str(error)
                progress(f"  {item.name}: failed: {error}")
                continue
            item.times.append(seconds)
            progress(f"  run {number + 1}/{item.runs} {item.name}: {seconds:.2f} s")


def peak_rss(command: Sequence[str], ok: frozenset[int]) -> int | None:
    """Peak resident set (bytes) of `command`, measured in a fresh wrapper process; None where
    the `resource` module is missing (Windows)."""
    if find_spec("resource") is None:
        return None
    completed = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, *command], capture_output=True, text=True, check=False
    )
    code, peak = completed.stdout.split()
    if int(code) not in ok:
        raise RunFailed(f"exit {code}")
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


# --- Corpus copies and the big notebook -----------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """What a corpus holds: its notebooks and scripts."""

    notebooks: int
    scripts: int

    @property
    def files(self) -> int:
        """Notebooks and scripts."""
        return self.notebooks + self.scripts


def count_files(root: Path) -> Corpus:
    """Count the notebooks and scripts under `root`."""
    notebooks = scripts = 0
    for _directory, _subdirectories, names in os.walk(root):
        notebooks += sum(1 for name in names if name.endswith(".ipynb"))
        scripts += sum(1 for name in names if name.endswith(".py"))
    return Corpus(notebooks, scripts)


def write_big_notebook(path: Path, size: int, seed: int = 0) -> int:
    """Write a notebook of about `size` bytes, nearly all of it outputs (base64 PNG images and
    long stdout streams, as training notebooks have), to `path`; return its size."""
    rng = random.Random(seed)
    cell_count = 4
    budget = size // cell_count
    cells: list[dict] = [
        {"cell_type": "markdown", "id": "title", "metadata": {}, "source": ["# Training run"]}
    ]
    for index in range(cell_count):
        image = base64.b64encode(rng.randbytes(budget * 3 // 8)).decode("ascii")  # half the budget
        lines = []
        written = 0
        while written < budget // 2:
            line = f"step {len(lines):8d} loss {rng.random():.6f} accuracy {rng.random():.6f}"
            line = f"{line:<110}\n"
            lines.append(line)
            written += len(line) + 8  # the quotes, comma and indent around each line
        cells.append(
            {
                "cell_type": "code",
                "execution_count": index + 1,
                "id": f"train-{index}",
                "metadata": {},
                "outputs": [
                    {"name": "stdout", "output_type": "stream", "text": lines},
                    {
                        "data": {
                            "image/png": image + "\n",
                            "text/plain": ["<Figure size 640x480 with 1 Axes>"],
                        },
                        "metadata": {},
                        "output_type": "display_data",
                    },
                ],
                "source": [
                    "!pip install tqdm\n",
                    "import torch\n",
                    f"model = torch.nn.Linear({index + 2}, 2).cuda()\n",
                    "history = train(model, epochs=10)\n",
                    "plot(history)",
                ],
            }
        )
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    with path.open("w", encoding="utf-8") as file:
        json.dump(notebook, file, indent=1, sort_keys=True, ensure_ascii=False)
        file.write("\n")
    return path.stat().st_size


#: The lines of the big cell, in turn, by layout: each has one finding that `nbport fix` fixes
#: (NBP001, NBP101, NBP002 in a notebook and, commented out as jupytext writes them, in a percent
#: script; NBP101, NBP102, NBP202 in a plain script, which cannot hold `!` commands).
BIG_CELL_LINES_BY_LAYOUT = {
    "notebook": ("!cd data", "path = 'data\\\\images\\\\x.png'", "!pip install x"),
    "script": (
        "path = 'data\\\\images\\\\x.png'",
        "p = '/content/drive/My Drive/x.png'",
        "sess = tf.Session()",
    ),
    "percent script": ("# !cd data", "path = 'data\\\\images\\\\x.png'", "# !pip install x"),
}


def write_big_cell(path: Path, layout: str, lines: int) -> None:
    """Write one cell of `lines` lines, each with one finding, as a notebook or a (percent) script."""
    pattern = BIG_CELL_LINES_BY_LAYOUT[layout]
    body = [pattern[number % len(pattern)] for number in range(lines)]
    if layout == "script":
        path.write_text("\n".join(["import tensorflow as tf", *body]) + "\n", encoding="utf-8")
        return
    if layout == "percent script":
        path.write_text("\n".join(["# %%", *body]) + "\n", encoding="utf-8")
        return
    source = [f"{line}\n" for line in body[:-1]] + body[-1:]
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "big",
        "metadata": {},
        "outputs": [],
        "source": source,
    }
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook = {
        "cells": [cell],
        "metadata": {"kernelspec": kernel, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")


# --- The report -----------------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    """A wall time for the tables."""
    if value is None:
        return "n/a"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def megabytes(value: int | None) -> str:
    """A size for the tables."""
    return "n/a" if value is None else f"{value / 1e6:.0f} MB"


@dataclass(frozen=True)
class Target:
    """A target from the issue, what was measured, and whether it holds (None: not measured)."""

    name: str
    measured: str
    passed: bool | None


def target_rows(targets: Sequence[Target]) -> list[str]:
    """The targets table."""
    rows = ["| target | measured | result |", "|---|---|---|"]
    for target in targets:
        result = {True: "PASS", False: "**FAIL**", None: "not measured"}[target.passed]
        rows.append(f"| {target.name} | {target.measured} | {result} |")
    return rows


def machine_lines(tools: dict[str, str]) -> list[str]:
    """Where the figures were measured: cores, CPU, Python, tool versions."""
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = (
        ", ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    )
    lines = [
        f"- machine: {platform.system()} {platform.release()}, {cpu}, {cores} cores"
        f" ({usable} usable), load average at start {load}",
        f"- Python {platform.python_version()} ({sys.executable})",
    ]
    lines += [f"- {name}: {value}" for name, value in tools.items()]
    return lines


# --- The benchmark --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What to measure and how many times."""

    corpus: Path
    runs: int
    slow_runs: int
    cold_runs: int
    skip: frozenset[str]
    scales: tuple[int, ...]
    big_notebook_bytes: int
    quick: bool
    work: Path | None
    big_cell_lines: tuple[int, ...] = BIG_CELL_LINES


@dataclass(frozen=True)
class Setup:
    """What every section measures with: the corpus copies and the nbport command."""

    options: Options
    work: Path
    #: The corpus copied into separate folders; the whole-corpus figures use the first.
    copies: tuple[Path, ...]
    corpus: Corpus
    nbport: tuple[str, ...]


Section = tuple[list[str], list[Target]]


def benchmark(options: Options) -> tuple[list[str], list[Target], bool]:
    """Run every measurement: the report's lines, the targets, and whether nbport itself ran."""
    work = Path(tempfile.mkdtemp(prefix="nbport-bench-", dir=options.work))
    try:
        progress(f"copying {options.corpus} {max(options.scales)} times into {work}")
        copies = []
        for index in range(max(options.scales)):
            copy = work / "copies" / f"copy{index}"
            shutil.copytree(options.corpus, copy, symlinks=True)
            copies.append(copy)
        nbport = tuple(nbport_command())
        setup = Setup(options, work, tuple(copies), count_files(options.corpus), nbport)
        tools = {"nbport": version_of(nbport) + source_revision()}
        lines, targets, nbport_ran = whole_corpus(setup, tools)
        for name, section in (
            ("scaling", scaling),
            ("cold-start", cold_start),
            ("memory", peak_memory),
            ("big-cell", big_cell),
        ):
            if name not in options.skip:
                more_lines, more_targets = section(setup)
                lines += ["", *more_lines]
                targets += more_targets
        return ["## Machine", "", *machine_lines(tools), "", *lines], targets, nbport_ran
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _skipped(options: Options, name: str) -> str | None:
    if name not in options.skip:
        return None
    slow = name in ("nbqa", "tf_upgrade_v2")
    return "skipped (--quick)" if options.quick and slow else "skipped (--skip)"


def peers(setup: Setup, tools: dict[str, str]) -> list[Timed]:
    """The commands timed on the whole corpus: nbport, then each peer and the floor.

    A peer that is not installed, or left out, is a skipped row; `tools` gets each one's version.
    """
    options, root, corpus = setup.options, str(setup.copies[0]), setup.corpus
    check = Timed(
        "nbport check",
        lambda _run: [*setup.nbport, "check", root],
        corpus.files,
        frozenset({0, 1, 2}),
        options.runs,
        "all rules, default target",
    )
    ruff = Timed(
        "ruff check --no-cache --isolated",
        lambda _run: [],
        corpus.files,
        frozenset({0, 1}),
        options.runs,
        "default rules",
        skipped=_skipped(options, "ruff"),
    )
    ruff_script = find_tool("ruff")
    if ruff.skipped is None and ruff_script is None:
        ruff.skipped = "skipped: ruff not installed"
    elif ruff.skipped is None and ruff_script is not None:
        tools["ruff"] = version_of([ruff_script])
        ruff_args = [ruff_script, "check", "--no-cache", "--isolated"]
        if _version_tuple(tools["ruff"]) < (0, 6):
            ruff_args += ["--extend-include", "*.ipynb"]  # older ruff skips notebooks by default
        listed = subprocess.run(
            [*ruff_args, "--show-files", root], capture_output=True, text=True, check=False
        )
        if listed.returncode == 0:
            ruff.files = sum(1 for line in listed.stdout.splitlines() if line.strip())
        ruff.command = lambda _run: [*ruff_args, root]
    nbqa = Timed(
        "nbqa flake8",
        lambda _run: [],
        corpus.notebooks,
        # 123: nbqa could not read some notebooks (the corpus holds invalid ones) and checked the rest.
        frozenset({0, 1, 123}),
        options.slow_runs,
        "notebooks only",
        skipped=_skipped(options, "nbqa"),
    )
    nbqa_script, flake8_script = find_tool("nbqa"), find_tool("flake8")
    if nbqa.skipped is None and (nbqa_script is None or flake8_script is None):
        nbqa.skipped = f"skipped: {'nbqa' if nbqa_script is None else 'flake8'} not installed"
    elif nbqa.skipped is None and nbqa_script is not None and flake8_script is not None:
        tools["nbqa"] = version_of([nbqa_script])
        tools["flake8"] = version_of([flake8_script])
        nbqa.command = lambda _run: [nbqa_script, "flake8", root]
    upgrade = Timed(
        "tf_upgrade_v2 --intree",
        lambda _run: [],
        corpus.scripts,
        # 1: some scripts would not parse (Python 2 in the corpus); the others were converted.
        frozenset({0, 1}),
        options.slow_runs,
        "converts the .py files only",
        skipped=_skipped(options, "tf_upgrade_v2"),
    )
    upgrader = tensorflow_upgrader() if upgrade.skipped is None else None
    if upgrade.skipped is None and upgrader is None:
        upgrade.skipped = "skipped: TensorFlow not installed"
    elif upgrader is not None:
        tools["tf_upgrade_v2"] = upgrader[1]

        def upgrade_command(run: int) -> list[str]:
            out = setup.work / f"tf-out-{run}"  # must not exist yet
            shutil.rmtree(out, ignore_errors=True)
            return [
                *upgrader[0],
                "--intree",
                root,
                "--outtree",
                str(out),
                "--copyotherfiles=",  # argparse's bool(""): do not copy the notebooks and data
                "--reportfile",
                str(setup.work / f"tf-report-{run}.txt"),
            ]

        upgrade.command = upgrade_command
    floor = Timed(
        "floor: read every file, json.loads every notebook",
        lambda _run: [sys.executable, "-c", _FLOOR, root],
        corpus.files,
        frozenset({0}),
        options.runs,
        "one Python process",
        skipped=_skipped(options, "floor"),
    )
    return [check, ruff, nbqa, upgrade, floor]


def whole_corpus(setup: Setup, tools: dict[str, str]) -> tuple[list[str], list[Target], bool]:
    """Time nbport and its peers on the whole corpus: the table, the targets, whether nbport ran."""
    timed = peers(setup, tools)
    check, ruff, nbqa = timed[0], timed[1], timed[2]
    progress("whole corpus")
    alternate(timed)
    corpus = setup.corpus
    total = sum(f.stat().st_size for f in setup.options.corpus.rglob("*") if f.is_file())
    lines = [
        "## Whole corpus",
        "",
        f"{corpus.files} files: {corpus.notebooks} notebooks, {corpus.scripts} scripts"
        f" ({total / 1e6:.0f} MB with the data files). Medians of the runs shown, taken"
        " alternately.",
        "",
        "| tool | files | runs | wall | files/s | x nbport | note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    base = check.median
    for item in timed:
        median = item.median
        if median is None:
            status = item.skipped or (f"failed: {item.failure}" if item.failure else "not run")
            lines.append(f"| {item.name} | {item.files} | 0 | {status} | | | {item.note} |")
            continue
        ratio = f"{median / base:.2f}" if base else "n/a"
        lines.append(
            f"| {item.name} | {item.files} | {len(item.times)} | {seconds(median)} |"
            f" {item.files / median:,.0f} | {ratio} | {item.note} |"
        )
    name = f"whole corpus: nbport ≤ {MAX_RATIO_TO_RUFF:g} x ruff"
    if base is not None and ruff.median is not None:
        ratio = base / ruff.median
        measured = f"{ratio:.2f} x ruff ({seconds(base)} vs {seconds(ruff.median)})"
        targets = [Target(name, measured, ratio <= MAX_RATIO_TO_RUFF)]
    else:
        targets = [Target(name, "n/a", None)]
    name = f"whole corpus: nbport ≥ {MIN_SPEEDUP_OVER_NBQA:g} x faster than nbqa flake8"
    if base is not None and nbqa.median is not None:
        speedup = nbqa.median / base
        measured = f"{speedup:.1f} x ({seconds(base)} vs {seconds(nbqa.median)})"
        targets.append(Target(name, measured, speedup >= MIN_SPEEDUP_OVER_NBQA))
    else:
        targets.append(Target(name, "n/a", None))
    return lines, targets, base is not None


def scaling(setup: Setup) -> Section:
    """Time per file with the corpus copied 1, 2, 4 times (one nbport run over the copies)."""
    progress("scaling")
    scaled = [
        Timed(
            f"{scale} x",
            lambda _run, scale=scale: [*setup.nbport, "check", *map(str, setup.copies[:scale])],
            setup.corpus.files * scale,
            frozenset({0, 1, 2}),
            setup.options.runs,
        )
        for scale in setup.options.scales
    ]
    alternate(scaled)
    lines = [
        "## Scaling",
        "",
        "The corpus copied into separate folders, checked in one `nbport check` run.",
        "",
        "| corpus | files | wall | time per file | x per file at 1 x |",
        "|---|---:|---:|---:|---:|",
    ]
    first = scaled[0].median
    per_file_first = first / scaled[0].files if first else None
    for item in scaled:
        median = item.median
        if median is None:
            lines.append(f"| {item.name} | {item.files} | failed: {item.failure} | | |")
            continue
        per_file = median / item.files
        ratio = f"{per_file / per_file_first:.2f}" if per_file_first else "n/a"
        lines.append(
            f"| {item.name} | {item.files} | {seconds(median)} | {per_file * 1000:.2f} ms |"
            f" {ratio} |"
        )
    last = scaled[-1]
    name = f"time per file at {last.name} within {MAX_SCALING_DRIFT:.0%} of 1 x"
    if per_file_first and last.median is not None and len(scaled) > 1:
        drift = (last.median / last.files) / per_file_first
        measured = f"{drift:.2f} x the 1 x figure"
        return lines, [Target(name, measured, drift <= 1 + MAX_SCALING_DRIFT)]
    return lines, [Target(name, "n/a", None)]


def cold_start(setup: Setup) -> Section:
    """`nbport check` on one clean notebook (alone in a folder) against `python -c pass`."""
    progress("cold start")
    lone = setup.work / "cold" / CLEAN_NOTEBOOK.name
    lone.parent.mkdir()
    shutil.copyfile(CLEAN_NOTEBOOK, lone)
    runs = setup.options.cold_runs
    cold = Timed(
        f"nbport check {CLEAN_NOTEBOOK.name}",
        lambda _run: [*setup.nbport, "check", str(lone)],
        1,
        frozenset({0, 1}),
        runs,
    )
    bare = Timed(
        "python -c pass", lambda _run: [sys.executable, "-c", "pass"], 0, frozenset({0}), runs
    )
    alternate([cold, bare])
    lines = [
        "## Cold start",
        "",
        "| command | runs | wall | x python -c pass |",
        "|---|---:|---:|---:|",
    ]
    for item in (cold, bare):
        ratio = f"{item.median / bare.median:.1f}" if item.median and bare.median else "n/a"
        lines.append(f"| `{item.name}` | {len(item.times)} | {seconds(item.median)} | {ratio} |")
    name = f"cold start ≤ {MAX_COLD_START_RATIO:g} x python -c pass"
    if cold.median is not None and bare.median:
        ratio = cold.median / bare.median
        return lines, [Target(name, f"{ratio:.1f} x", ratio <= MAX_COLD_START_RATIO)]
    return lines, [Target(name, "n/a", None)]


def peak_memory(setup: Setup) -> Section:
    """Peak RSS of `nbport check` on the whole corpus and on one generated big notebook."""
    lines = [
        "## Peak memory",
        "",
        "Largest resident set of any process of the run (`ru_maxrss`), one run each.",
        "",
        "| run | input size | peak RSS | x input size |",
        "|---|---:|---:|---:|",
    ]
    progress("peak memory: whole corpus")
    root = setup.copies[0]
    corpus_bytes = sum(
        f.stat().st_size for f in root.rglob("*") if f.suffix in (".ipynb", ".py") and f.is_file()
    )
    whole = _measured_rss([*setup.nbport, "check", str(root)])
    lines.append(
        f"| `nbport check` whole corpus | {megabytes(corpus_bytes)} |"
        f" {_peak(*whole)} | {_ratio(whole[0], corpus_bytes)} |"
    )
    progress(f"peak memory: writing a {megabytes(setup.options.big_notebook_bytes)} notebook")
    big = setup.work / "big" / "large_outputs.ipynb"
    big.parent.mkdir()
    size = write_big_notebook(big, setup.options.big_notebook_bytes)
    progress("peak memory: big notebook")
    peak = _measured_rss([*setup.nbport, "check", str(big)])
    lines.append(
        f"| `nbport check` one notebook with large outputs | {megabytes(size)} |"
        f" {_peak(*peak)} | {_ratio(peak[0], size)} |"
    )
    name = f"peak RSS on a {megabytes(size)} notebook ≤ {MAX_MEMORY_RATIO:g} x its size"
    if peak[0] is None:
        return lines, [Target(name, peak[1] or "n/a", None)]
    ratio = peak[0] / size
    measured = f"{ratio:.2f} x ({megabytes(peak[0])})"
    return lines, [Target(name, measured, ratio <= MAX_MEMORY_RATIO)]


#: The commands timed on the big cell: how each is shown, and its arguments before the path.
BIG_CELL_COMMANDS = {
    "check": ("check",),
    "fix": ("fix",),
    "fix --diff": ("fix", "--diff"),
}


@dataclass(frozen=True)
class CellRun:
    """One command on one big cell: wall seconds, peak RSS in bytes, findings reported."""

    seconds: float
    peak: int | None
    findings: int | None


def run_on_cell(setup: Setup, command: str, cell: Path) -> CellRun:
    """Run `nbport COMMAND` on a copy of `cell` (`fix` rewrites it), in a wrapper process that
    times it and takes its peak resident set; the findings are read from nbport's summary line."""
    target = cell.with_name(f"run-{cell.name}")
    shutil.copyfile(cell, target)
    arguments = [*setup.nbport, *BIG_CELL_COMMANDS[command], "--jobs", "1", str(target)]
    completed = subprocess.run(
        [sys.executable, "-c", _TIMED_PEAK_RSS, *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    first, _, last = completed.stdout.partition("\n")
    try:
        code, wall, peak, traceback = first.split()
    except ValueError:
        raise RunFailed(f"no figures: {completed.stderr.strip()[-200:]}") from None
    if int(code) not in (0, 1) or traceback == "True":
        raise RunFailed(f"exit {code}{', traceback' if traceback == 'True' else ''}")
    # "Found 200000 findings in 1 file.", "Fixed 200000 ...", "Would fix 200000 ..."
    numbers = [int(word) for word in last.split() if word.isdigit()]
    peak_bytes = None
    if find_spec("resource") is not None:
        peak_bytes = int(peak) if sys.platform == "darwin" else int(peak) * 1024
    return CellRun(float(wall), peak_bytes, numbers[0] if numbers else None)


@dataclass(frozen=True)
class CellFigures:
    """One command on one big cell, and what it cost per line above the 10-line cell."""

    layout: str
    command: str
    lines: int
    run: CellRun
    seconds_per_line: float
    bytes_per_line: float | None


def measure_big_cells(setup: Setup, folder: Path) -> tuple[list[CellFigures], list[str]]:
    """Every command on every layout's cell at every size: the figures, and what went wrong."""
    options = setup.options
    figures: list[CellFigures] = []
    failures: list[str] = []
    for layout in BIG_CELL_LINES_BY_LAYOUT:
        suffix = ".ipynb" if layout == "notebook" else ".py"
        for command in BIG_CELL_COMMANDS:
            base: CellRun | None = None
            for size in (BIG_CELL_BASE_LINES, *options.big_cell_lines):
                cell = folder / f"{layout.replace(' ', '-')}-{size}{suffix}"
                if not cell.exists():
                    write_big_cell(cell, layout, size)
                runs = 1 if size > BIG_CELL_MAX_REPEATED else min(options.runs, 3)
                progress(f"big cell: {layout}, {command}, {size:,} lines x {runs}")
                try:
                    measured = [run_on_cell(setup, command, cell) for _ in range(runs)]
                except (OSError, RunFailed) as error:
                    failures.append(f"{layout}, `{command}`, {size:,} lines: {error}")
                    break
                run = CellRun(
                    statistics.median(item.seconds for item in measured),
                    _median_or_none([item.peak for item in measured]),
                    measured[0].findings,
                )
                if run.findings != size:
                    failures.append(
                        f"{layout}, `{command}`, {size:,} lines: {run.findings} findings"
                    )
                if base is None:
                    base = run
                    continue
                added = size - BIG_CELL_BASE_LINES
                bytes_per_line = None
                if run.peak is not None and base.peak is not None:
                    bytes_per_line = (run.peak - base.peak) / added
                seconds_per_line = (run.seconds - base.seconds) / added
                figures.append(
                    CellFigures(layout, command, size, run, seconds_per_line, bytes_per_line)
                )
    return figures, failures


def big_cell(setup: Setup) -> Section:
    """`check`, `fix` and `fix --diff` on one cell with a finding on each of its lines, at several
    sizes and in each layout: time and peak memory per line must stay flat."""
    options = setup.options
    sizes = options.big_cell_lines
    folder = setup.work / "big-cell"
    folder.mkdir()
    figures, failures = measure_big_cells(setup, folder)
    runs = min(options.runs, 3)
    repeats = f"Medians of {runs} runs" if runs > 1 else "One run each"
    lines = [
        "## One big cell",
        "",
        f"One cell with a finding on each line, {', '.join(f'{size:,}' for size in sizes)} lines,"
        " in a notebook, a plain script and a percent script (the lines are in"
        " `BIG_CELL_LINES_BY_LAYOUT`); `nbport COMMAND --jobs 1` on it. Per line: wall time and"
        f" peak RSS above those of the same cell with {BIG_CELL_BASE_LINES} lines (start-up,"
        f" imports), divided by the lines added. {repeats} up to {BIG_CELL_MAX_REPEATED:,}"
        f" lines, one run above; x first: the figure per line over the one at {sizes[0]:,}"
        " lines.",
        "",
        "| layout | command | lines | wall | per line | x first | peak RSS | per line | x first |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    first: dict[tuple[str, str], CellFigures] = {}
    time_growth: list[tuple[float, str]] = []
    memory_growth: list[tuple[float, str]] = []
    for item in figures:
        series = (item.layout, item.command)
        start = first.setdefault(series, item)
        where = f"{item.layout}, `{item.command}`, {item.lines:,} lines"
        times = _growth(item.seconds_per_line, start.seconds_per_line)
        assert times is not None  # a time is always measured
        memory = _growth(item.bytes_per_line, start.bytes_per_line)
        time_growth.append((times, where))
        if memory is not None:
            memory_growth.append((memory, where))
        shown_memory = (
            "n/a" if item.bytes_per_line is None else f"{item.bytes_per_line / 1e3:.1f} KB"
        )
        lines.append(
            f"| {item.layout} | `{item.command}` | {item.lines:,} | {seconds(item.run.seconds)}"
            f" | {item.seconds_per_line * 1e6:.0f} µs | {times:.2f} | {megabytes(item.run.peak)}"
            f" | {shown_memory} | {'n/a' if memory is None else f'{memory:.2f}'} |"
        )
    for failure in failures:
        lines.append(f"\nFailed: {failure}")
    name = (
        f"one big cell: time per line up to {sizes[-1]:,} findings ≤ {MAX_PER_LINE_GROWTH:g} x"
        f" at {sizes[0]:,}"
    )
    memory_name = name.replace("time per line", "peak memory per line")
    return lines, [
        _growth_target(name, time_growth, failures),
        _growth_target(memory_name, memory_growth, failures),
    ]


def _growth(value: float | None, first: float | None) -> float | None:
    """`value` over `first`; a figure that did not grow above the 10-line cell counts as flat."""
    if value is None or first is None:
        return None
    if first <= 0:
        return 1.0 if value <= 0 else float("inf")
    return value / first


def _growth_target(
    name: str, growth: Sequence[tuple[float, str]], failures: Sequence[str]
) -> Target:
    if failures:
        return Target(name, f"failed: {failures[0]}", False)
    if not growth:
        return Target(name, "n/a", None)
    worst, where = max(growth)
    return Target(name, f"worst {worst:.2f} x ({where})", worst <= MAX_PER_LINE_GROWTH)


def _median_or_none(values: Sequence[int | None]) -> int | None:
    known = [value for value in values if value is not None]
    return int(statistics.median(known)) if known else None


def _measured_rss(command: Sequence[str]) -> tuple[int | None, str]:
    try:
        peak = peak_rss(command, frozenset({0, 1, 2}))
    except (OSError, RunFailed, ValueError) as error:
        return None, f"failed: {error}"
    return peak, "" if peak is not None else "not measured (no `resource` module)"


def _peak(value: int | None, note: str) -> str:
    return megabytes(value) if value is not None else note


def _ratio(value: int | None, size: int) -> str:
    return "n/a" if value is None or not size else f"{value / size:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5, help="Runs per figure (default 5).")
    parser.add_argument(
        "--slow-runs",
        type=int,
        default=1,
        help="Runs of the slow peers, nbqa flake8 and tf_upgrade_v2 (default 1: they take minutes).",
    )
    parser.add_argument(
        "--skip",
        default="",
        help=f"Comma-separated parts to leave out: {', '.join(SKIPPABLE)}.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="For development: 1 run, no slow peers, scaling to 2 x, a 20 MB notebook.",
    )
    parser.add_argument(
        "--tmp", type=Path, help="Where to put the corpus copies (default: the system's temp)."
    )
    args = parser.parse_args(argv)
    skip = frozenset(name.strip() for name in args.skip.split(",") if name.strip())
    unknown = skip - set(SKIPPABLE)
    if unknown:
        parser.error(
            f"unknown --skip {', '.join(sorted(unknown))}; choose from {', '.join(SKIPPABLE)}"
        )
    corpus: Path = args.corpus.resolve()
    if not corpus.is_dir():
        parser.error(f"{corpus}: not a directory")
    if args.runs < 1 or args.slow_runs < 1:
        parser.error("--runs and --slow-runs must be at least 1")
    if args.quick:
        options = Options(
            corpus,
            1,
            1,
            3,
            skip | {"nbqa", "tf_upgrade_v2"},
            (1, 2),
            QUICK_BIG_NOTEBOOK_BYTES,
            True,
            args.tmp,
            QUICK_BIG_CELL_LINES,
        )
    else:
        cold_runs = max(10, 2 * args.runs)
        options = Options(
            corpus,
            args.runs,
            args.slow_runs,
            cold_runs,
            skip,
            (1, 2, 4),
            BIG_NOTEBOOK_BYTES,
            False,
            args.tmp,
        )
    command = shlex.join(["python", *(sys.argv if argv is None else ["benchmarks/run.py", *argv])])
    lines, targets, nbport_ran = benchmark(options)
    print("# nbport benchmark")
    print()
    print(
        f"Command: `{command}`"
        + (" (quick: for development, not for the README)" if options.quick else "")
    )
    print()
    print("\n".join(lines))
    print()
    print("## Targets")
    print()
    print("\n".join(target_rows(targets)))
    return 0 if nbport_ran else 1


if __name__ == "__main__":
    sys.exit(main())
