"""What Colab ships: its runtimes' Python and packages, and which distribution each module is from.

Data, never fetched at run time: `data/colab_runtime.json` (made by `tools/colab_runtime.py` from
Google's own lists of each runtime's packages) and `data/module_distributions.json` (made by
`tools/module_distributions.py` from the packages' wheels). Each file is read once, on first use,
so that importing this module costs nothing: a run whose rules never ask pays nothing for it.

`load_runtime("latest")` is the runtime a notebook opened on Colab today gets; `"2025.07"` and the
other names of `runtime_names()` are the past runtimes Colab lets a notebook pin. A runtime has three
kinds (`"cpu"`, `"gpu"`, `"tpu"`) whose packages differ (TensorFlow is not on the TPU runtimes;
the GPU ones have CUDA builds). Distribution names are compared as PEP 503 says (`Scikit_Learn` is
`scikit-learn`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

DATA = Path(__file__).with_name("data")
RUNTIME_PATH = DATA / "colab_runtime.json"
MODULES_PATH = DATA / "module_distributions.json"
#: The runtime a notebook gets when it pins none: Colab's today.
DEFAULT_RUNTIME = "latest"
Kind = Literal["cpu", "gpu", "tpu"]
KINDS: tuple[Kind, ...] = ("cpu", "gpu", "tpu")
#: The `tool_version`s of the data files this module reads.
_RUNTIME_FORMAT = 1
_MODULES_FORMAT = 1

#: How messages name the packages people know by another spelling than their distribution's
#: ("Colab's TensorFlow 2.20"); any other distribution is named as it is.
DISPLAY_NAMES = {
    "jax": "JAX",
    "keras": "Keras",
    "matplotlib": "Matplotlib",
    "numpy": "NumPy",
    "opencv-contrib-python": "OpenCV",
    "opencv-python": "OpenCV",
    "opencv-python-headless": "OpenCV",
    "pillow": "Pillow",
    "scipy": "SciPy",
    "tensorflow": "TensorFlow",
    "tensorflow-datasets": "TensorFlow Datasets",
    "tensorflow-hub": "TensorFlow Hub",
    "tensorflow-probability": "TensorFlow Probability",
    "torch": "PyTorch",
    "transformers": "Transformers",
}


class UnknownRuntimeError(ValueError):
    """A runtime name that is neither `latest` nor a past runtime Colab offers."""


def normalize(distribution: str) -> str:
    """A distribution name as PEP 503 compares them: lower case, each run of `-_.` one `-`."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _major_minor(version: str) -> str:
    """`2.20.0` → `2.20`, `2.11.0+cpu` → `2.11`, `5.0.0.93` → `5.0`."""
    return ".".join(version.split("+", 1)[0].split(".")[:2])


