"""Frames made for slides: a fixed picture size, a title band, the flow fitted (and reflowed).

A slide frame is ``W × H`` pixels (16:9 by default). From the top: the title band (the
flow's name and description, the run's caption on the right), the flow, a thin "leaked"
gutter where leaks fade out, and the footer (the run's time track and the legend). The
flow is scaled to fill its area; when the flow as drawn would put card text under
:data:`MIN_TEXT_PX` (at 1080 lines; in proportion for other heights), its columns are
wrapped into bands and its rows packed tighter, as long as that makes the text larger.

Everything here is in pixels of the frame except where it says canvas units; nothing draws.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from flowsim.errors import ExportError
from flowsim.model.flow import Flow, Node
from flowsim.render.look import CARD_H, CARD_W, NodeStats
from flowsim.render.scene import bounds_of, build_scene
from flowsim.render.shapes import Rect
from flowsim.render.theme import LIGHT, Theme

__all__ = [
    "PRESETS", "PRESET_HEIGHT", "DEFAULT_PRESET", "MIN_TEXT_PX", "SMALLEST_CARD_TEXT", "preset_size",
    "parse_size", "SlideFrame", "fit_flow", "bands_layout",
]

#: Preset name → aspect (width, height). The names are fixed by design.md.
PRESETS = {"slide-16x9": (16, 9), "slide-4x3": (4, 3), "square": (1, 1)}
DEFAULT_PRESET = "slide-16x9"
#: Frame height of a preset per format: 1080p MP4 for a projector, 720p GIF to stay small.
PRESET_HEIGHT = {".mp4": 1080, ".gif": 720, ".png": 1080, ".svg": 1080, ".pptx": 1080}
#: The smallest card text an audience can read at 1080 lines (pixels), in proportion below.
MIN_TEXT_PX = 18.0
#: The smallest text on a card, in canvas units (look.py: the summary line).
SMALLEST_CARD_TEXT = 11.0
#: A reflowed layout: canvas units between columns and between rows of cards (room for a
#: card, its badge under it and a gap), and between bands (room for a queue's stack).
_COLUMN = 285.0
#: Columns closer together (room for a short edge label), tried when the frame is narrow.
_NARROW_COLUMN = 250.0
_ROW = 100.0
_BAND_GAP = 76.0
#: Canvas units a queue's stack and its count take above a card.
STACK_ROOM = 50.0
#: Cards never get larger than this many times their canvas size (a tiny flow on a slide).
_MAX_SCALE = 2.6


def preset_size(preset: str, suffix: str) -> tuple[int, int]:
    """The frame size of ``preset`` for a file of type ``suffix`` (even sides)."""
    if preset not in PRESETS:
        raise ExportError(f"preset must be one of {', '.join(PRESETS)}, got {preset!r}")
    a, b = PRESETS[preset]
    h = PRESET_HEIGHT.get(suffix, 1080)
    return 2 * round(h * a / b / 2), h


def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` (or ``1920×1080``) as (1920, 1080); ExportError naming it otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*[x×X]\s*(\d+)\s*", str(text))
    if not m:
        raise ExportError(f"size must be WIDTHxHEIGHT in pixels, such as 1920x1080, got {text!r}")
    w, h = int(m.group(1)), int(m.group(2))
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise ExportError(f"size must be 16–8192 pixels a side, got {w}x{h}")
    return w, h


def _columns(flow: Flow) -> list[list[Node]]:
    """The flow's cards grouped into columns by x (left to right), each top to bottom."""
    nodes = sorted(flow.nodes, key=lambda n: (float(n.position[0]), float(n.position[1])))
    columns: list[list[Node]] = []
    start = -math.inf
    for node in nodes:
        x = float(node.position[0])
        if x - start > CARD_W * 0.6:
            columns.append([])
            start = x
        columns[-1].append(node)
    for column in columns:
        column.sort(key=lambda n: float(n.position[1]))
    return columns


def bands_layout(flow: Flow, bands: int, pitch: float = _COLUMN) -> Flow:
    """A copy of ``flow`` whose columns are wrapped into ``bands`` bands, one under the
    other, their columns ``pitch`` canvas units apart, each column's cards packed into rows and centred
    on the band's tallest column."""
    columns = _columns(flow)
    per = math.ceil(len(columns) / bands)
    positions: dict[str, tuple[float, float]] = {}
    top = 0.0
    for b in range(0, len(columns), per):
        group = columns[b:b + per]
        rows = max(len(c) for c in group)
        for i, column in enumerate(group):
            first = (rows - len(column)) // 2  # whole rows: a half row bends edges under cards
            for k, node in enumerate(column):
                positions[node.id] = (i * pitch, top + (first + k) * _ROW)
        top += (rows - 1) * _ROW + CARD_H + _BAND_GAP
    copy = flow.copy()
    for node in copy.nodes:
        if node.id in positions:
            node.position = [round(v, 1) for v in positions[node.id]]
    return copy


