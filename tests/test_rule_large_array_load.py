"""NBP303 needs real files beside the document: sparse ones, made with `os.truncate`, stand in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbport.api import fix_document
from nbport.catalog import catalog_dir, parse_entry
from nbport.documents import document_from_cells
from nbport.engine import check_document
from nbport.finding import FixSafety
from nbport.settings import DEFAULT_SETTINGS, RuleSettings

# One entry, read on its own: other entries of the catalog play no part here.
ENTRY = parse_entry(catalog_dir() / "NBP303-large-array-load.toml")
GIB = 1 << 30


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.truncate(path, size)
    return path


def check(
    cells: list[str],
    folder: Path,
    layout: str = "notebook",
    settings: RuleSettings = DEFAULT_SETTINGS,
):
    name = "notebook.ipynb" if layout == "notebook" else "script.py"
    document = document_from_cells(cells, layout, folder / name)
    return check_document(document, [ENTRY], settings)


def test_catalog_example_holds_once_the_file_exists(tmp_path: Path) -> None:
    """The catalog's bad example, with the 3.45 GB file of the seed post next to the notebook."""
    sparse(tmp_path / "X_train.npy", 3_450_000_000)
    (example,) = ENTRY.examples
    document = document_from_cells(example.bad, example.format, tmp_path / "example.ipynb")
    result = check_document(document, [ENTRY])
    assert [finding.start.label() for finding in result.findings] == list(example.findings)
    assert "is 3.5 GB" in result.findings[0].message
    outcome = fix_document(document, [ENTRY], unsafe=True)
    assert [unit.text for unit in outcome.document.units()] == list(example.fixed)
    assert fix_document(document, [ENTRY], unsafe=False).fixed == ()  # the fix is unsafe only


def test_small_and_missing_files_are_not_flagged(tmp_path: Path) -> None:
    sparse(tmp_path / "small.npy", GIB)  # exactly the threshold: not larger
    result = check(
        ["import numpy as np\na = np.load('small.npy')\nb = np.load('gone.npy')"], tmp_path
    )
    assert result.findings == ()


def test_path_resolves_from_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    sparse(tmp_path / "data" / "X.npy", 2 * GIB)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    result = check(["import numpy as np\nX = np.load('data/X.npy')"], notebooks)
    assert [finding.start.label() for finding in result.findings] == ["cell 1:2:5"]


def test_the_file_next_to_the_document_wins_over_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    sparse(tmp_path / "X.npy", 2 * GIB)
    notebooks = tmp_path / "notebooks"
    sparse(notebooks / "X.npy", 10)  # a small file of the same name beside the notebook
    assert check(["import numpy as np\nX = np.load('X.npy')"], notebooks).findings == ()


def test_no_repository_means_only_the_documents_folder(tmp_path: Path) -> None:
    sparse(tmp_path / "data" / "X.npy", 2 * GIB)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    result = check(["import numpy as np\nX = np.load('data/X.npy')"], notebooks)
    # tmp_path holds no `.git`; a repository further up (unlikely) would not hold data/X.npy.
    assert result.findings == ()


