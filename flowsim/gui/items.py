"""Scene items: a card per node, a curve per edge. They paint the shared display list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from flowsim.gui.painter import paint_shapes, qcolor, qpath
from flowsim.model import Edge, Node
from flowsim.render.look import (
    CARD_H, CARD_W, NodeStats, edge_geometry_at, edge_label, edge_shapes, node_color, node_shapes, summary,
)
from flowsim.render.shapes import Path

if TYPE_CHECKING:
    from flowsim.gui.scene import FlowScene

__all__ = ["NodeItem", "EdgeItem", "PORT_RADIUS", "PORT_HOT_RADIUS"]

PORT_RADIUS = 6.0
#: The port under the mouse grows to this radius, to say "drag from here to connect".
PORT_HOT_RADIUS = 10.0
#: Below this zoom, cards and edges are drawn plain (no text, arrows or anti-aliasing).
LOD_SIMPLE = 0.35


class NodeItem(QGraphicsItem):
    """The card of one node. Its position is the node's; dragging it moves only the item
    until the drag ends, when the scene records one undoable move."""

    def __init__(self, node: Node, scene: "FlowScene") -> None:
        super().__init__()
        self.node = node
        self._scene = scene
        self.stats: NodeStats | None = None
        self.hovered = False
        #: The mouse is on the out-port or its halo: a press there starts a connection.
        self.port_hot = False
        #: A connection being drawn would end on this card if released now.
        self.drop_target = False
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(1)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the card from the node (after any change to it)."""
        self.prepareGeometryChange()
        self.shapes = node_shapes(self.node, self._scene.theme, self.stats)
        self.color = node_color(self.node)
        x, y = (float(v) for v in self.node.position) if _valid_position(self.node.position) else (0.0, 0.0)
        # The card may cut its title or figure to fit: the tooltip always says all of it.
        self.setToolTip(f"{self.node.title} ({self.node.kind})\n{summary(self.node)}")
        if self.pos() != QPointF(x, y):
            self.setPos(x, y)
        self.update()
        self._scene.card_changed(self)

    _BOUNDS = QRectF(-8, -8, CARD_W + PORT_HOT_RADIUS + 12, CARD_H + 40)

    def boundingRect(self) -> QRectF:
        return self._BOUNDS

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        # Winding, not odd-even: where the port overlaps the card both stay inside,
        # instead of cancelling out into a hole a click falls through.
        path.setFillRule(Qt.FillRule.WindingFill)
        path.addRoundedRect(QRectF(0, 0, CARD_W, CARD_H), 10, 10)
        path.addEllipse(self.out_port(), PORT_RADIUS + 3, PORT_RADIUS + 3)
        return path

    def card_box(self) -> QRectF:
        """The card's box in scene coordinates (ports and badges left out)."""
        return QRectF(self.pos(), QSizeF(CARD_W, CARD_H))

    def out_port(self) -> QPointF:
        """Where a new edge is dragged from, in item coordinates."""
        return QPointF(CARD_W, CARD_H / 2)

    def port_distance(self, scene_point: QPointF) -> float:
        """How far ``scene_point`` is from the centre of the out-port, in scene units."""
        local = self.mapFromScene(scene_point) - self.out_port()
        return (local.x() ** 2 + local.y() ** 2) ** 0.5

    def set_port_hot(self, hot: bool) -> None:
        if hot != self.port_hot:
            self.port_hot = hot
            self.update()

    def set_drop_target(self, target: bool) -> None:
        if target != self.drop_target:
            self.drop_target = target
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        theme = self._scene.theme
        if option.levelOfDetailFromTransform(painter.worldTransform()) < LOD_SIMPLE:
            # Far out, text is unreadable: a card in its colour says as much, much faster.
            painter.setPen(QPen(qcolor(theme.selection if self.isSelected() else self.color), 3 if self.isSelected() else 1.5))
            painter.setBrush(qcolor(self.color, 0.25))
            painter.drawRect(QRectF(0, 0, CARD_W, CARD_H))
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        paint_shapes(painter, self.shapes)
        if self.isSelected():
            painter.setPen(QPen(qcolor(theme.selection), 2.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(-3, -3, CARD_W + 6, CARD_H + 6), 12, 12)
        if self.drop_target:
            painter.setPen(QPen(qcolor(theme.selection), 3))
            painter.setBrush(qcolor(theme.selection, 0.10))
            painter.drawRoundedRect(QRectF(-4, -4, CARD_W + 8, CARD_H + 8), 13, 13)
        if self.port_hot:
            painter.setPen(QPen(qcolor(theme.selection), 2))
            painter.setBrush(qcolor(theme.selection, 0.85))
            painter.drawEllipse(self.out_port(), PORT_HOT_RADIUS, PORT_HOT_RADIUS)
        elif self.hovered or self.isSelected():
            painter.setPen(QPen(qcolor(theme.selection), 1.5))
            painter.setBrush(qcolor(theme.card))
            painter.drawEllipse(self.out_port(), PORT_RADIUS, PORT_RADIUS)

    def hoverEnterEvent(self, event) -> None:
        self.hovered = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.hovered = False
        self.update()
        super().hoverLeaveEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        self._scene.renameRequested.emit(self.node.id)
        event.accept()

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value):
        # Snap only what the user is dragging, while it moves: a card the model places
        # (opening a file, undo) stays exactly where the file says.
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange and self._scene.snapping():
            grid = self._scene.GRID
            return QPointF(round(value.x() / grid) * grid, round(value.y() / grid) * grid)
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged and self.scene() is not None:
            self._scene.node_item_moved(self)
        return super().itemChange(change, value)


