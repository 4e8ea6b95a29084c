"""Writes respect the file system (links, modes, folders), and paths nbport cannot read are one
`error:` line each while the other paths are still checked."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BAD_NOTEBOOK, REPOSITORY, run_nbport

from nbport.api import fix_paths

#: A script line NBP101 flags; its fix makes the file shorter, so a write in place must truncate.
WINDOWS = "p = 'data\\\\x.csv'\n"
WINDOWS_FIXED = "p = 'data/x.csv'\n"
#: The message of NBP001, which flags BAD_NOTEBOOK's `!cd data`.
SHELL_CD = "NBP001 error: `!cd data` runs in a throw-away shell"


def _write(path: Path, text: str = BAD_NOTEBOOK) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _fixed(path: Path) -> bool:
    return "%cd data" in path.read_text(encoding="utf-8")


def _nbport(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_nbport(*args, cwd=cwd, env={"PYTHONPATH": str(REPOSITORY)})


# -- links


def test_fix_writes_through_symbolic_links_and_keeps_them(tmp_path: Path) -> None:
    target = _write(tmp_path / "real" / "n.ipynb")
    link = tmp_path / "link.ipynb"
    link.symlink_to(Path("real") / "n.ipynb")
    chained = tmp_path / "elsewhere" / "chained.ipynb"
    chained.parent.mkdir()
    chained.symlink_to(Path("..") / "link.ipynb")
    report = fix_paths([chained])
    assert report.errors == []
    assert [finding.rule for finding in report.fixed] == ["NBP001"]
    assert _fixed(target)
    # Both links are still links, to what they named; no temporary file is left anywhere.
    assert os.readlink(link) == os.path.join("real", "n.ipynb")
    assert os.readlink(chained) == os.path.join("..", "link.ipynb")
    assert sorted(path.name for path in tmp_path.rglob("*")) == [
        "chained.ipynb",
        "elsewhere",
        "link.ipynb",
        "n.ipynb",
        "real",
    ]


def test_fix_keeps_hard_links_one_file(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.py", WINDOWS)
    first.chmod(0o640)
    second = tmp_path / "other" / "b.py"
    second.parent.mkdir()
    os.link(first, second)
    inode = first.stat().st_ino
    report = fix_paths([first])
    assert report.errors == [] and [finding.rule for finding in report.fixed] == ["NBP101"]
    # Written into the same inode and truncated to the shorter fixed text: both names see it.
    assert first.read_text(encoding="utf-8") == WINDOWS_FIXED
    assert second.read_text(encoding="utf-8") == WINDOWS_FIXED
    assert first.stat().st_ino == second.stat().st_ino == inode
    assert first.stat().st_nlink == 2
    assert stat.S_IMODE(first.stat().st_mode) == 0o640
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["a.py", "b.py", "other"]


# -- what must not be written


def test_fix_leaves_a_read_only_file_alone(tmp_path: Path) -> None:
    # Run as root too (the sandbox and many containers are): the mode bits decide, not access().
    read_only = _write(tmp_path / "ro.ipynb")
    read_only.chmod(0o444)
    writable = _write(tmp_path / "rw.ipynb")
    result = _nbport("fix", "ro.ipynb", "rw.ipynb", cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "ro.ipynb: error: cannot write: file is read-only; not fixed"
    ]
    assert result.returncode == 2
    assert read_only.read_text(encoding="utf-8") == BAD_NOTEBOOK
    assert stat.S_IMODE(read_only.stat().st_mode) == 0o444
    assert _fixed(writable)
    # The unfixed file's finding is still reported, as `check` would.
    assert result.stdout.startswith(f"ro.ipynb:cell 1:1:1: {SHELL_CD}")
    # Showing the fix writes nothing, so nothing is refused.
    preview = _nbport("fix", "--diff", "ro.ipynb", cwd=tmp_path)
    assert preview.returncode == 1 and preview.stderr == ""
    assert "+%cd data" in preview.stdout


def test_convert_force_and_badge_leave_a_read_only_file_alone(tmp_path: Path) -> None:
    read_only = _write(tmp_path / "ro.ipynb")
    read_only.chmod(0o444)
    _write(tmp_path / "ro.py", "x = 1\n")
    converted = _nbport("convert", "ro.py", "-o", "ro.ipynb", "--force", cwd=tmp_path)
    assert converted.returncode == 2
    assert converted.stderr.splitlines() == [
        "ro.py: error: cannot write ro.ipynb: file is read-only"
    ]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    badge = _nbport("badge", "ro.ipynb", "--remote", "owner/repo", "--ref", "main", cwd=tmp_path)
    assert badge.returncode == 2
    assert badge.stderr.splitlines() == ["ro.ipynb: error: file is read-only"]
    assert read_only.read_text(encoding="utf-8") == BAD_NOTEBOOK


def test_fix_paths_reports_a_refused_write_without_fixes(tmp_path: Path) -> None:
    read_only = _write(tmp_path / "ro.ipynb")
    read_only.chmod(0o444)
    (file,) = fix_paths([read_only]).files
    assert not file.written and file.fixed == () and file.changes == ()
    assert [finding.rule for finding in file.findings] == ["NBP001"]
    assert [error.message for error in file.errors] == [
        "cannot write: file is read-only; not fixed"
    ]


# -- as a user without privileges: permissions only bite then

#: Runs nbport's console entry point, then exits with its code. It first runs `check` and `fix` on
#: a scratch folder (argv[1]) with its own privileges, so that every module a run imports lazily is
#: loaded while the virtual environment can still be read (CI makes it in a folder private to its
#: owner); only then, when it runs as root, does it become `nobody`, for whom permissions bite.
_AS_NOBODY = """
import contextlib, io, os, sys
from nbport.cli import main

