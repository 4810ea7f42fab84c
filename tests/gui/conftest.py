"""Fixtures for driving the real widgets offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, QSettings, QStandardPaths, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

QStandardPaths.setTestModeEnabled(True)  # recovery files and settings stay out of $HOME


@pytest.fixture
def window(qtbot, tmp_path):
    """The main window with its own settings file, never blocking on a dialog."""
    from flowsim.gui.mainwindow import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings, ask=False)
    qtbot.addWidget(win)
    win.resize(1300, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.document.discard_recovery()


def wait_idle(qtbot, owner, timeout: int = 180_000) -> None:
    """Wait until a window's worker (runner or exporter) has finished, however it ended.

    Waiting on the state rather than on one signal cannot miss a signal that came first.
    """
    qtbot.waitUntil(lambda: not owner.busy, timeout=timeout)


@pytest.fixture
def reported(window, monkeypatch):
    """The (title, text) of every error the window reports."""
    seen = []
    monkeypatch.setattr(window, "report_error", lambda title, text: seen.append((title, text)))
    return seen


def send_mouse(widget, kind, pos, button=Qt.MouseButton.LeftButton, buttons=None, modifiers=Qt.KeyboardModifier.NoModifier):
    """Deliver one mouse event with the buttons held (QTest's mouseMove cannot hold them)."""
    held = button if buttons is None else buttons
    event = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, held, modifiers)
    QApplication.sendEvent(widget, event)


def drag(view, start_scene, end_scene, steps: int = 6):
    """Press at one scene point, move in steps with the left button down, release."""
    viewport = view.viewport()
    start = view.mapFromScene(start_scene)
    end = view.mapFromScene(end_scene)
    send_mouse(viewport, QEvent.Type.MouseButtonPress, start)
    for n in range(1, steps + 1):
        point = start + (end - start) * (n / steps)
        send_mouse(viewport, QEvent.Type.MouseMove, point, Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton)
    send_mouse(viewport, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton)


def click(view, scene_point, modifiers=Qt.KeyboardModifier.NoModifier):
    viewport = view.viewport()
    pos = view.mapFromScene(scene_point)
    send_mouse(viewport, QEvent.Type.MouseButtonPress, pos, modifiers=modifiers)
    send_mouse(viewport, QEvent.Type.MouseButtonRelease, pos, Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton, modifiers)
