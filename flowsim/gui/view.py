"""The canvas view: zoom (wheel, Ctrl +/−, fit), pan (middle button or Space+drag), grid."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QPainter, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import QGraphicsView

from flowsim.gui.painter import qcolor
from flowsim.gui.items import LOD_SIMPLE, NodeItem
from flowsim.gui.scene import FlowScene
from flowsim.render.shapes import Text

__all__ = ["FlowView"]

MIN_ZOOM, MAX_ZOOM = 0.1, 4.0
#: The smallest card or label text the canvas opens with, in screen pixels.
READABLE_PX = 11.0
_MARGIN = 40.0


class FlowView(QGraphicsView):
    zoomChanged = Signal(float)
    #: Space was pressed and let go without panning (playback plays or pauses on it).
    spaceTapped = Signal()

    def __init__(self, scene: FlowScene, parent=None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._panning: QPointF | None = None
        self._space = False
        self._space_panned = False

    @property
    def flow_scene(self) -> FlowScene:
        return self.scene()  # type: ignore[return-value]

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        scale = factor / self.zoom()
        self.scale(scale, scale)
        self._zoomed()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * 1.25)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / 1.25)

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def fit(self) -> None:
        """Show the whole flow (never zoomed in past 100 %)."""
        items = self.scene().itemsBoundingRect()
        if items.isEmpty():
            return
        self.fitInView(items.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.0:
            self.set_zoom(1.0)
            self.centerOn(items.center())
        self._zoomed()

    def smallest_text(self) -> float | None:
        """The size of the smallest text on the cards and edge labels, in scene units."""
        sizes = [shape.size for item in self.flow_scene.node_items() + self.flow_scene.edge_items()
                 for shape in item.shapes if isinstance(shape, Text)]
        return min(sizes, default=None)

    def readable_zoom(self) -> float:
        """The zoom at which every card's text is at least :data:`READABLE_PX` on screen."""
        smallest = self.smallest_text()
        return READABLE_PX / smallest if smallest else 1.0

    def show_readable(self) -> None:
        """How a flow opens: the whole flow if it fits at a readable zoom (never past
        100 % unless the text needs it), else the readable zoom at the sources' end, where
        the flow starts; the overview shows where that is in the whole."""
        items = self.scene().itemsBoundingRect()
        if items.isEmpty():
            return
        readable = self.readable_zoom()
        room = self.viewport().size()
        fit = min(room.width() / (items.width() + 2 * _MARGIN), room.height() / (items.height() + 2 * _MARGIN))
        if fit >= readable:
            self.set_zoom(min(fit, max(1.0, readable)))
            self.centerOn(items.center())
            return
        self.set_zoom(readable)
        zoom = self.zoom()
        start = self._sources_box(items)
        seen_w, seen_h = room.width() / zoom, room.height() / zoom
        x = start.left() - _MARGIN + seen_w / 2
        y = start.center().y() if start.height() + 2 * _MARGIN <= seen_h else start.top() - _MARGIN + seen_h / 2
        self.centerOn(x, y)

    def _sources_box(self, items: QRectF) -> QRectF:
        """The cards of the flow's sources (else its leftmost cards), in scene coordinates."""
        cards = [item for item in self.flow_scene.node_items() if isinstance(item, NodeItem)]
        boxes = [item.card_box() for item in cards if item.node.kind == "source"]
        if not boxes:
            boxes = [item.card_box() for item in cards if item.card_box().left() <= items.left() + 100]
        box = QRectF(boxes[0]) if boxes else QRectF(items.topLeft(), items.topLeft())
        for other in boxes[1:]:
            box = box.united(other)
        return box

    def _zoomed(self) -> None:
        self.flow_scene.set_far(self.zoom() < LOD_SIMPLE)
        self.zoomChanged.emit(self.zoom())

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.set_zoom(self.zoom() * (1.15 ** steps))
        event.accept()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (self._space and event.button() == Qt.MouseButton.LeftButton):
            self._panning = event.position()
            self._space_panned = self._space
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._panning is not None:
            delta = event.position() - self._panning
            self._panning = event.position()
            self.horizontalScrollBar().setValue(round(self.horizontalScrollBar().value() - delta.x()))
            self.verticalScrollBar().setValue(round(self.verticalScrollBar().value() - delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._panning is not None:
            self._panning = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self._space_panned = False
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            tapped = self._space and not self._space_panned  # its press came here too
            self._space = False
            self.viewport().unsetCursor()
            if tapped:
                self.spaceTapped.emit()
        super().keyReleaseEvent(event)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        theme = self.flow_scene.theme
        painter.fillRect(rect, qcolor(theme.background))
        if self.flow_scene.far:
            # Far out every edge is a thin line and every card a box in its colour: one
            # path for all edges and one per colour for the cards, instead of thousands
            # of items each painting its own.
            painter.setPen(QPen(qcolor(theme.edge), 0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self.flow_scene.edges_path())
            self.flow_scene.draw_card_boxes(painter, outline=1.5, fill=0.25, selected_outline=3)
        if self.zoom() < 0.5:  # far out the grid is noise, and costly
            return
        painter.fillRect(rect, self._grid_brush(theme.grid))

    def _grid_brush(self, color: str) -> QBrush:
        """A tile of one grid dot, repeated by the brush (in scene units, so it zooms)."""
        if getattr(self, "_grid", (None, None))[0] != color:
            grid = self.flow_scene.GRID
            tile = QPixmap(grid * 4, grid * 4)
            tile.fill(Qt.GlobalColor.transparent)
            tiler = QPainter(tile)
            tiler.setPen(QPen(qcolor(color), 2.5))
            for x in range(0, grid * 4, grid):
                for y in range(0, grid * 4, grid):
                    tiler.drawPoint(QPointF(x + 1, y + 1))
            tiler.end()
            self._grid = (color, QBrush(tile))
        return self._grid[1]
