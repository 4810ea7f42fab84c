"""The canvas scene: follows the flow's events, and turns mouse gestures into undo commands."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPen, QUndoStack
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSceneMouseEvent

from flowsim.gui.bridge import FlowBridge
from flowsim.gui.commands import AddItems, MoveNodes
from flowsim.gui.connecting import Connector, view_zoom
from flowsim.gui.items import EdgeItem, NodeItem
from flowsim.gui.painter import qcolor
from flowsim.model import Edge, Flow, Node
from flowsim.model.kinds import NodeKind
from flowsim.render.look import CARD_H, CARD_W, NodeStats, lanes
from flowsim.render.route import Cards
from flowsim.render.theme import LIGHT, Theme

__all__ = ["FlowScene", "KIND_MIME"]

#: Mime type of a node kind dragged from the palette.
KIND_MIME = "application/x-flowsim-kind"


class FlowScene(QGraphicsScene):
    """One item per node and per edge of the bridge's flow, kept in step with its events."""

    GRID = 20
    selectionSummary = Signal(object, object)  # (nodes, edges) selected
    renameRequested = Signal(str)  # a card was double-clicked
    #: A connection from this node id was dropped on empty canvas, at (scene point,
    #: screen point): the window offers the palette there.
    connectionDropped = Signal(str, QPointF, QPointF)

    def __init__(self, bridge: FlowBridge, undo_stack: QUndoStack, theme: Theme = LIGHT, parent=None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.undo_stack = undo_stack
        self.theme = theme
        self.snap_to_grid = True
        self.read_only = False
        #: Zoomed so far out that edges are drawn as one path by the view (see set_far).
        self.far = False
        self._edges_path: QPainterPath | None = None
        self._cards: dict[str, list[QRectF]] | None = None
        self._card_slot: dict[int, tuple[str, int]] = {}  # id(item) -> its box in _cards
        self._route_cards: Cards | None = None  # where the cards are now, for edge routing
        self._routed: set[EdgeItem] = set()  # edges that go around cards
        self._nodes: dict[int, NodeItem] = {}
        self._by_id: dict[str, NodeItem] = {}
        self._edges: dict[int, EdgeItem] = {}
        self._touching: dict[str, list[EdgeItem]] = {}
        self.connector = Connector(self)
        self._dragging = False  # the user is dragging cards (the only time they snap)
        self._moved: dict[int, NodeItem] = {}  # cards the current drag has moved
        bridge.nodeAdded.connect(self._node_added)
        bridge.nodeRemoved.connect(self._node_removed)
        bridge.nodeChanged.connect(self._node_changed)
        bridge.edgeAdded.connect(self._edge_added)
        bridge.edgeRemoved.connect(self._edge_removed)
        bridge.edgeChanged.connect(self._edge_changed)
        bridge.flowReplaced.connect(self._flow_replaced)
        self.selectionChanged.connect(self._selection_changed)
        self.rebuild()

    # -- reading ------------------------------------------------------------------------
    @property
    def flow(self) -> Flow:
        return self.bridge.flow

    def item_for_id(self, node_id: str) -> NodeItem | None:
        return self._by_id.get(node_id)

    def node_item(self, node: Node) -> NodeItem:
        return self._nodes[id(node)]

    def edge_item(self, edge: Edge) -> EdgeItem:
        return self._edges[id(edge)]

    def node_items(self) -> list[NodeItem]:
        return list(self._nodes.values())

    def edge_items(self) -> list[EdgeItem]:
        return list(self._edges.values())

    def selected_node_ids(self) -> list[str]:
        return [item.node.id for item in self.selectedItems() if isinstance(item, NodeItem)]

    def selected_edges(self) -> list[Edge]:
        return [item.edge for item in self.selectedItems() if isinstance(item, EdgeItem)]

    # -- following the model ----------------------------------------------------------
    def rebuild(self) -> None:
        """Drop every item and make them again from the flow."""
        self.connector.forget()
        self._dragging, self._moved = False, {}
        self._nodes, self._by_id, self._edges, self._touching = {}, {}, {}, {}
        self._edges_path = None
        self._cards = None
        self._routed = set()
        self.clear()
        for node in self.flow.nodes:
            self._add_node_item(node)
        for edge in self.flow.edges:
            self._add_edge_item(edge)
        self._relane()

    def _flow_replaced(self, flow: Flow) -> None:
        self.rebuild()

    def set_far(self, far: bool) -> None:
        """Far out, edge items step aside and the view draws all edges as one path, and
        the cards as boxes, a batch per colour (:meth:`far_cards`). The cards stay items,
        to be picked, dragged and selected, but paint nothing themselves."""
        if far == self.far:
            return
        self.far = far
        for item in self._edges.values():
            item.setVisible(not far)
        for node_item in self._nodes.values():
            node_item.setFlag(NodeItem.GraphicsItemFlag.ItemHasNoContents, far)
        self.update()

    def edges_path(self) -> QPainterPath:
        """Every edge's curve in one path (rebuilt after any edge moved)."""
        if self._edges_path is None:
            path = QPainterPath()
            for item in self._edges.values():
                path.addPath(item.curve)
            self._edges_path = path
        return self._edges_path

    def far_cards(self) -> dict[str, list[QRectF]]:
        """Each colour's card boxes, for the view to draw far out: kept until a card
        changes its look, comes or goes; a card dragged moves just its own box."""
        if self._cards is None:
            cards: dict[str, list[QRectF]] = {}
            slots: dict[int, tuple[str, int]] = {}
            for item in self._nodes.values():
                boxes = cards.setdefault(item.color, [])
                slots[id(item)] = (item.color, len(boxes))
                boxes.append(item.card_box())
            self._cards, self._card_slot = cards, slots
        return self._cards

    def draw_card_boxes(self, painter: QPainter, *, outline: float, fill: float, selected_outline: float) -> None:
        """Every card as a box in its colour (``outline`` pen width, 0 = one pixel; ``fill``
        opacity), the selected ones outlined in the selection colour: how the far-out
        canvas and the overview show cards."""
        for color, boxes in self.far_cards().items():
            painter.setPen(QPen(qcolor(color), outline))
            painter.setBrush(qcolor(color, fill))
            painter.drawRects(boxes)
        selected = [item.card_box() for item in self.selectedItems() if isinstance(item, NodeItem)]
        if selected:
            painter.setPen(QPen(qcolor(self.theme.selection), selected_outline))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRects(selected)

    def route_cards(self) -> Cards:
        """Where every card is on screen now (mid-drag too), for routing edges around them."""
        if self._route_cards is None:
            corners = {node_id: (item.pos().x(), item.pos().y()) for node_id, item in self._by_id.items()}
            self._route_cards = Cards(corners, (CARD_W, CARD_H))
        return self._route_cards

    def card_changed(self, item: NodeItem, moved_only: bool = False) -> None:
        """A card moved (``moved_only``) or changed its look."""
        self._route_cards = None
        slot = self._card_slot.get(id(item)) if moved_only and self._cards is not None else None
        if slot is not None and slot[0] == item.color:  # a drag step: move its one box
            self._cards[slot[0]][slot[1]] = item.card_box()
        else:
            self._cards = None
        if self.far:  # far out the view draws it (the item paints nothing): draw it again
            self.invalidate(item.sceneBoundingRect(), QGraphicsScene.SceneLayer.BackgroundLayer)

    def edge_routed(self, item: EdgeItem, routed: bool) -> None:
        """An edge now goes around cards (``routed``) or runs as one curve."""
        if routed:
            self._routed.add(item)
        else:
            self._routed.discard(item)

    def edge_moved(self) -> None:
        self._edges_path = None
        if self.far:  # the view draws them with the background: have it drawn again
            self.invalidate(QRectF(), QGraphicsScene.SceneLayer.BackgroundLayer)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        for item in self._nodes.values():
            item.refresh()
        for edge_item in self._edges.values():
            edge_item.refresh()
        self.update()

    def _add_node_item(self, node: Node) -> NodeItem:
        item = NodeItem(node, self)
        item.setFlag(NodeItem.GraphicsItemFlag.ItemIsMovable, not self.read_only)
        item.setFlag(NodeItem.GraphicsItemFlag.ItemHasNoContents, self.far)
        self._nodes[id(node)] = item
        self._by_id.setdefault(node.id, item)
        self.addItem(item)
        return item

    def _add_edge_item(self, edge: Edge) -> EdgeItem:
        item = EdgeItem(edge, self)
        item.setVisible(not self.far)
        self._edges[id(edge)] = item
        self.addItem(item)
        return item

    def _reindex(self) -> None:
        self._by_id = {}
        for node in self.flow.nodes:
            if id(node) in self._nodes:
                self._by_id.setdefault(node.id, self._nodes[id(node)])

    def _relane(self) -> None:
        """Give parallel edges their lanes and index which edges touch which node."""
        self._touching = {}
        for edge, lane in zip(self.flow.edges, lanes(self.flow)):
            item = self._edges.get(id(edge))
            if item is None:
                continue
            item.lane = lane
            item.refresh()
            self._touching.setdefault(edge.source, []).append(item)
            if edge.target != edge.source:
                self._touching.setdefault(edge.target, []).append(item)

    def _node_added(self, node: Node, index: int) -> None:
        self._cards = None
        self._add_node_item(node)
        self._reindex()
        for item in self._touching.get(node.id, []):
            item.refresh()
        self._relane()

    def _node_removed(self, node: Node, index: int) -> None:
        item = self._nodes.pop(id(node), None)
        self._cards = None
        if item is not None:
            self.removeItem(item)
        self._reindex()
        self._relane()

    def _node_changed(self, node: Node, key: str) -> None:
        item = self._nodes.get(id(node))
        if item is None:
            return
        if key == "id":
            self._reindex()
            self._relane()
        item.refresh()
        if key in ("position", "id"):
            for edge_item in self._touching.get(node.id, []):
                edge_item.refresh()
        if key == "position":  # lines that went around a card, or now run into it, route again
            near = [other for other in self.items(item.sceneBoundingRect()) if isinstance(other, EdgeItem)]
            for edge_item in {*self._routed, *near}:
                edge_item.refresh()

    def _edge_added(self, edge: Edge, index: int) -> None:
        self._add_edge_item(edge)
        self._relane()

    def _edge_removed(self, edge: Edge, index: int) -> None:
        item = self._edges.pop(id(edge), None)
        if item is not None:
            self._routed.discard(item)
            self.removeItem(item)
        self._edges_path = None
        self._relane()

    def _edge_changed(self, edge: Edge, key: str) -> None:
        if key in ("from", "to"):
            self._relane()
        item = self._edges.get(id(edge))
        if item is not None:
            item.refresh()

    def node_item_moved(self, item: NodeItem) -> None:
        """A card moved on screen (during a drag): its edges follow at once."""
        if self._dragging:
            self._moved[id(item)] = item
        self.card_changed(item, moved_only=True)
        for edge_item in self._touching.get(item.node.id, []):
            edge_item.refresh()

    # -- run overlay ------------------------------------------------------------------
    def set_overlay(self, stats: dict[str, NodeStats] | None, volumes: list[float] | None) -> None:
        """Show a run's numbers on the cards and edge widths; ``None`` clears them."""
        for node in self.flow.nodes:
            item = self._nodes.get(id(node))
            if item is not None:
                item.stats = stats.get(node.id) if stats else None
                item.refresh()
        for index, edge in enumerate(self.flow.edges):
            edge_item = self._edges.get(id(edge))
            if edge_item is not None:
                edge_item.volume = volumes[index] if volumes else None
                edge_item.refresh()

    # -- gestures -----------------------------------------------------------------------
    def snapping(self) -> bool:
        """Whether a card moving now snaps to the grid: only while the user drags it."""
        return self.snap_to_grid and self._dragging

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self.read_only:
            source = self.connector.port_near(event.scenePos(), view_zoom(event.widget(), self))
            if source is not None:
                self.connector.start(source, event.scenePos(), event.screenPos())
                event.accept()
                return
        super().mousePressEvent(event)
        self._dragging = isinstance(self.mouseGrabberItem(), NodeItem)
        self._moved = {}

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.connector.active:
            self.connector.move(event.scenePos(), event.screenPos())
            event.accept()
            return
        if not event.buttons():
            self.connector.hover(event.scenePos(), view_zoom(event.widget(), self), event.widget())
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.connector.active:
            self.connector.finish(event.scenePos(), event.screenPos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        self._dragging = False
        self.commit_moves()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.connector.active:
            self.connector.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def node_at(self, point: QPointF) -> NodeItem | None:
        """The card whose box holds ``point`` (the topmost), if any."""
        cards = self.connector.cards_at(point)
        return cards[0] if cards else None

    def commit_moves(self) -> None:
        """Record the cards the last drag moved away from their model positions as one move."""
        moves = {}
        for item in self._moved.values():
            if item.scene() is not self or not self.flow.has_node(item.node.id):
                continue
            pos = item.pos()
            new = [_tidy(pos.x()), _tidy(pos.y())]
            old = list(item.node.position)
            if new != old and [pos.x(), pos.y()] != old:
                moves[item.node.id] = (old, new)
        self._moved = {}
        if moves:
            self.undo_stack.push(MoveNodes(self.flow, moves))

    def add_node_at(self, kind: str, point: QPointF) -> Node:
        """Add a node of ``kind`` centred on ``point`` (one undo step); return it."""
        x, y = point.x() - CARD_W / 2, point.y() - CARD_H / 2
        if self.snap_to_grid:
            x, y = round(x / self.GRID) * self.GRID, round(y / self.GRID) * self.GRID
        node = Node(self.flow.unique_id(kind), kind, label=_default_label(kind), position=(_tidy(x), _tidy(y)))
        self.undo_stack.push(AddItems(self.flow, [node]))
        return node

    def add_connected_node(self, kind: str, source_id: str, point: QPointF) -> Node:
        """Add a node of ``kind`` whose input side is at ``point`` and an edge to it from
        ``source_id``, as one undo step; return the node."""
        x, y = point.x(), point.y() - CARD_H / 2
        if self.snap_to_grid:
            x, y = round(x / self.GRID) * self.GRID, round(y / self.GRID) * self.GRID
        node = Node(self.flow.unique_id(kind), kind, label=_default_label(kind), position=(_tidy(x), _tidy(y)))
        text = f"Add “{node.title}” after {source_id}"
        self.undo_stack.push(AddItems(self.flow, [node], [Edge(source_id, node.id)], text=text))
        return node

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(KIND_MIME) and not self.read_only:
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(KIND_MIME) and not self.read_only:
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        if event.mimeData().hasFormat(KIND_MIME) and not self.read_only:
            kind = bytes(event.mimeData().data(KIND_MIME)).decode()
            if kind in {k.value for k in NodeKind}:
                self.add_node_at(kind, event.scenePos())
                event.acceptProposedAction()
                return
        super().dropEvent(event)

    def _selection_changed(self) -> None:
        if self.far:  # far out the view draws the cards and their outlines: draw them again
            self.invalidate(QRectF(), QGraphicsScene.SceneLayer.BackgroundLayer)
        nodes = [i.node for i in self.selectedItems() if isinstance(i, NodeItem)]
        edges = [i.edge for i in self.selectedItems() if isinstance(i, EdgeItem)]
        self.selectionSummary.emit(nodes, edges)


def _tidy(value: float) -> int | float:
    """Positions as whole numbers when they are, so files stay clean."""
    rounded = round(value, 1)
    return int(rounded) if rounded == int(rounded) else rounded


def _default_label(kind: str) -> str:
    return {
        "source": "New channel", "capture": "Capture form", "score": "Lead scoring",
        "segment": "Segmentation", "nurture": "Nurture stream", "handoff": "MQL → SQL handoff",
        "sales": "Sales", "sink": "Outcome",
    }.get(kind, kind.title())
