"""``flowsim gui --quit-after-first-paint``: a real start that ends once the canvas has painted.

The bundle test and benchmarks/startup.py use it to check that the window really opens
and to time start to first paint; it takes the same path as any start (same window, same
file or template), and only adds a watch on the canvas's first paint event.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

__all__ = ["quit_after_first_paint"]


class _FirstPaint(QObject):
    """Quits the application once ``target`` has handled a paint event."""

    def __init__(self, target, report) -> None:
        super().__init__(target)
        self._report = report
        self._seen = False
        target.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            # After this event returns, the pixels have been drawn; quit from the loop.
            QTimer.singleShot(0, self._finish)
        return False

    def _finish(self) -> None:
        self._report()
        QApplication.instance().exit(0)


def quit_after_first_paint(window) -> None:
    """Quit the app (exit status 0) once ``window``'s canvas has painted, after printing
    one line naming the flow on it and its number of cards."""

    def report() -> None:
        cards = len(window.document.flow.nodes)
        title = window.windowTitle().replace("[*]", "")
        print(f"first paint: {title} ({cards} cards on the canvas)", flush=True)

    _FirstPaint(window.view.viewport(), report)
