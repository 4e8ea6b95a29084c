"""Files spread over processes: order kept, workers used only when there are enough files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbport import file_pool
from nbport.file_pool import MIN_FILES_PER_JOB, map_files, workers_for


def _pid_of(path: Path) -> tuple[str, int]:
    return path.name, os.getpid()


def _fails_on_odd(path: Path) -> str:
    if int(path.name) % 2:
        raise ValueError(path.name)
    return path.name


def test_small_runs_stay_in_this_process() -> None:
    files = [Path(str(number)) for number in range(MIN_FILES_PER_JOB * 2 - 1)]
    results = list(map_files(_pid_of, files, jobs=2))
    assert [name for name, _ in results] == [path.name for path in files]
    assert {pid for _, pid in results} == {os.getpid()}


def test_large_runs_use_worker_processes_and_keep_the_order() -> None:
    files = [Path(str(number)) for number in range(MIN_FILES_PER_JOB * 8)]
    results = list(map_files(_pid_of, files, jobs=2))
    assert [name for name, _ in results] == [path.name for path in files]
    pids = {pid for _, pid in results}
    assert os.getpid() not in pids
    assert len(pids) == 2


def test_one_job_never_starts_a_process() -> None:
    files = [Path(str(number)) for number in range(MIN_FILES_PER_JOB * 8)]
    assert {pid for _, pid in map_files(_pid_of, files, jobs=1)} == {os.getpid()}


@pytest.mark.parametrize(
    ("files", "jobs", "workers"),
    [(0, 4, 1), (MIN_FILES_PER_JOB - 1, 4, 1), (MIN_FILES_PER_JOB * 2, 4, 2), (10_000, 4, 4)],
)
def test_workers_grow_with_the_files_up_to_the_jobs(files: int, jobs: int, workers: int) -> None:
    assert workers_for(files, jobs) == workers


def test_an_exception_in_a_worker_reaches_the_caller() -> None:
    # The caller (nbport.api) turns each file's exception into an error line; the pool must not
    # swallow it.
    files = [Path(str(number)) for number in range(MIN_FILES_PER_JOB * 4)]
    with pytest.raises(ValueError, match="1"):
        list(map_files(_fails_on_odd, files, jobs=2))


def test_progress_bar_goes_to_stderr_once_the_delay_has_passed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(file_pool, "PROGRESS_DELAY", 0)
    files = [Path(str(number)) for number in range(5)]
    assert [name for name, _ in map_files(_pid_of, files, progress=True)] == [p.name for p in files]
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "/5 [" in captured.err and "file/s" in captured.err


def test_no_progress_bar_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    list(map_files(_pid_of, [Path("1")]))
    assert capsys.readouterr().err == ""
