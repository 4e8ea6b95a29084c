"""Which distribution a module is from: the shipped table, its loader in `nbport.runtime`, and
`tools/module_distributions.py` and `tools/pypi.py` on small fixtures (never on the network)."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile

import pytest
from conftest import load_tool

from nbport.runtime import (
    MODULES_PATH,
    distribution_for,
    distributions_for,
    load_runtime,
    runtime_names,
    runtimes_providing,
)

module_distributions = load_tool("module_distributions")
pypi = load_tool("pypi")


# -- the shipped table


@pytest.mark.parametrize(
    ("module", "distribution"),
    [
        ("cv2", "opencv-python"),
        ("sklearn", "scikit-learn"),
        ("sklearn.linear_model", "scikit-learn"),
        ("PIL", "pillow"),
        ("PIL.Image", "pillow"),
        ("yaml", "pyyaml"),
        ("bs4", "beautifulsoup4"),
        ("google.protobuf", "protobuf"),
        ("google.protobuf.message", "protobuf"),
        ("google.colab", "google-colab"),
        ("tensorflow", "tensorflow"),
        ("mpl_toolkits.mplot3d", "matplotlib"),
        ("ultralytics", "ultralytics"),
    ],
)
def test_distribution_for_known_modules(module: str, distribution: str) -> None:
    assert distribution_for(module) == distribution


def test_no_distribution_for_the_standard_library_a_namespace_or_a_local_module() -> None:
    assert distribution_for("os") is None
    assert distribution_for("google") is None
    assert distribution_for("nvidia") is None
    assert distribution_for("my_local_helpers") is None
    assert distributions_for("my_local_helpers") == ()


def test_every_variant_is_known_the_main_one_first() -> None:
    found = distributions_for("cv2")
    assert found[0] == "opencv-python"
    assert {"opencv-contrib-python", "opencv-python-headless"} <= set(found)


def test_runtimes_provide_modules_by_kind() -> None:
    latest = load_runtime()
    assert latest.provides_module("cv2")
    assert latest.provides_module("sklearn.linear_model")
    assert latest.provides_module("tensorflow")
    assert not latest.provides_module("tensorflow", "tpu")
    assert not latest.provides_module("ultralytics")
    assert not latest.provides_module("os")  # the standard library is no distribution's
    assert runtimes_providing("tensorflow") == runtime_names()
    assert runtimes_providing("ultralytics") == ()


def test_the_table_is_dated_sorted_and_agrees_with_the_runtime_table() -> None:
    table = json.loads(MODULES_PATH.read_text(encoding="utf-8"))
    assert table["generated_by"] == "tools/module_distributions.py"
    assert table["tool_version"] == module_distributions.TOOL_VERSION
    assert table["date"] >= table["runtime_table_date"] == "2026-08-19"
    assert list(table["modules"]) == sorted(table["modules"])
    assert list(table["distributions"]) == sorted(table["distributions"])
    known = table["distributions"]
    for distributions in table["modules"].values():
        assert distributions and all(name in known for name in distributions)
    # Every distribution of every runtime was read, with the runtimes that install it.
    installed: dict[str, set[str]] = {}
    for name in runtime_names():
        runtime = load_runtime(name)
        for kind in runtime.kinds:
            for distribution in runtime.distributions(kind):
                installed.setdefault(distribution, set()).add(name)
    for distribution, runtimes in installed.items():
        assert set(known[distribution]["runtimes"]) == runtimes, distribution


# -- reading a wheel's files


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"x" * 100)
    return buffer.getvalue()


def test_zip_names_reads_the_central_directory_by_ranges() -> None:
    names = [f"pkg/module_{index}.py" for index in range(200)]
    content = _zip(["pkg/__init__.py", *names, "pkg-1.0.dist-info/RECORD"])
    asked: list[tuple[int, int]] = []

    def read_range(start: int, end: int) -> bytes:
        asked.append((start, end))
        return content[start:end]

    remote_names = pypi.zip_names(len(content), read_range)
    assert remote_names == ["pkg/__init__.py", *names, "pkg-1.0.dist-info/RECORD"]
    assert asked and all(0 <= start < end <= len(content) for start, end in asked)


def test_zip_names_reads_little_of_a_big_archive() -> None:
    content = _zip(["big/__init__.py"]) + b""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("big/__init__.py", b"")
        archive.writestr("big/data.bin", b"\0" * 3_000_000)
    content = buffer.getvalue()
    read = 0

    def read_range(start: int, end: int) -> bytes:
        nonlocal read
        read += end - start
        return content[start:end]

    assert pypi.zip_names(len(content), read_range) == ["big/__init__.py", "big/data.bin"]
    assert read < len(content) / 5


def test_wheel_modules_packages_modules_namespaces_and_data() -> None:
    names = [
        "numpy/__init__.py",
        "numpy/core/multiarray.py",
        "numpy.libs/libopenblas.so",
        "numpy-2.1.3.dist-info/RECORD",
        "six.py",
        "_cffi_backend.cpython-313-x86_64-linux-gnu.so",
        "google/protobuf/__init__.py",
        "google/protobuf/message.py",
        "google/_upb/_message.abi3.so",
        "google/__init__.py",  # an old-style namespace: still not this wheel's
        "thing-1.0.data/purelib/thing_extra/__init__.py",
        "thing-1.0.data/scripts/run.py",
        "tests/__init__.py",
        "README.md",
    ]
    assert module_distributions.wheel_modules(names) == {
        "numpy",
        "six",
        "_cffi_backend",
        "google.protobuf",
        "google._upb._message",
        "thing_extra",
    }


def test_build_modules_orders_distributions_and_claims_lone_namespaces() -> None:
    provided = {
        "opencv-contrib-python": {"cv2"},
        "opencv-python-headless": {"cv2"},
        "opencv-python": {"cv2"},
        "googleapis-common-protos": {"google.api.http_pb2", "google.api.annotations_pb2"},
        "protobuf": {"google.protobuf"},
        "tf-keras": {"tf_keras"},
    }
    modules = module_distributions.build_modules(provided, on_colab={"opencv-python-headless"})
    assert modules["cv2"] == ["opencv-python", "opencv-python-headless", "opencv-contrib-python"]
    assert modules["google.api"] == ["googleapis-common-protos"]
    assert "google" not in modules  # a namespace of two distributions
    assert module_distributions.ambiguous(modules) == []


def test_imported_names_reads_imports_line_by_line() -> None:
    source = (
        "import numpy as np, os.path\n"
        "from sklearn.linear_model import X\n"
        "from . import local\n"
        "!pip install x\n"
        "    import cv2\n"
        "x = 'import nothing'\n"
    )
    assert module_distributions.imported_names(source) == {"numpy", "os", "sklearn", "cv2"}


# -- which wheel pip takes


def _record(filename: str, **extra: object) -> dict[str, object]:
    kind = "bdist_wheel" if filename.endswith(".whl") else "sdist"
    return {"filename": filename, "packagetype": kind, "size": 10, "url": filename, **extra}


def test_installable_wheels_follow_pips_tags_for_colabs_linux() -> None:
    files = [
        _record("torch-1.12.1-cp310-cp310-manylinux1_x86_64.whl"),
        _record("torch-1.12.1-cp310-cp310-win_amd64.whl"),
        _record("numpy-2.1.3-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
        _record("numpy-2.1.3-cp313-cp313t-manylinux_2_17_x86_64.whl"),  # free-threaded build
        _record("numpy-2.1.3-cp313-cp313-manylinux_2_38_x86_64.whl"),  # newer glibc than Colab's
        _record("numpy-2.1.3-cp313-cp313-macosx_14_0_arm64.whl"),
        _record("cryptography-44.0.0-cp39-abi3-manylinux_2_28_x86_64.whl"),
        _record("six-1.17.0-py2.py3-none-any.whl"),
        _record("new-1.0-py3-none-any.whl", requires_python=">=3.14"),
    ]
    found = [record["filename"] for record in pypi.installable_wheels(files, (3, 13))]
    assert found == [
        "numpy-2.1.3-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "cryptography-44.0.0-cp39-abi3-manylinux_2_28_x86_64.whl",
        "six-1.17.0-py2.py3-none-any.whl",
    ]
    assert pypi.installable_wheels(files[:2], (3, 10))[0]["filename"].endswith(
        "manylinux1_x86_64.whl"
    )


def test_is_pure_and_python_allowed() -> None:
    assert pypi.is_pure("six-1.17.0-py2.py3-none-any.whl")
    assert not pypi.is_pure("numpy-2.1.3-cp313-cp313-manylinux_2_17_x86_64.whl")
    assert pypi.python_allowed(">=3.10", (3, 13))
    assert not pypi.python_allowed(">=3.10,<3.13", (3, 13))
    assert pypi.python_allowed("not a specifier", (3, 13))
    assert pypi.python_allowed(None, (3, 13))


def test_pick_wheel_prefers_the_wanted_version_then_final_releases() -> None:
    project = {
        "releases": {
            "1.0": [_record("x-1.0-py3-none-any.whl")],
            "2.0": [_record("x-2.0-cp313-cp313-win_amd64.whl")],
            "3.0": [_record("x-3.0.tar.gz")],
            "4.0rc1": [_record("x-4.0rc1-py3-none-any.whl")],
        }
    }
    wanted = module_distributions.Wanted
    assert module_distributions.pick_wheel(project, wanted("x", "1.0", (3, 13)))[0] == "1.0"
    # No wheel for Colab: any wheel of that version says what it holds.
    picked = module_distributions.pick_wheel(project, wanted("x", "2.0+cpu", (3, 13)))
    assert picked[0] == "2.0" and picked[1]["filename"].endswith("win_amd64.whl")
    # No version wanted: the newest final release that has a wheel.
    assert module_distributions.pick_wheel(project, wanted("x", None, (3, 13)))[0] == "2.0"


def _tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_sdist_modules_from_top_level_txt_else_the_layout() -> None:
    with_metadata = _tar(
        {
            "gym-0.25.2/setup.py": b"",
            "gym-0.25.2/gym.egg-info/top_level.txt": b"gym\n",
            "gym-0.25.2/vendor/other.egg-info/top_level.txt": b"other\n",
        }
    )
    assert pypi.sdist_modules("gym-0.25.2.tar.gz", with_metadata) == ["gym"]
    layout = _tar(
        {
            "pygobject-3.48.2/meson.build": b"",
            "pygobject-3.48.2/gi/__init__.py": b"",
            "pygobject-3.48.2/gi/types.py": b"",
            "pygobject-3.48.2/src/pygtkcompat/__init__.py": b"",
            "pygobject-3.48.2/examples/demo.py": b"",
        }
    )
    assert pypi.sdist_modules("pygobject-3.48.2.tar.gz", layout) == ["gi", "pygtkcompat"]
    assert pypi.sdist_modules("empty-1.0.tar.gz", _tar({"empty-1.0/setup.py": b""})) is None
