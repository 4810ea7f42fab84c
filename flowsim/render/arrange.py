"""Auto layout as the look draws it: igraph's layered layout, choosing among its ways of
breaking loops the one whose edges, drawn and routed by :mod:`flowsim.render.look`,
cross least (never one the library's own straight drawing beats)."""

from __future__ import annotations

from typing import Callable

from flowsim.model.flow import Flow
from flowsim.model.layout import layered_layout
from flowsim.render.quality import crossings, drawing_of

__all__ = ["auto_layout", "drawn_crossings"]


def auto_layout(flow: Flow) -> dict[str, tuple[int, int]]:
    """New top-left positions for every node of ``flow`` (``flow`` is not changed)."""
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
        return crossings(drawing_of(trial))

    return score
