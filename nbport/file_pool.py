"""One task over many files: in this process, or spread over worker processes for large runs.

Results come back in the order of the files, whatever the parallelism, so output stays sorted by path.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many files per worker, starting processes costs more than it saves (a file takes
#: about a millisecond to check; a worker takes tens of milliseconds to start and feed).
MIN_FILES_PER_JOB = 16
#: Files handed to a worker at a time: large enough to keep messages few, small enough to balance.
CHUNK_SIZE = 8
#: The progress bar appears only for runs that last longer than this many seconds.
PROGRESS_DELAY = 2.0


def default_jobs() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def workers_for(file_count: int, jobs: int) -> int:
    """How many worker processes `file_count` files are worth, at most `jobs`; 1 means none."""
    return max(1, min(jobs, file_count // MIN_FILES_PER_JOB))


def map_files(
    task: Callable[[Item], Result],
    files: Sequence[Item],
    *,
    jobs: int = 1,
    progress: bool = False,
) -> Iterator[Result]:
    """`task(file)` for each of `files` (paths, or whatever `task` takes per file), in order.

    With `jobs` > 1 and enough files, the work is spread over that many processes; `task` must then
    be picklable (a module-level function, or an instance of a module-level class) where processes
    are not forked. With `progress`, a bar
    on standard error counts the files, shown only once the run has lasted `PROGRESS_DELAY` seconds.
    """
    workers = workers_for(len(files), jobs)
    results: Iterable[Result]
    if workers == 1:
        results = map(task, files)
        yield from _with_progress(results, len(files), progress)
        return
    from concurrent.futures import ProcessPoolExecutor

    # The task goes to each worker once, when it starts, rather than with every chunk of files.
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=_install, initargs=(task,)
    ) as pool:
        results = pool.map(_run_installed, files, chunksize=CHUNK_SIZE)
        yield from _with_progress(results, len(files), progress)


#: The task of this worker process (set by `_install` when the worker starts).
_installed: Callable[[Any], Any] | None = None


def _install(task: Callable[[Any], Any]) -> None:
    global _installed
    _installed = task


def _run_installed(file: Any) -> Any:
    assert _installed is not None, "a worker runs only after _install"
    return _installed(file)


def _context() -> BaseContext:
    import multiprocessing

    # Forking shares the already imported rule catalog and modules with the workers; elsewhere
    # (macOS, Windows) fork is unsafe or missing and the platform's default start method is used.
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _with_progress(results: Iterable[Result], total: int, progress: bool) -> Iterable[Result]:
    if not progress:
        return results
    from tqdm import tqdm

    return tqdm(
        results,
        total=total,
        unit="file",
        file=sys.stderr,
        delay=PROGRESS_DELAY,
        leave=False,
        dynamic_ncols=True,
    )


__all__ = ["default_jobs", "map_files", "workers_for"]
