"""Write files back without losing the user's data, nor what the user set up around it.

`write_atomically` replaces a file's bytes so that a crash leaves either the old file or the new one,
never half. `write_back` is what `nbport fix` uses: it also writes through symbolic links, keeps hard
links one file, and refuses files that must not be written.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

#: Any of the write bits (owner, group, others).
_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class WriteError(Exception):
    """A file nbport may not or could not write; the message is one line, without the path."""


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside the file `path` names, fsync it, give it that file's
    mode, then rename it over the file.

    A symbolic link is followed to its final target, which is replaced; the link stays a link.
    Raises `OSError`; the file is then unchanged and no temporary file is left behind.
    """
    target = _resolved(path)
    mode = stat.S_IMODE(target.stat().st_mode)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".nbport"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_back(path: Path, data: bytes) -> None:
    """Give the file `path` names the bytes `data`, the way the user's file system expects.

    - A symbolic link is written through: its final target gets the bytes and the link stays (as
      black and ruff do), wherever the target lies.
    - A file whose mode has no write bit at all (`chmod a-w`) is refused, even for root, whom the
      kernel lets write anything: the mode is how the user says "leave this file alone". A file
      this process may not write is refused too: renaming over it would replace someone else's
      file whenever the folder happens to be writable.
    - A file with more than one hard link is overwritten in place (`overwrite_in_place`), so that
      every name still shows one file; any other file is replaced atomically (`write_atomically`),
      which needs a writable folder.

    Raises `WriteError` with a one-line reason; the file is then unchanged (see `overwrite_in_place`
    for the one exception).
    """
    target = _resolved(path)
    try:
        status = target.stat()
    except OSError as error:
        raise WriteError(error.strerror or str(error)) from None
    if not status.st_mode & _WRITE_BITS:
        raise WriteError("file is read-only")
    if not os.access(target, os.W_OK):
        raise WriteError("Permission denied")
    several_names = status.st_nlink > 1
    if not several_names and not os.access(target.parent, os.W_OK | os.X_OK):
        raise WriteError("its folder is not writable")
    try:
        if several_names:
            overwrite_in_place(target, data)
        else:
            write_atomically(target, data)
    except OSError as error:
        raise WriteError(error.strerror or str(error)) from None


def overwrite_in_place(path: Path, data: bytes) -> None:
    """Write `data` into the existing file at `path` (same inode), truncate what is left, fsync.

    This is how a file with several hard links keeps being one file under all its names: an atomic
    rename would give this name a new file and leave the other names on the old bytes, silently
    splitting the two. The price is atomicity: a crash or a full disk in the middle of the write
    can leave the file half old, half new. Only files with several links pay it; the window is one
    `write` of a notebook's bytes, and the file keeps its owner and mode by construction.
    """
    # "r+b" opens without truncating, so nothing is lost before the first byte is written.
    with open(path, "r+b") as stream:
        stream.write(data)
        stream.truncate()
        stream.flush()
        os.fsync(stream.fileno())


def _resolved(path: Path) -> Path:
    """The file `path` finally names: links followed (relative targets from the link's folder)."""
    return Path(os.path.realpath(path))


__all__ = ["WriteError", "overwrite_in_place", "write_atomically", "write_back"]
