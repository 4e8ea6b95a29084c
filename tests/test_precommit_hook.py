"""The pre-commit hooks work under the real pre-commit, as a user's `.pre-commit-config.yaml` runs them.

`pre-commit try-repo` clones a hook repository and installs it into its own virtual environment
with pip, exactly as for a user. It clones the committed tree, so the test first commits a snapshot
of this checkout's working tree (tracked and new files, as git lists them) into a temporary
repository: the hooks under test are the ones on disk, committed or not. Needs git and the package
index that pip uses (nbport's dependencies are installed from it); nothing else from the network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import BAD_NOTEBOOK, REPOSITORY, installed_tool

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "nbport tests",
    "GIT_AUTHOR_EMAIL": "tests@nbport.invalid",
    "GIT_COMMITTER_NAME": "nbport tests",
    "GIT_COMMITTER_EMAIL": "tests@nbport.invalid",
}


def git(*args: str, cwd: Path) -> str:
    """Run git with a fixed identity and no signing, whatever the user's git configuration says."""
    completed = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env={**os.environ, **GIT_IDENTITY},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, f"git {' '.join(args)}: {completed.stderr}"
    return completed.stdout


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-commit git repository holding this checkout's working tree (what git would ship)."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPOSITORY)
    snapshot = tmp_path_factory.mktemp("nbport-hook-repo")
    for relative in filter(None, listed.split("\0")):
        source = REPOSITORY / relative
        if source.is_file():  # a tracked file deleted in the working tree is not shipped
            destination = snapshot / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    assert (snapshot / ".pre-commit-hooks.yaml").is_file()
    git("init", "--quiet", cwd=snapshot)
    git("add", "--all", cwd=snapshot)
    git("commit", "--quiet", "--message", "snapshot of the working tree", cwd=snapshot)
    return snapshot


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache, kept out of the user's home directory."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def user_repository(tmp_path: Path) -> Path:
    """A user's git repository with the bad notebook staged."""
    git("init", "--quiet", cwd=tmp_path)
    (tmp_path / "nb.ipynb").write_text(BAD_NOTEBOOK, encoding="utf-8")
    git("add", "nb.ipynb", cwd=tmp_path)
    return tmp_path


def try_repo(hook: str, repository: Path, hook_repo: Path, home: Path) -> tuple[int, str]:
    """`pre-commit try-repo HOOK_REPO HOOK --files nb.ipynb` in `repository`: exit code and output."""
    environment = {
        **os.environ,
        **GIT_IDENTITY,
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
        "NO_COLOR": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
    }
    environment.pop("FORCE_COLOR", None)
    completed = subprocess.run(
        [installed_tool("pre-commit"), "try-repo", str(hook_repo), hook, "--files", "nb.ipynb"],
        cwd=repository,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=900,
        check=False,
    )
    return completed.returncode, completed.stdout + completed.stderr


def test_the_manifest_declares_both_hooks_for_notebooks_and_scripts() -> None:
    hooks = yaml.safe_load((REPOSITORY / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"nbport", "nbport-fix"}
    assert by_id["nbport"]["entry"] == "nbport check"
    assert by_id["nbport-fix"]["entry"] == "nbport fix"
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["types_or"] == ["jupyter", "python"]


def readme_pre_commit_config() -> str:
    """The `.pre-commit-config.yaml` snippet in the README (the yaml block after its marker)."""
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- pre-commit-config -->\n```yaml\n(.*?)\n```", readme, re.S)
    assert match is not None, "README.md has no ```yaml block after <!-- pre-commit-config -->"
    return match.group(1) + "\n"


def test_pre_commit_accepts_the_manifest() -> None:
    completed = subprocess.run(
        [
            installed_tool("pre-commit"),
            "validate-manifest",
            str(REPOSITORY / ".pre-commit-hooks.yaml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_readme_snippet_is_a_valid_config_using_the_hooks(tmp_path: Path) -> None:
    snippet = readme_pre_commit_config()
    (tmp_path / ".pre-commit-config.yaml").write_text(snippet, encoding="utf-8")
    completed = subprocess.run(
        [
            installed_tool("pre-commit"),
            "validate-config",
            str(tmp_path / ".pre-commit-config.yaml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    manifest = yaml.safe_load((REPOSITORY / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (repository,) = yaml.safe_load(snippet)["repos"]
    assert repository["repo"].endswith("/nbport")
    assert {hook["id"] for hook in repository["hooks"]} <= {hook["id"] for hook in manifest}
    # The snippet names the release this checkout is.
    version = re.search(
        r'^version = "(.+)"', (REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"), re.M
    )
    assert version is not None
    assert repository["rev"] == f"v{version.group(1)}"


def test_check_hook_fails_and_names_the_cell(
    user_repository: Path, hook_repository: Path, pre_commit_home: Path
) -> None:
    code, output = try_repo("nbport", user_repository, hook_repository, pre_commit_home)
    assert code == 1, output
    assert "nb.ipynb:cell 1:1:1: NBP001" in output, output
    # A check never writes.
    assert (user_repository / "nb.ipynb").read_text(encoding="utf-8") == BAD_NOTEBOOK


def test_fix_hook_rewrites_then_the_check_hook_passes(
    user_repository: Path, hook_repository: Path, pre_commit_home: Path
) -> None:
    code, output = try_repo("nbport-fix", user_repository, hook_repository, pre_commit_home)
    # pre-commit fails a hook that modified files, so that the user reviews and stages the fix.
    assert code == 1, output
    assert "files were modified by this hook" in output, output
    fixed = (user_repository / "nb.ipynb").read_text(encoding="utf-8")
    # Only the flagged line changes; the rest of the file keeps its bytes.
    assert fixed == BAD_NOTEBOOK.replace('"!cd data\\n"', '"%cd data\\n"')
    assert json.loads(fixed)["cells"][0]["source"] == ["%cd data\n", "!ls"]

    git("add", "nb.ipynb", cwd=user_repository)
    code, output = try_repo("nbport", user_repository, hook_repository, pre_commit_home)
    assert code == 0, output
    assert "Passed" in output, output
