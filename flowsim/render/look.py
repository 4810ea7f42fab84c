"""The look of a flow: cards for nodes, curves for edges, labels and run overlays.

Every backend draws these shapes and nothing else, so the canvas, SVG, PNG and the video
frames look alike. Node shapes are in the node's own coordinates (origin at the card's
top-left, which is the node's ``position``); edge shapes are in canvas coordinates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Hashable, Mapping, Sequence

from flowsim.model.colors import is_color, to_hex
from flowsim.model.flow import Edge, Flow, Node
from flowsim.model.graph import parallel_ordinals
from flowsim.model.duration import format_duration, is_number, parse_duration
from flowsim.render.icons import icon_shapes
from flowsim.render.route import Cards, Piece, rounded, route, through_columns
from flowsim.render.shapes import Circle, Path, Rect, Shape, Text
from flowsim.render.text import fit_text, text_width, wrap_text
from flowsim.render.theme import KIND_COLORS, Theme

__all__ = [
    "CARD_W", "CARD_H", "node_color", "node_shapes", "summary", "EdgeGeometry",
    "edge_geometry", "edge_geometry_at", "edge_geometries", "card_index", "edge_shapes", "lanes", "edge_label",
    "NodeStats", "bezier_point", "LABEL_SIZE", "title_lines", "label_lines", "leak_alarm", "badge_box",
]

CARD_W = 200.0
CARD_H = 60.0
_RADIUS = 10.0
_ICON = 22.0
_TEXT_X = 48.0
_ARROW = 9.0
#: The size of the smallest text on a card and an edge label: the canvas opens at a zoom
#: where this is at least 11 screen pixels.
LABEL_SIZE = 11.0
_LABEL_WIDTH = 150.0
_TITLE_ROOM = CARD_W - _TEXT_X - 10
#: How far a routed edge keeps from the cards it passes.
ROUTE_MARGIN = 14.0
BACK_PORT = 0.75


@dataclass(frozen=True)
class NodeStats:
    """What a run says about a node, for the overlay: counts and whether it is the bottleneck."""

    entered: float
    leaked: float
    wait_days: float = 0.0
    bottleneck: bool = False
    #: The share of leads the node's own parameters lose (a form's 1 − conversion, a
    #: leak, unsubscribes, an unrouted remainder): leakage up to this much is by design.
    expected_leak: float = 0.0


def node_color(node: Node) -> str:
    """The node's colour as #rrggbb: its own, or its kind's."""
    if isinstance(node.color, str) and is_color(node.color):
        return to_hex(node.color)
    return to_hex(KIND_COLORS.get(str(node.kind), "#8A94A6"))


def _percent(p: Any) -> str:
    return f"{p * 100:.3g} %" if is_number(p) else "?"


def _duration(value: Any) -> str:
    if isinstance(value, Mapping):
        mean = value.get("mean", value.get("value"))
        return f"~{_duration(mean)}" if mean is not None else str(value.get("dist", "?"))
    try:
        shown = format_duration(parse_duration(value))
    except ValueError:
        return "?"
    return f"{shown}d" if isinstance(shown, (int, float)) else shown


def summary(node: Node) -> str:
    """The key figure a card shows under its title, from the node's parameters."""
    p = node.params
    kind = node.kind
    parts: list[str] = []
    if kind == "source":
        arrivals = p.get("arrivals")
        if isinstance(arrivals, Mapping):
            for key, unit in (("per_day", "day"), ("per_week", "week"), ("per_month", "month")):
                if is_number(arrivals.get(key)):
                    parts.append(f"{arrivals[key]:,.4g}/{unit}")
                    break
        if is_number(p.get("cost_per_lead")):
            parts.append(f"${p['cost_per_lead']:,.4g}/lead")
    elif kind == "capture" and "conversion" in p:
        parts.append(f"{_percent(p['conversion'])} convert")
    elif kind == "score" and "threshold" in p:
        parts.append(f"MQL at {p['threshold']}")
    elif kind == "segment" and isinstance(p.get("segments"), list):
        parts.append(f"{len(p['segments']) + ('default' in p)} segments")
    elif kind == "nurture":
        if "touches" in p:
            parts.append(f"{p['touches']} touches")
        if "every" in p:
            parts.append(f"every {_duration(p['every'])}")
    elif kind == "sink" and isinstance(p.get("outcome"), str):
        parts.append(p["outcome"])
    if "capacity" in p:
        reps = p["capacity"]
        parts.append(f"{reps} rep{'s' if reps != 1 else ''}")
        if "service" in p:
            parts.append(_duration(p["service"]))
    elif kind in ("handoff",) and "accept" in p:
        parts.append(f"{_percent(p['accept'])} accepted")
    if not parts:
        parts.append(str(kind))
    return " · ".join(parts)


