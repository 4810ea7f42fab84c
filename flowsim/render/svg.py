"""Scenes as SVG 1.1: text as text, a viewBox, everything inline, no external references."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from flowsim.render.scene import Scene
from flowsim.render.shapes import Circle, Rect, Shape, Text
from flowsim.render.text import FONT_FAMILY

__all__ = ["scene_to_svg", "path_data"]

_FONTS = f"'{FONT_FAMILY}', 'Inter', 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"
_ANCHOR = {"start": "start", "middle": "middle", "end": "end"}


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def path_data(segments) -> str:
    """SVG ``d`` text of display-list path segments."""
    parts = []
    for seg in segments:
        parts.append(seg[0] + " ".join(_n(v) for v in seg[1:]))
    return " ".join(parts)


def _paint(shape: Shape) -> str:
    fill = getattr(shape, "fill", None)
    stroke = getattr(shape, "stroke", None)
    out = [f'fill="{fill}"' if fill else 'fill="none"']
    if stroke:
        out.append(f'stroke="{stroke}" stroke-width="{_n(shape.width)}"')  # type: ignore[union-attr]
    if shape.opacity != 1:
        out.append(f'opacity="{_n(shape.opacity)}"')
    return " ".join(out)


def _element(shape: Shape) -> str:
    if isinstance(shape, Rect):
        radius = f' rx="{_n(shape.radius)}"' if shape.radius else ""
        return (f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" height="{_n(shape.h)}"'
                f"{radius} {_paint(shape)}/>")
    if isinstance(shape, Circle):
        return f'<circle cx="{_n(shape.cx)}" cy="{_n(shape.cy)}" r="{_n(shape.r)}" {_paint(shape)}/>'
    if isinstance(shape, Text):
        weight = ' font-weight="bold"' if shape.bold else ""
        opacity = f' opacity="{_n(shape.opacity)}"' if shape.opacity != 1 else ""
        return (f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}"{weight} '
                f'fill="{shape.color}" text-anchor="{_ANCHOR[shape.anchor]}"{opacity}>{escape(shape.text)}</text>')
    extra = ' stroke-linecap="round" stroke-linejoin="round"' if shape.round_caps and shape.stroke else ""
    if shape.dash:
        extra += f' stroke-dasharray="{" ".join(_n(d) for d in shape.dash)}"'
    return f'<path d="{path_data(shape.segments)}" {_paint(shape)}{extra}/>'


def scene_to_svg(scene: Scene, *, title: str | None = None, width: float | None = None) -> str:
    """The SVG document of ``scene``; ``width`` sets the displayed width (the viewBox stays)."""
    shown_w = width or scene.width
    shown_h = shown_w * scene.height / scene.width
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_n(shown_w)}" '
        f'height="{_n(shown_h)}" viewBox="0 0 {_n(scene.width)} {_n(scene.height)}">',
    ]
    if title:
        lines.append(f"<title>{escape(title)}</title>")
    if scene.background:
        lines.append(f'<rect width="100%" height="100%" fill="{scene.background}"/>')
    lines.append(f"<g font-family={quoteattr(_FONTS)}>")
    lines += [_element(shape) for shape in scene.shapes]
    lines += ["</g>", "</svg>", ""]
    return "\n".join(lines)
