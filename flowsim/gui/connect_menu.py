"""The palette offered where a connection was dropped on empty canvas: pick a kind, and a
card of that kind appears there, already connected (as draw.io does)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QMenu, QWidget

from flowsim.gui.palette import kind_icon
from flowsim.model import KIND_INFO, NodeKind

__all__ = ["ConnectMenu"]


class ConnectMenu(QMenu):
    """One entry per node kind; choosing one calls ``on_pick(kind)``. Dismissing it adds
    nothing."""

    def __init__(self, on_pick: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connect_menu")
        self.setTitle("Add and connect")
        self.addSection("Add and connect")
        for kind in NodeKind:
            action = self.addAction(kind_icon(kind.value), kind.value.capitalize())
            action.setObjectName(f"connect_{kind.value}")
            action.setToolTip(KIND_INFO[kind])
            action.setStatusTip(KIND_INFO[kind])
            action.triggered.connect(lambda checked=False, k=kind.value: on_pick(k))

    def kind_action(self, kind: str):
        """The entry that adds a node of ``kind``."""
        return next(a for a in self.actions() if a.objectName() == f"connect_{kind}")

    def offer(self, screen: QPointF) -> None:
        """Show the menu at a screen point without blocking (the pick arrives later)."""
        self.popup(QPoint(round(screen.x()), round(screen.y())))