def node_shapes(node: Node, theme: Theme, stats: NodeStats | None = None) -> list[Shape]:
    """The card of ``node`` in its own coordinates, with its run badge if ``stats``."""
    color = node_color(node)
    alert = stats is not None and stats.bottleneck
    shapes: list[Shape] = [
        Rect(1.5, 3, CARD_W, CARD_H, _RADIUS, fill=theme.shadow, opacity=0.07),
        Rect(0, 0, CARD_W, CARD_H, _RADIUS, fill=theme.card, stroke=theme.alert if alert else color,
             width=2.5 if alert else 1.4),
        Circle(25, CARD_H / 2, 17, fill=color, opacity=0.14),
    ]
    shapes += icon_shapes(str(node.kind), 25 - _ICON / 2, CARD_H / 2 - _ICON / 2, _ICON, color)
    room = _TITLE_ROOM
    size, lines = title_lines(str(node.title))
    if len(lines) == 1:
        shapes.append(Text(_TEXT_X, CARD_H / 2 - 3, lines[0], size, theme.text, bold=True))
        figure_y = CARD_H / 2 + 14
    else:  # two lines, the figure lower down
        shapes.append(Text(_TEXT_X, CARD_H / 2 - 11, lines[0], size, theme.text, bold=True))
        shapes.append(Text(_TEXT_X, CARD_H / 2 + 3, lines[1], size, theme.text, bold=True))
        figure_y = CARD_H / 2 + 20
    shapes.append(Text(_TEXT_X, figure_y, fit_text(summary(node), LABEL_SIZE, room), LABEL_SIZE, theme.muted))
    if stats is not None:
        shapes += _badge(node, stats, theme)
    return shapes


def title_lines(title: str) -> tuple[float, list[str]]:
    """A card's title as drawn: (size, lines). One line at 13 px, else at 12; else two
    lines at 12 if that shows it whole; else one line cut with an ellipsis."""
    room = _TITLE_ROOM
    if text_width(title, 13, True) <= room:
        return 13.0, [title]
    if text_width(title, 12, True) <= room:
        return 12.0, [title]
    wrapped = wrap_text(title, 12, room, True)
    if wrapped is not None:
        return 12.0, wrapped
    return 12.0, [fit_text(title, 12, room, True)]


def label_lines(text: str) -> list[str]:
    """An edge label as drawn: one line, else two if that shows it whole, else one cut."""
    if text_width(text, LABEL_SIZE) <= _LABEL_WIDTH:
        return [text]
    return wrap_text(text, LABEL_SIZE, _LABEL_WIDTH) or [fit_text(text, LABEL_SIZE, _LABEL_WIDTH)]


def _short_days(days: float) -> str:
    """A wait as people say it: 12 min, 3.5 h, 27 d."""
    if days < 1 / 24:
        return f"{days * 1440:.0f} min"
    if days < 1:
        return f"{days * 24:.1f} h"
    return f"{days:.1f} d" if days < 10 else f"{days:.0f} d"


#: Leakage this far (a share of leads) above what the node's parameters expect is an alarm.
LEAK_ALARM_MARGIN = 0.10


def _share(p: float) -> str:
    """A share as people say it: 4 %, 0.5 %, 37 %."""
    pct = p * 100
    return f"{pct:.0f} %" if pct >= 9.5 or pct == 0 else f"{pct:.2g} %"


