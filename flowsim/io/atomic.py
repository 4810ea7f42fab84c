"""Atomic file writes: a reader sees the old file or the new one, never half of either,
and no temporary file outlives its writer for long.

Where Linux allows it the bytes go to an unnamed file (``O_TMPFILE``) that gets a name only
for the instant between its link into the folder and its rename over the target, so a
kill at almost any moment leaves nothing behind. Elsewhere, and for that instant, the
temporary file has a short name of its own (``.~TAG.PID.RAND.tmp``: TAG from the target's
name, PID the writer's) and its writer holds a lock on it; the next save or open of the
same target removes those whose writer is gone. The name does not grow with the target's,
so every legal target name can be written.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import sys
import time
from pathlib import Path
from typing import Iterator

try:  # POSIX: a lock the kernel drops when its holder dies
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["write_atomic", "move_into_place", "temporary_beside", "remove_stale_temporaries"]

# The process's umask, read once: new files get the permissions any other program gives.
_UMASK = os.umask(0)
os.umask(_UMASK)

#: An unlocked temporary file older than this is stale even if a process with its pid
#: lives (the pid was reused): a live writer holds the lock for all but an instant.
STALE_AFTER_S = 60.0
_USE_TMPFILE = sys.platform.startswith("linux") and hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")


def _tag(name: str) -> str:
    return hashlib.blake2s(os.fsencode(name), digest_size=4).hexdigest()


def _temporary_name(target_name: str, suffix: str = ".tmp") -> str:
    return f".~{_tag(target_name)}.{os.getpid()}.{secrets.token_hex(3)}{suffix}"


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically.

    The bytes are written and fsynced under a temporary name (or none, see the module
    docstring) in ``path``'s folder, then renamed over ``path``. An existing file keeps
    its permissions; through a symlink, the file it points at is replaced. If anything
    fails, or the process is interrupted, ``path`` is untouched and the temporary file is
    gone, or (after a kill) removed by the next save or open of ``path``.
    """
    target = Path(os.path.realpath(path))
    remove_stale_temporaries(target)
    fd, tmp = _open_temporary(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if tmp is None:
                tmp = _link_unnamed(handle.fileno(), target)
                if tmp is None:  # this system does not link unnamed files: go named
                    return write_atomic(path, data)
            # Still holding the lock: nobody takes the named file for a dead writer's.
            move_into_place(tmp, target)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    _fsync_directory(target.parent)


def _open_temporary(target: Path) -> tuple[int, str | None]:
    """A locked file to write into: ``(fd, None)`` unnamed, or ``(fd, path)`` named."""
    if _USE_TMPFILE:
        try:
            fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600)
        except OSError as err:
            # The filesystem has no unnamed files (EOPNOTSUPP, EISDIR on old kernels):
            # fall back to a named one. Anything else is the folder's own problem.
            if err.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                raise
        else:
            _lock(fd)
            return fd, None
    return _create_named(target, ".tmp")


def _create_named(target: Path, suffix: str) -> tuple[int, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    while True:
        name = os.path.join(target.parent, _temporary_name(target.name, suffix))
        try:
            fd = os.open(name, flags, 0o600)
        except FileExistsError:
            continue
        _lock(fd)
        return fd, name


def _link_unnamed(fd: int, target: Path) -> str | None:
    """Give the unnamed file ``fd`` a temporary name beside ``target``; return it, or
    None where unnamed files cannot be linked (and are not used from then on)."""
    # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N: os.link uses it only when given a
    # directory fd (with none it calls link(2), which would link the /proc symlink itself).
    proc = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        while True:
            name = os.path.join(target.parent, _temporary_name(target.name))
            try:
                os.link(str(fd), name, src_dir_fd=proc, follow_symlinks=True)
            except FileExistsError:
                continue
            except OSError as err:
                if err.errno in (errno.EXDEV, errno.EPERM, errno.ENOENT, errno.EOPNOTSUPP):
                    global _USE_TMPFILE
                    _USE_TMPFILE = False
                    return None
                raise
            return name
    finally:
        os.close(proc)


def _lock(fd: int) -> None:
    if fcntl is not None:
        with contextlib.suppress(OSError):  # a filesystem without locks: the pid still tells
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def temporary_beside(target: str | os.PathLike[str], suffix: str = ".part") -> Iterator[str]:
    """A fresh, locked, empty temporary file in ``target``'s folder, for a writer that
    needs a path (such as ffmpeg); removed on the way out unless renamed into place."""
    target = Path(os.path.realpath(target))
    remove_stale_temporaries(target)
    fd, name = _create_named(target, suffix)
    try:
        yield name
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        os.close(fd)


_OURS = re.compile(r"^\.~(?P<tag>[0-9a-f]{8})\.(?P<pid>\d+)\.[0-9a-f]+\.(?:tmp|part)$")


def remove_stale_temporaries(target: str | os.PathLike[str]) -> list[str]:
    """Remove temporary files beside ``target`` left by writers of it that are gone.

    Files of a live writer are left alone. Best effort: a folder that cannot be read or
    changed is skipped silently. Returns the names removed.
    """
    target = Path(target)
    tag = _tag(target.name)
    legacy = f".{target.name}."  # what earlier versions named theirs: .NAME.XXXX.tmp/.part
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        match = _OURS.match(name)
        if match is not None:
            if match["tag"] != tag:
                continue
            pid = int(match["pid"])
        elif name.startswith(legacy) and name.endswith((".tmp", ".part")):
            pid = None  # no pid: stale once old
        else:
            continue
        path = os.path.join(target.parent, name)
        if _is_stale(path, pid, now):
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed.append(name)
    return removed


def _is_stale(path: str, pid: int | None, now: float) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # its writer holds it
            except OSError:
                pass
        try:
            age = now - os.fstat(fd).st_mtime
        except OSError:
            return False
        if pid is None or pid == os.getpid() or _alive(pid):
            # A named file is unlocked only for the instant before its lock is taken.
            return age > STALE_AFTER_S
        return True
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


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
