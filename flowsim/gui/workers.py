"""Heavy work off the GUI thread: a simulation or an export runs in a worker thread,
reporting progress and finishing (or failing, or being cancelled) through signals."""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QThread, Signal

from flowsim.errors import FlowError

__all__ = ["Task"]


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
