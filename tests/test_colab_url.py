"""`nbport url`: Colab URLs from GitHub, raw, gist and Colab URLs, and from paths in git clones."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import REPOSITORY, run_nbport

from nbport.colab import (
    BADGE_IMAGE,
    BadgeFormat,
    ColabUrlError,
    GitHubNotebook,
    badge,
    looks_like_url,
    parse_remote,
    parse_url,
)
from nbport.url_targets import colab_urls

COLAB = "https://colab.research.google.com"
# ノート (Japanese "notebook") and 데이터 (Korean "data"), percent-encoded as UTF-8.
NOTE = "%E3%83%8E%E3%83%BC%E3%83%88"
DATA = "%EB%8D%B0%EC%9D%B4%ED%84%B0"

URL_CASES = [
    pytest.param(
        "https://github.com/octo/course/blob/main/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        id="plain",
    ),
    pytest.param(
        "https://www.github.com/octo/course/blob/main/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        id="www",
    ),
    pytest.param(
        "github.com/octo/course/blob/main/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        id="no-scheme",
    ),
    pytest.param(
        "www.github.com/octo/course/blob/main/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        id="no-scheme-www",
    ),
    pytest.param(
        "http://github.com/octo/course/blob/main/intro.ipynb?plain=1#L3",
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        id="http-query-fragment",
    ),
    pytest.param(
        "https://github.com/octo/course/raw/main/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        id="github-raw-path",
    ),
    pytest.param(
        "https://raw.githubusercontent.com/octo/course/main/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        id="raw",
    ),
    pytest.param(
        "https://raw.githubusercontent.com/octo/course/refs/heads/main/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        id="raw-refs-heads",
    ),
    pytest.param(
        "https://gist.github.com/octo/0123456789abcdef0123",
        f"{COLAB}/gist/octo/0123456789abcdef0123",
        id="gist",
    ),
    pytest.param(
        "https://gist.github.com/octo/0123456789abcdef0123#file-demo-ipynb",
        f"{COLAB}/gist/octo/0123456789abcdef0123",
        id="gist-fragment",
    ),
    pytest.param(
        "https://gist.githubusercontent.com/octo/0123456789abcdef0123/raw/4a5b6c/demo.ipynb",
        f"{COLAB}/gist/octo/0123456789abcdef0123/demo.ipynb",
        id="gist-raw",
    ),
    pytest.param(
        "https://github.com/octo/course/blob/feature/gpu-training/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/feature/gpu-training/intro.ipynb",
        id="branch-with-slash",
    ),
    pytest.param(
        "https://github.com/octo/course/blob/main/part1/week2/lab/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/part1/week2/lab/intro.ipynb",
        id="nested-path",
    ),
    pytest.param(
        "https://github.com/octo/course/blob/main/my notebooks/01 intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/my%20notebooks/01%20intro.ipynb",
        id="spaces",
    ),
    pytest.param(
        "https://github.com/octo/course/blob/main/授業/ノート.ipynb",
        f"{COLAB}/github/octo/course/blob/main/%E6%8E%88%E6%A5%AD/{NOTE}.ipynb",
        id="japanese",
    ),
    pytest.param(
        "https://github.com/octo/course/blob/main/데이터.ipynb",
        f"{COLAB}/github/octo/course/blob/main/{DATA}.ipynb",
        id="korean",
    ),
    pytest.param(
        f"https://github.com/octo/course/blob/main/my%20notebooks/{NOTE}.ipynb",
        f"{COLAB}/github/octo/course/blob/main/my%20notebooks/{NOTE}.ipynb",
        id="already-encoded",
    ),
    pytest.param(
        f"https://github.com/octo/course/blob/main/my%20notebooks/{NOTE.lower()}.ipynb",
        f"{COLAB}/github/octo/course/blob/main/my%20notebooks/{NOTE}.ipynb",
        id="already-encoded-lowercase-hex",
    ),
    pytest.param(
        "https://github.com/octo/course/blob/main/my%20notebooks/ノート.ipynb",
        f"{COLAB}/github/octo/course/blob/main/my%20notebooks/{NOTE}.ipynb",
        id="half-encoded",
    ),
    pytest.param(
        "https://github.com/octo/course/blob/main/a%2520b.ipynb",
        f"{COLAB}/github/octo/course/blob/main/a%2520b.ipynb",
        id="literal-percent-kept",
    ),
    pytest.param(
        "https://github.com/octo/course/blob/main/results (final)+v2.ipynb",
        f"{COLAB}/github/octo/course/blob/main/results%20%28final%29+v2.ipynb",
        id="parentheses-for-markdown",
    ),
    pytest.param(
        f"{COLAB}/github/octo/course/blob/main/my%20notebooks/intro.ipynb#scrollTo=abc",
        f"{COLAB}/github/octo/course/blob/main/my%20notebooks/intro.ipynb",
        id="colab-normalised",
    ),
    pytest.param(
        "http://colab.research.google.com/github/octo/course/blob/main/my notebooks/ノート.ipynb?authuser=1",
        f"{COLAB}/github/octo/course/blob/main/my%20notebooks/{NOTE}.ipynb",
        id="colab-unencoded",
    ),
    pytest.param(
        "https://colab.sandbox.google.com/github/octo/course/blob/main/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        id="colab-sandbox-host",
    ),
    pytest.param(
        f"{COLAB}/gist/octo/0123456789abcdef0123/demo.ipynb",
        f"{COLAB}/gist/octo/0123456789abcdef0123/demo.ipynb",
        id="colab-gist",
    ),
    pytest.param(
        f"{COLAB}/drive/1a2B3c4D5e6F7g8H9i0J?usp=sharing",
        f"{COLAB}/drive/1a2B3c4D5e6F7g8H9i0J",
        id="colab-drive",
    ),
    pytest.param(
        "https://nbviewer.org/github/octo/course/blob/main/intro.ipynb",
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        id="nbviewer",
    ),
]


@pytest.mark.parametrize(("target", "expected"), URL_CASES)
def test_colab_url(target: str, expected: str) -> None:
    assert parse_url(target).colab_url == expected


@pytest.mark.parametrize(("target", "expected"), URL_CASES)
def test_the_colab_url_is_a_fixed_point(target: str, expected: str) -> None:
    # Encoding exactly once: feeding the result back changes nothing.
    assert parse_url(expected).colab_url == expected


REVERSE_CASES = [
    pytest.param(
        f"{COLAB}/github/octo/course/blob/feature/gpu/my%20notebooks/{NOTE}.ipynb",
        f"https://github.com/octo/course/blob/feature/gpu/my%20notebooks/{NOTE}.ipynb",
        id="github",
    ),
    pytest.param(
        f"{COLAB}/gist/octo/0123456789abcdef0123/demo.ipynb",
        "https://gist.github.com/octo/0123456789abcdef0123",
        id="gist",
    ),
    pytest.param(
        "https://raw.githubusercontent.com/octo/course/main/데이터.ipynb",
        f"https://github.com/octo/course/blob/main/{DATA}.ipynb",
        id="raw-to-page",
    ),
]


@pytest.mark.parametrize(("target", "expected"), REVERSE_CASES)
def test_reverse(target: str, expected: str) -> None:
    assert parse_url(target).github_url == expected


@pytest.mark.parametrize(
    ("target", "message"),
    [
        pytest.param(
            "https://github.example.com/octo/course/blob/main/intro.ipynb",
            "github.example.com is not github.com",
            id="github-enterprise",
        ),
        pytest.param(
            "github.mycompany.com/octo/course/blob/main/intro.ipynb",
            "GitHub Enterprise servers and other git hosts are not supported",
            id="github-enterprise-no-scheme",
        ),
        pytest.param(
            "https://gitlab.com/octo/course/-/blob/main/intro.ipynb",
            "gitlab.com is not github.com",
            id="gitlab",
        ),
        pytest.param(
            "https://github.com/octo/course/blob/main/train.py",
            "not a notebook: Colab opens .ipynb files (`nbport convert`",
            id="script",
        ),
        pytest.param(
            "https://github.com/octo/course/tree/main/notebooks",
            "a directory on GitHub",
            id="tree",
        ),
        pytest.param("https://github.com/octo/course", "a repository, not a notebook", id="repo"),
        pytest.param(
            "https://github.com/octo/course/blob/main", "names no file", id="blob-without-path"
        ),
        pytest.param(
            "https://gist.github.com/0123456789abcdef0123",
            "a gist URL without its owner",
            id="gist-without-owner",
        ),
        pytest.param(
            "https://github.com/octo/course/blob/main/caf%E9.ipynb",
            "not UTF-8",
            id="latin-1-escape",
        ),
        pytest.param("ftp://github.com/octo/course/a.ipynb", "not a web URL", id="ftp"),
        pytest.param(f"{COLAB}/", "not a Colab notebook URL", id="colab-home"),
    ],
)
def test_url_errors(target: str, message: str) -> None:
    with pytest.raises(ColabUrlError, match=None) as caught:
        parse_url(target)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_drive_notebook_has_no_github_url() -> None:
    location = parse_url(f"{COLAB}/drive/1a2B3c")
    with pytest.raises(ColabUrlError, match="Google Drive"):
        _ = location.github_url


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        pytest.param("https://github.com/octo/course", ("octo", "course"), id="https"),
        pytest.param("https://github.com/octo/course.git", ("octo", "course"), id="https-git"),
        pytest.param("https://github.com/octo/course.git/", ("octo", "course"), id="slash"),
        pytest.param("http://www.github.com/octo/course", ("octo", "course"), id="http-www"),
        pytest.param("git://github.com/octo/course.git", ("octo", "course"), id="git-protocol"),
        pytest.param("ssh://git@github.com/octo/course.git", ("octo", "course"), id="ssh"),
        pytest.param("ssh://git@github.com:22/octo/course", ("octo", "course"), id="ssh-port"),
        pytest.param(
            "ssh://git@ssh.github.com:443/octo/course.git", ("octo", "course"), id="ssh-over-443"
        ),
        pytest.param("git@github.com:octo/course.git", ("octo", "course"), id="scp"),
        pytest.param("git@github.com:octo/course", ("octo", "course"), id="scp-no-suffix"),
        pytest.param("github.com:octo/course.git", ("octo", "course"), id="scp-no-user"),
        pytest.param(
            "https://x-access-token:secret@github.com/octo/course.git",
            ("octo", "course"),
            id="credentials",
        ),
        pytest.param("octo/course", ("octo", "course"), id="owner-repo"),
        pytest.param("octo/my.course.git", ("octo", "my.course"), id="dots-in-name"),
    ],
)
def test_parse_remote(remote: str, expected: tuple[str, str]) -> None:
    assert parse_remote(remote) == expected


@pytest.mark.parametrize(
    ("remote", "message"),
    [
        pytest.param(
            "git@github.example.com:octo/course.git",
            "github.example.com is not github.com",
            id="enterprise-scp",
        ),
        pytest.param(
            "https://token:hunter2@ghe.corp.example/octo/course.git",
            "GitHub Enterprise servers and other git hosts are not supported",
            id="enterprise-https",
        ),
        pytest.param(
            "ssh://git@gitlab.com/octo/course.git", "gitlab.com is not github.com", id="gitlab"
        ),
        pytest.param(
            "git@github-work:octo/course.git", "Host alias in ~/.ssh/config", id="ssh-alias"
        ),
        pytest.param("/srv/git/course.git", "a local path", id="local-path"),
        pytest.param("file:///srv/git/course.git", "a local path", id="file-url"),
        pytest.param("https://github.com/octo", "is not OWNER/REPO", id="no-repo"),
    ],
)
def test_parse_remote_errors(remote: str, message: str) -> None:
    with pytest.raises(ColabUrlError) as caught:
        parse_remote(remote)
    assert message in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_badges() -> None:
    url = f"{COLAB}/github/octo/course/blob/main/a&b.ipynb"
    assert badge(url, BadgeFormat.URL) == url
    assert badge(url, BadgeFormat.MARKDOWN) == f"[![Open In Colab]({BADGE_IMAGE})]({url})"
    assert badge(url, BadgeFormat.HTML) == (
        f'<a href="{COLAB}/github/octo/course/blob/main/a&amp;b.ipynb" target="_parent">'
        f'<img src="{BADGE_IMAGE}" alt="Open In Colab"/></a>'
    )


def test_looks_like_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert looks_like_url("github.com/octo/course/blob/main/a.ipynb")
    assert looks_like_url("https://example.com/a.ipynb")
    assert not looks_like_url("notebooks/a.ipynb")
    # A Go-style checkout path that exists is a path, not a URL.
    (tmp_path / "github.com" / "octo").mkdir(parents=True)
    assert not looks_like_url("github.com/octo")


# --- Local clones, made with the real git -------------------------------------------------------


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment in which git ignores the user's own configuration (insteadOf rules...)."""
    settings = {
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "nbport",
        "GIT_AUTHOR_EMAIL": "nbport@example.com",
        "GIT_COMMITTER_NAME": "nbport",
        "GIT_COMMITTER_EMAIL": "nbport@example.com",
    }
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    return settings


