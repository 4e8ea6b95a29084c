"""NBP205 tf1-install: which pip lines and which version specifiers are TF 1 only."""

from __future__ import annotations

import pytest
from conftest import finding_labels

from nbport.catalog import load_catalog
from nbport.rules.pip import specifier_only_below

ENTRY = load_catalog()["NBP205"]


def labels(code: str, layout: str = "notebook") -> list[str]:
    return finding_labels(ENTRY, [code], layout)


@pytest.mark.parametrize(
    ("spec", "bound", "only_older"),
    [
        ("==1.15", (2,), True),
        ("==1.*", (2,), True),
        ("==2.*", (2, 4), False),
        ("<2", (2,), True),
        ("<2.0", (2,), True),
        ("<2.1", (2,), False),
        (">=1.13,<2", (2,), True),
        (">=1.15", (2,), False),
        ("~=1.15", (2,), True),
        ("~=2.3", (2, 4), False),
        ("~=2.3.1", (2, 4), True),
        ("==2.2.4", (2, 4), True),
        ("==2.4.3", (2, 4), False),
        ("<=1.15.2", (2,), True),
        ("<=2.0", (2,), False),
        ("==1.15.0rc1", (2,), True),
        ("!=2.0", (2,), False),
        ("", (2,), False),
    ],
)
def test_version_specifiers(spec: str, bound: tuple[int, ...], only_older: bool) -> None:
    assert specifier_only_below(spec, bound) is only_older


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("!pip install tensorflow-gpu==1.15", ["cell 1:1:14"]),
        ("!pip3 install -U TensorFlow_GPU==1.14.0", ["cell 1:1:18"]),
        ("!sudo pip install tensorflow-cpu==1.15", ["cell 1:1:19"]),
        ("!{sys.executable} -m pip install keras==2.2.4", ["cell 1:1:34"]),
        ("!pip install 'keras<2.4'  # pinned for the old code", ["cell 1:1:15"]),
        ("x = !pip install tensorflow==1.15", ["cell 1:1:18"]),
        (
            "%pip install --upgrade -q keras==2.3.1 tensorflow==1.15.0",
            ["cell 1:1:27", "cell 1:1:40"],
        ),
        (
            "!pip3 freeze | grep tensorflow==1.13.1 || pip3 install tensorflow==1.13.1",
            ["cell 1:1:56"],
        ),
        # the one pip reader: options before `install`, wrappers, a `#` inside a word
        ("!pip -q install tensorflow==1.15", ["cell 1:1:17"]),
        ("!env PIP_NO_CACHE_DIR=1 nice pip install keras==2.2.4", ["cell 1:1:42"]),
        ("!pip install git+https://host/x.git#egg=x tensorflow==1.15", ["cell 1:1:43"]),
        ("!pip install -r tensorflow==1.15", []),
        ("!pip download tensorflow==1.15", []),
        ("!pip install tensorflow-hub==0.7.0 tensorflow==2.15", []),
        ("!conda install tensorflow=1.15", []),
        ("!echo tensorflow==1.15 >> requirements.txt", []),
    ],
)
def test_pip_lines(code: str, expected: list[str]) -> None:
    assert labels(code) == expected


def test_commented_lines_of_percent_scripts() -> None:
    assert labels("import os\n# !pip install tensorflow==1.15\n", "percent") == ["3:16"]
    # a requirement on a continuation line is pointed at where it is written
    assert labels("# !pip install -q \\\n#     tensorflow==1.15\n", "percent") == ["3:7"]
