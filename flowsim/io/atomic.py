"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic", "move_into_place"]

# The process's umask, read once: new files get the permissions any other program gives.
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically.

    The bytes go to a temporary file beside ``path``, are flushed and fsynced, and the
    temporary file is renamed over ``path``. An existing file keeps its permissions. If
    anything fails, or is interrupted, ``path`` is untouched and the temporary file is gone.
    """
    # Through a symlink, replace the file it points at, not the link itself.
    target = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        move_into_place(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(target.parent)


def move_into_place(tmp: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Rename the finished ``tmp`` over ``target`` (same folder), with the permissions the
    old ``target`` had, or those a new file gets."""
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_UMASK
    os.chmod(tmp, mode)
    os.replace(tmp, target)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform or filesystem allows it.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