class EdgeItem(QGraphicsItem):
    """The curve of one edge, drawn from the current positions of its two cards."""

    def __init__(self, edge: Edge, scene: "FlowScene") -> None:
        super().__init__()
        self.edge = edge
        self._scene = scene
        self.volume: float | None = None
        self.lane = 0
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)
        self.shapes: list = []
        self._hit = QPainterPath()
        self._bounds = QRectF()
        self.refresh()

    def refresh(self) -> None:
        """Recompute the curve from the cards' positions (called while they move, too)."""
        source = self._scene.item_for_id(self.edge.source)
        target = self._scene.item_for_id(self.edge.target)
        self.prepareGeometryChange()
        if source is None or target is None:
            self.shapes, self._hit, self._bounds, self._curve = [], QPainterPath(), QRectF(), QPainterPath()
            self._scene.edge_moved()
            return
        geometry = edge_geometry_at(
            (source.pos().x(), source.pos().y()), (target.pos().x(), target.pos().y()),
            self.lane, loop=source is target,
            cards=self._scene.route_cards(), ends=(self.edge.source, self.edge.target),
        )
        self.geometry = geometry
        self.setToolTip(edge_label(self.edge))  # the whole label, even where the curve's box cuts it
        self._scene.edge_routed(self, len(geometry.pieces) > 1)
        self.shapes = edge_shapes(geometry, self.edge, self._scene.theme, volume=self.volume, highlight=self.isSelected())
        curve = qpath(self.shapes[0]) if isinstance(self.shapes[0], Path) else QPainterPath()
        self._curve = curve
        self._scene.edge_moved()
        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        self._hit = stroker.createStroke(curve)
        for shape in self.shapes[1:]:
            if isinstance(shape, Path):
                self._hit.addPath(qpath(shape))
            elif hasattr(shape, "w"):
                self._hit.addRect(QRectF(shape.x, shape.y, shape.w, shape.h))
        self._bounds = self._hit.boundingRect().adjusted(-6, -6, 6, 6)
        self.update()

    @property
    def curve(self) -> QPainterPath:
        """The edge's line alone, for drawing many edges as one path."""
        return self._curve

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return self._hit

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self.shapes:
            return
        if option.levelOfDetailFromTransform(painter.worldTransform()) < LOD_SIMPLE:
            theme = self._scene.theme
            pen = QPen(qcolor(theme.selection if self.isSelected() else theme.edge), 0)  # cosmetic: 1 px
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self._curve)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_shapes(painter, self.shapes)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.refresh()
        return super().itemChange(change, value)


def _valid_position(position) -> bool:
    try:
        x, y = position
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y))
    except (TypeError, ValueError):
        return False
