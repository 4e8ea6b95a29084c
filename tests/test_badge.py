"""`nbport badge`: Colab's badge cell inserted or updated byte for byte, and `--check` in a clone."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import REPOSITORY, run_nbport

from nbport.badge import find_badge, with_badge
from nbport.colab import BADGE_IMAGE
from nbport.documents.notebook import NotebookDocument

URL = "https://colab.research.google.com/github/alice/course/blob/main/lessons/intro.ipynb"
HTML_BADGE = f'<a href="{URL}" target="_parent"><img src="{BADGE_IMAGE}" alt="Open In Colab"/></a>'


def colab_notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """A notebook with its keys in the order Colab writes them."""
    return {
        "nbformat": 4,
        "nbformat_minor": 0,
        "metadata": {
            "colab": {"provenance": []},
            "kernelspec": {"name": "python3", "display_name": "Python 3"},
        },
        "cells": cells,
    }


def colab_code(source: str) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"id": "c0de"},
        "outputs": [],
        "source": [source],
    }


COLAB_BADGE_CELL = {
    "cell_type": "markdown",
    "metadata": {"id": "view-in-github", "colab_type": "text"},
    "source": [HTML_BADGE],
}


def jupyter_notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """An nbformat 4.5 notebook, to be written with sorted keys as Jupyter does."""
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def jupyter_code(source: str) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "abc123",
        "metadata": {},
        "outputs": [],
        "source": [source],
    }


JUPYTER_BADGE_CELL = {
    "cell_type": "markdown",
    "id": "view-in-github",
    "metadata": {"colab_type": "text", "id": "view-in-github"},
    "source": [HTML_BADGE],
}


def colab_dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)  # Colab: no final newline


def jupyter_dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def one_line_ascii_dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=True)


STYLES = [
    pytest.param(colab_notebook, colab_code, COLAB_BADGE_CELL, colab_dumps, id="colab"),
    pytest.param(jupyter_notebook, jupyter_code, JUPYTER_BADGE_CELL, jupyter_dumps, id="jupyter"),
    pytest.param(
        colab_notebook, colab_code, COLAB_BADGE_CELL, one_line_ascii_dumps, id="one-line-ascii"
    ),
]


def document(tmp_path: Path, text: str) -> NotebookDocument:
    path = tmp_path / "intro.ipynb"
    path.write_text(text, encoding="utf-8")
    return NotebookDocument.load(path)


@pytest.mark.parametrize(("notebook", "code", "badge_cell", "dumps"), STYLES)
def test_insert_writes_the_cell_as_the_files_own_writer_would(
    tmp_path: Path, notebook, code, badge_cell, dumps
) -> None:
    cells = [code("print('héllo <b>')\n"), code("x = 1")]
    before = dumps(notebook(cells))
    doc = document(tmp_path, before)
    assert find_badge(doc) is None

    after = with_badge(doc, URL, None).dump().decode("utf-8")

    assert after == dumps(notebook([badge_cell, *cells]))
    # Only inserted bytes: the old text is the new text minus one contiguous span.
    start = next(i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
    inserted = len(after) - len(before)
    assert after[:start] + after[start + inserted :] == before
    again = NotebookDocument.from_bytes(doc.path, after.encode("utf-8"))
    assert find_badge(again).url == URL


@pytest.mark.parametrize(("notebook", "code", "badge_cell", "dumps"), STYLES)
def test_insert_into_a_notebook_with_one_cell(
    tmp_path: Path, notebook, code, badge_cell, dumps
) -> None:
    cells = [code("x = 1")]
    doc = document(tmp_path, dumps(notebook(cells)))
    after = with_badge(doc, URL, None).dump().decode("utf-8")
    assert after == dumps(notebook([badge_cell, *cells]))


@pytest.mark.parametrize(("notebook", "code", "badge_cell", "dumps"), STYLES)
def test_update_changes_only_the_urls_bytes(
    tmp_path: Path, notebook, code, badge_cell, dumps
) -> None:
    old = "https://colab.research.google.com/github/bob/course/blob/master/old%20name.ipynb"
    markdown = {**badge_cell, "source": ["# Intro\n", f"[![Open In Colab]({BADGE_IMAGE})]({old})"]}
    markdown["metadata"] = {}
    if "id" in badge_cell:
        markdown["id"] = "md1"
    cells = [markdown, code("x = 1")]
    before = dumps(notebook(cells))
    doc = document(tmp_path, before)
    found = find_badge(doc)
    assert found is not None and found.url == old

    after = with_badge(doc, URL, found).dump().decode("utf-8")

    assert after == before.replace(old, URL)


def test_update_of_an_html_badge_escapes_the_url(tmp_path: Path) -> None:
    old = "https://colab.research.google.com/github/bob/course/blob/master/a.ipynb"
    cell = {**COLAB_BADGE_CELL, "source": [HTML_BADGE.replace(URL, old)]}
    before = colab_dumps(colab_notebook([cell]))
    doc = document(tmp_path, before)
    new = URL.replace("intro", "a&b")
    after = with_badge(doc, new, find_badge(doc)).dump().decode("utf-8")
    assert after == before.replace(old, new.replace("&", "&amp;"))


def test_a_badge_to_another_notebook_is_not_this_notebooks_own(tmp_path: Path) -> None:
    other = URL.replace("intro", "next-lesson")
    markdown = {
        "cell_type": "markdown",
        "metadata": {},
        "source": [f"Next: [![Open In Colab]({BADGE_IMAGE})]({other})"],
    }
    doc = document(tmp_path, colab_dumps(colab_notebook([colab_code("x = 1"), markdown])))
    assert find_badge(doc) is None
    # Before any code, in the header, it is the notebook's own badge, left from before a rename.
    doc = document(tmp_path, colab_dumps(colab_notebook([markdown, colab_code("x = 1")])))
    assert find_badge(doc).url == other


# --- The command, in a real clone --------------------------------------------------------------


def nbport_in(clone: Path, *args: str):
    """`nbport ARGS` run inside `clone`, with this checkout's package importable."""
    return run_nbport(*args, cwd=clone, env={"PYTHONPATH": str(REPOSITORY)})


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "course"
    (root / "lessons").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", "git@github.com:alice/course.git")
    (root / "lessons" / "intro.ipynb").write_text(
        colab_dumps(colab_notebook([colab_code("x = 1")])), encoding="utf-8"
    )
    (root / "lessons" / "more.ipynb").write_text(
        jupyter_dumps(jupyter_notebook([jupyter_code("y = 2")])), encoding="utf-8"
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "lessons")
    return root


