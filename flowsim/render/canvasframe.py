"""An animation's frame on the canvas: what the export shows at a moment, in canvas coordinates.

An exported frame draws the flow at its own scale and framing (a slide). Playback in the
window draws the same moving parts (streams of visits, dots, leaks, stacks of waiting
leads, counters) over the live canvas instead, wherever the user has panned and zoomed: so this module moves them out of
the picture's pixels into the flow's own coordinates, where the canvas's cards are.
Nothing here draws; the window paints :attr:`CanvasFrame.shapes` with its QPainter backend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flowsim.render.animate import Animation, Dots
from flowsim.render.dotstyle import STREAM_OPACITY, dot_layers
from flowsim.render.look import edge_geometry, lanes
from flowsim.render.shapes import Circle, Path, Shape
from flowsim.render.timeline import count_before

__all__ = ["CanvasFrame", "canvas_frame", "NodeNumbers", "node_numbers", "second_of_day"]


@dataclass(frozen=True)
class CanvasFrame:
    """One moment of a run as the export shows it, in canvas coordinates.

    ``dots`` are the leads on screen (their ``x``/``y`` in canvas units); ``shapes`` is
    everything to paint, back to front: stacks and counters, then the dots as circles, in
    the animation's scene units: canvas coordinates moved by ``offset`` (paint them with
    the origin moved back by it). ``final`` means the run is over: the export shows its
    totals (the still's badges) and nothing moves.
    """

    second: float
    day: float
    dots: Dots
    shapes: tuple[Shape, ...]
    final: bool
    offset: tuple[float, float] = (0.0, 0.0)


def second_of_day(anim: Animation, day: float) -> float:
    """The video second at which ``anim`` shows simulated ``day`` (clamped to the run)."""
    return anim.timeline.video_time(min(max(0.0, day), anim.days))


def canvas_frame(anim: Animation, second: float, *, counters: bool = True) -> CanvasFrame:
    """What ``anim``'s frame at video ``second`` shows over the flow: streams of visits,
    stacks, counters (unless ``counters`` is false: a canvas too far out to read them),
    then the dots, as the export draws them. ``anim`` must keep the flow as laid out
    (``reflow=False``), so that its coordinates are the canvas's."""
    second = min(max(0.0, second), anim.seconds)
    day = anim.day_at(second)
    offset = (float(anim.offset[0]), float(anim.offset[1]))
    if second >= anim.seconds:
        return CanvasFrame(second, day, anim.dots_at(anim.seconds + 1e9), (), True, offset)
    dx, dy = offset
    px = anim.dots_at(second)
    # Picture pixels are (canvas + offset) × scale: undo the scale for the scene's units.
    scene = Dots(px.x / anim.scale, px.y / anim.scale, px.channel, px.alpha, px.leaking, px.lead, px.edge)
    shapes: list[Shape] = _streams(anim, second)
    # The frame's own footer and gutter stay off the canvas.
    moving = anim.overlay_shapes(second)[0] if counters else anim.queue_shapes(second)
    # The waiting leads' stacks never overlap one another or the labels and counters:
    # ordered by colour, they paint as a few batches instead of a colour change a lead.
    shapes += sorted((s for s in moving if isinstance(s, Circle)), key=lambda c: (c.fill or "", c.opacity))
    shapes += [s for s in moving if not isinstance(s, Circle)]
    for sel, r, color, opacity in dot_layers(scene.leaking, scene.channel, scene.alpha, anim.dot_r, anim.theme,
                                             anim.channel_colors):
        shapes += [Circle(x, y, r, fill=color, opacity=opacity)
                   for x, y in zip(scene.x[sel].tolist(), scene.y[sel].tolist())]
    dots = Dots(scene.x - dx, scene.y - dy, px.channel, px.alpha, px.leaking, px.lead, px.edge)
    return CanvasFrame(second, day, dots, tuple(shapes), False, offset)


def _streams(anim: Animation, second: float) -> list[Shape]:
    """Visits along source → form edges as bands as wide as the visits a day, in the
    scene's units (the export's bands, without their moving dashes)."""
    shapes: list[Shape] = []
    flow, dx, dy = anim.flow, anim.offset[0], anim.offset[1]
    nodes = {n.id: n for n in flow.nodes}
    edge_lanes = lanes(flow)
    for e, rate in zip(anim.stream_edges, anim.stream_rates(second)):
        edge = flow.edges[e]
        if rate <= 0 or edge.source not in nodes or edge.target not in nodes:
            continue
        g = edge_geometry(nodes[edge.source], nodes[edge.target], edge_lanes[e], wrapped=anim.slide.wrapped)
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = g.p0, g.c1, g.c2, g.p3
        ch = anim.channels.index(edge.source) if edge.source in anim.channels else 0
        shapes.append(Path((("M", x0 + dx, y0 + dy), ("C", x1 + dx, y1 + dy, x2 + dx, y2 + dy, x3 + dx, y3 + dy)),
                           stroke=anim.channel_colors[ch], width=anim.stream_width(rate) / anim.scale,
                           opacity=STREAM_OPACITY, round_caps=False))
    return shapes


@dataclass(frozen=True)
class NodeNumbers:
    """A node's leads at one moment, as the frame counts them: in it now, waiting for a
    rep (part of those in it), entered and leaked so far."""

    inside: int
    waiting: int
    entered: int
    leaked: int


def node_numbers(anim: Animation, node_id: str, second: float) -> NodeNumbers | None:
    """``node_id``'s numbers at video ``second`` (None for a node the run did not have)."""
    tl = anim.timeline
    if node_id not in tl.node_ids:
        return None
    i = tl.node_ids.index(node_id)
    every = tl.every
    entered = count_before(tl.entered[i], second)
    leaked = count_before(tl.leaked[i], second)
    left = count_before(tl.left[i], second) if tl.left else 0
    on = (tl.queue_node == i) & (tl.queue_start <= second) & (tl.queue_end > second)
    waiting = int(np.count_nonzero(on))
    return NodeNumbers(max(0, entered - left - leaked) * every, waiting * every, entered * every, leaked * every)
