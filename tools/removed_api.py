"""Produce `nbport/rules/removed_api.json`, the table of names gone from Colab's packages (rule NBP206).

The table is read off the real packages, installed side by side in throwaway virtualenvs, never
typed by hand:

* **Old releases** (the names people wrote): TensorFlow 2.15.1 with its Keras 2.15 (as `keras` and
  as `tf.keras`, with `tf.estimator` and the feature columns), NumPy 1.26.4 and pandas 1.5.3 in one
  venv; TensorFlow 2.12.1 with Keras 2.12 (the oldest for Python 3.11, whose Keras still has the
  module paths Keras 2.13 moved under `keras.src`: `keras.layers.core`, `keras.utils.np_utils`),
  NumPy 1.23.5 and pandas 1.5.3 in another; SciPy 1.9.3 and scikit-learn 1.1.3 (the oldest releases
  with wheels for Python 3.11) in a third. In each, every public name is listed: module attributes, walked
  recursively over the package's own public submodules, and importable module paths (`pkgutil`
  over every package but TensorFlow, whose `tensorflow.python` internals are not API), so that
  `keras.layers.core` is a name as much as `keras.layers.Dense` (functions and classes that a
  submodule merely imports from another package, `sklearn.calibration.partial`, are left out; what
  a package re-exports at its top, `scipy.poly1d`, was its API and stays). NumPy 1.23's
  `__deprecated_attrs__` (`np.int`, `np.float`, ...) count as names: `dir()` hides them.
* **Colab's releases**: for every runtime of `nbport/data/colab_runtime.json` (latest and each
  pinnable one), a venv with that runtime's CPU pins of tensorflow, keras, tf-keras, numpy, pandas,
  scipy and scikit-learn (runtimes with the same pins share a venv). Each old name is resolved
  there for real, the way Python would: `getattr` from the package down, falling back on importing
  the dotted prefix as a module (`from a.b import c` imports `a.b.c` when `a.b` has no `c`). A name
  that neither finds is gone from that configuration.

The table keeps, for each gone name, the configurations where it is gone (all of them unless said),
a configuration being the versions of the distributions that decide the name: `tensorflow.*` names
on (tensorflow, keras, tf-keras), because `tf.keras` is Keras 3's shim since TF 2.16. Only the
shortest gone prefix is kept (`tensorflow.estimator` covers `tensorflow.estimator.DNNClassifier`).
Names removed before the oldest release installable on Python 3.11 (`scipy.misc.imread`,
`sklearn.externals.joblib`) are not found this way: they are in the reviewed table
`nbport/rules/removed_api.toml` with their source, as are the replacements.

Run on this machine, whose Python is 3.11.7 (the venvs are Python 3.11, not Colab's 3.13: pure
Python API does not depend on it), from the repository root, with PyPI reachable:

    python3 tools/removed_api.py /tmp/removed-api nbport/rules/removed_api.json

The first argument is where the venvs go (made with `python3 -m venv` and `pip install`, reused
when present). The script imports nothing from nbport; inside a venv it runs itself with `--walk`
(list an old release's names) or `--resolve` (say which names do not resolve).
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
import types
import warnings
from pathlib import Path
from typing import Any

#: The old releases: venv name → (pins, the top-level packages whose names it lists).
OLD: dict[str, tuple[list[str], list[str]]] = {
    "old-tf": (
        ["tensorflow==2.15.1", "keras==2.15.0", "numpy==1.26.4", "pandas==1.5.3"],
        ["tensorflow", "keras", "numpy", "pandas"],
    ),
    # The oldest TensorFlow for Python 3.11: its Keras still has `keras.layers.core` and the other
    # module paths that Keras 2.13 moved under `keras.src`; its NumPy still has `np.int`.
    "old-tf212": (
        ["tensorflow==2.12.1", "keras==2.12.0", "numpy==1.23.5", "pandas==1.5.3"],
        ["tensorflow", "keras", "numpy", "pandas"],
    ),
    "old-sci": (
        ["numpy==1.23.5", "scipy==1.9.3", "scikit-learn==1.1.3"],
        ["scipy", "sklearn"],
    ),
}
#: Top-level package → the distributions whose versions decide whether one of its names exists.
DECIDED_BY: dict[str, tuple[str, ...]] = {
    "tensorflow": ("tensorflow", "keras", "tf-keras"),
    "keras": ("keras",),
    "numpy": ("numpy",),
    "pandas": ("pandas",),
    "scipy": ("scipy",),
    "sklearn": ("scikit-learn",),
}
DISTRIBUTIONS = sorted({name for names in DECIDED_BY.values() for name in names})
#: Path segments never walked: tests, private code, and TensorFlow's duplicate trees.
SKIPPED_SEGMENTS = {"tests", "test", "conftest", "src", "setup"}
#: Walked names deeper than this are not listed (the public APIs are shallower).
MAX_DEPTH = 6
REPO = Path(__file__).resolve().parent.parent


# -- inside a venv


def _quiet() -> None:
    """No TensorFlow logs, no deprecation warnings: the walk reads every deprecated name."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.pop("TF_USE_LEGACY_KERAS", None)
    warnings.simplefilter("ignore")


