"""How readable a drawn flow is: edge crossings, and edges that run through cards.

Used by the layout tests and ``benchmarks/layout.py`` to compare flowsim's drawing (the
auto layout, then the look's edges routed around cards) with the layout library's own
drawing of the same graph (igraph's Sugiyama layout, each edge a straight line from card
centre to card centre through the library's bend points).
"""

from __future__ import annotations

from dataclasses import dataclass
from flowsim.model.flow import Flow
from flowsim.model.layout import COLUMN, ROW, checked_bends, crossings_of, library_layout
from flowsim.render.look import CARD_H, CARD_W, card_index, edge_geometries, edge_geometry_at, lanes
from flowsim.render.route import Cards, Point

__all__ = ["Drawing", "drawing_of", "plain_drawing_of", "library_drawing", "crossings", "through_cards"]


@dataclass(frozen=True)
class Drawing:
    """Cards (top-left corners by node id) and each edge as a polyline with its two ends."""

    corners: dict[str, tuple[float, float]]
    lines: list[tuple[str, str, list[Point]]]

    @property
    def cards(self) -> Cards:
        return Cards(self.corners, (CARD_W, CARD_H))


def drawing_of(flow: Flow, per_piece: int = 12) -> Drawing:
    """``flow`` as the look draws it: edges routed around the cards, each curved piece as
    ``per_piece`` straight segments."""
    cards = card_index(flow)
    lines = [
        (edge.source, edge.target, geometry.polyline(per_piece))
        for edge, geometry in zip(flow.edges, edge_geometries(flow))
        if geometry is not None and edge.source != edge.target
    ]
    return Drawing({k: (b[0], b[1]) for k, b in cards.boxes.items()}, lines)


def plain_drawing_of(flow: Flow) -> Drawing:
    """``flow`` drawn with one curve per edge and no routing (the look before routing)."""
    cards = card_index(flow)
    lines = []
    for edge, lane in zip(flow.edges, lanes(flow)):
        a, b = cards.boxes.get(edge.source), cards.boxes.get(edge.target)
        if a is None or b is None or edge.source == edge.target:
            continue
        lines.append((edge.source, edge.target, edge_geometry_at(a[:2], b[:2], lane).polyline(12)))
    return Drawing({k: (v[0], v[1]) for k, v in cards.boxes.items()}, lines)


def library_drawing(flow: Flow) -> Drawing:
    """igraph's own Sugiyama layout of ``flow`` as it is (its cycle breaking, its places),
    turned left to right at flowsim's spacing, with straight edges through its bends."""
    ids = list(dict.fromkeys(node.id for node in flow.nodes))
    index = {node_id: i for i, node_id in enumerate(ids)}
    pairs = [(e.source, e.target) for e in flow.edges
             if e.source in index and e.target in index and e.source != e.target]
    coords, routing = library_layout(len(ids), [(index[s], index[t]) for s, t in pairs])

    def centre(place: float, layer: float) -> Point:
        return (layer * COLUMN + CARD_W / 2, place * ROW + CARD_H / 2)

    centres = {node_id: centre(*xy) for node_id, xy in zip(ids, coords)}
    corners = {n: (c[0] - CARD_W / 2, c[1] - CARD_H / 2) for n, c in centres.items()}
    layers = {node_id: xy[1] for node_id, xy in zip(ids, coords)}
    lines = []
    for (s, t), raw in zip(pairs, routing):
        bends = checked_bends(raw, layers[s], layers[t])
        lines.append((s, t, [centres[s], *(centre(*b) for b in bends), centres[t]]))
    return Drawing(corners, lines)


def through_cards(drawing: Drawing) -> int:
    """How many times an edge passes through a card it does not join."""
    cards = drawing.cards
    return sum(len(cards.crossed(points, skip=(s, t))) for s, t, points in drawing.lines)


def crossings(drawing: Drawing) -> int:
    """How many times two edges cross (edges that share a card meet there: never counted)."""
    return crossings_of(drawing.lines)