def leak_alarm(stats: NodeStats) -> bool:
    """Whether a node's run badge is red: a bottleneck, or leakage well above what its
    own parameters lead one to expect (a form converting 4 % as set is no alarm)."""
    leaked = stats.leaked / stats.entered if stats.entered else 0.0
    return stats.bottleneck or leaked > stats.expected_leak + LEAK_ALARM_MARGIN


def _badge_text(node: Node, stats: NodeStats) -> str:
    leaked = stats.leaked / stats.entered if stats.entered else 0.0
    if node.kind == "capture":  # a form's job is to convert: say how many did
        text = f"{stats.entered:,.0f} in · {_share(1.0 - leaked)} converted"
    else:
        text = f"{stats.entered:,.0f} in · {_share(leaked)} leak"
    if stats.bottleneck:
        text += f" · wait {_short_days(stats.wait_days)}"
    return text


def badge_box(node: Node, stats: NodeStats) -> tuple[float, float, float, float]:
    """The run badge's (x, y, w, h) in the card's own coordinates."""
    width = text_width(_badge_text(node, stats), LABEL_SIZE) + 14
    return CARD_W / 2 - width / 2, CARD_H + 6, width, 18.0


def _badge(node: Node, stats: NodeStats, theme: Theme) -> list[Shape]:
    x, y, width, h = badge_box(node, stats)
    color = theme.alert if leak_alarm(stats) else theme.muted
    return [
        Rect(x, y, width, h, 9, fill=theme.label_background, stroke=color, width=1),
        Text(CARD_W / 2, CARD_H + 19, _badge_text(node, stats), LABEL_SIZE, color, anchor="middle"),
    ]


@dataclass(frozen=True)
class EdgeGeometry:
    """The line of an edge: cubic pieces from the source's port to the arrow's base, the
    arrow's tip, and where its label sits. One piece for a plain curve; more for a line
    routed around cards."""

    pieces: tuple[Piece, ...]
    tip: tuple[float, float]
    label_at: tuple[float, float]
    @cached_property
    def lengths(self) -> tuple[float, ...]:
        """How long each piece is (measured when first asked)."""
        return tuple(_piece_length(p) for p in self.pieces)

    @property
    def p0(self) -> tuple[float, float]:
        return self.pieces[0][0]

    @property
    def c1(self) -> tuple[float, float]:
        return self.pieces[0][1]

    @property
    def c2(self) -> tuple[float, float]:
        return self.pieces[-1][2]

    @property
    def p3(self) -> tuple[float, float]:
        return self.pieces[-1][3]

    def point(self, t: float) -> tuple[float, float]:
        """The point at ``t`` along the line (0 at the source, 1 at the arrow's base),
        each piece taking a share of ``t`` by its length."""
        total = sum(self.lengths) or 1.0
        at = min(max(t, 0.0), 1.0) * total
        for piece, length in zip(self.pieces, self.lengths):
            if at <= length or piece is self.pieces[-1]:
                return bezier_point(*piece, at / length if length else 0.0)
            at -= length
        return self.p3

    def polyline(self, per_piece: int = 16) -> list[tuple[float, float]]:
        """Points along the line, close enough together to stand for it."""
        points = [self.p0]
        for piece in self.pieces:
            steps = per_piece if piece[1] != _third(piece[0], piece[3]) else 1  # a straight run
            points += [bezier_point(*piece, k / steps) for k in range(1, steps + 1)]
        return points


def _third(a, b) -> tuple[float, float]:
    return (a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3)


def _piece_length(piece: Piece, steps: int = 8) -> float:
    points = [bezier_point(*piece, k / steps) for k in range(steps + 1)]
    return sum(math.dist(a, b) for a, b in zip(points, points[1:]))


def bezier_point(p0, c1, c2, p3, t: float) -> tuple[float, float]:
    u = 1 - t
    a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
    return (a * p0[0] + b * c1[0] + c * c2[0] + d * p3[0], a * p0[1] + b * c1[1] + c * c2[1] + d * p3[1])


