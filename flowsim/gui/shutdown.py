"""Ending the app from outside: SIGTERM, SIGHUP and the desktop session's logout.

On SIGTERM, SIGHUP or SIGINT every open window cancels its running simulation or export, writes
its recovery copy if it has unsaved changes (kept: the next start offers it back, as after
a crash), and the app quits with status 0 without asking anything: nobody is there to
answer. On logout (the session manager's commitDataRequest) the recovery copies are
written too, before whatever the session does next.

Python runs a signal handler only when the interpreter gets control, and Qt's event loop
may sleep: ``signal.set_wakeup_fd`` writes each signal's number into a socket that a
QSocketNotifier watches, which wakes the loop.
"""

from __future__ import annotations

import signal
import socket
from typing import Any, Callable

from PySide6.QtCore import QObject, QSocketNotifier, Qt, QTimer
from PySide6.QtWidgets import QApplication

from flowsim.gui.crash import open_documents

__all__ = ["SignalShutdown", "install", "save_everything"]

#: Ctrl+C in the terminal that started the app ends it the same way.
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))


def save_everything(windows: list[Any] | None = None) -> None:
    """Stop running work and write a recovery copy of every document with unsaved changes."""
    windows = windows if windows is not None else [w for w in QApplication.topLevelWidgets() if hasattr(w, "document")]
    for window in windows:
        for name in ("runner", "exporter"):  # never leave a thread running behind
            task = getattr(getattr(window, name, None), "task", None)
            if task is not None:
                task.cancel()
                task.wait()
    for doc in open_documents():
        doc.write_recovery()


class SignalShutdown(QObject):
    """Quits ``app`` cleanly on SIGTERM/SIGHUP/SIGINT; see the module docstring."""

    def __init__(self, app: QApplication, save: Callable[[], None] = save_everything) -> None:
        super().__init__(app)
        self.app = app
        self.save = save
        self.received: list[int] = []
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {number: signal.signal(number, self._note) for number in SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._wake)
        # `flowsim gui` holds these signals back during start-up: let them in once the
        # loop runs (one that came meanwhile is delivered now, and handled in _wake).
        QTimer.singleShot(0, self._release)
        if hasattr(app, "commitDataRequest"):
            app.commitDataRequest.connect(self._commit_data, Qt.ConnectionType.DirectConnection)

    def _release(self) -> None:
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, set(SIGNALS))

    def _note(self, signum: int, frame: Any) -> None:
        pass  # replaces the default action (death); the work is done in _wake

    def _wake(self, *args: Any) -> None:
        try:
            numbers = self._reader.recv(64)  # one byte per signal: its number
        except OSError:
            return
        received = [n for n in numbers if n in SIGNALS]
        if received:
            self.received.extend(received)
            self.save()
            self.app.exit(0)

    def _commit_data(self, manager: Any) -> None:
        self.save()

    def uninstall(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()


def install(app: QApplication) -> SignalShutdown:
    """Handle SIGTERM/SIGHUP and logout for the life of ``app``."""
    return SignalShutdown(app)
