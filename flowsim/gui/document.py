"""The open document: the flow, its file, its undo history and its recovery copy."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from flowsim.check import check_flow
from flowsim.errors import FlowError
from flowsim.gui.bridge import FlowBridge
from flowsim.gui import recovery
from flowsim.gui.recovery import Orphan, Slot, find_orphans, recovery_dir
from flowsim.io import dumps_flow, load_flow, read_text, save_flow
from flowsim.model import Flow, Issue

__all__ = ["Document", "recovery_dir", "pending_recoveries"]

AUTOSAVE_MS = 30_000


class Document(QObject):
    """The flow being edited, with its path, undo stack and state.

    A file that cannot be read as a flow opens *read-only*: ``load_error`` says why, and
    ``text`` holds what the file says, so the app can show both instead of an empty window.
    """

    changed = Signal()  # path, modified or read-only state changed
    issuesChanged = Signal(list)
    notice = Signal(str)  # one line for the status bar (autosave trouble)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = FlowBridge(Flow("Untitled flow"), self)
        self.undo_stack = QUndoStack(self)
        self.path: Path | None = None
        self.load_error: FlowError | None = None
        self.text: str | None = None
        self.issues: list[Issue] = []
        # Bound methods, not lambdas: Qt drops them when this object goes, so a stack
        # that signals while the window is torn down never reaches a deleted object.
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.undo_stack.indexChanged.connect(self._index_changed)
        self._recovery: Slot | None = None
        self._autosave_failing = False
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.write_recovery)
        self._autosave.start()

    # -- state ----------------------------------------------------------------------------
    @property
    def flow(self) -> Flow:
        return self.bridge.flow

    @property
    def read_only(self) -> bool:
        return self.load_error is not None

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    def display_name(self) -> str:
        return self.path.name if self.path else "Untitled"

    # -- files ----------------------------------------------------------------------------
    def set_flow(self, flow: Flow, path: Path | None) -> None:
        self.discard_recovery()
        self.undo_stack.clear()
        self.path = path
        self.load_error, self.text = None, None
        self.bridge.set_flow(flow)
        self._recheck()
        self.changed.emit()

    def open(self, path: str | os.PathLike[str]) -> bool:
        """Open ``path``; on a file that is not a readable flow, go read-only and say why.

        Returns True if the flow could be read (it may still have validation issues).
        """
        path = Path(path)
        try:
            flow = load_flow(path)
        except FlowError as err:
            self.discard_recovery()
            self.undo_stack.clear()
            self.path = path
            self.load_error = err
            try:
                self.text = read_text(path)
            except FlowError:
                self.text = None
            self.bridge.set_flow(Flow(path.name))
            self.issues = []
            self.issuesChanged.emit(self.issues)
            self.changed.emit()
            return False
        self.set_flow(flow, path)
        return True

    def save(self, path: str | os.PathLike[str] | None = None) -> None:
        """Save to ``path`` (or the current one), atomically; raises FlowError on failure."""
        if self.read_only:
            raise FlowError("this file could not be read as a flow, so it cannot be saved over")
        target = Path(path) if path is not None else self.path
        if target is None:
            raise FlowError("choose where to save the flow first")
        save_flow(self.flow, target)
        self.discard_recovery()
        self.path = target
        self.undo_stack.setClean()
        self.changed.emit()

    def revert(self) -> None:
        """Reload the file from disk, dropping every change."""
        if self.path is not None:
            self.open(self.path)

    def _clean_changed(self, clean: bool) -> None:
        self.changed.emit()

    def _index_changed(self, index: int) -> None:
        self._recheck()

    # -- checking -------------------------------------------------------------------------
    def _recheck(self) -> None:
        if self.read_only:
            return
        self.issues = check_flow(self.flow)
        self.issuesChanged.emit(self.issues)

    # -- crash recovery -------------------------------------------------------------------
    # See gui/recovery.py: this document's copy is its own, locked while this process lives.
    def recovery_path(self) -> Path:
        """Where this document's recovery copy goes (it exists only while there is unsaved work)."""
        return self._slot().copy

    def _slot(self) -> Slot:
        if self._recovery is None:
            self._recovery = Slot(recovery.recovery_dir())
        return self._recovery

    def write_recovery(self) -> bool:
        """Copy unsaved work aside (called every 30 s); a saved document has no copy.

        A failure (a full disk, an unusable folder) is told once through ``notice`` and
        tried again at the next tick; it never raises. Returns True if the work is safe:
        saved, or copied aside.
        """
        if self.read_only or not self.modified:
            self.discard_recovery()
            return True
        slot = self._slot()
        try:
            slot.write(dumps_flow(self.flow), self.path)
        except OSError as err:
            if not self._autosave_failing:
                self._autosave_failing = True
                reason = err.strerror or str(err)
                self.notice.emit(f"Unsaved changes could not be copied aside ({reason}); "
                                 f"flowsim keeps trying every {AUTOSAVE_MS // 1000} s. Save them soon.")
            return False
        if self._autosave_failing:
            self._autosave_failing = False
            self.notice.emit("Unsaved changes are copied aside again.")
        return True

    def write_emergency(self) -> Path | None:
        """Copy the flow as it is now beside the recovery copy, after something went wrong;
        the path written, or None if it could not be written (never raises)."""
        if self.read_only:
            return None
        try:
            self.write_recovery()
            return self._slot().write_emergency(dumps_flow(self.flow))
        except Exception:  # noqa: BLE001 - called from the crash handler: nothing may escape
            return None

    def discard_recovery(self) -> None:
        """Remove this document's own recovery copy (never another window's)."""
        if self._recovery is not None:
            self._recovery.discard()

    def recover(self, orphan: Orphan | Path) -> None:
        """Open a recovery copy as unsaved changes to its original file.

        The work is copied into this document's own slot before the orphan is removed, so
        it is never only in memory. Raises FlowError (one line) if the copy cannot be read;
        the caller sets it aside.
        """
        if isinstance(orphan, Path):
            orphan = Orphan(orphan)
            meta = orphan.meta
            if meta.is_file():
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    orphan.original = json.loads(meta.read_text(encoding="utf-8")).get("original")
        flow = orphan.load()
        self.set_flow(flow, Path(orphan.original) if orphan.original else None)
        self.undo_stack.resetClean()  # unsaved until the user saves it
        self.changed.emit()
        if self.write_recovery() and orphan.copy != self.recovery_path():
            orphan.discard()
        else:
            orphan.release()


def pending_recoveries() -> list[Path]:
    """Recovery copies whose owners are gone (another window's live copy is not one)."""
    orphans = find_orphans()
    for orphan in orphans:
        orphan.release()
    return [orphan.copy for orphan in orphans]
