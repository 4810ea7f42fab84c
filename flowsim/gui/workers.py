"""Heavy work off the GUI thread: a simulation or an export runs in a worker thread,
reporting progress and finishing (or failing, or being cancelled) through signals."""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QProgressBar

from flowsim.errors import FlowError

__all__ = ["Task", "TaskOwner"]


class Task(QThread):
    """Runs ``fn(*args, progress=..., cancel=..., **kwargs)`` in its own thread.

    ``fn`` must accept ``progress`` (a callable taking a fraction) and ``cancel`` (an
    object with ``is_set()``). Signals arrive on the GUI thread: ``progressed(fraction)``,
    then exactly one of ``succeeded(result)``, ``failed(message)`` or ``cancelled()``.
    """

    progressed = Signal(float)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, fn: Callable[..., Any], *args: Any, parent=None, **kwargs: Any) -> None:
        super().__init__(parent)
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.stop = threading.Event()
        self._last = -1.0

    def cancel(self) -> None:
        self.stop.set()

    def _progress(self, fraction: float) -> None:
        # At most a hundred updates: the GUI thread has better things to do.
        if fraction >= 1.0 or fraction - self._last >= 0.01:
            self._last = fraction
            self.progressed.emit(float(fraction))

    def run(self) -> None:
        try:
            result = self.fn(*self.args, progress=self._progress, cancel=self.stop, **self.kwargs)
        except FlowError as err:
            if self.stop.is_set():
                self.cancelled.emit()
            else:
                self.failed.emit(str(err))
            return
        except Exception as err:  # noqa: BLE001 - a worker must always report back
            if self.stop.is_set() or type(err).__name__ == "Cancelled":
                self.cancelled.emit()
            else:
                self.failed.emit(f"{type(err).__name__}: {err}")
            return
        if self.stop.is_set():
            self.cancelled.emit()
        else:
            self.succeeded.emit(result)


class TaskOwner(QObject):
    """One kind of background work of a window (a simulation, an export): at most one
    task at a time, its progress bar in the status bar, Cancel, and the message at the end.

    Subclasses call :meth:`launch` and override :meth:`running_changed` to enable their
    actions, :meth:`succeeded` to use the result.
    """

    def __init__(self, window, label: str) -> None:
        super().__init__(window)
        self.window = window
        self.label = label
        self.task: Task | None = None
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setRange(0, 1000)
        self.progress.setFormat(f"{label} %p%")
        self.progress.hide()
        window.statusBar().addWidget(self.progress)

    @property
    def busy(self) -> bool:
        return self.task is not None

    def launch(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task | None:
        """Start ``fn`` in a :class:`Task` unless one is running; return the task."""
        if self.busy:
            return None
        task = Task(fn, *args, parent=self, **kwargs)
        task.progressed.connect(self._progressed)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        self.task = task
        self.progress.setValue(0)
        self.progress.show()
        self.running_changed(True)
        self.window.statusBar().showMessage(f"{self.label}…")
        task.start()
        return task

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def running_changed(self, running: bool) -> None:
        """Enable or disable the owner's actions."""

    def succeeded(self, result: Any) -> str:
        """Use the result; return the message for the status bar."""
        return f"{self.label} finished"

    def _progressed(self, fraction: float) -> None:
        self.progress.setValue(round(fraction * 1000))

    def _succeeded(self, result: Any) -> None:
        self._end()
        self.window.statusBar().showMessage(self.succeeded(result), 8000)

    def _failed(self, message: str) -> None:
        self._end()
        self.window.statusBar().showMessage(f"{self.label} failed", 8000)
        self.window.report_error(f"{self.label} failed", message)

    def _cancelled(self) -> None:
        self._end()
        self.window.statusBar().showMessage(f"{self.label} cancelled", 8000)

    def _end(self) -> None:
        if self.task is not None:
            self.task.wait()
            self.task.deleteLater()
        self.task = None
        self.progress.hide()
        self.running_changed(False)