def _skipped(path: str) -> bool:
    parts = path.split(".")
    if any(part.startswith("_") or part in SKIPPED_SEGMENTS for part in parts[1:]):
        return True
    # `tf.compat.v2` repeats `tf`; `tf.compat.v1.compat` repeats `tf.compat`; `tensorflow.python`
    # and `tensorflow.core` are internals (Keras 2 names under them are reached through `tf.keras`).
    return (
        ".compat.v2" in path
        or ".compat.v1.compat" in path
        or path.startswith(("tensorflow.python", "tensorflow.core", "tensorflow.tsl"))
        or (path.startswith("tensorflow.") and ".python" in path)
        or path.startswith(("tensorflow.include", "tensorflow.lite.python"))
    )


def _module_name(value: types.ModuleType) -> str:
    try:
        name = object.__getattribute__(value, "__name__")
    except AttributeError:
        return ""
    return name if isinstance(name, str) else ""


def _defined_in(value: object, own: tuple[str, ...]) -> bool:
    """Whether a function or class comes from one of the packages `own` (constants always do)."""
    if not isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)):
        return True
    module = getattr(value, "__module__", None)
    return not isinstance(module, str) or module.startswith(own) or module == "builtins"


def walk(roots: list[str]) -> dict[str, list[str]]:
    """Every public name under each root package: importable modules, then attributes."""
    _quiet()
    found: dict[str, list[str]] = {}
    for root in roots:
        names: set[str] = set()
        package = importlib.import_module(root)
        if root != "tensorflow":
            for info in pkgutil.walk_packages(package.__path__, root + ".", onerror=lambda _: None):
                if _skipped(info.name):
                    continue
                try:
                    importlib.import_module(info.name)
                except BaseException:  # a module that needs an optional package: not API here
                    continue
                names.add(info.name)
        # Attributes, breadth first; each module object is walked at its first (shortest) path.
        own = ("tensorflow", "keras", "tf_keras") if root == "tensorflow" else (root,)
        seen: set[int] = set()
        queue: list[tuple[str, object]] = [(root, package)]
        while queue:
            path, module = queue.pop(0)
            if id(module) in seen or path.count(".") >= MAX_DEPTH:
                continue
            seen.add(id(module))
            attributes = set(dir(module))
            if root == "numpy" and path == "numpy":
                attributes |= set(getattr(module, "__deprecated_attrs__", {}))
            for attribute in sorted(attributes):
                full = f"{path}.{attribute}"
                if attribute.startswith("_") or _skipped(full):
                    continue
                try:
                    value = getattr(module, attribute)
                except BaseException:
                    continue
                if isinstance(value, types.ModuleType):
                    if not _module_name(value).startswith(own):
                        continue  # `scipy.linalg.np` is NumPy, not SciPy's API
                    queue.append((full, value))
                elif path != root and not _defined_in(value, own):
                    # `sklearn.calibration.partial` is functools', imported for use; what a
                    # package re-exports at its top (`scipy.poly1d`, NumPy's) was its API.
                    continue
                names.add(full)
        found[root] = sorted(names)
    return found


def resolves(name: str) -> bool:
    """Whether `name` is reachable as Python would reach it: attributes from the package down,
    a dotted prefix imported as a module where an attribute is missing."""
    parts = name.split(".")
    try:
        value: Any = importlib.import_module(parts[0])
    except BaseException:
        return False
    for index in range(1, len(parts)):
        try:
            value = getattr(value, parts[index])
            continue
        except BaseException:
            pass
        try:
            value = importlib.import_module(".".join(parts[: index + 1]))
        except BaseException:
            return False
    return True


def unresolved(names: list[str]) -> dict[str, str | None]:
    """The names that do not resolve, shortest first (children of a missing name are skipped),
    each with the replacement the package itself names, if any: NumPy 2 keeps a message for each
    name NEP 52 removed (`numpy.__expired_attributes__`: "Use `np.inf` instead.")."""
    _quiet()
    missing: dict[str, str | None] = {}
    for name in sorted(names, key=lambda name: (name.count("."), name)):
        parts = name.split(".")
        if any(".".join(parts[:length]) in missing for length in range(1, len(parts))):
            continue
        if not resolves(name):
            missing[name] = _advice(parts)
    return missing


def _advice(parts: list[str]) -> str | None:
    """`Use `np.inf` instead.` → "`np.inf`", for a name NumPy 2 lists as expired."""
    if parts[0] != "numpy" or len(parts) != 2:
        return None
    expired = getattr(importlib.import_module("numpy"), "__expired_attributes__", {})
    message = str(expired.get(parts[1], "")).strip()
    match = re.fullmatch(r"Use (`[^`]+`) instead\.", message)
    return match.group(1) if match else None


