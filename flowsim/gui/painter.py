"""The QPainter backend of the display list: the canvas draws exactly what the exports draw."""

from __future__ import annotations

import functools
from typing import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from flowsim.render.shapes import Circle, Path, Rect, Shape, Text
from flowsim.render.text import FONT_FAMILY

__all__ = ["paint_shapes", "qcolor", "font"]


@functools.lru_cache(maxsize=512)
def qcolor(color: str, opacity: float = 1.0) -> QColor:
    q = QColor(color)
    q.setAlphaF(q.alphaF() * opacity)
    return q


@functools.lru_cache(maxsize=64)
def font(size: float, bold: bool) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPixelSize(max(1, round(size)))
    if size != round(size):
        f.setPointSizeF(size * 0.75)  # fractional pixel sizes: points at 96 dpi
    f.setBold(bold)
    return f


@functools.lru_cache(maxsize=64)
def _metrics(size: float, bold: bool) -> QFontMetricsF:
    return QFontMetricsF(font(size, bold))


@functools.lru_cache(maxsize=512)
def _pen(color: str, width: float, opacity: float, dash: tuple[float, ...] | None, round_caps: bool) -> QPen:
    pen = QPen(qcolor(color, opacity), width)
    if round_caps:
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if dash:
        pen.setDashPattern([d / max(width, 0.1) for d in dash])
    return pen


_NO_PEN = QPen(Qt.PenStyle.NoPen)
_NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)


def _setup(painter: QPainter, shape: Shape) -> None:
    fill, stroke = getattr(shape, "fill", None), getattr(shape, "stroke", None)
    painter.setBrush(QBrush(qcolor(fill, shape.opacity)) if fill else _NO_BRUSH)
    if stroke:
        dash = getattr(shape, "dash", None)
        painter.setPen(_pen(stroke, shape.width, shape.opacity, dash, getattr(shape, "round_caps", False)))  # type: ignore[union-attr]
    else:
        painter.setPen(_NO_PEN)


def qpath(shape: Path) -> QPainterPath:
    path = QPainterPath()
    for seg in shape.segments:
        op = seg[0]
        if op == "M":
            path.moveTo(seg[1], seg[2])
        elif op == "L":
            path.lineTo(seg[1], seg[2])
        elif op == "C":
            path.cubicTo(seg[1], seg[2], seg[3], seg[4], seg[5], seg[6])
        else:
            path.closeSubpath()
    return path


def paint_shapes(painter: QPainter, shapes: Iterable[Shape]) -> None:
    """Draw display-list shapes with ``painter`` in its current coordinates."""
    run: list[Circle] = []
    for shape in shapes:
        if isinstance(shape, Circle):
            # Circles of one style in a row (an animation's dots) share one pen and brush.
            if run and _style(run[0]) != _style(shape):
                _paint_circles(painter, run)
                run = []
            run.append(shape)
            continue
        if run:
            _paint_circles(painter, run)
            run = []
        if isinstance(shape, Rect):
            _setup(painter, shape)
            painter.drawRoundedRect(QRectF(shape.x, shape.y, shape.w, shape.h), shape.radius, shape.radius)
        elif isinstance(shape, Text):
            painter.setFont(font(shape.size, shape.bold))
            painter.setPen(qcolor(shape.color, shape.opacity))
            x = shape.x
            if shape.anchor != "start":
                advance = _metrics(shape.size, shape.bold).horizontalAdvance(shape.text)
                x -= advance / 2 if shape.anchor == "middle" else advance
            painter.drawText(QPointF(x, shape.y), shape.text)
        else:
            _setup(painter, shape)
            painter.drawPath(qpath(shape))
    if run:
        _paint_circles(painter, run)


def _style(circle: Circle) -> tuple:
    return circle.fill, circle.stroke, circle.width, circle.opacity


def _paint_circles(painter: QPainter, circles: list[Circle]) -> None:
    _setup(painter, circles[0])
    for c in circles:
        painter.drawEllipse(QPointF(c.cx, c.cy), c.r, c.r)
