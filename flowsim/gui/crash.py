"""Unexpected errors anywhere in the app: a dialog, an emergency copy, and the app goes on.

:func:`install` replaces ``sys.excepthook`` (which PySide6 calls for an exception in a
slot, an event handler or a paint) and ``threading.excepthook``. For each error the open
flows are written to their emergency copies (``ID.emergency.flow.yaml`` beside the
recovery copies, never removed by flowsim), the recovery copies are brought up to date,
the traceback goes to stderr for whoever runs flowsim from a terminal, and the
:class:`~flowsim.gui.crashdialog.CrashDialog` shows the details with a "Copy report"
button. The event loop carries on, so the window stays usable.
"""

from __future__ import annotations

import platform
import sys
import threading
import time
import traceback
from typing import Any, Callable

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, Signal, qVersion
from PySide6.QtWidgets import QApplication

from flowsim import __version__

__all__ = ["CrashHandler", "install", "open_documents", "report_text"]


def open_documents() -> list[Any]:
    """The documents of every main window (anything top-level with a ``document``)."""
    from flowsim.gui.document import Document

    found = []
    for widget in QApplication.topLevelWidgets():
        doc = getattr(widget, "document", None)
        if isinstance(doc, Document) and doc not in found:
            found.append(doc)
    return found


def report_text(exc_type: type, exc: BaseException, tb: Any) -> str:
    """What a developer needs: versions, platform, time and the traceback."""
    head = (f"flowsim {__version__} · Python {platform.python_version()} · PySide6 {pyside_version} "
            f"(Qt {qVersion()}) · {platform.platform()}\n{time.strftime('%Y-%m-%d %H:%M:%S %z')}\n")
    return head + "".join(traceback.format_exception(exc_type, exc, tb))


class CrashHandler(QObject):
    """Shows unexpected errors; see the module docstring."""

    # Errors from other threads come through here, queued, to reach the GUI thread.
    _raised = Signal(str)

    def __init__(self, documents: Callable[[], list[Any]] = open_documents, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.documents = documents
        self.dialog = None
        self._busy = False
        self._previous: tuple[Any, Any] | None = None
        self._raised.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = lambda args: self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def handle(self, exc_type: type, exc: BaseException, tb: Any) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report = report_text(exc_type, exc, tb)
        try:
            sys.stderr.write(report)
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - no stderr (a desktop launch): the dialog still shows
            pass
        if threading.current_thread() is threading.main_thread():
            self._show(report)
        else:
            self._raised.emit(report)

    def _show(self, report: str) -> None:
        if self._busy:  # an error while handling one: the report is on stderr already
            return
        self._busy = True
        try:
            saved, failed = [], []
            for doc in self.documents():
                path = doc.write_emergency()
                if path is not None:
                    saved.append(path)
                elif not doc.read_only:
                    failed.append(doc.display_name())
            self._dialog().add(report, saved, failed)
        finally:
            self._busy = False

    def _dialog(self):
        from flowsim.gui.crashdialog import CrashDialog

        if self.dialog is None:
            parent = QApplication.activeWindow() or next(
                (w for w in QApplication.topLevelWidgets() if hasattr(w, "document") and w.isVisible()), None)
            self.dialog = CrashDialog(parent)
            self.dialog.finished.connect(self._closed)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def _closed(self, result: int = 0) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None


def install(app: QApplication) -> CrashHandler:
    """Install a :class:`CrashHandler` for the life of ``app``."""
    handler = CrashHandler(parent=app)
    handler.install()
    return handler
