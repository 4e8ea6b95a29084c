"""NBP006 pip-no-wheel: which pinned pip installs have no wheel for the targeted runtime's Python,
what the finding says, and its border with NBP205 (tf1-install)."""

from __future__ import annotations

import pytest

from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.engine import check_document
from nbport.settings import RuleSettings
from nbport.wheel_index import index_date, index_pythons, releases

CATALOG = load_catalog()
NO_WHEEL = CATALOG["NBP006"]
TF1_INSTALL = CATALOG["NBP205"]


def findings(cells: list[str], runtime: str = "latest", layout: str = "notebook") -> list[str]:
    """`NBP006 cell 1:1:14`, ... for NBP006 and NBP205 run together on `cells`."""
    result = check_document(
        document_from_cells(cells, layout),
        [NO_WHEEL, TF1_INSTALL],
        RuleSettings(colab_runtime=runtime),
    )
    assert result.errors == ()
    return [f"{finding.rule} {finding.start.label()}" for finding in result.findings]


def messages(line: str, runtime: str = "latest") -> list[str]:
    result = check_document(
        document_from_cells([line], "notebook"), [NO_WHEEL], RuleSettings(colab_runtime=runtime)
    )
    return [finding.message for finding in result.findings]


# -- one cause, one finding: TF 1 pins are NBP205's, other pins with no wheel NBP006's


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("!pip install tensorflow==1.15", ["NBP205 cell 1:1:14"]),
        ("%pip install tensorflow-gpu==1.15.0", ["NBP205 cell 1:1:14"]),
        ("%pip install 'tensorflow>=1.13,<2'", ["NBP205 cell 1:1:15"]),
        ("%pip install tensorflow-cpu~=1.15", ["NBP205 cell 1:1:14"]),
        ("%pip install keras==2.2.4", ["NBP205 cell 1:1:14"]),
        ("%pip install tensorflow==2.15.1", ["NBP006 cell 1:1:14"]),
        ("%pip install tensorflow-gpu==2.4.0", ["NBP006 cell 1:1:14"]),
        (
            "%pip install tensorflow==1.15.2 torch==1.4.0",
            ["NBP205 cell 1:1:14", "NBP006 cell 1:1:33"],
        ),
        ("%pip install tensorflow==2.20.0 keras==3.13.0", []),
    ],
)
def test_tf1_pins_are_nbp205s_and_the_others_nbp006s(line: str, expected: list[str]) -> None:
    assert sorted(findings([line])) == sorted(expected)


def test_tf1_has_no_wheel_for_any_colab_python() -> None:
    """What NBP205's message states, and why NBP006 loses nothing by leaving TF 1 to it."""
    for name in ("tensorflow", "tensorflow-gpu", "tensorflow-cpu"):
        for python in index_pythons():
            tf1 = [status.value for version, status in releases(name, python) if version < "2"]
            assert tf1 and set(tf1) == {"-"}, (name, python)


# -- the Python is the targeted runtime's


def test_a_pin_that_installs_on_a_past_runtime_is_clean_there() -> None:
    line = "%pip install tensorflow==2.15.1 pandas==1.5.3"
    assert findings([line]) == ["NBP006 cell 1:1:14", "NBP006 cell 1:1:33"]
    # 2025.07 runs Python 3.11: TensorFlow 2.15.1 and pandas 1.5.3 have wheels for it
    assert findings([line], runtime="2025.07") == []
    # torch 1.9.0 has a wheel for none of Colab's Pythons
    assert findings(["%pip install torch==1.9.0"], runtime="2025.07") == ["NBP006 cell 1:1:14"]


def test_the_message_names_the_pin_the_python_what_works_and_the_date() -> None:
    (torch,) = messages("!pip install torch==1.9.0")
    assert torch.startswith(
        "`torch==1.9.0`: no release matching it has a wheel for Python 3.13 (Colab's runtime), "
        "nor a source pip could build there, so the install fails; torch has one from 2.5.0 to "
    )
    assert "Colab's runtime has PyTorch 2.11 installed" in torch
    assert "runtime (Python 3." not in torch  # no past runtime installs torch 1.9.0
    assert torch.endswith(f"(PyPI as of {index_date()})")
    (old,) = messages("!pip install torch==1.9.0", runtime="2025.07")
    assert "for Python 3.11 (Colab's 2025.07 runtime)" in old
    assert "Colab's 2025.07 runtime has PyTorch 2.6 installed" in old


def test_a_compiled_sdist_made_for_older_pythons_is_named() -> None:
    (numpy,) = messages("%pip install 'numpy<2.1'")
    assert numpy.startswith(
        "`numpy<2.1`: no release matching it has a wheel for Python 3.13 (Colab's runtime); pip "
        "would compile numpy 2.0.2 from source, a release with wheels up to Python 3.12 only; "
        "numpy has one from 2.1.0 to "
    )
    assert "Colab's runtime has NumPy 2.1 installed" in numpy
    assert "Colab's 2026.07 runtime (Python 3.12) installs it as written" in numpy
    (old,) = messages("%pip install numpy==1.23.5")
    assert (
        "pip would compile numpy 1.23.5 from source, a release with wheels up to Python 3.11" in old
    )
    assert "Colab's 2025.07 runtime (Python 3.11) installs it as written" in old