def git(repository: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repository), *args], capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.fixture
def clone(tmp_path: Path, git_env: dict[str, str]) -> Path:
    """A clone of octo/course on branch `feature/gpu`, with notebooks in nested folders."""
    root = tmp_path / "course"
    for name in (
        "README.md",
        "intro.ipynb",
        "notebooks/01 basics.ipynb",
        "notebooks/ノート.ipynb",
        "notebooks/week 2/데이터.ipynb",
        "notebooks/train.py",
        "notebooks/scratch.ipynb",
        "notebooks/.ipynb_checkpoints/ノート-checkpoint.ipynb",
    ):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}\n", encoding="utf-8")
    (root / ".gitignore").write_text("scratch.ipynb\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main", str(root))
    git(root, "remote", "add", "origin", "git@github.com:octo/course.git")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "notebooks")
    git(root, "checkout", "-q", "-b", "feature/gpu")
    return root


def urls(*targets: object, **options: object) -> list[tuple[str, str | None, str | None]]:
    return [
        (line.target, line.text, line.error)
        for line in colab_urls([str(target) for target in targets], **options)  # type: ignore[arg-type]
    ]


BRANCH = f"{COLAB}/github/octo/course/blob/feature/gpu"


def test_local_notebook_on_a_branch_with_a_slash(clone: Path) -> None:
    target = clone / "notebooks" / "ノート.ipynb"
    assert urls(target) == [(str(target), f"{BRANCH}/notebooks/{NOTE}.ipynb", None)]


