"""Recovery copies of unsaved work, each owned by the process that writes it.

Every document has a *slot* in the recovery folder: ``ID.flow.yaml`` (the flow),
``ID.json`` (what it is a copy of) and ``ID.lock``, locked by the writing process for as
long as it lives (``flock``; the kernel drops it when the process dies, however it dies).
The lock is taken before the first copy is written, so:

- a copy whose lock is held belongs to a live window (this process's or another's) and
  is never offered nor touched by anyone else;
- a copy whose lock can be taken is an *orphan*: its owner is gone. Taking the lock
  claims it, so two windows starting at once never offer the same one;
- a copy is removed only by its owner (a clean save or close) or by the user's explicit
  discard of an orphan. A copy that cannot be read is moved to ``damaged/`` and reported
  once, never offered again.

IDs are ``PID-RANDOM``, so two windows on the same file have two slots. Copies written by
earlier versions (no lock file) count as orphans.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths

from flowsim.errors import FlowError
from flowsim.io import loads_flow
from flowsim.io.atomic import write_atomic
from flowsim.model import Flow

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: owners are told apart by pid
    fcntl = None  # type: ignore[assignment]

__all__ = ["recovery_dir", "folder_problem", "Slot", "Orphan", "find_orphans"]

_COPY = re.compile(r"^(?P<id>[0-9A-Za-z_-]+)\.flow\.yaml$")
DAMAGED = "damaged"


def recovery_dir() -> Path:
    """Where unsaved work is copied every 30 s, to offer it back after a crash."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation) or os.path.expanduser("~/.flowsim")
    return Path(base) / "recovery"