def run(arguments):
    sys.argv = ["nbport", *arguments]
    try:
        main()
    except SystemExit as exit:
        return exit.code or 0
    return 0

scratch, arguments = sys.argv[1], sys.argv[2:]
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    run(["check", scratch])
    run(["fix", scratch])
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
sys.exit(run(arguments))
"""


def _nbport_as_nobody(*args: str, cwd: Path, scratch: Path) -> subprocess.CompletedProcess[str]:
    _write(scratch / "n.ipynb")
    _write(scratch / "s.py", WINDOWS)
    _write(scratch / ".gitignore", "ignored/\n")
    environment = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
    environment.update({"NO_COLOR": "1", "PYTHONPATH": str(REPOSITORY)})
    return subprocess.run(
        [sys.executable, "-c", _AS_NOBODY, str(scratch), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder another user may enter (pytest's own are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="nbport-file-system-"))
    folder.chmod(0o755)
    yield folder
    for directory, _, _ in os.walk(folder):
        os.chmod(directory, 0o755)
    shutil.rmtree(folder)


def test_fix_in_a_read_only_folder_is_one_error_line(shared_tmp: Path, tmp_path: Path) -> None:
    in_locked_folder = _write(shared_tmp / "locked" / "a.ipynb")
    in_locked_folder.chmod(0o666)
    (shared_tmp / "locked").chmod(0o555)
    ours = _write(shared_tmp / "open" / "c.ipynb")
    (shared_tmp / "open").chmod(0o777)
    expected = ["locked/a.ipynb: error: cannot write: its folder is not writable; not fixed"]
    if os.geteuid() == 0:
        os.chown(ours, 65534, 65534)
        # Root's file (0644) in a folder anyone may write: a rename would replace it, so no.
        not_ours = _write(shared_tmp / "open" / "b.ipynb")
        expected.append("open/b.ipynb: error: cannot write: Permission denied; not fixed")
    result = _nbport_as_nobody(
        "fix", "locked/a.ipynb", "open", cwd=shared_tmp, scratch=tmp_path / "scratch"
    )
    assert result.stderr.splitlines() == expected
    assert result.returncode == 2
    assert in_locked_folder.read_text(encoding="utf-8") == BAD_NOTEBOOK
    if os.geteuid() == 0:
        assert not_ours.read_text(encoding="utf-8") == BAD_NOTEBOOK
    assert _fixed(ours)
    # No temporary file left anywhere.
    names = {path.name for path in shared_tmp.rglob("*")}
    assert names <= {"a.ipynb", "b.ipynb", "c.ipynb", "locked", "open"}


def test_a_named_file_in_a_folder_nbport_cannot_search(shared_tmp: Path, tmp_path: Path) -> None:
    # The configuration lookup walked up from it with Path.is_dir, which raised: a traceback.
    _write(shared_tmp / "locked" / "b.ipynb")
    (shared_tmp / "locked").chmod(0)
    readable = _write(shared_tmp / "open" / "ok.ipynb")
    readable.chmod(0o666)
    (shared_tmp / "open").chmod(0o777)
    for command in ("check", "fix"):
        result = _nbport_as_nobody(
            command, "locked/b.ipynb", "open/ok.ipynb", cwd=shared_tmp, scratch=tmp_path / command
        )
        assert result.stderr.splitlines() == [
            "locked/b.ipynb: error: cannot read: Permission denied"
        ], command
        assert result.returncode == 2
        assert result.stdout.startswith(f"open/ok.ipynb:cell 1:1:1: {SHELL_CD}") == (
            command == "check"
        )
    assert _fixed(readable)


def test_unreadable_named_paths_do_not_stop_the_run(shared_tmp: Path, tmp_path: Path) -> None:
    # typer refused them with a usage error before nbport saw any path.
    _write(shared_tmp / "folder" / "c.ipynb")
    (shared_tmp / "folder").chmod(0)
    _write(shared_tmp / "unreadable.ipynb").chmod(0)
    _write(shared_tmp / "ok.ipynb")
    result = _nbport_as_nobody(
        "check",
        "unreadable.ipynb",
        "folder",
        "ok.ipynb",
        cwd=shared_tmp,
        scratch=tmp_path / "scratch",
    )
    assert result.stderr.splitlines() == [
        "folder: error: cannot read directory: Permission denied",
        "unreadable.ipynb: error: cannot read: Permission denied",
    ]
    assert result.stdout.startswith(f"ok.ipynb:cell 1:1:1: {SHELL_CD}")
    assert result.returncode == 2
