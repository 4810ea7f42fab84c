"""The window fits the screen it opens on, and comes back as the user left it there.

Geometry and dock layout are remembered per screen (its name and size), so a laptop
alone and the same laptop on a desk monitor each get their own; whatever is restored is
then clamped into the screen's available area (a screen may have shrunk since).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QMainWindow

__all__ = ["screen_key", "fit_rect", "restore_placement", "save_placement", "fit_to_screen", "PREFERRED"]

#: The smallest size the window takes on a first start, where the screen has room for it.
PREFERRED = QSize(1400, 860)


def screen_key(screen: QScreen | None) -> str:
    """A settings group name for ``screen``: its name and size."""
    if screen is None:
        return "screen-unknown"
    size = screen.size()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", screen.name() or "screen")
    return f"screen-{name}-{size.width()}x{size.height()}"


def fit_rect(frame: QRect, available: QRect) -> QRect:
    """``frame`` moved, and shrunk if need be, to lie inside ``available``."""
    width = min(frame.width(), available.width())
    height = min(frame.height(), available.height())
    left = min(max(frame.left(), available.left()), available.right() + 1 - width)
    top = min(max(frame.top(), available.top()), available.bottom() + 1 - height)
    return QRect(left, top, width, height)


def _screen(window: QMainWindow) -> QScreen | None:
    return window.screen() or QGuiApplication.primaryScreen()


def fit_to_screen(window: QMainWindow) -> None:
    """Keep the whole window, frame and all, inside its screen's available area."""
    screen = _screen(window)
    if screen is None:
        return
    available = screen.availableGeometry()
    frame, inner = window.frameGeometry(), window.geometry()
    # What the window manager adds around the window (none offscreen or without one).
    extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
    target = fit_rect(frame, available)
    if target != frame:
        window.resize(max(1, target.width() - extra_w), max(1, target.height() - extra_h))
        window.move(target.topLeft())


def default_size(window: QMainWindow) -> QSize:
    """A first start's size: all of a laptop screen, nine tenths of a larger one (the
    canvas is the point: the more of it the better), never less than :data:`PREFERRED`
    where that fits."""
    screen = _screen(window)
    if screen is None:
        return QSize(PREFERRED)
    room = screen.availableGeometry().size()
    if room.width() <= PREFERRED.width() or room.height() <= PREFERRED.height():
        return room
    return QSize(int(room.width() * 0.9), int(room.height() * 0.9)).expandedTo(PREFERRED).boundedTo(room)


def _centre(window: QMainWindow) -> None:
    screen = _screen(window)
    if screen is not None:
        frame = window.frameGeometry()
        frame.moveCenter(screen.availableGeometry().center())
        window.move(frame.topLeft())


def restore_placement(window: QMainWindow, settings: QSettings) -> bool:
    """Bring back this screen's geometry and dock layout; True if a dock layout was found."""
    key = screen_key(_screen(window))
    geometry = settings.value(f"{key}/geometry")
    state = settings.value(f"{key}/state")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        window.resize(default_size(window))
        _centre(window)
    restored = state is not None and window.restoreState(state)
    return bool(restored)


def save_placement(window: QMainWindow, settings: QSettings) -> None:
    """Remember the geometry and dock layout for the screen the window is on."""
    key = screen_key(_screen(window))
    settings.setValue(f"{key}/geometry", window.saveGeometry())
    settings.setValue(f"{key}/state", window.saveState())
