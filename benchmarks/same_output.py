"""Record what nbport says about the whole corpus, and compare a later nbport with that record.

A refactoring must not change behaviour. `record` runs, through the real command line,

- `nbport check --output-format json --target both CORPUS` (every finding, every error), and
- `nbport fix --unsafe-fixes --diff --target both CORPUS` (every change a fix would make),

and writes both outputs, with the commit they came from, into a folder. `compare` runs the same
commands again and prints the first differences, per output; its exit code is 0 only when both are
byte-identical to the record (or differ only by the rule ids given with `--except`, whose lines are
run with `--ignore`: a new rule's findings and fixes are expected to appear).

    python benchmarks/same_output.py record /tmp/before
    ...refactor...
    python benchmarks/same_output.py compare /tmp/before --except NBP104

Paths in the outputs are relative to the corpus folder (the commands run there), so a record can
be compared with a run from another checkout.
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPOSITORY.parent / "shared" / "corpus"
#: Output name → nbport arguments (run with the corpus as working directory, on `.`).
COMMANDS = {
    "check.json": ["check", "--output-format", "json", "--target", "both", "--jobs", "1", "."],
    "fix.diff": ["fix", "--unsafe-fixes", "--diff", "--target", "both", "--jobs", "1", "."],
}


def run(corpus: Path, ignore: frozenset[str] = frozenset()) -> dict[str, str]:
    """The outputs of `COMMANDS` on `corpus`, as text, the rules in `ignore` left out."""
    outputs = {}
    for name, arguments in COMMANDS.items():
        extra = ["--ignore", ",".join(sorted(ignore))] if ignore else []
        result = subprocess.run(
            [sys.executable, "-m", "nbport", *arguments[:-1], *extra, arguments[-1]],
            cwd=corpus,
            capture_output=True,
            text=True,
            encoding="utf-8",
            # This checkout's nbport, whatever is installed.
            env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPOSITORY)},
            check=False,
        )
        if result.returncode not in (0, 1, 2) or "Traceback" in result.stderr:
            raise SystemExit(f"nbport {' '.join(arguments)} failed:\n{result.stderr[-2000:]}")
        outputs[name] = result.stdout
    return outputs


def _commit() -> str:
    result = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    """`record FOLDER` or `compare FOLDER`; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["record", "compare"])
    parser.add_argument("folder", type=Path, help="where the record is (or goes)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--except",
        dest="excepted",
        default="",
        help="comma-separated rule ids whose findings may differ (new rules)",
    )
    options = parser.parse_args(argv)
    if not options.corpus.is_dir():
        parser.error(f"no corpus at {options.corpus}")
    excepted = {rule.strip() for rule in options.excepted.split(",") if rule.strip()}
    outputs = run(options.corpus.resolve(), frozenset(excepted))
    if options.action == "record":
        options.folder.mkdir(parents=True, exist_ok=True)
        for name, text in outputs.items():
            (options.folder / name).write_text(text, encoding="utf-8")
        (options.folder / "commit").write_text(_commit() + "\n", encoding="utf-8")
        sizes = ", ".join(
            f"{name}: {len(text.splitlines())} lines" for name, text in outputs.items()
        )
        print(f"recorded {sizes} at {_commit()} in {options.folder}")
        return 0
    recorded_at = (options.folder / "commit").read_text(encoding="utf-8").strip()
    same = True
    for name, text in outputs.items():
        before = (options.folder / name).read_text(encoding="utf-8").splitlines()
        after = text.splitlines()
        if before == after:
            print(f"{name}: identical ({len(after)} lines) to the record of {recorded_at}")
            continue
        same = False
        diff = list(
            difflib.unified_diff(before, after, f"{name} ({recorded_at})", name, lineterm="")
        )
        print(f"{name}: DIFFERS from the record of {recorded_at} ({len(diff)} diff lines):")
        print("\n".join(diff[:80]))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
