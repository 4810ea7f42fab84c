"""The display list: the few shapes every backend (SVG, cairo, QPainter) knows how to draw.

Coordinates are in canvas units (pixels at 100 % zoom), y pointing down. Colours are
``#rrggbb`` strings; transparency is ``opacity``. Text ``y`` is the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Union

__all__ = ["Rect", "Path", "Circle", "Text", "Shape", "moved", "Segment"]

#: One path segment: ("M", x, y), ("L", x, y), ("C", x1, y1, x2, y2, x, y) or ("Z",).
Segment = tuple


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    radius: float = 0.0
    fill: str | None = None
    stroke: str | None = None
    width: float = 1.0
    opacity: float = 1.0


@dataclass(frozen=True, slots=True)
class Path:
    segments: tuple[Segment, ...]
    fill: str | None = None
    stroke: str | None = None
    width: float = 1.0
    opacity: float = 1.0
    dash: tuple[float, ...] | None = None
    round_caps: bool = True


@dataclass(frozen=True, slots=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str | None = None
    stroke: str | None = None
    width: float = 1.0
    opacity: float = 1.0


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float
    text: str
    size: float
    color: str
    bold: bool = False
    anchor: str = "start"  # start | middle | end
    opacity: float = 1.0


Shape = Union[Rect, Path, Circle, Text]


def moved(shape: Shape, dx: float, dy: float, scale: float = 1.0) -> Shape:
    """``shape`` scaled about the origin by ``scale``, then moved by (dx, dy)."""
    if isinstance(shape, Rect):
        return replace(shape, x=shape.x * scale + dx, y=shape.y * scale + dy, w=shape.w * scale,
                       h=shape.h * scale, radius=shape.radius * scale)
    if isinstance(shape, Circle):
        return replace(shape, cx=shape.cx * scale + dx, cy=shape.cy * scale + dy, r=shape.r * scale)
    if isinstance(shape, Text):
        return replace(shape, x=shape.x * scale + dx, y=shape.y * scale + dy, size=shape.size * scale)
    segments = []
    for seg in shape.segments:
        op, coords = seg[0], seg[1:]
        segments.append((op, *(c * scale + (dx if i % 2 == 0 else dy) for i, c in enumerate(coords))))
    return replace(shape, segments=tuple(segments))
