"""NBP103: paths used as paths, machine tests, and one finding per literal with NBP101."""

from __future__ import annotations

import pytest

from nbport.catalog import catalog_dir, parse_entry
from nbport.documents import document_from_cells
from nbport.engine import check_document

RULES = catalog_dir()
ENTRY = parse_entry(RULES / "NBP103-laptop-absolute-path.toml")
WINDOWS_PATH = parse_entry(RULES / "NBP101-windows-path.toml")


def labels(cells: list[str], layout: str = "notebook", entries=(ENTRY,)) -> list[str]:
    result = check_document(document_from_cells(cells, layout), list(entries))
    assert result.errors == ()
    return [f"{finding.rule} {finding.start.label()}" for finding in result.findings]


def test_one_finding_per_literal_with_nbp101() -> None:
    cells = [
        "a = pd.read_csv('C:\\\\Users\\\\me\\\\a.csv')\n"  # backslashes: NBP101's
        "b = pd.read_csv('C:/Users/me/b.csv')\n"  # forward slashes: NBP103's
        "c = pd.read_csv('C:/Users/me\\\\c.csv')"  # starts with C:/, which NBP101 does not take
    ]
    assert labels(cells, entries=(ENTRY, WINDOWS_PATH)) == [
        "NBP101 cell 1:1:17",
        "NBP103 cell 1:2:17",
        "NBP103 cell 1:3:17",
    ]


@pytest.mark.parametrize(
    "source",
    [
        "p = Path('/Users/me/data') / 'train.csv'",
        "p = '/home/ubuntu/data/' + name",
        "files = ['/Users/me/a.png', 'b.png']",
        "model = VGG_16('/Users/gulli/vgg16_weights.h5')",
        "def load(root: str = '~/Downloads/data'):\n    return root",
        "DATA_DIR: str = 'D:/datasets/cifar'",
        "def root():\n    return '/Volumes/External/data'",
        "x = f'/Users/jeff/{name}.csv'",
        "load = lambda root='/Users/me/data': root",
        "copy(*['/Users/me/a.png'])",
        "x = '/Users/me/a' f'{name}.csv'",
    ],
)
def test_paths_used_as_paths(source: str) -> None:
    assert len(labels([source])) == 1, source


@pytest.mark.parametrize(
    "source",
    [
        "config = {'mountPath': '/home/jovyan/work'}",  # a container's volume, not opened here
        "if path == '/home/me/data':\n    pass",
        "assert not out.startswith('/Users/')",
        "'''Example: /Users/me/data'''",
        "sys.path.extend(['', '/Users/shlens/lib/python2.7'])",
        "if os.path.exists('/Users/me/data'):\n    DATA = '/Users/me/data'",
        "import socket\nif socket.gethostname() == 'laptop':\n    DATA = '/Users/me/data'",
        "if sys.platform == 'darwin':\n    DATA = '/Users/me/data'",
        "DATA = '/Users/me/data' if IS_LOCAL else 'data'",
        "x = 'C:' + '/temp'",  # the literal alone is no drive path
        "url = 'https://example.com/home/index.html'",
    ],
)
def test_not_flagged(source: str) -> None:
    assert labels([source]) == [], source


def test_path_magics() -> None:
    cells = ["%cd /Users/me/project", "%run ~/Desktop/train.py", "%cd data", "%ls /Users/me"]
    assert labels(cells) == ["NBP103 cell 1:1:1", "NBP103 cell 2:1:1"]


def test_magic_under_a_machine_test_is_not_flagged() -> None:
    assert labels(["if not IN_COLAB:\n    %cd /Users/me/project"]) == []
