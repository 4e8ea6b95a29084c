"""NBP105 beyond its catalog examples: the pinned runtime's Python, the notebook's own modules on
disk, and the ways a file installs what it imports."""

from __future__ import annotations

from pathlib import Path

from nbport.catalog import catalog_dir, parse_entry
from nbport.documents import document_from_cells
from nbport.engine import check_document
from nbport.rules.installs import document_installs
from nbport.rules.stdlib import in_standard_library, removed
from nbport.runtime import load_runtime
from nbport.settings import DEFAULT_SETTINGS, RuleSettings

ENTRY = parse_entry(catalog_dir() / "NBP105-missing-package.toml")


def messages(
    cells: list[str], folder: Path, settings: RuleSettings = DEFAULT_SETTINGS
) -> list[str]:
    document = document_from_cells(cells, "notebook", folder / "notebook.ipynb")
    result = check_document(document, [ENTRY], settings)
    assert result.errors == ()
    return [finding.message for finding in result.findings]


def test_the_message_names_the_module_the_runtime_and_the_distribution(tmp_path: Path) -> None:
    (message,) = messages(["import skopt"], tmp_path)
    assert message.startswith("`skopt` is not installed on Colab's runtime")
    assert "`%pip install scikit-optimize`" in message


def test_a_pinned_runtime_is_named(tmp_path: Path) -> None:
    (message,) = messages(["import skopt"], tmp_path, RuleSettings(colab_runtime="2025.07"))
    assert "Colab's 2025.07 runtime" in message


def test_modules_removed_in_python_3_12_are_fine_on_a_runtime_of_python_3_11(
    tmp_path: Path,
) -> None:
    assert load_runtime("2025.07").python == (3, 11)
    assert (
        messages(["import imp\nimport asyncore"], tmp_path, RuleSettings(colab_runtime="2025.07"))
        == []
    )
    latest = messages(["import imp\nimport asyncore"], tmp_path)
    assert len(latest) == 2
    assert "Python 3.12 and later have no `imp`" in latest[0]
    assert "`%pip install standard-asyncore`" in latest[1]


def test_a_module_beside_the_notebook_is_its_own_not_a_package(tmp_path: Path) -> None:
    # `gensim` is a PyPI package Colab lacks, but here the notebook's folder holds one of that name.
    (tmp_path / "gensim.py").write_text("x = 1\n")
    assert messages(["import gensim"], tmp_path) == []
    package = tmp_path / "sub" / "patchify"
    package.mkdir(parents=True)
    assert messages(["import patchify"], tmp_path / "sub") == []
    assert messages(["import patchify"], tmp_path) != []


def test_a_module_one_folder_up_counts_as_the_repository_s(tmp_path: Path) -> None:
    (tmp_path / "gensim.py").write_text("x = 1\n")
    (tmp_path / "notebooks").mkdir()
    assert (
        messages(["import sys\nsys.path.append('..')\nimport gensim"], tmp_path / "notebooks") == []
    )


def test_installs_read_from_every_kind_of_pip_line() -> None:
    cells = [
        "%%bash\npip install patchify",
        "import os\nos.system('pip install -q gensim==4.3')",
        "!python3 -m pip install --upgrade scikit-optimize && echo done",
    ]
    document = document_from_cells(cells, "notebook")
    installs = document_installs(document.units())
    assert installs.distributions == {"patchify", "gensim", "scikit-optimize"}
    assert not installs.anything
    runtime = load_runtime()
    assert installs.provide("skopt.space", runtime)  # scikit-optimize provides skopt


def test_installing_from_a_file_or_a_url_installs_anything() -> None:
    for line in (
        "!pip install -e .",
        "!pip install git+https://github.com/matterport/Mask_RCNN",
        "!pip install ./dist/lib-1.0-py3-none-any.whl",
        "!conda install -y -c conda-forge rdkit",
        "!python setup.py install",
    ):
        installs = document_installs(document_from_cells([line], "notebook").units())
        assert installs.anything, line


def test_a_commented_pip_line_installs_nothing_in_a_notebook_but_does_in_a_percent_script(
    tmp_path: Path,
) -> None:
    assert len(messages(["# !pip install gensim", "import gensim"], tmp_path)) == 1
    document = document_from_cells(["# !pip install gensim", "import gensim"], "percent")
    assert check_document(document, [ENTRY]).findings == ()


def test_an_install_of_a_package_colab_ships_brings_nothing_new(tmp_path: Path) -> None:
    # Upgrading Colab's own TensorFlow is no reason to think `gensim` came with it.
    assert len(messages(["%pip install -U tensorflow", "import gensim"], tmp_path)) == 1
    assert messages(["%pip install sagemaker", "import boto3"], tmp_path) == []


def test_the_standard_library_of_the_runtime_s_python() -> None:
    assert in_standard_library("tomllib", (3, 13)) or removed("tomllib", (3, 13)) is None
    assert in_standard_library("imp", (3, 11)) and not in_standard_library("imp", (3, 12))
    assert not in_standard_library("cgi", (3, 13)) and in_standard_library("cgi", (3, 12))
    gone = removed("urllib2", (3, 13))
    assert gone is not None and gone.use == "`urllib.request`"
    assert removed("os", (3, 13)) is None


def test_a_removed_standard_module_comes_back_only_with_its_backport(tmp_path: Path) -> None:
    # Installing a package Colab lacks may bring a dependency along, but never `imp` back.
    assert len(messages(["%pip install sagemaker", "import imp"], tmp_path)) == 1
    assert messages(["%pip install standard-telnetlib", "import telnetlib"], tmp_path) == []