def card_index(flow: Flow) -> Cards:
    """Where every card of ``flow`` is (by node id), for routing its edges around them."""
    corners = {}
    for node in flow.nodes:
        if node.id not in corners and _is_point(node.position):
            corners[node.id] = node.position
    return Cards(corners, (CARD_W, CARD_H))


def edge_geometries(flow: Flow, *, wrapped: bool = False) -> list[EdgeGeometry | None]:
    """The geometry of every edge of ``flow``, in order, routed around its cards; ``None``
    for an edge whose source or target is missing. ``wrapped`` as for :func:`edge_geometry_at`."""
    cards = card_index(flow)
    out: list[EdgeGeometry | None] = []
    for edge, lane in zip(flow.edges, lanes(flow)):
        source, target = cards.boxes.get(edge.source), cards.boxes.get(edge.target)
        if source is None or target is None:
            out.append(None)
            continue
        out.append(edge_geometry_at(source[:2], target[:2], lane, loop=edge.source == edge.target,
                                    wrapped=wrapped, cards=cards, ends=(edge.source, edge.target)))
    return out


def edge_geometry(
    source: Node, target: Node, lane: int = 0, cards: Cards | None = None, *, wrapped: bool = False
) -> EdgeGeometry:
    """The curve of an edge between two cards; ``lane`` separates parallel edges; with
    ``cards`` (:func:`card_index`) it goes around the cards in its way."""
    return edge_geometry_at(source.position, target.position, lane, loop=source is target,
                            wrapped=wrapped, cards=cards, ends=(source.id, target.id))