def _queued(node: Node) -> bool:
    return "capacity" in node.params or "assignment" in node.params


def flow_bounds(flow: Flow, theme: Theme = LIGHT, extra: Sequence = (), wrapped: bool = False,
                ) -> tuple[float, float, float, float]:
    """Canvas bounds of ``flow`` drawn with badges under every card and room for a queue's
    stack above each capacity-limited one (what any frame of an animation may show)."""
    stats = {n.id: NodeStats(entered=88_888, leaked=8_888) for n in flow.nodes}
    marks = list(extra)
    for node in flow.nodes:
        if _queued(node):
            x, y = (float(v) for v in node.position)
            marks.append(Rect(x, y - STACK_ROOM, 0, 0))
    scene = build_scene(flow, theme, stats=stats, title=False, extra=marks, wrapped=wrapped)
    left, top, right, bottom = bounds_of(scene.shapes)
    dx, dy = scene.offset
    return left - dx, top - dy, right - dx, bottom - dy


@dataclass(frozen=True)
class SlideFrame:
    """Where everything goes in a ``size`` frame; ``scale`` is pixels per canvas unit and
    ``offset`` the pixel at which canvas point (0, 0) lands, for the (reflowed) ``flow``."""

    size: tuple[int, int]
    flow: Flow
    scale: float
    offset: tuple[float, float]
    unit: float  # a pixel at 1080 lines: every band size is a multiple of it
    title_band: tuple[float, float, float, float]  # x, y, w, h
    flow_area: tuple[float, float, float, float]
    gutter_y: float
    track_y: float
    legend_y: float
    reflowed: int  # bands the flow was wrapped into; 0 when drawn as laid out

    @property
    def wrapped(self) -> bool:
        """Whether edges go band to band (see :func:`~flowsim.render.look.edge_geometry_at`)."""
        return self.reflowed > 1

    @property
    def smallest_card_text(self) -> float:
        """The smallest card text in pixels at this frame's scale."""
        return SMALLEST_CARD_TEXT * self.scale

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        """Canvas point → frame pixel."""
        return self.offset[0] + x * self.scale, self.offset[1] + y * self.scale


def fit_flow(flow: Flow, size: tuple[int, int], theme: Theme = LIGHT, *, footer: bool = True,
             reflow: bool = True, bounds: tuple[float, float, float, float] | None = None) -> SlideFrame:
    """``flow`` fitted into a ``size`` frame, reflowed into bands if that makes its text
    larger while the flow as drawn gives text under :data:`MIN_TEXT_PX` (at 1080 lines).
    ``bounds`` (x, y, width, height on the canvas: a view of it) is fitted instead of the
    whole flow, which is then never reflowed."""
    w, h = size
    u = h / 1080.0
    margin = 40 * u
    title_h = 100 * u if (flow.name or flow.description) else 24 * u
    band = (margin, 24 * u, w - 2 * margin, title_h)
    legend_y = h - 14 * u
    track_y = h - 44 * u
    gutter_y = (h - 68 * u) if footer else h - 30 * u
    top = 24 * u + title_h + 8 * u
    area = (margin, top, w - 2 * margin, gutter_y - 10 * u - top)
    need = MIN_TEXT_PX * u / SMALLEST_CARD_TEXT

    def scale_for(candidate: Flow, wrapped: bool = False) -> tuple[float, tuple[float, float, float, float]]:
        b = flow_bounds(candidate, theme, wrapped=wrapped) if bounds is None else (
            bounds[0], bounds[1], bounds[0] + bounds[2], bounds[1] + bounds[3])
        s = min(area[2] / max(1.0, b[2] - b[0]), area[3] / max(1.0, b[3] - b[1]), _MAX_SCALE * u)
        return s, b

    best = (flow, *scale_for(flow), 0)
    if reflow and bounds is None and best[1] < need and len(flow.nodes) > 1:
        for bands in range(1, 5):
            for pitch in (_COLUMN, _NARROW_COLUMN):
                candidate = bands_layout(flow, bands, pitch)
                s, b = scale_for(candidate, wrapped=bands > 1)
                if s > best[1] * 1.02:
                    best = (candidate, s, b, bands)
                if best[1] >= need:
                    break
            if best[1] >= need:
                break
    chosen, s, b, bands = best
    ox = area[0] + (area[2] - (b[2] - b[0]) * s) / 2 - b[0] * s
    oy = area[1] + (area[3] - (b[3] - b[1]) * s) / 2 - b[1] * s
    return SlideFrame(size=(int(w), int(h)), flow=chosen, scale=s, offset=(ox, oy), unit=u, title_band=band,
                      flow_area=area, gutter_y=gutter_y, track_y=track_y, legend_y=legend_y, reflowed=bands)
