"""The overview: the whole flow in miniature, with the canvas's view drawn on it; click or
drag in it to move the canvas there.

The miniature is drawn once into a picture and kept until the flow or the selection
changes (after a short pause, so that a burst of edits draws it once) or the dock is
resized. Moving or resizing the canvas only moves the frame drawn over the picture:
drawing a 5,000-node flow again at every scroll step cost about 90 ms a frame.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QWidget

from flowsim.gui.painter import qcolor
from flowsim.gui.view import FlowView

__all__ = ["Overview"]


class Overview(QWidget):
    """The canvas's flow fitted into this widget, and the part the canvas shows."""

    #: Room around the flow, in scene units.
    MARGIN = 40.0
    #: How long the flow must stay still before the miniature is drawn again (ms).
    SETTLE_MS = 150

    def __init__(self, main: FlowView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.main = main
        self.setObjectName("overview")
        self.setMinimumHeight(120)
        self.renders = 0  # how many times the miniature has been drawn
        self._picture: QPixmap | None = None
        self._to_widget = QTransform()
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(self.SETTLE_MS)
        self._redraw.timeout.connect(self.refit)
        main.horizontalScrollBar().valueChanged.connect(self._main_moved)
        main.verticalScrollBar().valueChanged.connect(self._main_moved)
        main.zoomChanged.connect(self._main_moved)
        main.viewport().installEventFilter(self)  # the canvas resized: its frame did too
        scene = main.flow_scene
        bridge = scene.bridge
        for signal in (bridge.nodeAdded, bridge.nodeRemoved, bridge.nodeChanged, bridge.edgeAdded,
                       bridge.edgeRemoved, bridge.edgeChanged, bridge.flowReplaced, scene.selectionChanged):
            signal.connect(self._flow_changed)

    def visible_area(self) -> QRectF:
        """The part of the flow the canvas shows, in scene coordinates."""
        return self.main.mapToScene(self.main.viewport().rect()).boundingRect()

    def map_from_scene(self, point: QPointF) -> QPointF:
        """Where a scene point is drawn in this widget."""
        return self._to_widget.map(point)

    def map_to_scene(self, point: QPointF) -> QPointF:
        """The scene point drawn at ``point`` of this widget."""
        inverse, _ = self._to_widget.inverted()
        return inverse.map(point)

    def refit(self) -> None:
        """Fit the whole flow into the widget and draw the miniature again."""
        self._redraw.stop()
        scene = self.main.flow_scene
        m = self.MARGIN
        bounds = scene.itemsBoundingRect()
        width, height = self.width(), self.height()
        if bounds.isEmpty() or width <= 0 or height <= 0:
            self._picture = None
            self._to_widget = QTransform()
            self.update()
            return
        bounds.adjust(-m, -m, m, m)
        scale = min(width / bounds.width(), height / bounds.height())
        self._to_widget = QTransform(
            scale, 0.0, 0.0, scale,
            (width - bounds.width() * scale) / 2 - bounds.left() * scale,
            (height - bounds.height() * scale) / 2 - bounds.top() * scale,
        )
        ratio = self.devicePixelRatioF()
        picture = QPixmap(round(width * ratio), round(height * ratio))
        picture.setDevicePixelRatio(ratio)
        theme = scene.theme
        picture.fill(qcolor(theme.background))
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setTransform(self._to_widget)
        painter.setPen(QPen(qcolor(theme.edge), 0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(scene.edges_path())
        scene.draw_card_boxes(painter, outline=0, fill=0.35, selected_outline=0)
        painter.end()
        self._picture = picture
        self.renders += 1
        self.update()

    def _flow_changed(self, *args) -> None:
        self._redraw.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.update()
        return False

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange:  # moved to a screen of another scale
            self.refit()
        return super().event(event)

    def _main_moved(self, *args) -> None:
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        theme = self.main.flow_scene.theme
        if self._picture is None:
            painter.fillRect(self.rect(), qcolor(theme.background))
            return
        painter.drawPixmap(0, 0, self._picture)
        painter.setTransform(self._to_widget)
        painter.setPen(QPen(qcolor(theme.selection), 0))
        painter.setBrush(qcolor(theme.selection, 0.12))
        painter.drawRect(self.visible_area())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.refit()

    def mousePressEvent(self, event) -> None:
        if self._picture is not None and event.button() == Qt.MouseButton.LeftButton:
            self.main.centerOn(self.map_to_scene(event.position()))

    def mouseMoveEvent(self, event) -> None:
        if self._picture is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self.main.centerOn(self.map_to_scene(event.position()))