def edge_geometry_at(
    source_xy: Sequence[float],
    target_xy: Sequence[float],
    lane: int = 0,
    *,
    loop: bool = False,
    wrapped: bool = False,
    cards: Cards | None = None,
    ends: tuple[Hashable, Hashable] = (None, None),
) -> EdgeGeometry:
    """The line of an edge between cards whose top-left corners are at these points.

    A smooth curve from the side facing the target; when ``cards`` are given and that
    curve would pass through a card other than its own two (``ends`` names them in
    ``cards``), an orthogonal route with rounded corners around them instead. The canvas
    calls this while a card is being dragged, before the model has moved.
    ``wrapped``: the flow's rows were wrapped into bands (a slide frame), so an edge down
    and back by more than a column continues the reading order: out of the bottom, into
    the top, instead of running along the lower row into the target's side.
    """
    sx, sy = (float(v) for v in source_xy)
    tx, ty = (float(v) for v in target_xy)
    shift = lane * 14.0
    gap = 24.0
    # leave / arrive: the direction the line leaves the source and enters the target
    if loop:  # a loop over the card's top
        p0, tip = (sx + CARD_W * 0.68, sy), (sx + CARD_W * 0.32, sy)
        c1, c2 = (p0[0] + 30, sy - 70 - shift), (tip[0] - 30, sy - 70 - shift)
        leave, arrive = (0.0, -1.0), (0.0, 1.0)
    elif tx >= sx + CARD_W + gap:  # forward: right side to left side
        p0, tip = (sx + CARD_W, sy + CARD_H / 2 + shift), (tx, ty + CARD_H / 2 + shift)
        reach = max(36.0, (tip[0] - p0[0]) / 2)
        c1, c2 = (p0[0] + reach, p0[1]), (tip[0] - reach, tip[1])
        leave, arrive = (1.0, 0.0), (1.0, 0.0)
    elif abs(tx - sx) < CARD_W + gap and abs(ty - sy) >= CARD_H + gap:  # stacked
        down = ty > sy
        p0 = (sx + CARD_W / 2 + shift, sy + (CARD_H if down else 0))
        tip = (tx + CARD_W / 2 + shift, ty + (0 if down else CARD_H))
        reach = max(30.0, abs(tip[1] - p0[1]) / 2) * (1 if down else -1)
        c1, c2 = (p0[0], p0[1] + reach), (tip[0], tip[1] - reach)
        leave = arrive = (0.0, 1.0) if down else (0.0, -1.0)
    elif wrapped and ty >= sy + CARD_H + gap:  # to the next band: out of the bottom, into the top
        p0 = (sx + CARD_W / 2 + shift, sy + CARD_H)
        tip = (tx + CARD_W / 2 + shift, ty)
        reach = max(30.0, (tip[1] - p0[1]) * 0.6)
        c1, c2 = (p0[0], p0[1] + reach), (tip[0], tip[1] - reach)
        leave = arrive = (0.0, 1.0)
    elif ty >= sy + CARD_H + gap:  # back and down: out of the bottom, into the right side
        p0 = (sx + CARD_W / 2 + shift, sy + CARD_H)
        tip = (tx + CARD_W, ty + CARD_H / 2 + shift)
        c1 = (p0[0], p0[1] + (tip[1] - p0[1]) * 0.9)
        c2 = (tip[0] + (p0[0] - tip[0]) * 0.5, tip[1])
        leave, arrive = (0.0, 1.0), (-1.0, 0.0)
    elif ty + CARD_H + gap <= sy:  # back and up: out of the top, into the bottom
        p0 = (sx + CARD_W / 2 + shift, sy)
        tip = (tx + CARD_W / 2 + shift, ty + CARD_H)
        reach = max(40.0, (p0[1] - tip[1]) / 2)
        c1, c2 = (p0[0], p0[1] - reach), (tip[0], tip[1] + reach)
        leave, arrive = (0.0, -1.0), (0.0, -1.0)
    else:  # back along the same row: out of the bottom, under both cards, into the bottom
        p0 = (sx + CARD_W / 2 + shift, sy + CARD_H)
        tip = (tx + CARD_W / 2 + shift, ty + CARD_H)
        drop = 50 + 0.12 * abs(tx - sx) + abs(shift)
        low = max(p0[1], tip[1]) + drop
        c1, c2 = (p0[0], low), (tip[0], low)
        leave, arrive = (0.0, 1.0), (0.0, -1.0)
    curve = _curve(p0, c1, c2, tip)
    if cards is None or loop:
        return curve
    band = wrapped and ty >= sy + CARD_H + gap  # to the next band of a wrapped flow
    if tx + CARD_W + gap <= sx and not band:  # back to an earlier column: leave left, enter right
        low = CARD_H * BACK_PORT + shift
        across = _across((sx, sy + low), (tx + CARD_W, ty + low), cards, ends)
        if across is not None:
            return across
    if leave == (1.0, 0.0) and tx - sx > 2 * CARD_W + 2 * gap:  # forward past cards between
        across = _across(p0, tip, cards, ends)
        if across is not None:
            return across
    # A curve lies inside the box of its control points: no other card there, no check.
    xs, ys = (p0[0], c1[0], c2[0], tip[0]), (p0[1], c1[1], c2[1], tip[1])
    if not any(key not in ends for key in cards.near((min(xs), min(ys), max(xs), max(ys)))):
        return curve
    if not cards.hits(curve.polyline(12), skip=ends):
        return curve
    path = route(p0, leave, tip, arrive, cards, margin=ROUTE_MARGIN)
    if path is None:
        return curve
    return _routed(path)


def _across(start, tip, cards: Cards, ends) -> EdgeGeometry | None:
    """A line from ``start`` to ``tip`` through the gaps of the columns between them, or
    ``None`` if there is none or it would still touch a card."""
    points = through_columns(start, tip, cards, ends, margin=ROUTE_MARGIN)
    if points is None:
        return None
    way = 1.0 if tip[0] >= start[0] else -1.0
    base = (tip[0] - way * _ARROW, tip[1])
    stops = [start, *points, base]
    pieces = []
    for k, (a, b) in enumerate(zip(stops, stops[1:])):
        if k % 2:  # through a column: straight
            pieces.append((a, _third(a, b), _third(b, a), b))
        else:  # between columns: an S-curve, level at both ends
            half = (b[0] - a[0]) / 2
            pieces.append((a, (a[0] + half, a[1]), (b[0] - half, b[1]), b))
    geometry = EdgeGeometry(tuple(pieces), tip, bezier_point(*pieces[0], 0.5))
    if cards.hits(geometry.polyline(12), skip=ends):
        return None
    return geometry


