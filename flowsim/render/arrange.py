"""Auto layout as the look draws it: igraph's layered layout, choosing among its ways of
breaking loops the one whose edges, drawn and routed by :mod:`flowsim.render.look`,
cross least (never one the library's own straight drawing beats)."""

from __future__ import annotations

from typing import Callable

from flowsim.model.flow import Flow
from flowsim.model.layout import layered_layout
from flowsim.render.quality import crossings, drawing_of

__all__ = ["auto_layout", "drawn_crossings"]


#: Up to this many edges the drawn crossings of each candidate layout are counted (about
#: a quarter of a second at 150 edges); beyond, the straight drawing's count decides,
#: which keeps Ctrl+Shift+L quick on big flows.
SCORED_EDGES = 150


def auto_layout(flow: Flow) -> dict[str, tuple[int, int]]:
    """New top-left positions for every node of ``flow`` (``flow`` is not changed)."""
    if len(flow.edges) > SCORED_EDGES:
        return layered_layout(flow)
    return layered_layout(flow, score=drawn_crossings(flow))


def drawn_crossings(flow: Flow) -> Callable[[dict[str, tuple[int, int]]], float]:
    """A score for :func:`flowsim.model.layout.sugiyama`: how many times the edges of
    ``flow`` cross when its cards are at the given positions, as the look draws them."""
    trial = flow.copy()
    by_id = {}
    for node in trial.nodes:
        by_id.setdefault(node.id, node)

    def score(positions: dict[str, tuple[int, int]]) -> float:
        for node_id, (x, y) in positions.items():
            by_id[node_id].position = [x, y]
        return crossings(drawing_of(trial, per_piece=6))  # coarse is enough to compare

    return score
