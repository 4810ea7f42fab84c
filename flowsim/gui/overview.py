"""The overview: the whole flow in miniature, with the canvas's view drawn on it; click or
drag in it to move the canvas there."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsView

from flowsim.gui.painter import qcolor
from flowsim.gui.view import FlowView

__all__ = ["Overview"]


class Overview(QGraphicsView):
    """A second, read-only view of the canvas's scene, always fitted to the whole flow."""

    def __init__(self, main: FlowView, parent=None) -> None:
        super().__init__(main.scene(), parent)
        self.main = main
        self.setObjectName("overview")
        self.setInteractive(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHints(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(120)
        main.horizontalScrollBar().valueChanged.connect(self._main_moved)
        main.verticalScrollBar().valueChanged.connect(self._main_moved)
        main.zoomChanged.connect(self._main_moved)
        main.scene().changed.connect(self._scene_changed)

    def visible_area(self) -> QRectF:
        """The part of the flow the canvas shows, in scene coordinates."""
        return self.main.mapToScene(self.main.viewport().rect()).boundingRect()

    def refit(self) -> None:
        items = self.scene().itemsBoundingRect()
        if not items.isEmpty():
            self.fitInView(items.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)

    def _scene_changed(self, regions) -> None:
        self.refit()

    def _main_moved(self, *args) -> None:
        self.viewport().update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.refit()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, qcolor(self.main.flow_scene.theme.background))
        # Edge items hide when the canvas is far out; the overview is always far out.
        painter.setPen(QPen(qcolor(self.main.flow_scene.theme.edge), 0))
        painter.drawPath(self.main.flow_scene.edges_path())

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        color = qcolor(self.main.flow_scene.theme.selection)
        painter.setPen(QPen(color, 0))
        fill = qcolor(self.main.flow_scene.theme.selection, 0.12)
        painter.setBrush(fill)
        painter.drawRect(self.visible_area())

    def mousePressEvent(self, event) -> None:
        self.main.centerOn(self.mapToScene(event.position().toPoint()))

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.main.centerOn(self.mapToScene(event.position().toPoint()))