@dataclass(frozen=True)
class ColabRuntime:
    """One Colab runtime: its name, the upstream commit (and date) its lists were taken at, its
    Python, and the distributions each kind of machine has installed."""

    #: `latest`, or the past runtime's version (`2025.07`).
    name: str
    #: The commit of `googlecolab/backend-info` the lists come from.
    commit: str
    #: That commit's date (`2026-08-19`); None where the copied history does not say.
    date: str | None
    #: The full Python version (`3.13.15`).
    python_version: str
    #: The system (`Ubuntu 22.04.5 LTS`).
    os: str
    #: Distribution → version (None: installed from a git commit, no version) for each kind.
    packages: Mapping[str, Mapping[str, str | None]] = field(repr=False)

    @property
    def python(self) -> tuple[int, int]:
        """The Python's major and minor version, e.g. `(3, 13)`."""
        major, minor = self.python_version.split(".")[:2]
        return int(major), int(minor)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds with a list of their own; the others use the CPU list (`version_of`)."""
        return tuple(kind for kind in KINDS if kind in self.packages)

    def distributions(self, kind: Kind = "cpu") -> Mapping[str, str | None]:
        """Every distribution `kind` has installed, by normalised name, with its version. A kind
        Google published no list for (the GPU of 2025.07) has the CPU list: then one image served
        both."""
        return self.packages.get(kind) or self.packages["cpu"]

    def version_of(self, distribution: str, kind: Kind = "cpu") -> str | None:
        """The version of `distribution` installed on `kind` (`2.20.0`, `2.11.0+cpu`); None when
        it is not installed, or was installed from a git commit (`provides` tells them apart)."""
        return self.distributions(kind).get(normalize(distribution))

    def provides(self, distribution: str, kind: Kind = "cpu") -> bool:
        """Whether `kind` has `distribution` installed."""
        return normalize(distribution) in self.distributions(kind)

    def provides_module(self, module: str, kind: Kind = "cpu") -> bool:
        """Whether `import module` finds it on `kind`: some installed distribution provides it
        (`cv2`, `google.protobuf`, `sklearn.linear_model`)."""
        return any(self.provides(name, kind) for name in distributions_for(module))

    def describe(self, distribution: str, kind: Kind = "cpu", *, full: bool = False) -> str | None:
        """How a message names the installed `distribution`: `TensorFlow 2.20` (with `full`:
        `TensorFlow 2.20.0`); None when `kind` lacks it."""
        if not self.provides(distribution, kind):
            return None
        key = normalize(distribution)
        shown = DISPLAY_NAMES.get(key, key)
        version = self.version_of(key, kind)
        if version is None:
            return shown
        return f"{shown} {version if full else _major_minor(version)}"

    def describe_python(self) -> str:
        """`Python 3.13`."""
        return "Python {}.{}".format(*self.python)

    @property
    def label(self) -> str:
        """How a message names the runtime: `Colab's runtime` today, `Colab's 2025.07 runtime`."""
        return "Colab's runtime" if self.name == DEFAULT_RUNTIME else f"Colab's {self.name} runtime"


# -- the runtime table


@cache
def _runtime_table() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(RUNTIME_PATH.read_text(encoding="utf-8"))
    if table.get("tool_version") != _RUNTIME_FORMAT:
        raise RuntimeError(f"{RUNTIME_PATH.name} is not of format {_RUNTIME_FORMAT}: regenerate it")
    return table


def runtime_names() -> tuple[str, ...]:
    """`latest`, then the past runtimes a notebook can pin, newest first."""
    return tuple(entry["name"] for entry in _runtime_table()["runtimes"])


def table_date() -> str:
    """The date of the newest upstream commit the runtime table was made from."""
    return str(_runtime_table()["upstream_date"])


def _apply(cpu: Mapping[str, str | None], change: Mapping[str, Any]) -> dict[str, str | None]:
    """A kind's list from the CPU list and the kind's `changed`/`removed` difference."""
    removed = set(change["removed"])
    packages = {name: version for name, version in cpu.items() if name not in removed}
    packages.update(change["changed"])
    return packages


@cache
def load_runtime(name: str = DEFAULT_RUNTIME) -> ColabRuntime:
    """The runtime called `name` (`latest`, `2025.07`); `UnknownRuntimeError` for another name."""
    for entry in _runtime_table()["runtimes"]:
        if entry["name"] == name:
            cpu = entry["cpu"]
            packages = {"cpu": cpu}
            for kind in ("gpu", "tpu"):
                if kind in entry:
                    packages[kind] = _apply(cpu, entry[kind])
            return ColabRuntime(
                name=entry["name"],
                commit=entry["commit"],
                date=entry["date"],
                python_version=entry["python"],
                os=entry["os"],
                packages=packages,
            )
    known = ", ".join(runtime_names())
    raise UnknownRuntimeError(f"unknown Colab runtime {name!r} (known: {known})")


# -- modules and their distributions


@cache
def _module_table() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(MODULES_PATH.read_text(encoding="utf-8"))
    if table.get("tool_version") != _MODULES_FORMAT:
        raise RuntimeError(f"{MODULES_PATH.name} is not of format {_MODULES_FORMAT}: regenerate it")
    return table


def distributions_for(module: str) -> tuple[str, ...]:
    """Every distribution known to provide `module`, the one to install first first (`cv2` →
    `opencv-python`, `opencv-contrib-python`, ...); () when none is known. A dotted name is looked
    up with the nearest package above it that the table knows (`google.protobuf.message` →
    `google.protobuf`; `google` alone is a namespace many distributions share)."""
    modules = _module_table()["modules"]
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        found = modules.get(".".join(parts[:end]))
        if found is not None:
            return tuple(found)
    return ()


def distribution_for(module: str) -> str | None:
    """The distribution to install for `import module` (`sklearn` → `scikit-learn`, `PIL` →
    `pillow`); None when no known distribution provides it (the standard library, a local file)."""
    found = distributions_for(module)
    return found[0] if found else None


def runtimes_providing(module: str) -> tuple[str, ...]:
    """The runtimes (`runtime_names` order) where some kind has a distribution of `module`."""
    known = _module_table()["distributions"]
    names = {
        runtime
        for distribution in distributions_for(module)
        for runtime in known.get(distribution, {}).get("runtimes", ())
    }
    return tuple(name for name in runtime_names() if name in names)


__all__ = [
    "DEFAULT_RUNTIME",
    "DISPLAY_NAMES",
    "KINDS",
    "ColabRuntime",
    "Kind",
    "UnknownRuntimeError",
    "distribution_for",
    "distributions_for",
    "load_runtime",
    "normalize",
    "runtime_names",
    "runtimes_providing",
    "table_date",
]
