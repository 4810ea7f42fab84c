"""The open document: the flow, its file, its undo history and its recovery copy."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QUndoStack

from flowsim.check import check_flow
from flowsim.errors import FlowError
from flowsim.gui.bridge import FlowBridge
from flowsim.io import dumps_flow, load_flow, loads_flow, read_text, save_flow
from flowsim.io.atomic import write_atomic
from flowsim.model import Flow, Issue

__all__ = ["Document", "recovery_dir"]

AUTOSAVE_MS = 30_000


def recovery_dir() -> Path:
    """Where unsaved work is copied every 30 s, to offer it back after a crash."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation) or os.path.expanduser("~/.flowsim")
    return Path(base) / "recovery"


class Document(QObject):
    """The flow being edited, with its path, undo stack and state.

    A file that cannot be read as a flow opens *read-only*: ``load_error`` says why, and
    ``text`` holds what the file says, so the app can show both instead of an empty window.
    """

    changed = Signal()  # path, modified or read-only state changed
    issuesChanged = Signal(list)

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
    def recovery_path(self) -> Path:
        key = str(self.path.resolve()) if self.path else f"untitled-{os.getpid()}-{id(self)}"
        digest = hashlib.sha1(key.encode()).hexdigest()[:12]
        return recovery_dir() / f"{digest}.flow.yaml"

    def write_recovery(self) -> None:
        """Copy unsaved work aside (called every 30 s); nothing to do when saved."""
        if not self.modified or self.read_only:
            return
        target = self.recovery_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, dumps_flow(self.flow).encode("utf-8"))
        meta = {"original": str(self.path) if self.path else None}
        write_atomic(target.with_suffix(".json"), json.dumps(meta).encode("utf-8"))

    def discard_recovery(self) -> None:
        for suffix in (".yaml", ".json"):
            path = self.recovery_path().with_suffix(suffix)
            try:
                path.unlink()
            except FileNotFoundError:
                pass

    def recover(self, recovery: Path) -> None:
        """Open a recovery copy as unsaved changes to its original file."""
        meta_path = recovery.with_suffix(".json")
        original = None
        if meta_path.is_file():
            original = json.loads(meta_path.read_text(encoding="utf-8")).get("original")
        flow = loads_flow(recovery.read_text(encoding="utf-8"), file=str(recovery))
        self.set_flow(flow, Path(original) if original else None)
        self.undo_stack.resetClean()  # unsaved until the user saves it
        self.changed.emit()
        for suffix in (".yaml", ".json"):
            recovery.with_suffix(suffix).unlink(missing_ok=True)


def pending_recoveries() -> list[Path]:
    """Recovery copies left by a session that did not end cleanly."""
    folder = recovery_dir()
    return sorted(folder.glob("*.flow.yaml")) if folder.is_dir() else []
