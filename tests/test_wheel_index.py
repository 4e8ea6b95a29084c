"""Which releases install on Colab's Pythons: `nbport.wheel_index` over the shipped index, and
`tools/wheel_index.py` on small fixtures (never on the network)."""

from __future__ import annotations

import json

import pytest
from conftest import CORPUS, load_tool, require_shared

from nbport.runtime import load_runtime, runtime_names
from nbport.wheel_index import (
    INDEX_PATH,
    WheelStatus,
    canonical_version,
    index_pythons,
    installable,
    installable_versions,
    known_distributions,
    wheel_status,
)

wheel_index = load_tool("wheel_index")


# -- the shipped index: known facts


def test_torch_1_12_1_does_not_install_on_colabs_python() -> None:
    latest = load_runtime()
    assert installable("torch", "1.12.1", latest.python) is False
    assert wheel_status("torch", "1.12.1", (3, 13)) is WheelStatus.NOTHING


def test_numpy_2_1_3_installs_on_python_3_13() -> None:
    assert installable("numpy", "2.1.3", (3, 13)) is True
    assert installable("numpy", "2.1.3", "3.13") is True
    assert installable("NumPy", "2.1.3", "3.13.15") is True


def test_colabs_own_versions_install_on_its_python() -> None:
    for name in runtime_names():
        runtime = load_runtime(name)
        for distribution in ("numpy", "pandas", "scipy", "tensorflow"):
            version = runtime.version_of(distribution)
            assert version is not None
            assert installable(distribution, version, runtime.python) is True, (name, distribution)


def test_pins_match_as_pip_compares_them() -> None:
    assert installable("torch", "2.11.0+cpu", (3, 13)) is True  # the local label is a build
    assert installable("torch", "2.11", (3, 13)) is True  # == pads with zeros
    assert canonical_version("2.11.0+cpu") == "2.11"
    assert canonical_version("v1.0.0rc1") == "1rc1"
    assert canonical_version("0.0") == "0"


def test_unknown_distribution_release_or_python_is_none() -> None:
    assert installable("not-a-package-we-index", "1.0", (3, 13)) is None
    assert installable("torch", "999.0", (3, 13)) is None
    assert installable("torch", "2.11.0", (3, 9)) is None
    assert installable_versions("not-a-package-we-index", (3, 13)) == ()


def test_an_sdist_pip_would_compile_is_unknown() -> None:
    # tensorflow-gpu 2.12.0 is an sdist only; tensorflow-gpu's other releases are platform wheels.
    assert wheel_status("tensorflow-gpu", "2.12.0", (3, 13)) is WheelStatus.COMPILED_SDIST
    assert installable("tensorflow-gpu", "2.12.0", (3, 13)) is None


def test_installable_versions_suggest_the_oldest_and_newest_pins() -> None:
    versions = installable_versions("torch", (3, 13))
    assert versions[0] == "2.5.0"
    assert "2.11.0" in versions and "1.12.1" not in versions
    assert all("rc" not in version for version in versions)
    assert installable_versions("tensorflow", (3, 11))[0] == "2.12.0"
    with_pre = installable_versions("tensorflow", (3, 13), prereleases=True)
    assert set(installable_versions("tensorflow", (3, 13))) < set(with_pre)


def test_the_index_is_dated_and_compact() -> None:
    table = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    assert table["generated_by"] == "tools/wheel_index.py"
    assert table["tool_version"] == wheel_index.TOOL_VERSION
    assert table["date"] >= "2026-08-19"
    assert index_pythons() == ("3.11", "3.12", "3.13")
    assert set(wheel_index.ML_STACK) <= set(known_distributions())
    for entry in table["distributions"].values():
        count = len(entry["versions"].split())
        for python in index_pythons():
            assert len(entry[python]) == count
            assert set(entry[python]) <= set("wpcs-")


def test_the_corpus_pins_are_indexed() -> None:
    pinned = wheel_index.corpus_pins(require_shared(CORPUS))
    assert {"transformers", "datasets", "torch", "tensorflow-text"} <= set(pinned)
    assert set(pinned) <= set(known_distributions())


# -- the tool's readers


@pytest.mark.parametrize(
    ("line", "pins"),
    [
        ("!pip install torch==1.12.1 torchvision", [("torch", "==1.12.1")]),
        ('%pip install -q "tensorflow-text==2.11.*"', [("tensorflow-text", "==2.11.*")]),
        ('!pip install "datasets[s3]==2.9.0" sagemaker', [("datasets", "==2.9.0")]),
        (
            "!{sys.executable} -m pip install --upgrade onnxruntime==1.4.0",
            [("onnxruntime", "==1.4.0")],
        ),
        ("!pip3 install Html5lib==0.99999999  # comment", [("html5lib", "==0.99999999")]),
        # ranges bounded from above are pins too; a lower bound alone is not
        (
            "%pip install 'numpy<2.1' tensorflow_metadata~=1.10.0",
            [("numpy", "<2.1"), ("tensorflow-metadata", "~=1.10.0")],
        ),
        ("!pip install 'scipy>=1.0,<=1.10'", [("scipy", ">=1.0,<=1.10")]),
        ("!pip install 'x>=1.0' 'y!=2.0'", []),
        ("!pip install -q transformers 2>&1", []),
        ("x == 1", []),
    ],
)
def test_pins_in_reads_pip_install_lines(line: str, pins: list[tuple[str, str]]) -> None:
    assert wheel_index.pins_in(line) == pins


def _file(filename: str, requires_python: str | None = None) -> dict[str, object]:
    kind = "bdist_wheel" if filename.endswith(".whl") else "sdist"
    return {"filename": filename, "packagetype": kind, "requires_python": requires_python}


def test_index_project_gives_one_letter_per_release_and_python() -> None:
    project = {
        "releases": {
            "1.0": [_file("x-1.0.tar.gz")],
            "1.1": [_file("x-1.1-cp311-cp311-manylinux2014_x86_64.whl"), _file("x-1.1.tar.gz")],
            "1.2": [_file("x-1.2-cp313-cp313-manylinux_2_28_x86_64.whl")],
            "2.0rc1": [_file("x-2.0rc1-py3-none-any.whl", requires_python=">=3.12")],
            "not a version": [_file("x-junk.tar.gz")],
            "3.0": [],
        }
    }
    entry = wheel_index.index_project(project, [(3, 11), (3, 13)])
    assert entry == {"versions": "1.0 1.1 1.2 2.0rc1", "3.11": "cw--", "3.13": "ccww"}


def test_pure_and_unknown_sdists() -> None:
    pure = {"releases": {"0.1": [_file("p-0.1.tar.gz")], "0.2": [_file("p-0.2-py3-none-any.whl")]}}
    assert wheel_index.index_project(pure, [(3, 13)]) == {"versions": "0.1 0.2", "3.13": "pw"}
    unknown = {"releases": {"0.1": [_file("u-0.1.tar.gz", requires_python=">=3.8")]}}
    assert wheel_index.index_project(unknown, [(3, 13)]) == {"versions": "0.1", "3.13": "s"}
