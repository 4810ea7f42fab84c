"""Presentation mode: the window full screen, docks and bars hidden, the flow fitted and
the playback large, for showing a run on a projector straight from the app.

Arrow keys step a day, Space plays and pauses, Esc (or F11 again) leaves and puts back the
window exactly as it was: its docks, toolbars, menus, size and the canvas's zoom and pan.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QToolBar

__all__ = ["Presenter"]


class Presenter(QObject):
    """Enters and leaves presentation mode for ``window`` (a main window with ``view``,
    ``timeline_bar`` and ``playback``)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self._state: QByteArray | None = None
        self._geometry: QByteArray | None = None
        self._shown: dict[QObject, bool] = {}
        self._view: tuple[QTransform, int, int] | None = None
        self._window_state = Qt.WindowState.WindowNoState

    def toggle(self) -> None:
        if self.active:
            self.leave()
        else:
            self.enter()

    def enter(self) -> None:
        w = self.window
        if self.active:
            return
        self.active = True
        self._state, self._geometry = w.saveState(), w.saveGeometry()
        self._window_state = w.windowState()
        view = w.view
        self._view = (view.transform(), view.horizontalScrollBar().value(), view.verticalScrollBar().value())
        hideable = [*w.findChildren(QDockWidget), *w.findChildren(QToolBar), w.menuBar(), w.statusBar()]
        self._shown = {widget: widget.isVisible() for widget in hideable}
        for widget in hideable:
            widget.hide()
        w.timeline_bar.set_large(True)
        w.showFullScreen()
        QApplication.instance().installEventFilter(self)
        # Once full screen has taken effect, fit the flow to it.
        QTimer.singleShot(0, self._fit)
        QTimer.singleShot(150, self._fit)
        w.view.setFocus()

    def _fit(self) -> None:
        """The whole flow as large as the screen takes it (past 100 %: the room is an audience's)."""
        if not self.active:
            return
        view = self.window.view
        items = view.scene().itemsBoundingRect()
        if items.isEmpty():
            return
        view.fitInView(items.adjusted(-30, -30, 30, 30), Qt.AspectRatioMode.KeepAspectRatio)
        view.set_zoom(view.zoom())  # within the canvas's zoom limits, and told to its listeners

    def leave(self) -> None:
        w = self.window
        if not self.active:
            return
        self.active = False
        QApplication.instance().removeEventFilter(self)
        w.timeline_bar.set_large(False)
        w.setWindowState(self._window_state)
        if not self._window_state & (Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMaximized):
            w.showNormal()
            w.restoreGeometry(self._geometry)
        for widget, shown in self._shown.items():
            widget.setVisible(shown)
        w.restoreState(self._state)
        transform, h, v = self._view
        w.view.setTransform(transform)
        w.view.horizontalScrollBar().setValue(h)
        w.view.verticalScrollBar().setValue(v)
        w.view._zoomed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not self.active:
            return False
        key = event.key()
        playback = self.window.playback
        if key == Qt.Key.Key_Escape:
            self.leave()
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            playback.step(-1 if key == Qt.Key.Key_Left else 1)
            return True
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            playback.toggle()
            return True
        return False
