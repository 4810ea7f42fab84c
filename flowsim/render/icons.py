"""The kind icons of ``assets/icons``, read once into display-list shapes.

The icons are 24×24 stroke drawings using ``path`` (M, L, H, V, C, Z, absolute or
relative), ``rect`` and ``circle`` only, so every backend draws them exactly.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET

from flowsim.render.shapes import Circle, Path, Rect, Shape, moved
from flowsim.resources import data_dir

__all__ = ["icon_shapes", "parse_path"]

_TOKEN = re.compile(r"[MmLlHhVvCcZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "Z": 0}


def parse_path(d: str) -> tuple[tuple, ...]:
    """SVG path data with M/L/H/V/C/Z (either case) as absolute M/L/C/Z segments."""
    tokens = _TOKEN.findall(d)
    out: list[tuple] = []
    x = y = start_x = start_y = 0.0
    i, command = 0, ""
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                out.append(("Z",))
                x, y = start_x, start_y
                continue
        upper = command.upper()
        if not upper or upper not in _ARITY:
            raise ValueError(f"unsupported path command {command!r} in {d!r}")
        args = [float(t) for t in tokens[i : i + _ARITY[upper]]]
        i += _ARITY[upper]
        rel = command.islower()
        if upper == "H":
            x = args[0] + (x if rel else 0)
            out.append(("L", x, y))
        elif upper == "V":
            y = args[0] + (y if rel else 0)
            out.append(("L", x, y))
        else:
            pts = [(args[k] + (x if rel else 0), args[k + 1] + (y if rel else 0)) for k in range(0, len(args), 2)]
            x, y = pts[-1]
            if upper == "M":
                start_x, start_y = x, y
                out.append(("M", x, y))
                command = "l" if rel else "L"  # further pairs after M are lines
            elif upper == "L":
                out.append(("L", x, y))
            else:
                out.append(("C", *pts[0], *pts[1], *pts[2]))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _icon(kind: str) -> tuple[Shape, ...]:
    path = data_dir("assets") / "icons" / f"{kind}.svg"
    if not path.is_file():
        return ()
    root = ET.parse(path).getroot()
    shapes: list[Shape] = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        get = lambda name, default="0": float(element.get(name, default))  # noqa: E731
        if tag == "path":
            shapes.append(Path(parse_path(element.get("d", "")), stroke="#000000", width=1.8))
        elif tag == "rect":
            shapes.append(Rect(get("x"), get("y"), get("width"), get("height"), get("rx"), stroke="#000000", width=1.8))
        elif tag == "circle":
            shapes.append(Circle(get("cx"), get("cy"), get("r"), stroke="#000000", width=1.8))
    return tuple(shapes)


def icon_shapes(kind: str, x: float, y: float, size: float, color: str) -> list[Shape]:
    """The icon of ``kind`` drawn in ``color``, its top-left at (x, y), ``size`` wide."""
    from dataclasses import replace

    scale = size / 24
    return [replace(moved(s, x, y, scale), stroke=color, width=1.8 * scale) for s in _icon(kind)]
