"""A whole flow as one display list, framed for export: title, edges, then cards on top."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from flowsim.model.flow import Flow
from flowsim.render.look import CARD_H, CARD_W, NodeStats, edge_geometries, edge_shapes, node_shapes
from flowsim.render.shapes import Circle, Rect, Shape, Text, moved
from flowsim.render.text import fit_text
from flowsim.render.theme import LIGHT, Theme

__all__ = ["Scene", "build_scene", "bounds_of"]

_MARGIN = 36.0
_TITLE = 44.0


@dataclass(frozen=True)
class Scene:
    """Shapes in export coordinates (origin at the top-left of the picture)."""

    width: float
    height: float
    background: str | None
    shapes: tuple[Shape, ...]
    #: Where canvas point (0, 0) lands in the picture: add it to canvas coordinates.
    offset: tuple[float, float] = (0.0, 0.0)


def bounds_of(shapes: Sequence[Shape]) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) around ``shapes``; text is estimated from its size."""
    xs: list[float] = []
    ys: list[float] = []
    for s in shapes:
        if isinstance(s, Rect):
            xs += [s.x, s.x + s.w]
            ys += [s.y, s.y + s.h]
        elif isinstance(s, Circle):
            xs += [s.cx - s.r, s.cx + s.r]
            ys += [s.cy - s.r, s.cy + s.r]
        elif isinstance(s, Text):
            half = len(s.text) * s.size * 0.3
            xs += [s.x - half, s.x + half] if s.anchor == "middle" else [s.x, s.x + 2 * half]
            ys += [s.y - s.size, s.y + s.size * 0.3]
        else:
            for seg in s.segments:
                xs += seg[1::2]
                ys += seg[2::2]
    if not xs:
        return (0.0, 0.0, CARD_W, CARD_H)
    return (min(xs), min(ys), max(xs), max(ys))


def build_scene(
    flow: Flow,
    theme: Theme = LIGHT,
    *,
    stats: Mapping[str, NodeStats] | None = None,
    volumes: Sequence[float] | None = None,
    title: bool = True,
    transparent: bool = False,
    extra: Sequence[Shape] = (),
    wrapped: bool = False,
) -> Scene:
    """The display list of ``flow`` framed with a margin and, if ``title``, its name on top.

    ``stats`` (node id → :class:`NodeStats`) and ``volumes`` (per edge, 0–1) draw a run's
    overlay. ``extra`` shapes (in canvas coordinates) go on top: the animation's leads.
    ``wrapped``: the rows were wrapped into bands (see :func:`~flowsim.render.look.edge_geometry_at`).
    """
    canvas: list[Shape] = []
    by_id = {}
    for node in flow.nodes:
        by_id.setdefault(node.id, node)
    for index, (edge, geometry) in enumerate(zip(flow.edges, edge_geometries(flow, wrapped=wrapped))):
        if geometry is None or edge.source not in by_id or edge.target not in by_id:
            continue
        volume = volumes[index] if volumes is not None else None
        canvas += edge_shapes(geometry, edge, theme, volume=volume)
    for node in by_id.values():
        x, y = (float(v) for v in node.position)
        node_stats = stats.get(node.id) if stats else None
        canvas += [moved(s, x, y) for s in node_shapes(node, theme, node_stats)]
    canvas += list(extra)
    left, top, right, bottom = bounds_of(canvas)
    head = _TITLE if title else 0.0
    dx, dy = _MARGIN - left, _MARGIN + head - top
    shapes: list[Shape] = []
    width = right - left + 2 * _MARGIN
    height = bottom - top + 2 * _MARGIN + head
    if title:
        shapes.append(Text(_MARGIN, _MARGIN + 16, fit_text(flow.name, 20, width - 2 * _MARGIN, True), 20, theme.text, bold=True))
        if flow.description:
            shapes.append(Text(_MARGIN, _MARGIN + 36, fit_text(flow.description, 12, width - 2 * _MARGIN), 12, theme.muted))
    shapes += [moved(s, dx, dy) for s in canvas]
    background = None if transparent else theme.background
    return Scene(round(width), round(height), background, tuple(shapes), (dx, dy))