def test_a_distribution_colab_lacks_is_named_without_an_installed_version() -> None:
    (message,) = messages("%pip install onnxruntime==1.4.0")
    assert "has onnxruntime" not in message and "installed" not in message
    assert "onnxruntime has one from " in message


# -- what the index cannot say is never reported


@pytest.mark.parametrize(
    "line",
    [
        "%pip install torch",  # unpinned
        "%pip install 'torch>=1.0'",  # no upper bound: the newest release may be newer than the index
        "%pip install 'torch!=1.9.0'",
        "%pip install torch==2.5.1",
        "%pip install 'numpy>=2.0,<2.2'",  # 2.1.x has wheels
        "%pip install pandas~=2.2.0",  # 2.2.3 has wheels
        "%pip install torch==99.0 nbport-not-a-package==1.0",  # unknown release, distribution
        "%pip install torch=={version}",  # IPython fills it in
        "%pip install torch==$TORCH",
        "%pip install 'torch==1.9.0; python_version < \"3.10\"'",  # a marker: may not apply
        "%pip install torch==1.9.0 --index-url https://download.pytorch.org/whl/cu111",
        "%pip install torch==1.9.0 --extra-index-url=https://download.pytorch.org/whl/cu111",
        "%pip install --no-index --find-links wheels/ torch==1.9.0",
        "%pip download torch==1.9.0 --python-version 3.8 --only-binary=:all: -d wheels",
        "%pip install --target libs --python-version 3.8 torch==1.9.0",
        "%pip download torch==1.9.0",
        "%pip uninstall -y torch==1.9.0",
        "%conda install pytorch==1.9.0",
        "%pip install -r requirements.txt",
        "%pip install matplotlib==3.2.2",  # compiled sdist, wheels only for Pythons before 3.11
        "%pip install imageio==2.4.0",  # an sdist the index cannot tell compiled from pure
        "%pip install html5lib==0.99999999",  # a pure-Python sdist builds anywhere
        "x = 'pip install torch==1.9.0'",
    ],
)
def test_what_the_index_cannot_say_is_not_reported(line: str) -> None:
    assert findings([line]) == []


def test_pre_releases_count_as_pip_counts_them() -> None:
    # On Python 3.13 the first tensorflow with a wheel is 2.20.0rc0; no final release below 2.20.
    pre = [
        version
        for version, status in releases("tensorflow", "3.13")
        if "rc" in version and status.value == "w"
    ]
    assert pre[0] == "2.20.0rc0"
    assert findings(["%pip install 'tensorflow<2.20'"]) == ["NBP006 cell 1:1:15"]
    # `<2.20` never admits a pre-release of 2.20 (PEP 440), not even with `--pre`
    assert findings(["%pip install --pre 'tensorflow<2.20'"]) == ["NBP006 cell 1:1:21"]
    # a pin naming a pre-release admits it
    assert findings(["%pip install tensorflow==2.20.0rc0"]) == []


def test_places_in_scripts_and_commented_escapes() -> None:
    script = "import os\n# !pip install -q \\\n#     torch==1.9.0 'numpy<2.1'\n"
    assert findings([script], layout="percent") == ["NBP006 4:7", "NBP006 4:21"]  # in the quotes
    assert findings(["!sudo -H pip3 install torch==1.9.0 && python train.py"]) == [
        "NBP006 cell 1:1:23"
    ]
    assert findings(["pip install torch==1.9.0"]) == ["NBP006 cell 1:1:13"]  # automagic


# -- NBP205 reads its versions from the runtime table


def test_nbp205_names_the_targeted_runtimes_python_and_tensorflow() -> None:
    def tf1_messages(line: str, runtime: str) -> list[str]:
        document = document_from_cells([line], "notebook")
        result = check_document(document, [TF1_INSTALL], RuleSettings(colab_runtime=runtime))
        return [finding.message for finding in result.findings]

    assert tf1_messages("!pip install tensorflow==1.15", "latest") == [
        "`tensorflow==1.15` asks for TensorFlow 1, which has no wheel for Python 3.13 (Colab's "
        "runtime): the install fails; use the TensorFlow 2.20 it has installed, porting TF 1 "
        "code with `tf.compat.v1`"
    ]
    (old,) = tf1_messages("!pip install tensorflow-gpu==1.15", "2025.07")
    assert "no wheel for Python 3.11 (Colab's 2025.07 runtime)" in old
    assert "use the TensorFlow 2.18 it has installed" in old
    assert tf1_messages("%pip install keras==2.2.4", "latest") == [
        "`keras==2.2.4` installs a multi-backend Keras from before 2.4, which replaces the Keras "
        "3.13 of Colab's runtime and fails at `import keras` with its TensorFlow 2.20: drop it "
        "and use `from tensorflow import keras`"
    ]