@pytest.mark.parametrize(
    ("source", "fixed"),
    [
        ('x = np.load("X.npy")', 'x = np.load("X.npy", mmap_mode="r")'),
        (
            "x = np.load(\n    'X.npy',\n)",
            "x = np.load(\n    'X.npy', mmap_mode='r',\n)",
        ),
        (
            "x = np.load(file='X.npy', allow_pickle=False)",
            "x = np.load(file='X.npy', allow_pickle=False, mmap_mode='r')",
        ),
        ("x = numpy.load(PATH)", 'x = numpy.load(PATH, mmap_mode="r")'),
        (
            "x = np.load(os.path.join('data', 'X.npy'))",
            "x = np.load(os.path.join('data', 'X.npy'), mmap_mode=\"r\")",
        ),
        ("x = npy.load('X.npy')", "x = npy.load('X.npy', mmap_mode='r')"),
        ("x = npload('X.npy')", "x = npload('X.npy', mmap_mode='r')"),
    ],
)
def test_shapes_and_fixes(tmp_path: Path, source: str, fixed: str) -> None:
    sparse(tmp_path / "X.npy", 2 * GIB)
    sparse(tmp_path / "data" / "X.npy", 2 * GIB)
    header = "import os\nimport numpy\nimport numpy as np\nimport numpy as npy\nfrom numpy import load as npload\nPATH = 'X.npy'\n"
    document = document_from_cells([header + source], "script", tmp_path / "script.py")
    result = check_document(document, [ENTRY])
    assert len(result.findings) == 1
    assert result.findings[0].fix is not None
    assert result.findings[0].fix.safety is FixSafety.UNSAFE
    outcome = fix_document(document, [ENTRY], unsafe=True)
    assert outcome.document.units()[0].text == header + fixed


def test_pickled_arrays_and_npz_are_reported_without_a_fix(tmp_path: Path) -> None:
    sparse(tmp_path / "objects.npy", 2 * GIB)
    sparse(tmp_path / "arrays.npz", 2 * GIB)
    result = check(
        [
            "import numpy as np\n"
            "a = np.load('objects.npy', allow_pickle=True)\n"
            "b = np.load('arrays.npz')"
        ],
        tmp_path,
    )
    assert [finding.start.label() for finding in result.findings] == ["cell 1:2:5", "cell 1:3:5"]
    assert all(finding.fix is None for finding in result.findings)
    assert ".npz" in result.findings[1].message


def test_not_flagged_shapes(tmp_path: Path) -> None:
    sparse(tmp_path / "X.npy", 2 * GIB)
    sparse(tmp_path / "folder.npy" / "inner", 2 * GIB)
    cells = [
        "import numpy as np\nimport torch\n"
        "a = np.load('X.npy', mmap_mode='r')\n"  # already mapped
        "b = torch.load('X.npy')\n"  # not numpy
        "c = np.load(f'{name}.npy')\n"  # not a literal
        "d = np.load('folder.npy')\n"  # a directory
        "def f():\n    p = 'X.npy'\n\nq = np.load(p)\n"  # bound in a function only
    ]
    assert check(cells, tmp_path).findings == ()


@pytest.mark.parametrize(
    ("cells", "where"),
    [
        (["import numpy as npy", "X = npy.load('X.npy')"], "cell 2:1:5"),
        (["import numpy as np\nnp2 = np", "X = np2.load('X.npy')"], "cell 2:1:5"),
        (["from numpy import load as read", "X = read('X.npy')"], "cell 2:1:5"),
        # `np` with no import of it in sight (`%pylab`, an import in a cell that does not parse)
        (["import numpy", "X = np.load('X.npy')"], "cell 2:1:5"),
    ],
)
def test_numpy_under_another_name_is_numpy(tmp_path: Path, cells: list[str], where: str) -> None:
    """Imports and plain aliases are the name resolver's: `np2 = np`, which the rule's own import
    tracking (before the kernel) missed, is numpy as much as `import numpy as npy` is."""
    sparse(tmp_path / "X.npy", 2 * GIB)
    assert [finding.start.label() for finding in check(cells, tmp_path).findings] == [where]


def test_the_threshold_is_an_option_a_configuration_can_set(tmp_path: Path) -> None:
    sparse(tmp_path / "X.npy", 10 * 1024 * 1024)
    cells = ["import numpy as np\nX = np.load('X.npy')"]
    assert check(cells, tmp_path).findings == ()
    settings = RuleSettings({"large-file-mb": 1})
    assert len(check(cells, tmp_path, settings=settings).findings) == 1


def test_sizes_are_read_with_a_stat_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sparse(tmp_path / "X.npy", 2 * GIB)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    result = check(["import numpy as np\nX = np.load('X.npy')"], tmp_path)
    assert len(result.findings) == 1