# -- outside: venvs and the table


def venv(directory: Path, name: str, pins: list[str]) -> Path:
    """The interpreter of venv `name` with `pins` installed (made once, then reused)."""
    python = directory / name / "bin" / "python"
    stamp = directory / name / "pins.txt"
    if not (stamp.exists() and stamp.read_text() == "\n".join(pins)):
        subprocess.run([sys.executable, "-m", "venv", str(directory / name)], check=True)
        pip = [str(python), "-m", "pip", "install", "-q", "--only-binary", ":all:", *pins]
        subprocess.run(pip, check=True)
        stamp.write_text("\n".join(pins))
    return python


def run_inside(python: Path, mode: str, payload: Any) -> Any:
    """Run this script under `python` with `mode`, `payload` as JSON in and the answer out."""
    result = subprocess.run(
        [str(python), __file__, mode],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def colab_configurations() -> list[tuple[str, dict[str, str]]]:
    """Each runtime's name and CPU pins of the distributions of `DISTRIBUTIONS`."""
    table = json.loads((REPO / "nbport/data/colab_runtime.json").read_text(encoding="utf-8"))
    configurations = []
    for runtime in table["runtimes"]:
        cpu = runtime["cpu"]
        configurations.append((runtime["name"], {name: cpu[name] for name in DISTRIBUTIONS}))
    return configurations


def build(directory: Path) -> dict[str, Any]:
    """Walk the old releases, resolve their names in each of Colab's configurations."""
    directory.mkdir(parents=True, exist_ok=True)
    old_names: dict[str, set[str]] = {}
    old_versions: dict[str, list[str]] = {}
    for name, (pins, roots) in OLD.items():
        python = venv(directory, name, pins)
        for root, names in run_inside(python, "--walk", roots).items():
            old_names.setdefault(root, set()).update(names)
        old_versions[name] = pins

    # One venv per distinct set of pins; each root is resolved once per distinct configuration.
    configurations: dict[str, list[dict[str, str]]] = {root: [] for root in DECIDED_BY}
    gone_in: dict[str, dict[str, list[int]]] = {root: {} for root in DECIDED_BY}
    advice: dict[str, str] = {}
    runtimes: dict[str, str] = {}
    venvs: dict[tuple[tuple[str, str], ...], Path] = {}
    for runtime, pins in colab_configurations():
        key = tuple(sorted(pins.items()))
        runtimes[runtime] = " ".join(f"{name}=={version}" for name, version in key)
        if key not in venvs:
            index = len(venvs)
            requirements = [f"{name}=={version}" for name, version in key]
            venvs[key] = venv(directory, f"colab-{index}", requirements)
        for root, deciders in DECIDED_BY.items():
            configuration = {name: pins[name] for name in deciders}
            if configuration in configurations[root]:
                continue
            configurations[root].append(configuration)
            index = len(configurations[root]) - 1
            missing = run_inside(venvs[key], "--resolve", sorted(old_names[root]))
            for name, use in missing.items():
                gone_in[root].setdefault(name, []).append(index)
                if use:
                    advice[name] = use

    names: dict[str, dict[str, Any]] = {}
    for root, gone in gone_in.items():
        everywhere = list(range(len(configurations[root])))
        for name in sorted(gone):
            parts = name.split(".")
            # Shortest gone prefix only, where it is gone in the same configurations or more.
            if any(
                set(gone[name]) <= set(gone.get(".".join(parts[:length]), ()))
                for length in range(1, len(parts))
            ):
                continue
            record: dict[str, Any] = {} if gone[name] == everywhere else {"gone_in": gone[name]}
            if name in advice:
                record["use"] = advice[name]
            names.setdefault(root, {})[name] = record
    return {
        "generated_by": "tools/removed_api.py",
        "python": ".".join(map(str, sys.version_info[:3])),
        "old": old_versions,
        "runtimes": runtimes,
        "configurations": configurations,
        "names": names,
    }


def main(argv: list[str]) -> int:
    """`--walk`/`--resolve` inside a venv; otherwise build the table (venv directory, output)."""
    if len(argv) > 1 and argv[1] in ("--walk", "--resolve"):
        payload = json.loads(sys.stdin.read())
        answer = walk(payload) if argv[1] == "--walk" else unresolved(payload)
        print(json.dumps(answer))
        return 0
    directory = Path(argv[1]) if len(argv) > 1 else Path("/tmp/removed-api")
    target = Path(argv[2]) if len(argv) > 2 else REPO / "nbport/rules/removed_api.json"
    table = build(directory)
    text = json.dumps(table, indent=0, sort_keys=False)
    target.write_text(text + "\n", encoding="utf-8")
    count = sum(len(names) for names in table["names"].values())
    print(f"{target}: {count} gone names")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
