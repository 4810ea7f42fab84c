"""Scenes drawn with cairo: PNG stills and the frames of animations (RGB arrays)."""

from __future__ import annotations

import math

import cairocffi as cairo

from flowsim.model.colors import to_rgba
from flowsim.render.scene import Scene
from flowsim.render.shapes import Circle, Rect, Shape, Text
from flowsim.render.text import FONT_FAMILY

__all__ = ["draw_scene", "scene_to_png", "new_surface"]


def _rgba(color: str, opacity: float) -> tuple[float, float, float, float]:
    r, g, b, a = to_rgba(color)
    return r, g, b, a * opacity


def _rounded_rect(ctx: cairo.Context, x: float, y: float, w: float, h: float, r: float) -> None:
    r = max(0.0, min(r, w / 2, h / 2))
    if r == 0:
        ctx.rectangle(x, y, w, h)
        return
    ctx.new_sub_path()
    ctx.arc(x + w - r, y + r, r, -math.pi / 2, 0)
    ctx.arc(x + w - r, y + h - r, r, 0, math.pi / 2)
    ctx.arc(x + r, y + h - r, r, math.pi / 2, math.pi)
    ctx.arc(x + r, y + r, r, math.pi, 3 * math.pi / 2)
    ctx.close_path()


def _fill_and_stroke(ctx: cairo.Context, shape: Shape) -> None:
    fill, stroke = getattr(shape, "fill", None), getattr(shape, "stroke", None)
    if fill:
        ctx.set_source_rgba(*_rgba(fill, shape.opacity))
        if stroke:
            ctx.fill_preserve()
        else:
            ctx.fill()
    if stroke:
        ctx.set_source_rgba(*_rgba(stroke, shape.opacity))
        ctx.set_line_width(shape.width)  # type: ignore[union-attr]
        ctx.stroke()
    ctx.new_path()


def _draw(ctx: cairo.Context, shape: Shape) -> None:
    if isinstance(shape, Rect):
        _rounded_rect(ctx, shape.x, shape.y, shape.w, shape.h, shape.radius)
        _fill_and_stroke(ctx, shape)
    elif isinstance(shape, Circle):
        ctx.new_sub_path()
        ctx.arc(shape.cx, shape.cy, shape.r, 0, 2 * math.pi)
        _fill_and_stroke(ctx, shape)
    elif isinstance(shape, Text):
        weight = cairo.FONT_WEIGHT_BOLD if shape.bold else cairo.FONT_WEIGHT_NORMAL
        ctx.select_font_face(FONT_FAMILY, cairo.FONT_SLANT_NORMAL, weight)
        ctx.set_font_size(shape.size)
        x = shape.x
        if shape.anchor != "start":
            advance = ctx.text_extents(shape.text)[4]
            x -= advance / 2 if shape.anchor == "middle" else advance
        ctx.move_to(x, shape.y)
        ctx.set_source_rgba(*_rgba(shape.color, shape.opacity))
        ctx.show_text(shape.text)
        ctx.new_path()
    else:
        for seg in shape.segments:
            op = seg[0]
            if op == "M":
                ctx.move_to(*seg[1:])
            elif op == "L":
                ctx.line_to(*seg[1:])
            elif op == "C":
                ctx.curve_to(*seg[1:])
            else:
                ctx.close_path()
        if shape.stroke:
            ctx.set_line_cap(cairo.LINE_CAP_ROUND if shape.round_caps else cairo.LINE_CAP_BUTT)
            ctx.set_line_join(cairo.LINE_JOIN_ROUND if shape.round_caps else cairo.LINE_JOIN_MITER)
            ctx.set_dash(list(shape.dash) if shape.dash else [])
        _fill_and_stroke(ctx, shape)
        ctx.set_dash([])


def new_surface(width: int, height: int) -> tuple[cairo.ImageSurface, cairo.Context]:
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, width, height)
    ctx = cairo.Context(surface)
    ctx.set_antialias(cairo.ANTIALIAS_BEST)
    return surface, ctx


def draw_scene(ctx: cairo.Context, scene: Scene, scale: float = 1.0, shapes=None) -> None:
    """Paint ``scene`` (or just ``shapes`` in its coordinates) on ``ctx`` at ``scale``."""
    ctx.save()
    ctx.scale(scale, scale)
    if shapes is None:
        if scene.background:
            ctx.set_source_rgba(*_rgba(scene.background, 1.0))
            ctx.paint()
        shapes = scene.shapes
    for shape in shapes:
        _draw(ctx, shape)
    ctx.restore()


def scene_to_png(scene: Scene, width: int | None = None) -> bytes:
    """PNG bytes of ``scene``, ``width`` pixels wide (default: its own size)."""
    import io

    width = int(width or scene.width)
    scale = width / scene.width
    height = max(1, round(scene.height * scale))
    surface, ctx = new_surface(width, height)
    draw_scene(ctx, scene, scale)
    buffer = io.BytesIO()
    surface.write_to_png(buffer)
    return buffer.getvalue()
