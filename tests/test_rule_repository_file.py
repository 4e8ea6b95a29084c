"""NBP106 needs the notebook's repository on disk: small folders made in `tmp_path` stand in."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from nbport.catalog import catalog_dir, parse_entry
from nbport.documents import document_from_cells
from nbport.engine import check_document
from nbport.rules.repository import Repository

ENTRY = parse_entry(catalog_dir() / "NBP106-repository-file.toml")


def write(path: Path, text: str = "x\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def messages(cells: list[str], folder: Path, layout: str = "notebook") -> list[str]:
    name = "notebook.ipynb" if layout == "notebook" else "script.py"
    result = check_document(document_from_cells(cells, layout, folder / name), [ENTRY])
    assert result.errors == ()
    return [finding.message for finding in result.findings]


def test_a_data_file_of_the_repository(tmp_path: Path) -> None:
    write(tmp_path / "data" / "train.csv")
    (message,) = messages(["import pandas as pd\ndf = pd.read_csv('data/train.csv')"], tmp_path)
    assert message.startswith("`data/train.csv` is read from the notebook's repository")
    assert "`!git clone" in message


def test_a_path_the_repository_lacks_is_not_reported(tmp_path: Path) -> None:
    assert messages(["import pandas as pd\ndf = pd.read_csv('data/train.csv')"], tmp_path) == []


@pytest.mark.parametrize(
    "fetch",
    [
        "!git clone https://github.com/me/project",
        "!wget -q https://example.com/train.csv -P data",
        "from google.colab import files\nuploaded = files.upload()",
        "from google.colab import drive\ndrive.mount('/content/drive')",
        "import tensorflow as tf\npath = tf.keras.utils.get_file('train.csv', URL)",
        "!kaggle competitions download -c titanic",
        "%cd /content/project",
    ],
)
def test_a_notebook_that_fetches_its_files_is_left_alone(tmp_path: Path, fetch: str) -> None:
    write(tmp_path / "data" / "train.csv")
    write(tmp_path / "mylib.py")
    cells = [fetch, "import mylib\nimport numpy as np\nx = np.loadtxt('data/train.csv')"]
    assert messages(cells, tmp_path) == []


def test_writing_a_file_is_no_read(tmp_path: Path) -> None:
    write(tmp_path / "out.txt")
    assert messages(["f = open('out.txt', 'w')\ng = open('out.txt', mode='a')"], tmp_path) == []
    assert len(messages(["f = open('out.txt', 'r')"], tmp_path)) == 1


def test_scripts_are_not_checked(tmp_path: Path) -> None:
    write(tmp_path / "mylib.py")
    assert messages(["import mylib\n"], tmp_path, "script") == []


def test_an_installed_package_is_no_repository_file(tmp_path: Path) -> None:
    write(tmp_path / "mylib" / "__init__.py")
    assert messages(["%pip install mylib", "import mylib"], tmp_path) == []
    assert len(messages(["import mylib"], tmp_path)) == 1


def test_a_folder_above_is_the_repository_s_only_when_put_on_sys_path(tmp_path: Path) -> None:
    write(tmp_path / "mylib.py")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    assert messages(["import mylib"], notebooks) == []
    cells = ["import os, sys\nsys.path.insert(0, os.path.abspath('..'))", "import mylib"]
    (message,) = messages(cells, notebooks)
    assert message.startswith("`mylib` is the notebook's own `mylib.py`")


def test_the_clone_url_comes_from_the_git_remote(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("remote", "add", "origin", "https://github.com/someone/project.git")
    write(tmp_path / "lessons" / "one" / "helpers.py")
    (message,) = messages(["import helpers"], tmp_path / "lessons" / "one")
    assert (
        "`!git clone https://github.com/someone/project` and `%cd project/lessons/one`" in message
    )


def test_the_paths_looked_at_are_kept(tmp_path: Path) -> None:
    write(tmp_path / "data" / "a.csv")
    repository = Repository(tmp_path / "notebook.ipynb")
    assert repository.data_file("data/a.csv") == tmp_path / "data" / "a.csv"
    assert repository.data_file("/content/a.csv") is None  # absolute: not even looked at
    assert repository.own_module("nothing_here") is None
    assert repository.looked_at == [
        tmp_path / "data" / "a.csv",
        tmp_path / "nothing_here.py",
        tmp_path / "nothing_here",
    ]


def test_a_file_the_notebook_writes_before_reading_it_is_its_own_doing(tmp_path: Path) -> None:
    write(tmp_path / "features.npy")
    write(tmp_path / "data" / "clean.csv")
    cells = [
        "import numpy as np\nimport pandas as pd\nnp.save('features.npy', x)",
        "df.to_csv('data/clean.csv')",
        "x = np.load('features.npy')\ndf = pd.read_csv('data/clean.csv')",
    ]
    assert messages(cells, tmp_path) == []
    assert len(messages(["import numpy as np\nimport pandas as pd", cells[2]], tmp_path)) == 2
