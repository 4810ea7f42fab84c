"""Drawing an edge with the mouse, as in a drawing tool.

A press on a card's out-port, or anywhere within a halo of :data:`PORT_HALO_PX` screen
pixels around it (whatever the zoom), starts a connection; releasing it on any part of
another card connects the two; releasing it on empty canvas asks the scene to offer the
palette there, to create a card and connect it in one step. The port under the mouse
grows, and the card a connection would end on is highlighted while the mouse is over it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsView, QWidget

from flowsim.gui.commands import AddEdge
from flowsim.gui.items import PORT_RADIUS, NodeItem
from flowsim.gui.painter import qcolor
from flowsim.model import Edge
from flowsim.render.look import CARD_H

if TYPE_CHECKING:
    from flowsim.gui.scene import FlowScene

__all__ = ["Connector", "PORT_HALO_PX", "view_zoom"]

#: How far around a port (in screen pixels, beyond the port itself) a press still
#: starts a connection: a target a finger-width wide at any zoom.
PORT_HALO_PX = 12.0
#: A release closer than this (screen pixels) to where the press was is a click, not a drag.
CLICK_PX = 4.0


def view_zoom(widget: QWidget | None, scene: "FlowScene") -> float:
    """The zoom of the view whose viewport is ``widget`` (or the scene's first view)."""
    view = widget.parentWidget() if widget is not None else None
    if not isinstance(view, QGraphicsView):
        views = scene.views()
        view = views[0] if views else None
    if view is None:
        return 1.0
    return view.transform().m11() or 1.0


class Connector:
    """The state of one connection drag on a scene."""

    def __init__(self, scene: "FlowScene") -> None:
        self.scene = scene
        self.source: NodeItem | None = None
        self.line: QGraphicsPathItem | None = None
        self.target: NodeItem | None = None
        self._hot: NodeItem | None = None
        self._pending: QGraphicsPathItem | None = None
        self._press_screen = QPointF()
        self._left_source = False

    @property
    def active(self) -> bool:
        return self.source is not None

    # -- finding ports ------------------------------------------------------------------
    def port_near(self, point: QPointF, zoom: float) -> NodeItem | None:
        """The card whose out-port is at ``point`` (port plus halo), nearest first.

        The halo gives way to another card: over a card's body that card is what the
        mouse is on, so only its own port, not a neighbour's halo, can start there.
        """
        reach = PORT_RADIUS + PORT_HALO_PX / zoom
        area = QRectF(point.x() - reach, point.y() - reach, 2 * reach, 2 * reach)
        best: tuple[float, NodeItem] | None = None
        for item in self.scene.items(area):
            if not isinstance(item, NodeItem):
                continue
            distance = item.port_distance(point)
            if distance > reach:
                continue
            if distance > PORT_RADIUS and self._on_other_card(item, point):
                continue
            if best is None or distance < best[0]:
                best = (distance, item)
        return best[1] if best else None

    def _on_other_card(self, item: NodeItem, point: QPointF) -> bool:
        return any(other is not item for other in self.cards_at(point))

    def cards_at(self, point: QPointF) -> list[NodeItem]:
        """The cards whose box holds ``point`` (rounded corners too), topmost first."""
        found = self.scene.items(point, Qt.ItemSelectionMode.IntersectsItemBoundingRect)
        return [i for i in found if isinstance(i, NodeItem) and i.card_box().contains(point)]

    def hover(self, point: QPointF, zoom: float, widget: QWidget | None) -> None:
        """Grow the port under the mouse, and show a cross to say a drag connects."""
        hot = None if self.scene.read_only else self.port_near(point, zoom)
        if hot is self._hot:
            return
        if self._hot is not None:
            self._hot.set_port_hot(False)
        self._hot = hot
        if hot is not None:
            hot.set_port_hot(True)
        if widget is not None:
            if hot is not None:
                widget.setCursor(Qt.CursorShape.CrossCursor)
            else:
                widget.unsetCursor()

    def _cool(self) -> None:
        """No port is under the mouse any more (a drag took it elsewhere)."""
        if self._hot is not None:
            self._hot.set_port_hot(False)
            self._hot = None

    def forget(self) -> None:
        """The items are gone (the scene was rebuilt): drop every reference to them."""
        self.source = self.line = self.target = self._hot = self._pending = None

    # -- the drag ---------------------------------------------------------------------------
    def _rubber_line(self) -> QGraphicsPathItem:
        line = QGraphicsPathItem()
        line.setPen(QPen(qcolor(self.scene.theme.selection), 2, Qt.PenStyle.DashLine))
        line.setZValue(10)
        self.scene.addItem(line)
        return line

    def start(self, source: NodeItem, point: QPointF, screen: QPointF) -> None:
        self._cool()
        self.clear_pending()
        self.source, self.line = source, self._rubber_line()
        self._press_screen = QPointF(screen)
        self._left_source = False
        self.move(point, screen)

    def move(self, point: QPointF, screen: QPointF) -> None:
        assert self.source is not None and self.line is not None
        if not self.source.card_box().contains(point) and self.source.port_distance(point) > PORT_RADIUS * 2:
            self._left_source = True
        target = self._target_at(point)
        if target is not self.target:
            if self.target is not None:
                self.target.set_drop_target(False)
            self.target = target
            if target is not None:
                target.set_drop_target(True)
        end = target.mapToScene(QPointF(0, CARD_H / 2)) if target is not None and target is not self.source else point
        self.line.setPath(_curve(self.source, end))

    def show_pending(self, source_id: str, point: QPointF) -> None:
        """Keep a dashed line from ``source_id`` to ``point`` while the palette offered
        there is open, so the user sees what the new card will be joined to."""
        self.clear_pending()
        source = self.scene.item_for_id(source_id)
        if source is not None:
            self._pending = self._rubber_line()
            self._pending.setPath(_curve(source, point))

    def clear_pending(self) -> None:
        if self._pending is not None and self._pending.scene() is self.scene:
            self.scene.removeItem(self._pending)
        self._pending = None

    def _target_at(self, point: QPointF) -> NodeItem | None:
        """The card a release at ``point`` connects to; the source itself (a loop) only
        once the drag has left it, so a click on a port never makes a loop."""
        for item in self.cards_at(point):
            if item is self.source and not self._left_source:
                return None
            return item
        return None

    def finish(self, point: QPointF, screen: QPointF) -> None:
        """End the drag: connect to the card under ``point``, or offer to make one there."""
        assert self.source is not None
        self.move(point, screen)
        source, target = self.source, self.target
        self.cancel()
        if target is not None:
            self.scene.undo_stack.push(AddEdge(self.scene.flow, Edge(source.node.id, target.node.id)))
            return
        moved = (QPointF(screen) - self._press_screen).manhattanLength()
        if moved >= CLICK_PX and self._left_source and not self.cards_at(point):
            self.scene.connectionDropped.emit(source.node.id, QPointF(point), QPointF(screen))

    def cancel(self) -> None:
        """Stop drawing: the rubber line and the highlight go, nothing is recorded."""
        if self.target is not None:
            self.target.set_drop_target(False)
        if self.line is not None and self.line.scene() is self.scene:
            self.scene.removeItem(self.line)
        self.source = self.line = self.target = None


def _curve(source: NodeItem, end: QPointF) -> QPainterPath:
    """The rubber edge: out of the source's port to the right, into ``end`` from the left."""
    start = source.mapToScene(source.out_port())
    reach = max(40.0, abs(end.x() - start.x()) / 2)
    path = QPainterPath(start)
    path.cubicTo(start + QPointF(reach, 0), end - QPointF(reach, 0), end)
    return path