def test_local_path_relative_to_the_working_directory(
    clone: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(clone / "notebooks" / "week 2")
    assert urls("데이터.ipynb") == [
        ("데이터.ipynb", f"{BRANCH}/notebooks/week%202/{DATA}.ipynb", None)
    ]


def test_a_directory_gives_one_url_per_notebook_sorted(clone: Path) -> None:
    lines = urls(clone / "notebooks")
    # No checkpoint, no ignored notebook, no script; sorted by path.
    assert [text for _, text, _ in lines] == [
        f"{BRANCH}/notebooks/01%20basics.ipynb",
        f"{BRANCH}/notebooks/week%202/{DATA}.ipynb",
        f"{BRANCH}/notebooks/{NOTE}.ipynb",
    ]
    assert all(error is None for _, _, error in lines)


def test_a_new_untracked_notebook_is_listed(clone: Path) -> None:
    (clone / "notebooks" / "new.ipynb").write_text("{}\n", encoding="utf-8")
    texts = [text for _, text, _ in urls(clone / "notebooks")]
    assert f"{BRANCH}/notebooks/new.ipynb" in texts


def test_detached_head_needs_ref(clone: Path) -> None:
    git(clone, "checkout", "-q", "--detach")
    target = clone / "intro.ipynb"
    [(_, text, error)] = urls(target)
    assert text is None
    assert error is not None
    assert "HEAD is detached" in error
    assert "--ref" in error
    assert urls(target, ref="v1.0") == [
        (str(target), f"{COLAB}/github/octo/course/blob/v1.0/intro.ipynb", None)
    ]


def test_ref_option_wins_over_the_branch(clone: Path) -> None:
    target = clone / "intro.ipynb"
    [(_, text, _)] = urls(target, ref="release/2024")
    assert text == f"{COLAB}/github/octo/course/blob/release/2024/intro.ipynb"


def test_upstream_branch_name_is_used(clone: Path) -> None:
    # A local `dev` that tracks `origin/develop` is `develop` on GitHub.
    git(clone, "checkout", "-q", "-b", "dev")
    git(clone, "config", "branch.dev.remote", "origin")
    git(clone, "config", "branch.dev.merge", "refs/heads/develop")
    [(_, text, _)] = urls(clone / "intro.ipynb")
    assert text == f"{COLAB}/github/octo/course/blob/develop/intro.ipynb"


@pytest.mark.parametrize(
    "remote_url",
    [
        "https://github.com/fork/course.git",
        "ssh://git@github.com/fork/course.git",
        "git@github.com:fork/course.git",
    ],
)
def test_remote_by_name(clone: Path, remote_url: str) -> None:
    git(clone, "remote", "add", "upstream", remote_url)
    [(_, text, _)] = urls(clone / "intro.ipynb", remote="upstream")
    assert text == f"{COLAB}/github/fork/course/blob/feature/gpu/intro.ipynb"


def test_remote_as_url_or_owner_repo(clone: Path) -> None:
    target = clone / "intro.ipynb"
    for remote in ("https://github.com/fork/course.git", "fork/course"):
        [(_, text, _)] = urls(target, remote=remote)
        assert text == f"{COLAB}/github/fork/course/blob/feature/gpu/intro.ipynb"


def test_missing_remote_is_explained(clone: Path) -> None:
    git(clone, "remote", "rename", "origin", "mine")
    [(_, text, error)] = urls(clone / "intro.ipynb")
    assert text is None
    assert error is not None
    assert "no remote named 'origin'" in error
    assert "mine" in error


def test_enterprise_remote_is_rejected(clone: Path) -> None:
    git(clone, "remote", "set-url", "origin", "git@github.example.com:octo/course.git")
    [(_, _, error)] = urls(clone / "intro.ipynb")
    assert error is not None
    assert error.startswith("remote 'origin': github.example.com is not github.com")


def test_outside_a_clone(tmp_path: Path, git_env: dict[str, str]) -> None:
    (tmp_path / "lonely.ipynb").write_text("{}\n", encoding="utf-8")
    [(_, _, error)] = urls(tmp_path / "lonely.ipynb")
    assert error is not None
    assert "not inside a git clone" in error


def test_local_errors_and_the_other_targets_still_print(clone: Path) -> None:
    lines = urls(
        clone / "notebooks" / "train.py",
        clone / "notebooks" / "scratch.ipynb",
        clone / "missing.ipynb",
        clone / "intro.ipynb",
    )
    errors = [error for _, _, error in lines]
    assert errors[0] is not None
    assert "not a notebook" in errors[0]
    assert errors[1] is not None
    assert "git ignores this file" in errors[1]
    assert errors[2] is not None
    assert "no such file" in errors[2]
    assert lines[3][1] == f"{BRANCH}/intro.ipynb"


def test_local_reverse_gives_the_github_page(clone: Path) -> None:
    [(_, text, _)] = urls(clone / "notebooks" / "ノート.ipynb", reverse=True)
    assert text == f"https://github.com/octo/course/blob/feature/gpu/notebooks/{NOTE}.ipynb"


def test_a_notebook_in_a_submodule_belongs_to_the_submodule(
    clone: Path, tmp_path: Path, git_env: dict[str, str]
) -> None:
    library = tmp_path / "library"
    git(tmp_path, "init", "-q", "-b", "main", str(library))
    (library / "demo.ipynb").write_text("{}\n", encoding="utf-8")
    git(library, "add", "-A")
    git(library, "commit", "-q", "-m", "demo")
    git(library, "remote", "add", "origin", "https://github.com/octo/library.git")
    git(clone, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "lib")
    # Cloned from a local path, the submodule's origin is that path: point it at GitHub.
    git(clone / "lib", "remote", "set-url", "origin", "https://github.com/octo/library.git")
    [(_, text, _)] = urls(clone / "lib" / "demo.ipynb")
    assert text == f"{COLAB}/github/octo/library/blob/main/demo.ipynb"


def test_github_notebook_location_is_a_value() -> None:
    assert parse_url("github.com/o/r/blob/a/b/c.ipynb") == GitHubNotebook(
        "o", "r", ("a", "b", "c.ipynb")
    )


# --- The command line ------------------------------------------------------------------------


def test_cli_prints_urls_and_errors_in_order(clone: Path, git_env: dict[str, str]) -> None:
    result = run_nbport(
        "url",
        "https://github.com/octo/course/blob/main/intro.ipynb",
        str(clone / "notebooks"),
        "https://github.example.com/octo/course/blob/main/intro.ipynb",
        str(clone / "notebooks" / "train.py"),
        env=git_env,
    )
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        f"{COLAB}/github/octo/course/blob/main/intro.ipynb",
        f"{BRANCH}/notebooks/01%20basics.ipynb",
        f"{BRANCH}/notebooks/week%202/{DATA}.ipynb",
        f"{BRANCH}/notebooks/{NOTE}.ipynb",
    ]
    assert result.stderr.splitlines() == [
        "https://github.example.com/octo/course/blob/main/intro.ipynb: error: github.example.com"
        " is not github.com: Colab opens notebooks only from github.com and gists (GitHub"
        " Enterprise servers and other git hosts are not supported)",
        f"{clone / 'notebooks' / 'train.py'}: error: not a notebook: Colab opens .ipynb files"
        " (`nbport convert` turns a script into one)",
    ]