def folder_problem(folder: Path) -> str | None:
    """One line saying why unsaved work cannot be kept in ``folder``, or None (made if need be)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        return f"unsaved work cannot be kept aside: {folder} is a file, not a folder"
    except OSError as err:
        return f"unsaved work cannot be kept aside in {folder}: {err.strerror or err}"
    if not folder.is_dir():
        return f"unsaved work cannot be kept aside: {folder} is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"unsaved work cannot be kept aside in {folder}: no permission to write there"
    return None


def _try_lock(path: Path, create: bool) -> int | None:
    """An fd holding ``path``'s lock, or None if a live process holds it (or it is gone)."""
    flags = os.O_RDWR | getattr(os, "O_CLOEXEC", 0) | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        return None
    if fcntl is None:
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _pid_alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class Slot:
    """One document's recovery copy, emergency copy and the lock that says they are ours."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.id = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._lock_fd: int | None = None

    @property
    def copy(self) -> Path:
        return self.folder / f"{self.id}.flow.yaml"

    @property
    def meta(self) -> Path:
        return self.folder / f"{self.id}.json"

    @property
    def lock(self) -> Path:
        return self.folder / f"{self.id}.lock"

    @property
    def emergency(self) -> Path:
        """Beside the recovery copy; never offered nor removed by flowsim."""
        return self.folder / f"{self.id}.emergency.flow.yaml"

    def _own(self) -> None:
        if self._lock_fd is None:
            problem = folder_problem(self.folder)
            if problem is not None:
                raise OSError(problem)
            fd = _try_lock(self.lock, create=True)
            if fd is None:
                raise OSError(f"cannot lock {self.lock}")
            self._lock_fd = fd

    def write(self, text: str, original: Path | None) -> None:
        """Write the copy atomically (lock first); OSError on any failure."""
        self._own()
        write_atomic(self.copy, text.encode("utf-8"))
        meta = {"original": str(original) if original else None, "pid": os.getpid(), "written": time.time()}
        write_atomic(self.meta, json.dumps(meta).encode("utf-8"))

    def write_emergency(self, text: str) -> Path:
        """Write the emergency copy (the flow as it was when something went wrong)."""
        self._own()
        write_atomic(self.emergency, text.encode("utf-8"))
        return self.emergency

    def has_copy(self) -> bool:
        return self._lock_fd is not None and self.copy.exists()

    def discard(self) -> None:
        """Remove our recovery copy (not the emergency copy) and give up the lock."""
        if self._lock_fd is None:
            return
        for path in (self.copy, self.meta):
            with contextlib.suppress(OSError):
                path.unlink()
        if not self.emergency.exists():
            with contextlib.suppress(OSError):
                self.lock.unlink()
        os.close(self._lock_fd)
        self._lock_fd = None


@dataclass
class Orphan:
    """A recovery copy whose owner is gone, claimed (locked) by this process."""

    copy: Path
    original: str | None = None
    written: float = 0.0
    _fd: int | None = field(default=None, repr=False)

    @property
    def meta(self) -> Path:
        return self.copy.with_name(self.copy.name[: -len(".flow.yaml")] + ".json")

    @property
    def lock(self) -> Path:
        return self.copy.with_name(self.copy.name[: -len(".flow.yaml")] + ".lock")

    def describe(self) -> str:
        what = f"“{Path(self.original).name}”" if self.original else "an untitled flow"
        when = time.strftime("%a %d %b %H:%M", time.localtime(self.written)) if self.written else "earlier"
        return f"unsaved changes to {what} ({when})"

    def load(self) -> Flow:
        """The flow in the copy; FlowError (one line) if it cannot be read."""
        try:
            raw = self.copy.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise FlowError(f"the recovery copy {self.copy.name} cannot be read: {err}") from None
        return loads_flow(text, file=str(self.copy))

    def discard(self) -> None:
        """Remove the copy for good (the user said so)."""
        for path in (self.copy, self.meta, self.lock):
            with contextlib.suppress(OSError):
                path.unlink()
        self.release()

    def set_aside(self) -> Path:
        """Move a copy that cannot be read to ``damaged/``; it is not offered again."""
        aside = self.copy.parent / DAMAGED
        aside.mkdir(exist_ok=True)
        target = aside / self.copy.name
        for path in (self.copy, self.meta):
            with contextlib.suppress(OSError):
                shutil.move(str(path), str(aside / path.name))
        with contextlib.suppress(OSError):
            self.lock.unlink()
        self.release()
        return target

    def release(self) -> None:
        """Let go of the claim (the copy stays, for a later start)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def find_orphans(folder: Path | None = None) -> list[Orphan]:
    """Claim and return the recovery copies whose owners are gone, newest first.

    The caller must :meth:`~Orphan.release`, :meth:`~Orphan.discard` or
    :meth:`~Orphan.set_aside` each one. A folder that cannot be read gives none.
    """
    folder = folder if folder is not None else recovery_dir()
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    found = []
    for name in names:
        match = _COPY.match(name)
        if match is None:
            continue
        copy = folder / name
        orphan = Orphan(copy)
        # A lock file missing means an earlier version wrote it: an orphan, claimed by
        # creating the lock. A copy whose owner deleted it meanwhile is skipped below.
        fd = _try_lock(orphan.lock, create=True)
        if fd is None:
            continue  # a live owner
        orphan._fd = fd
        if not copy.exists():
            with contextlib.suppress(OSError):
                orphan.lock.unlink()
            orphan.release()
            continue
        try:
            meta = json.loads(orphan.meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        if not isinstance(meta, dict):
            meta = {}
        if fcntl is None and meta.get("pid") != os.getpid() and _pid_alive(meta.get("pid")):
            orphan.release()  # no locks here: a live pid means a live owner
            continue
        original = meta.get("original")
        orphan.original = original if isinstance(original, str) else None
        try:
            orphan.written = float(meta.get("written") or copy.stat().st_mtime)
        except (OSError, TypeError, ValueError):
            orphan.written = 0.0
        found.append(orphan)
    found.sort(key=lambda o: o.written, reverse=True)
    return found


# --- offering orphans back ----------------------------------------------------------------

OPEN, DISCARD, LATER = "open", "discard", "later"


def ask_about(parent: Any, orphan: Orphan) -> str:
    """Ask the user what to do with ``orphan``: OPEN, DISCARD or LATER."""
    box, open_button, discard_button = question_box(parent, orphan)
    box.exec()
    clicked = box.clickedButton()
    return OPEN if clicked is open_button else DISCARD if clicked is discard_button else LATER


def question_box(parent: Any, orphan: Orphan) -> tuple[Any, Any, Any]:
    """The question :func:`ask_about` asks, with its Open and Discard buttons."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover unsaved work?")
    box.setText(f"A flowsim window closed without saving and left {orphan.describe()}.")
    box.setInformativeText("Open them now? “Later” keeps them for the next start; “Discard” deletes them.")
    open_button = box.addButton("Open", QMessageBox.ButtonRole.AcceptRole)
    discard_button = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(open_button)
    return box, open_button, discard_button


def offer(document: Any, choose: Any, report: Any) -> None:
    """Offer each orphan, newest first, through ``choose(orphan) -> OPEN|DISCARD|LATER``.

    The first one opened goes into ``document`` (only while it has no unsaved changes);
    the others stay for later. A copy that cannot be read is set aside and ``report``ed
    in one line; it is not offered again.
    """
    problem = folder_problem(recovery_dir())
    if problem is not None:
        report(problem[0].upper() + problem[1:])
        return
    orphans = find_orphans()
    try:
        while orphans:
            orphan = orphans.pop(0)
            if document.modified:
                orphan.release()
                continue
            answer = choose(orphan)
            if answer == DISCARD:
                orphan.discard()
            elif answer == OPEN:
                try:
                    document.recover(orphan)
                except FlowError as err:
                    aside = orphan.set_aside()
                    report(f"The unsaved copy could not be read and was put aside in {aside.parent}: {err}")
            else:
                orphan.release()
    finally:
        for orphan in orphans:
            orphan.release()
