"""Colab's runtimes as data: `nbport.runtime` over the shipped table, and `tools/colab_runtime.py`
that makes it (its readers on small texts; the whole table against `../shared/colab-runtime`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPOSITORY, SHARED, load_tool, require_shared

from nbport import runtime
from nbport.runtime import (
    RUNTIME_PATH,
    UnknownRuntimeError,
    load_runtime,
    normalize,
    runtime_names,
)

colab_runtime = load_tool("colab_runtime")


# -- the shipped table: known facts


def test_latest_is_python_3_13_with_tensorflow_2_20_numpy_2_1_keras_3_13() -> None:
    latest = load_runtime()
    assert latest.name == "latest"
    assert latest.python == (3, 13)
    assert latest.version_of("tensorflow") == "2.20.0"
    assert (latest.version_of("numpy") or "").startswith("2.1.")
    assert (latest.version_of("keras") or "").startswith("3.13.")
    assert latest.date == "2026-08-19"
    assert latest.commit == "a72407924822"


def test_past_runtimes_have_their_own_python_and_packages() -> None:
    assert runtime_names() == ("latest", "2026.07", "2026.04", "2026.01", "2025.10", "2025.07")
    old = load_runtime("2025.07")
    assert old.python == (3, 11)
    assert old.version_of("tensorflow") == "2.18.0"
    assert old.commit.startswith("ef1cba030a9f")
    assert load_runtime("2026.07").python == (3, 12)


def test_unknown_runtime_names_the_known_ones() -> None:
    with pytest.raises(UnknownRuntimeError, match=r"'2024\.01'.*latest, 2026\.07"):
        load_runtime("2024.01")


def test_kinds_differ_tpu_has_no_tensorflow_gpu_has_cuda_torch() -> None:
    latest = load_runtime()
    assert latest.kinds == ("cpu", "gpu", "tpu")
    assert latest.provides("tensorflow", "cpu")
    assert not latest.provides("tensorflow", "tpu")
    assert latest.version_of("torch") == "2.11.0+cpu"
    assert (latest.version_of("torch", "gpu") or "").endswith("+cu128")
    assert latest.provides("jax", "tpu")


def test_a_kind_without_its_own_list_uses_the_cpu_list() -> None:
    old = load_runtime("2025.07")
    assert "gpu" not in old.kinds
    assert old.version_of("torch", "gpu") == old.version_of("torch") == "2.6.0+cu124"


def test_names_are_compared_as_pep_503_says() -> None:
    latest = load_runtime()
    assert normalize("Scikit_Learn") == "scikit-learn"
    assert latest.version_of("Scikit_Learn") == latest.version_of("scikit-learn") is not None
    assert latest.provides("array_record")


def test_a_package_installed_from_git_is_provided_without_a_version() -> None:
    latest = load_runtime()
    assert latest.provides("jupyter_kernel_gateway")
    assert latest.version_of("jupyter_kernel_gateway") is None


def test_describe_names_a_package_as_messages_do() -> None:
    latest = load_runtime()
    assert latest.describe("tensorflow") == "TensorFlow 2.20"
    assert latest.describe("numpy", full=True) == "NumPy 2.1.3"
    assert latest.describe("torch", "gpu") == "PyTorch 2.11"
    assert latest.describe("tensorflow", "tpu") is None
    assert latest.describe("jupyter-kernel-gateway") == "jupyter-kernel-gateway"
    assert latest.describe_python() == "Python 3.13"
    assert latest.label == "Colab's runtime"
    assert load_runtime("2025.07").label == "Colab's 2025.07 runtime"


# -- the shipped table: shape


def test_the_table_is_dated_and_each_runtime_complete() -> None:
    table = json.loads(RUNTIME_PATH.read_text(encoding="utf-8"))
    assert table["generated_by"] == "tools/colab_runtime.py"
    assert table["tool_version"] == colab_runtime.TOOL_VERSION
    assert table["upstream_date"] == runtime.table_date() == "2026-08-19"
    for entry in table["runtimes"]:
        assert set(entry) <= {"name", "commit", "date", "python", "os", "cpu", "gpu", "tpu"}
        assert len(entry["cpu"]) > 500
        assert list(entry["cpu"]) == sorted(entry["cpu"])
        assert all(normalize(name) == name for name in entry["cpu"])
        for kind in ("gpu", "tpu"):
            if kind in entry:
                assert set(entry[kind]) == {"changed", "removed"}


def test_the_table_is_what_the_tool_makes_of_the_shared_copy() -> None:
    source = require_shared(SHARED / "colab-runtime")
    made = colab_runtime.dump(colab_runtime.build_table(source))
    assert made == RUNTIME_PATH.read_text(encoding="utf-8"), (
        "the shipped table is out of date: python tools/colab_runtime.py"
        " ../shared/colab-runtime nbport/data/colab_runtime.json"
    )


def test_importing_the_module_reads_no_table() -> None:
    code = (
        "import nbport.runtime as r, sys; "
        "print(r._runtime_table.cache_info().currsize, r._module_table.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPOSITORY
    )
    assert result.stdout.split() == ["0", "0"]


# -- the tool's readers


def test_parse_freeze_reads_pins_and_direct_references() -> None:
    text = (
        "# a comment\n"
        "absl-py==1.4.0\n"
        "Array_Record==0.8.3\n"
        "torch @ https://download.pytorch.org/whl/cpu/torch-2.11.0%2Bcpu-cp313-cp313-manylinux_2_28_x86_64.whl\n"
        "google-colab @ file:///colabtools/dist/google_colab-1.0.0.tar.gz\n"
        "jupyter_kernel_gateway @ git+https://github.com/googlecolab/kernel_gateway@b134e99\n"
    )
    assert colab_runtime.parse_freeze(text) == {
        "absl-py": "1.4.0",
        "array-record": "0.8.3",
        "google-colab": "1.0.0",
        "jupyter-kernel-gateway": None,
        "torch": "2.11.0+cpu",
    }


def test_parse_freeze_refuses_a_line_it_cannot_read() -> None:
    with pytest.raises(colab_runtime.RuntimeDataError, match="line 1"):
        colab_runtime.parse_freeze("-e /src/thing\n")


def test_parse_os_info_and_history_and_readme() -> None:
    info = "# generated\nUbuntu 22.04.5 LTS\nPython 3.13.15\nR version 4.6.1\n"
    assert colab_runtime.parse_os_info(info) == {"os": "Ubuntu 22.04.5 LTS", "python": "3.13.15"}
    history = (
        "date\tcommit\tpython\tnumpy\n2026-08-19\tabc\t3.13.15\t2.1.3\n2026-08-14\tdef\t?\t2.0.2\n"
    )
    rows = colab_runtime.parse_history(history)
    assert rows[0] == {"date": "2026-08-19", "commit": "abc", "python": "3.13.15", "numpy": "2.1.3"}
    readme = (
        "## Colab's Past Runtime Versions\n\n### 2026.07\n\n*   Python 3.12.13\n*   numpy 2.0.2\n"
        "*   PyTorch 2.11.0\n*   TensorFlow 2.20.0 (not included in TPU runtimes)\n"
        f"[GitHub commit](https://github.com/googlecolab/backend-info/tree/{'e' * 40}).\n"
    )
    assert colab_runtime.parse_upstream_readme(readme) == {
        "2026.07": {
            "python": "3.12.13",
            "numpy": "2.0.2",
            "torch": "2.11.0",
            "tensorflow": "2.20.0",
            "commit": "e" * 40,
        }
    }


def test_difference_keeps_what_a_kind_changes() -> None:
    cpu = {"a": "1", "b": "2", "c": None}
    gpu = {"a": "1", "b": "3", "d": "4"}
    assert colab_runtime.difference(cpu, gpu) == {"changed": {"b": "3", "d": "4"}, "removed": ["c"]}


def _write_runtime(folder: Path, python: str, freeze: str, **kinds: str) -> None:
    folder.mkdir(parents=True)
    (folder / "os-info.txt").write_text(f"Ubuntu 22.04.5 LTS\nPython {python}\n")
    (folder / "pip-freeze.txt").write_text(freeze)
    for kind, text in kinds.items():
        (folder / f"pip-freeze.{kind}.txt").write_text(text)


def test_build_table_on_a_small_copy(tmp_path: Path) -> None:
    _write_runtime(
        tmp_path / "latest", "3.13.1", "numpy==2.1.3\ntensorflow==2.20.0\n", tpu="numpy==2.1.3\n"
    )
    _write_runtime(tmp_path / "versions" / "2025.07", "3.11.13", "numpy==2.0.2\n")
    (tmp_path / "history.tsv").write_text(
        "date\tcommit\tpython\tnumpy\ttensorflow\n2026-08-19\tabc123\t3.13.1\t2.1.3\t2.20.0\n"
    )
    (tmp_path / "upstream-README.md").write_text(
        f"### 2025.07\n\n*   Python 3.11.13\n*   numpy 2.0.2\n/tree/{'f' * 40}\n"
    )
    table = colab_runtime.build_table(tmp_path)
    latest, old = table["runtimes"]
    assert (latest["name"], latest["commit"], latest["date"]) == ("latest", "abc123", "2026-08-19")
    assert latest["tpu"] == {"changed": {}, "removed": ["tensorflow"]}
    assert "gpu" not in latest
    assert (old["name"], old["commit"], old["date"], old["python"]) == (
        "2025.07",
        "f" * 40,
        None,
        "3.11.13",
    )


def test_build_table_refuses_a_latest_newer_than_its_history(tmp_path: Path) -> None:
    _write_runtime(tmp_path / "latest", "3.13.1", "numpy==2.2.0\n")
    (tmp_path / "versions").mkdir()
    (tmp_path / "history.tsv").write_text(
        "date\tcommit\tpython\tnumpy\n2026-08-19\tabc\t3.13.1\t2.1.3\n"
    )
    (tmp_path / "upstream-README.md").write_text("")
    with pytest.raises(colab_runtime.RuntimeDataError, match=r"numpy 2\.1\.3 != 2\.2\.0"):
        colab_runtime.build_table(tmp_path)


def test_build_table_refuses_versions_the_readme_contradicts(tmp_path: Path) -> None:
    _write_runtime(tmp_path / "latest", "3.13.1", "numpy==2.1.3\n")
    _write_runtime(tmp_path / "versions" / "2025.07", "3.11.13", "numpy==2.0.2\n")
    (tmp_path / "history.tsv").write_text(
        "date\tcommit\tpython\tnumpy\n2026-08-19\tabc\t3.13.1\t2.1.3\n"
    )
    (tmp_path / "upstream-README.md").write_text(
        f"### 2025.07\n\n*   Python 3.12.1\n/tree/{'f' * 40}\n"
    )
    with pytest.raises(colab_runtime.RuntimeDataError, match=r"python 3\.12\.1 != 3\.11\.13"):
        colab_runtime.build_table(tmp_path)