def test_cli_relative_paths_inside_a_clone(clone: Path, git_env: dict[str, str]) -> None:
    environment = {**git_env, "PYTHONPATH": str(REPOSITORY)}
    result = run_nbport("url", "notebooks/", cwd=clone, env=environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"{BRANCH}/notebooks/01%20basics.ipynb"
    assert result.stderr == ""


def test_cli_badges() -> None:
    target = "github.com/octo/course/blob/main/ノート.ipynb"
    url = f"{COLAB}/github/octo/course/blob/main/{NOTE}.ipynb"
    markdown = run_nbport("url", "--format", "markdown", target)
    assert markdown.returncode == 0
    assert markdown.stdout == f"[![Open In Colab]({BADGE_IMAGE})]({url})\n"
    html = run_nbport("url", "--format", "html", target)
    assert html.stdout == (
        f'<a href="{url}" target="_parent"><img src="{BADGE_IMAGE}" alt="Open In Colab"/></a>\n'
    )


def test_cli_reverse() -> None:
    result = run_nbport("url", "--reverse", f"{COLAB}/github/octo/course/blob/main/a%20b.ipynb")
    assert result.returncode == 0
    assert result.stdout == "https://github.com/octo/course/blob/main/a%20b.ipynb\n"


def test_cli_reverse_badge_is_a_usage_error() -> None:
    result = run_nbport("url", "--reverse", "--format", "markdown", "github.com/o/r/blob/m/a.ipynb")
    assert result.returncode == 2
    assert result.stdout == ""


def test_cli_detached_head(clone: Path, git_env: dict[str, str]) -> None:
    git(clone, "checkout", "-q", "--detach")
    target = str(clone / "intro.ipynb")
    failed = run_nbport("url", target, env=git_env)
    assert failed.returncode == 2
    assert failed.stdout == ""
    assert failed.stderr.startswith(f"{target}: error: HEAD is detached")
    done = run_nbport("url", "--ref", "v2", target, env=git_env)
    assert done.returncode == 0
    assert done.stdout == f"{COLAB}/github/octo/course/blob/v2/intro.ipynb\n"