def test_badge_adds_then_changes_nothing(clone: Path) -> None:
    check = nbport_in(clone, "badge", "--check", "lessons")
    assert check.returncode == 1
    assert "lessons/intro.ipynb: no Open In Colab badge" in check.stdout
    assert "lessons/more.ipynb: no Open In Colab badge" in check.stdout

    added = nbport_in(clone, "badge", "lessons")
    assert added.returncode == 0, added.stderr
    assert f"lessons/intro.ipynb: badge added ({URL})" in added.stdout
    written = {path: path.read_bytes() for path in (clone / "lessons").iterdir()}

    again = nbport_in(clone, "badge", "lessons")
    assert (again.returncode, again.stdout) == (0, "")
    assert {path: path.read_bytes() for path in (clone / "lessons").iterdir()} == written
    assert nbport_in(clone, "badge", "--check", "lessons").returncode == 0


def test_check_fails_after_git_mv_and_passes_after_badge(clone: Path) -> None:
    assert nbport_in(clone, "badge", "lessons").returncode == 0
    git(clone, "commit", "-q", "-am", "badges")
    git(clone, "mv", "lessons/intro.ipynb", "lessons/01-intro.ipynb")

    check = nbport_in(clone, "badge", "--check", ".")
    assert check.returncode == 1
    assert check.stdout.splitlines() == [
        f"lessons/01-intro.ipynb: badge opens {URL}, not {URL.replace('intro', '01-intro')}"
    ]
    before = (clone / "lessons" / "01-intro.ipynb").read_bytes()

    updated = nbport_in(clone, "badge", ".")
    assert updated.returncode == 0, updated.stderr
    after = (clone / "lessons" / "01-intro.ipynb").read_bytes()
    assert after == before.replace(b"/intro.ipynb", b"/01-intro.ipynb")
    assert nbport_in(clone, "badge", "--check", ".").returncode == 0


def test_check_names_a_wrong_branch_or_fork(clone: Path) -> None:
    assert nbport_in(clone, "badge", "lessons/intro.ipynb").returncode == 0
    wrong_ref = nbport_in(clone, "badge", "--check", "--ref", "dev", "lessons/intro.ipynb")
    assert wrong_ref.returncode == 1
    assert "/blob/dev/lessons/intro.ipynb" in wrong_ref.stdout
    fork = nbport_in(clone, "badge", "--check", "--remote", "carol/course", "lessons")
    assert fork.returncode == 1
    assert "github/carol/course/blob/main" in fork.stdout


def test_markdown_readme_with_a_stale_colab_link_fails(clone: Path) -> None:
    good = URL
    stale = URL.replace("intro", "old-intro")
    elsewhere = "https://colab.research.google.com/github/bob/other/blob/main/x.ipynb"
    (clone / "README.md").write_text(
        f"# Course\n\n[![Open In Colab]({BADGE_IMAGE})]({good})\n\n"
        f'Old: <a href="{stale}">lesson</a>\n\nSee also [x]({elsewhere}).\n',
        encoding="utf-8",
    )
    check = nbport_in(clone, "badge", "--check", "README.md")
    assert check.returncode == 1
    assert check.stdout.splitlines() == [
        f"README.md:5: Colab link {stale}: no notebook lessons/old-intro.ipynb on main"
    ]
    (clone / "README.md").write_text(f"[open]({good})\n", encoding="utf-8")
    assert nbport_in(clone, "badge", "--check", ".").returncode == 1  # badges missing
    assert nbport_in(clone, "badge", "--check", "README.md").returncode == 0


def test_errors_exit_2_with_one_line(clone: Path, tmp_path: Path) -> None:
    (clone / "broken.ipynb").write_text("{not json", encoding="utf-8")
    result = nbport_in(clone, "badge", "broken.ipynb", "missing.ipynb")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("broken.ipynb: error: invalid JSON")
    assert lines[1] == "missing.ipynb: error: no such file or directory"
    assert (clone / "broken.ipynb").read_text(encoding="utf-8") == "{not json"
