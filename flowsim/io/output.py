"""Where a command's output goes, as a Unix tool decides it.

- ``-`` and ``/dev/stdout`` (or ``/dev/fd/1``, ``/proc/self/fd/1``) mean standard output;
- a path that is, or whose symlink points at, something other than a regular file (a
  device such as ``/dev/null``, a FIFO, a socket) is written in place, never replaced;
- anything else (a regular file, a symlink to one, a new name) gets an atomic write
  (:func:`flowsim.io.atomic.write_atomic`).

:func:`check_output` refuses a name that cannot be written, in one line and before any
work starts.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from flowsim.errors import FlowError
from flowsim.io.atomic import write_atomic

__all__ = ["check_output", "check_name", "write_output", "is_stdout", "is_special"]

_STDOUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def is_stdout(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names standard output."""
    return os.fspath(path) in _STDOUT_NAMES


def is_special(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` exists (through symlinks) and is not a regular file or a folder."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _name_max(folder: str) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def check_name(path: str | os.PathLike[str]) -> None:
    """FlowError in one line if ``path`` cannot be a file name on this system: a NUL, a
    part longer than the filesystem allows, or a whole path over the system's limit."""
    text = os.fspath(path)
    shown = text if len(text) <= 60 else text[:40] + "…" + text[-12:]
    if "\0" in text:
        raise FlowError(f"cannot use {shown!r} as a file name: it contains a NUL character")
    try:
        raw = os.fsencode(text)
    except UnicodeEncodeError:
        raise FlowError(f"cannot use {shown!r} as a file name: it has characters this system cannot store") from None
    folder = os.path.dirname(text) or "."
    limit = _name_max(folder if os.path.isdir(folder) else ".")
    for part in raw.split(b"/"):
        if len(part) > limit:
            raise FlowError(f"cannot use {shown!r} as a file name: a name may have at most {limit} bytes, "
                            f"this one has {len(part)}")
    path_max = _path_max()
    if len(raw) >= path_max:
        raise FlowError(f"cannot use {shown!r} as a file name: the path is {len(raw)} bytes long, "
                        f"more than the {path_max - 1} this system allows")


def _path_max() -> int:
    try:
        return os.pathconf("/", "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):  # AttributeError: Windows has no pathconf
        return 4096


def check_output(path: str | os.PathLike[str]) -> None:
    """FlowError in one line unless ``path`` can be written as an output (see the module
    docstring): a sound name in an existing folder, not a folder itself."""
    if is_stdout(path):
        return
    check_name(path)
    target = Path(path)
    if is_special(target):
        if not os.access(target, os.W_OK):
            raise FlowError(f"cannot write {target}: no permission")
        return
    if target.is_dir():
        raise FlowError(f"cannot write {target}: it is a folder")
    folder = Path(os.path.realpath(target)).parent
    if not folder.exists():
        raise FlowError(f"cannot write {target}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise FlowError(f"cannot write {target}: {folder} is not a folder")


def write_output(path: str | os.PathLike[str], data: bytes, *, stdout: BinaryIO | None = None) -> None:
    """Write ``data`` to ``path`` as the module docstring says; OSError on failure (the
    old file, if any, then untouched unless ``path`` is written in place)."""
    if is_stdout(path):
        out = stdout if stdout is not None else sys.stdout.buffer
        sys.stdout.flush()  # what was printed before comes first
        out.write(data)
        out.flush()
        return
    if is_special(path):
        # O_TRUNC is harmless on devices and FIFOs; no O_CREAT, so nothing new appears if
        # the node went away since.
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return
    write_atomic(path, data)