def _curve(p0, c1, c2, tip) -> EdgeGeometry:
    # End the line at the arrow's base so it never shows through the arrow's tip.
    dx, dy = tip[0] - c2[0], tip[1] - c2[1]
    norm = math.hypot(dx, dy) or 1.0
    p3 = (tip[0] - dx / norm * _ARROW, tip[1] - dy / norm * _ARROW)
    piece = (p0, c1, c2, p3)
    return EdgeGeometry((piece,), tip, bezier_point(*piece, 0.5))


def _routed(path: list[tuple[float, float]]) -> EdgeGeometry:
    tip = path[-1]
    before = path[-2]
    (ux, uy), _ = _unit_between(before, tip)
    base = (tip[0] - ux * _ARROW, tip[1] - uy * _ARROW)
    pieces = tuple(rounded([*path[:-1], base], ROUTE_MARGIN * 1.3))
    runs = list(zip(path, path[1:]))
    longest = max(runs, key=lambda run: math.dist(*run))
    label_at = ((longest[0][0] + longest[1][0]) / 2, (longest[0][1] + longest[1][1]) / 2)
    return EdgeGeometry(pieces, tip, label_at)


def _unit_between(a, b) -> tuple[tuple[float, float], float]:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    return (dx / length, dy / length), length


def _is_point(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    )


def edge_label(edge: Edge) -> str:
    """What an edge says: its label, else its rule, else its share."""
    if isinstance(edge.label, str) and edge.label:
        return edge.label
    if isinstance(edge.when, str) and edge.when:
        return edge.when
    if is_number(edge.probability):
        return _percent(edge.probability)
    return ""


def edge_shapes(
    geometry: EdgeGeometry, edge: Edge, theme: Theme, *, volume: float | None = None, highlight: bool = False
) -> list[Shape]:
    """The curve, arrowhead and label of an edge. ``volume`` (0–1) thickens it after a run."""
    width = 1.6 if volume is None else 1.4 + 7.0 * math.sqrt(max(0.0, min(1.0, volume)))
    color = theme.selection if highlight else theme.edge
    dash = None
    x0, y0 = geometry.p0
    commands: list[tuple] = [("M", x0, y0)]
    for _, (x1, y1), (x2, y2), (x3, y3) in geometry.pieces:
        commands.append(("C", x1, y1, x2, y2, x3, y3))
    shapes: list[Shape] = [
        Path(tuple(commands), stroke=color, width=width, dash=dash, opacity=0.9 if volume is None else 0.75),
    ]
    x3, y3 = geometry.p3
    tip = geometry.tip
    dx, dy = tip[0] - x3, tip[1] - y3
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    half = _ARROW * 0.55 + (width - 1.6) * 0.4
    shapes.append(Path(
        (("M", tip[0], tip[1]), ("L", x3 - uy * half, y3 + ux * half), ("L", x3 + uy * half, y3 - ux * half), ("Z",)),
        fill=color,
    ))
    text = edge_label(edge)
    if text:
        lines = label_lines(text)
        w = max(text_width(line, LABEL_SIZE) for line in lines) + 12
        h = 18 + 14 * (len(lines) - 1)
        lx, ly = geometry.label_at
        shapes.append(Rect(lx - w / 2, ly - h / 2, w, h, 9, fill=theme.label_background, stroke=theme.card_border, width=1))
        for n, line in enumerate(lines):
            baseline = ly + 4 - 7 * (len(lines) - 1) + 14 * n
            shapes.append(Text(lx, baseline, line, LABEL_SIZE, theme.edge_label, anchor="middle"))
    return shapes


def lanes(flow: Flow) -> list[int]:
    """For each edge, its lane among the edges that join the same two nodes (0, 1, -1, 2…)."""
    nths = parallel_ordinals((edge.source, edge.target) for edge in flow.edges)
    return [(n + 1) // 2 * (1 if n % 2 else -1) for n in nths]
