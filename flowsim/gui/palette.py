"""The palette of node kinds: search, drag onto the canvas, or double-click to add."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QMimeData, QSize, Qt
from PySide6.QtGui import QDrag, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from flowsim.gui.painter import paint_shapes
from flowsim.gui.scene import KIND_MIME
from flowsim.model import KIND_INFO, NodeKind
from flowsim.render.icons import icon_shapes
from flowsim.render.theme import KIND_COLORS

__all__ = ["Palette", "kind_icon"]


def kind_icon(kind: str, size: int = 28) -> QIcon:
    """The kind's icon in its colour, as the cards draw it."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_shapes(painter, icon_shapes(kind, 2, 2, size - 4, KIND_COLORS[kind]))
    painter.end()
    return QIcon(pixmap)


class _KindList(QListWidget):
    def startDrag(self, actions) -> None:
        item = self.currentItem()
        if item is None:
            return
        data = QMimeData()
        data.setData(KIND_MIME, item.data(Qt.ItemDataRole.UserRole).encode())
        drag = QDrag(self)
        drag.setMimeData(data)
        drag.setPixmap(item.icon().pixmap(28, 28))
        drag.exec(Qt.DropAction.CopyAction)


class Palette(QWidget):
    """Lists the node kinds; ``on_add(kind)`` is called on double-click or Enter."""

    def __init__(self, on_add: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_add = on_add
        self.search = QLineEdit(placeholderText="Search node kinds…")
        self.search.setClearButtonEnabled(True)
        self.list = _KindList()
        self.list.setDragEnabled(True)
        self.list.setIconSize(QSize(28, 28))
        self.list.setObjectName("palette_list")
        for kind in NodeKind:
            item = QListWidgetItem(kind_icon(kind.value), kind.value.capitalize())
            item.setData(Qt.ItemDataRole.UserRole, kind.value)
            item.setToolTip(KIND_INFO[kind])
            item.setStatusTip(KIND_INFO[kind])
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._add_first_visible)
        self.list.itemActivated.connect(lambda item: self.on_add(item.data(Qt.ItemDataRole.UserRole)))

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.list.count()):
            item = self.list.item(row)
            kind = item.data(Qt.ItemDataRole.UserRole)
            haystack = f"{kind} {KIND_INFO[NodeKind(kind)]}".lower()
            item.setHidden(bool(needle) and needle not in haystack)

    def _add_first_visible(self) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if not item.isHidden():
                self.on_add(item.data(Qt.ItemDataRole.UserRole))
                return
