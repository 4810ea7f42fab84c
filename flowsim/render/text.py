"""Text widths, measured with cairo's own font engine so layout matches what is drawn.

Falls back to an estimate when cairo is not available (width ≈ 0.58 em a character).
"""

from __future__ import annotations

import functools

__all__ = ["text_width", "fit_text", "wrap_text", "FONT_FAMILY"]

#: The font of every backend; DejaVu Sans ships with most Linux systems and has wide
#: coverage. SVG output lists fallbacks after it.
FONT_FAMILY = "DejaVu Sans"


@functools.lru_cache(maxsize=1)
def _context():  # pragma: no cover - depends on the system's cairo
    try:
        import cairocffi as cairo
    except (ImportError, OSError):
        return None
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, 1, 1)
    return cairo.Context(surface)


@functools.lru_cache(maxsize=8192)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The advance width of ``text`` at ``size`` pixels."""
    ctx = _context()
    if ctx is None:
        return len(text) * size * (0.62 if bold else 0.58)
    import cairocffi as cairo

    ctx.select_font_face(FONT_FAMILY, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL)
    ctx.set_font_size(size)
    return ctx.text_extents(text)[4]


def fit_text(text: str, size: float, width: float, bold: bool = False) -> str:
    """``text``, shortened with an ellipsis if needed to fit in ``width`` pixels."""
    if text_width(text, size, bold) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if text_width(text[:mid].rstrip() + "…", size, bold) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def wrap_text(text: str, size: float, width: float, bold: bool = False, lines: int = 2) -> list[str] | None:
    """``text`` broken at spaces into at most ``lines`` lines of ``width`` pixels each, or
    None if it cannot be shown whole that way (too long, or a word wider than a line)."""
    words = text.split()
    if not words:
        return [text] if text_width(text, size, bold) <= width else None
    out: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold) <= width:
            line = candidate
            continue
        if not line or len(out) + 1 >= lines:
            return None
        out.append(line)
        line = word
        if text_width(line, size, bold) > width:
            return None
    out.append(line)
    return out
