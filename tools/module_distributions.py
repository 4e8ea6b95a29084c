"""Produce `nbport/data/module_distributions.json`: which distribution each importable module is from.

`import cv2` needs `opencv-python`, `import sklearn` needs `scikit-learn`: rules that tell a notebook
what Colab lacks, or what to `pip install`, read this table. It is read off the packages' real
wheels, never typed by hand, for:

* every distribution installed on any kind (CPU, GPU, TPU) of any runtime of
  `nbport/data/colab_runtime.json` (run `tools/colab_runtime.py` first), at the version the newest
  runtime that has it installs;
* the distributions of `EXTRA_DISTRIBUTIONS` below: packages that machine-learning notebooks import
  and Colab does not ship. That list was drawn up by hand from this script's own report of the
  imports of the shared corpus of real notebooks (`../shared/corpus/`) that no distribution of the
  table provides (each import counted once per file; the standard library and the corpus
  repositories' own modules left out), adding the well-known ML packages the corpus happens not to
  import. Every entry names the import it is for, and the script checks that the distribution's
  wheel really provides it. Run with `--corpus` to see that report again.

For each distribution the script picks, from PyPI's JSON API, the wheel pip would install on Colab
(CPython of the runtime's version, manylinux x86-64; see `pypi.py`), else any wheel of that
version, else a wheel of the newest release that has one, and reads its file names without
downloading it (HTTP range requests of the zip's central directory): a top-level package (a folder
with `__init__.py`) or module (`x.py`, `x.cpython-313-x86_64-linux-gnu.so`) is a module it provides.
A folder without `__init__.py` is a namespace: its packages are named in full (`google.protobuf`),
and when one distribution alone has modules under a namespace, the namespace's own name is its too.
Namespaces that distributions declare the old way, with an `__init__.py` of their own
(`google/__init__.py` in older `google-cloud-*` wheels), are listed in `NAMESPACES`.

Where metadata cannot say, small reviewed tables do, each entry with its reason:
`READ_BY_HAND` (distributions Colab installs from elsewhere), `PREFERRED` (the distribution to name
first when several provide a module: `cv2` → `opencv-python`), `NOT_MODULES` (top-level folders
some wheels ship by mistake).

Output, sorted, one entry a line: {"generated_by", "tool_version", "date", "runtime_table_date",
"missing": [distributions no metadata was found for], "modules": {module: [distributions, the one
to install first first]}, "distributions": {distribution: {"read": the version read (or
`READ_BY_HAND`), "runtimes": [the runtimes installing it on any kind]}}}. A module is on a runtime
when one of its distributions is.
Run from the repository root (it needs `packaging` and reaches pypi.org):

    python tools/module_distributions.py nbport/data/module_distributions.json [--cache DIR] [--corpus]
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypi
from packaging.version import InvalidVersion, Version

TOOL_VERSION = 1
REPOSITORY = Path(__file__).resolve().parents[1]
RUNTIME_TABLE = REPOSITORY / "nbport" / "data" / "colab_runtime.json"
CORPUS = REPOSITORY.parent / "shared" / "corpus"
MODULE_SUFFIXES = (".py", ".so", ".pyd")
#: The largest sdist downloaded to read its `top_level.txt` (pyspark's is 430 MB: it is in
#: `READ_BY_HAND` instead).
SDIST_LIMIT = 30_000_000
#: The Python wheels are picked for when no runtime says (the extra distributions): latest's.
DEFAULT_PYTHON = (3, 13)

#: Import name → the distribution that provides it, for packages ML notebooks import that Colab
#: does not ship (see the module docstring for how the list was made).
EXTRA_DISTRIBUTIONS: dict[str, str] = {
    # Imported by the corpus (`--corpus`), most files first; names that are the corpus's own
    # modules, or no package on PyPI (`object_detection`, `mrcnn` come from git checkouts), left out.
    "evaluate": "evaluate",
    "apache_beam": "apache-beam",
    "boto3": "boto3",
    "patchify": "patchify",
    "segmentation_models": "segmentation-models",
    "czifile": "czifile",
    "tensorflow_transform": "tensorflow-transform",
    "gensim": "gensim",
    "tensorflow_docs": "tensorflow-docs",
    "tensorflow_io": "tensorflow-io",
    "pyvirtualdisplay": "pyvirtualdisplay",
    "apeer_ometiff_library": "apeer-ometiff-library",
    "kfp": "kfp",
    "tf_agents": "tf-agents",
    "autokeras": "autokeras",
    "splitfolders": "split-folders",
    "PyPDF2": "pypdf2",
    "pyclesperanto_prototype": "pyclesperanto-prototype",
    "optimum": "optimum",
    "sh": "sh",
    "tensor2tensor": "tensor2tensor",
    "prettytensor": "prettytensor",
    "tensorflow_serving": "tensorflow-serving-api",
    "pyvis": "pyvis",
    "csbdeep": "csbdeep",
    "docx": "python-docx",
    "stardist": "stardist",
    "gluonts": "gluonts",
    "trl": "trl",
    "keras_preprocessing": "keras-preprocessing",
    "tflearn": "tflearn",
    "tensorflow_model_analysis": "tensorflow-model-analysis",
    "tensorflow_data_validation": "tensorflow-data-validation",
    "urlextract": "urlextract",
    "segmentation_models_3D": "segmentation-models-3d",
    "onnxruntime": "onnxruntime",
    "openslide": "openslide-python",
    "faiss": "faiss-cpu",
    "mediapy": "mediapy",
    "argilla": "argilla",
    "marimo": "marimo",
    "torchmetrics": "torchmetrics",
    "remotezip": "remotezip",
    "png": "pypng",
    "hypertune": "cloudml-hypertune",
    "pykalman": "pykalman",
    "oauthenticator": "oauthenticator",
    "kubespawner": "jupyterhub-kubespawner",
    "skopt": "scikit-optimize",
    "theano": "theano",
    "openvino": "openvino",
    "tensorflow_addons": "tensorflow-addons",
    "keras_ocr": "keras-ocr",
    "pydicom": "pydicom",
    "n2v": "n2v",
    "onnx": "onnx",
    "tf2onnx": "tf2onnx",
    "geneticalgorithm": "geneticalgorithm",
    "pretty_midi": "pretty-midi",
    "pims": "pims",
    "medpy": "medpy",
    "bm3d": "bm3d",
    "focal_loss": "focal-loss",
    "botocore": "botocore",
    "nlp": "nlp",
    "lightning": "lightning",
    "annoy": "annoy",
    "simpleneighbors": "simpleneighbors",
    "tflite_model_maker": "tflite-model-maker",
    "tensorflow_compression": "tensorflow-compression",
    "official": "tf-models-official",
    "tensorboardcolab": "tensorboardcolab",
    "pyart": "arm-pyart",
    "pyresample": "pyresample",
    "tfx_bsl": "tfx-bsl",
    "gemma": "gemma",
    "cartopy": "cartopy",
    "picklable_itertools": "picklable-itertools",
    "sacred": "sacred",
    "llama_cpp": "llama-cpp-python",
    "reportlab": "reportlab",
    "pylibCZIrw": "pylibczirw",
    "pyswarms": "pyswarms",
    "cellpose": "cellpose",
    "pystackreg": "pystackreg",
    "trackpy": "trackpy",
    "easyocr": "easyocr",
    "sewar": "sewar",
    "bing_image_downloader": "bing-image-downloader",
    "google_images_download": "google-images-download",
    "pmdarima": "pmdarima",
    "boruta": "boruta",
    "dtaidistance": "dtaidistance",
    "pyautogui": "pyautogui",
    "tpot": "tpot",
    "monai": "monai",
    "keras_unet_collection": "keras-unet-collection",
    "fastbook": "fastbook",
    "rdflib": "rdflib",
    "tflite_runtime": "tflite-runtime",
    "segment_anything": "segment-anything",
    "pandasai": "pandasai",
    "alibi_detect": "alibi-detect",
    "fitter": "fitter",
    "win32com": "pywin32",
    "streamlit": "streamlit",
    "keras_tuner": "keras-tuner",
    "facets_overview": "facets-overview",
    "tensorflow_model_remediation": "tensorflow-model-remediation",
    "ipywebrtc": "ipywebrtc",
    "GPUtil": "gputil",
    "kornia": "kornia",
    "py3Dmol": "py3dmol",
    "onnxruntime_tools": "onnxruntime-tools",
    "pytorchvideo": "pytorchvideo",
    "neural_compressor": "neural-compressor",
    "elasticsearch": "elasticsearch",
    "rouge": "rouge",
    "tabgan": "tabgan",
    "bayes_opt": "bayesian-optimization",
    "pyprind": "pyprind",
    "tensorflow_recommenders": "tensorflow-recommenders",
    "tflite_support": "tflite-support",
    "tensorflowjs": "tensorflowjs",
    "tensorflow_gan": "tensorflow-gan",
    # Well-known packages of ML notebooks that the corpus happens not to import.
    "ultralytics": "ultralytics",
    "mlflow": "mlflow",
    "optuna": "optuna",
    "wandb": "wandb",
    "catboost": "catboost",
    "pytorch_lightning": "pytorch-lightning",
    "timm": "timm",
    "mmcv": "mmcv",
    "langchain": "langchain",
    "llama_index": "llama-index-core",  # `llama-index` is a meta-package
    "stable_baselines3": "stable-baselines3",
    "ray": "ray",
    "lime": "lime",
    "eli5": "eli5",
    "category_encoders": "category-encoders",
    "torch_geometric": "torch-geometric",
    "deepspeed": "deepspeed",
    "vllm": "vllm",
    "bitsandbytes": "bitsandbytes",
    "sktime": "sktime",
    "darts": "darts",
    "tsfresh": "tsfresh",
    "pycaret": "pycaret",
    "autogluon": "autogluon",
    "h2o": "h2o",
    "featuretools": "featuretools",
    "mediapipe": "mediapipe",
    "deepface": "deepface",
    "pytesseract": "pytesseract",
    "paddleocr": "paddleocr",
    "whisper": "openai-whisper",
    "pydub": "pydub",
    "ffmpeg": "ffmpeg-python",
    "dash": "dash",
    "pyLDAvis": "pyldavis",
    "rouge_score": "rouge-score",
    "sacrebleu": "sacrebleu",
    "jiwer": "jiwer",
    "seqeval": "seqeval",
    "nlpaug": "nlpaug",
    "fasttext": "fasttext",
    "keras_cv": "keras-cv",
    "tensorflow_federated": "tensorflow-federated",
    "tensorflow_quantum": "tensorflow-quantum",
    "cirq": "cirq-core",  # `cirq` itself is a meta-package that installs cirq-core and others
    "qiskit": "qiskit",
    "pennylane": "pennylane",
    "findspark": "findspark",
    "pymongo": "pymongo",
    "redis": "redis",
    "psycopg2": "psycopg2-binary",
    "torchinfo": "torchinfo",
    "thop": "thop",
    "fvcore": "fvcore",
    "lpips": "lpips",
    "open_clip": "open-clip-torch",
    "xformers": "xformers",
    "segmentation_models_pytorch": "segmentation-models-pytorch",
    "pytorch_metric_learning": "pytorch-metric-learning",
    "insightface": "insightface",
    "face_recognition": "face-recognition",
    "wget": "wget",
    "gymnasium": "gymnasium",
    "chromadb": "chromadb",
    "tiktoken": "tiktoken",
    "peft": "peft",
    "accelerate": "accelerate",
}

#: Distributions Colab installs from outside PyPI, or whose PyPI files do not say what they
#: install (no wheel, an sdist too big to read or without metadata), with the modules they
#: provide, read off their sources by hand.
READ_BY_HAND: dict[str, tuple[str, ...]] = {
    # spaCy's model: a wheel on GitHub (explosion/spacy-models), one package of the same name.
    "en-core-web-sm": ("en_core_web_sm",),
    # Colab's own package, installed from its local sdist (googlecolab/colabtools: google/colab/).
    "google-colab": ("google.colab",),
    # The TPU runtime's nightly build, a wheel on Google's storage: the package `libtpu`.
    "libtpu-nightly": ("libtpu",),
    # PyPI has its sdist only, 430 MB (too big to read for one name): the package `pyspark`.
    "pyspark": ("pyspark",),
    # Debian's python3-apt (PyPI's `python-apt` is an empty 0.0.0 placeholder).
    "python-apt": ("apt", "apt_inst", "apt_pkg", "aptsources"),
    # NVIDIA's own index; PyPI's sdist is a stub that points there. The package is `ucp`.
    "ucx-py-cu12": ("ucp",),
    # Wheels on GitHub only; PyPI's sdist is 68 MB. The package is `llama_cpp`.
    "llama-cpp-python": ("llama_cpp",),
    # Sdists only, each holding one module, `wget.py`, beside its setup.py.
    "wget": ("wget",),
}

#: Several distributions provide the module: the one to name first (to suggest installing).
PREFERRED: dict[str, str] = {
    # The main build; -headless (no GUI) and -contrib (extra modules) are variants of it.
    "cv2": "opencv-python",
}

#: Folders that some wheels ship at the top level though they are not what `import x` means: a
#: notebook importing them means its own.
NOT_MODULES = frozenset(
    {"tests", "test", "testing", "docs", "examples", "benchmarks", "scripts", "bin"}
)

#: Namespaces shared by unrelated distributions, whatever `__init__.py` a wheel puts in them.
NAMESPACES = frozenset(
    {
        "google",  # protobuf, google-auth, google-cloud-*, google-genai, ...
        "google.cloud",  # every google-cloud-* package
        "nvidia",  # nvidia-cublas-cu12, nvidia-cudnn-cu12, ...: each with an nvidia/__init__.py
    }
)


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


# -- what a wheel provides


def module_stem(filename: str) -> str:
    """`x.py` → `x`, `x.cpython-313-x86_64-linux-gnu.so` → `x`, `x.abi3.so` → `x`."""
    return filename.split(".", 1)[0]


def wheel_modules(names: Iterable[str]) -> set[str]:
    """The modules a wheel whose archive holds `names` lets Python import (see the docstring)."""
    files: list[list[str]] = []
    for name in names:
        parts = name.split("/")
        if parts[0].endswith(".data"):  # `x.data/purelib/...` installs into site-packages too
            if len(parts) < 3 or parts[1] not in ("purelib", "platlib"):
                continue
            parts = parts[2:]
        if parts[0].endswith(".dist-info") or not parts[-1].endswith(MODULE_SUFFIXES):
            continue
        if not all(folder.isidentifier() for folder in parts[:-1]):
            continue  # `numpy.libs/`, `x-1.0.dist-info/`: no import reaches into them
        files.append(parts)
    packages = {
        tuple(parts[:-1])
        for parts in files
        if module_stem(parts[-1]) == "__init__" and ".".join(parts[:-1]) not in NAMESPACES
    }
    found = set()
    for parts in files:
        folders = parts[:-1]
        for depth in range(1, len(folders) + 1):
            if tuple(folders[:depth]) in packages:
                found.add(".".join(folders[:depth]))
                break
        else:
            stem = module_stem(parts[-1])
            if stem != "__init__":  # that of a namespace in `NAMESPACES`
                found.add(".".join([*folders, stem]))
    return {
        module
        for module in found
        if all(part.isidentifier() for part in module.split("."))
        and module.split(".")[0] not in NOT_MODULES
    }


# -- which wheel


@dataclass(frozen=True)
class Wanted:
    """A distribution to read: the version to read and the Python to pick its wheel for."""

    name: str
    version: str | None
    python: tuple[int, int]


def sort_key(version: str) -> tuple[int, Version | str]:
    try:
        return 1, Version(version)
    except InvalidVersion:
        return 0, version


def release_key(version: str) -> tuple[bool, tuple[int, Version | str]]:
    """Orders releases: pre-releases (and unreadable versions) before finals, each by version."""
    key = sort_key(version)
    final = key[0] == 1 and not (isinstance(key[1], Version) and key[1].is_prerelease)
    return final, key


def pick_wheel(project: Mapping[str, Any], wanted: Wanted) -> tuple[str, Mapping[str, Any]] | None:
    """The wheel to read for `wanted` and its version: the one pip picks on Colab for the wanted
    version, else any wheel of it, else the best wheel of the newest release that has one."""
    releases: Mapping[str, list[Mapping[str, Any]]] = project.get("releases", {})
    base = wanted.version.split("+", 1)[0] if wanted.version else None
    # Final releases before pre-releases, newest first, when no version is wanted (or found).
    versions = sorted(releases, key=release_key, reverse=True)
    if base is not None:
        # `1.10` may be spelled `1.10.0` on PyPI: compare as versions.
        same = [v for v in versions if sort_key(v) == sort_key(base)] or [base]
        versions = [*same, *(v for v in versions if v not in same)]
    for version in versions:
        files = [f for f in releases.get(version, []) if not f.get("yanked")]
        wheels = [f for f in files if f.get("packagetype") == "bdist_wheel"]
        if not wheels:
            continue
        best = pypi.installable_wheels(wheels, wanted.python)
        return version, (best[0] if best else sorted(wheels, key=lambda f: f["filename"])[0])
    return None


def pick_sdist(project: Mapping[str, Any], wanted: Wanted) -> tuple[str, Mapping[str, Any]] | None:
    """The sdist of the wanted version (else of the newest release that has one) when it is small
    enough to download (`SDIST_LIMIT`)."""
    releases: Mapping[str, list[Mapping[str, Any]]] = project.get("releases", {})
    base = wanted.version.split("+", 1)[0] if wanted.version else None
    versions = sorted(releases, key=release_key, reverse=True)
    if base in releases:
        versions = [base, *(v for v in versions if v != base)]
    for version in versions:
        for record in releases[version]:
            if record.get("packagetype") == "sdist" and not record.get("yanked"):
                return (version, record) if record["size"] <= SDIST_LIMIT else None
    return None


def read_distribution(client: pypi.PyPI, wanted: Wanted) -> tuple[str, set[str]] | None:
    """What `wanted` provides and which version was read (`2.1.3`, or `0.25.2 (sdist)`), off a
    wheel, else off a small sdist (`pypi.sdist_modules`); None when neither says."""
    project = client.project(wanted.name)
    if project is None:
        return None
    picked = pick_wheel(project, wanted)
    if picked is not None:
        version, wheel = picked
        names = pypi.zip_names(wheel["size"], client.range_reader(wheel["url"]))
        return version, wheel_modules(names)
    sdist = pick_sdist(project, wanted)
    if sdist is None:
        return None
    version, record = sdist
    found = pypi.sdist_modules(record["filename"], client.get(record["url"]))
    if found is None:
        return None
    modules = {name.replace("/", ".") for name in found}
    return f"{version} (sdist)", {m for m in modules if m.split(".")[0] not in NOT_MODULES}


# -- the runtimes and the corpus


def runtime_distributions(table: Mapping[str, Any]) -> dict[str, tuple[Wanted, set[str]]]:
    """Every distribution of the runtime table: the version of the newest runtime installing it
    (with that runtime's Python), and the runtimes installing it on any kind."""
    found: dict[str, tuple[Wanted, set[str]]] = {}
    for runtime in table["runtimes"]:  # newest first
        major, minor = (int(part) for part in runtime["python"].split(".")[:2])
        cpu = runtime["cpu"]
        kinds = [cpu, *(runtime[kind]["changed"] for kind in ("gpu", "tpu") if kind in runtime)]
        for packages in kinds:
            for name, version in packages.items():
                if name not in found:
                    found[name] = (Wanted(name, version, (major, minor)), set())
                found[name][1].add(runtime["name"])
    return found


IMPORT = re.compile(r"^[ \t]*(?:import[ \t]+([\w., \t]+)|from[ \t]+(\w[\w.]*)[ \t]+import)", re.M)


def imported_names(source: str) -> set[str]:
    """The top-level modules `source` imports (`import a.b as c, d` → a, d), read line by line so
    that cells with IPython escapes count too."""
    names = set()
    for match in IMPORT.finditer(source):
        if match.group(1):
            for part in match.group(1).split(","):
                words = part.split()
                if words:
                    names.add(words[0].split(".")[0])
        else:
            names.add(match.group(2).split(".")[0])
    return {name for name in names if name.isidentifier()}


def corpus_imports(corpus: Path) -> Counter[str]:
    """Each top-level module the corpus imports, with the number of files importing it; the
    standard library and each repository's own modules (its files' and folders' names) left out."""
    counts: Counter[str] = Counter()
    for repository in sorted(path for path in corpus.iterdir() if path.is_dir()):
        files = [p for p in repository.rglob("*") if p.suffix in (".py", ".ipynb")]
        own = {p.stem for p in files} | {part for p in files for part in p.parent.parts}
        for path in files:
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
            names = imported_names(text) - own - set(sys.stdlib_module_names)
            counts.update(names)
    return counts


# -- the table


def order(module: str, distributions: Iterable[str], on_colab: set[str]) -> list[str]:
    """The distributions of `module`, the one to name first first: `PREFERRED`, else the one
    spelled like the module, else one Colab ships today, else by name."""
    preferred = PREFERRED.get(module)

    def rank(name: str) -> tuple[bool, bool, bool, str]:
        return (
            name != preferred,
            normalize(name) != normalize(module.split(".")[0]),
            name not in on_colab,
            name,
        )

    return sorted(set(distributions), key=rank)


def build_modules(provided: Mapping[str, set[str]], on_colab: set[str]) -> dict[str, list[str]]:
    """module → its distributions, the one to name first first, from what each provides."""
    owners: dict[str, set[str]] = defaultdict(set)
    for distribution, modules in provided.items():
        for module in modules:
            owners[module].add(distribution)
    # A namespace whose modules all come from one distribution is that distribution's.
    under: dict[str, set[str]] = defaultdict(set)
    for module, distributions in owners.items():
        parts = module.split(".")
        for end in range(1, len(parts)):
            under[".".join(parts[:end])] |= distributions
    for namespace, distributions in under.items():
        if len(distributions) == 1 and namespace not in owners and namespace not in NAMESPACES:
            owners[namespace] = set(distributions)
    return {module: order(module, owners[module], on_colab) for module in sorted(owners)}


def ambiguous(modules: Mapping[str, list[str]]) -> list[str]:
    """Modules several distributions provide where no table nor spelling says which comes first."""
    return [
        module
        for module, distributions in modules.items()
        if len(distributions) > 1
        and module not in PREFERRED
        and "." not in module
        and normalize(distributions[0]) != normalize(module)
    ]


def dump(table: Mapping[str, Any]) -> str:
    """The table as JSON with one module (or distribution) a line: compact, and a refresh diffs
    readably."""
    lines = ["{"]
    items = list(table.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if isinstance(value, dict) and value:
            lines.append(f"{json.dumps(key)}:{{")
            entries = [
                f"{json.dumps(k)}:{json.dumps(v, separators=(',', ':'), ensure_ascii=False)}"
                for k, v in value.items()
            ]
            lines.append(",\n".join(entries))
            lines.append("}" + comma)
        else:
            lines.append(f"{json.dumps(key)}:{json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(arguments: Sequence[str]) -> int:
    """`module_distributions.py OUTPUT [--cache DIR] [--corpus] [--jobs N]`."""
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--cache", type=Path, help="keep PyPI's answers in this folder")
    parser.add_argument("--corpus", action="store_true", help="report the corpus's imports")
    parser.add_argument("--jobs", type=int, default=8)
    options = parser.parse_args(arguments)
    started = time.monotonic()
    table = json.loads(RUNTIME_TABLE.read_text(encoding="utf-8"))
    runtime_order = [runtime["name"] for runtime in table["runtimes"]]
    from_runtimes = runtime_distributions(table)
    on_colab = set(table["runtimes"][0]["cpu"])
    extras = sorted({normalize(d) for d in EXTRA_DISTRIBUTIONS.values()} - set(from_runtimes))
    wanted = [item[0] for item in from_runtimes.values()]
    wanted += [Wanted(name, None, DEFAULT_PYTHON) for name in extras]
    wanted = [item for item in wanted if item.name not in READ_BY_HAND]

    client = pypi.PyPI(options.cache)
    with ThreadPoolExecutor(options.jobs) as pool:
        results = list(pool.map(lambda item: read_distribution(client, item), wanted))
    provided: dict[str, set[str]] = {}
    read: dict[str, str] = {}
    missing = []
    for item, result in zip(wanted, results, strict=True):
        if result is None:
            missing.append(item.name)
            continue
        read[item.name], provided[item.name] = result
    for name, modules in READ_BY_HAND.items():
        provided[name] = set(modules)
        read[name] = "READ_BY_HAND"
    modules = build_modules(provided, on_colab)
    distributions = {
        name: {
            "read": read[name],
            "runtimes": [r for r in runtime_order if r in from_runtimes.get(name, ("", set()))[1]],
        }
        for name in sorted(provided)
    }

    problems = []
    for module, distribution in sorted(EXTRA_DISTRIBUTIONS.items()):
        if normalize(distribution) not in modules.get(module, []):
            problems.append(f"EXTRA_DISTRIBUTIONS: {distribution} does not provide {module}")
    for module in ambiguous(modules):
        print(f"note: several provide {module}: {modules[module]}")
    for name in missing:
        print(f"warning: no wheel of {name} on PyPI: add it to READ_BY_HAND", file=sys.stderr)
    if options.corpus and CORPUS.exists():
        for name, count in corpus_imports(CORPUS).most_common():
            if not any(module == name or module.startswith(name + ".") for module in modules):
                print(f"corpus: {count:4d} files import {name}: no known distribution")
    output = {
        "generated_by": "tools/module_distributions.py",
        "tool_version": TOOL_VERSION,
        "date": datetime.date.today().isoformat(),
        "runtime_table_date": table["upstream_date"],
        "missing": sorted(missing),
        "modules": modules,
        "distributions": distributions,
    }
    options.output.write_text(dump(output), encoding="utf-8")
    seconds = time.monotonic() - started
    print(
        f"wrote {options.output}: {len(modules)} modules from {len(provided)} distributions"
        f" ({len(missing)} without metadata) in {seconds:.0f} s"
    )
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
