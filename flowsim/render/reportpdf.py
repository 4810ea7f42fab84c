"""The report as a PDF, drawn by cairo from SVG pages: no browser, text kept as text.

Each A4 page is an SVG of its own (the charts and the diagram nested in it as they are in
the HTML report); cairosvg draws the pages one after another onto one cairo PDF surface.
The pages: the summary (headline numbers, settings, the diagram) with the first charts
that fit under it, the other charts as many a page as fit, then the tables (as many
pages as they need).
"""

from __future__ import annotations

import io
import re
from html import escape
from typing import Any

from flowsim.render.tables import Table
from flowsim.render.text import FONT_FAMILY, text_width
from flowsim.render.theme import LIGHT, Theme

__all__ = ["pdf_report", "pdf_pages", "PAGE_W", "PAGE_H"]

PAGE_W, PAGE_H = 794.0, 1123.0   # A4 in CSS pixels (96 a inch)
_M = 44.0                        # margin
_CONTENT = PAGE_W - 2 * _M
_ROW = 17.0


def _text(x: float, y: float, text: str, size: float, fill: str, *, bold: bool = False, anchor: str = "start") -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" text-anchor="{anchor}"{weight}>'
            f"{escape(text)}</text>")


def _nest(svg: str, x: float, y: float, width: float, height: float) -> str:
    """An ``<svg>`` element placed at (x, y), scaled into width × height."""
    head_end = svg.index(">")
    head = svg[:head_end]
    head = re.sub(r'\s(width|height|x|y)="[^"]*"', "", head)
    return (f'{head} x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'preserveAspectRatio="xMidYMin meet"{svg[head_end:]}')


def _size(svg: str) -> tuple[float, float]:
    box = re.search(r'viewBox="([^"]+)"', svg[: svg.index(">")])
    if box is None:
        return 4.0, 3.0
    parts = [float(v) for v in box.group(1).replace(",", " ").split()]
    return parts[2], parts[3]


def _page(body: list[str], theme: Theme, title: str, number: int) -> str:
    footer = _text(PAGE_W - _M, PAGE_H - 24, f"{title} · flowsim report · page {number}", 9, theme.muted, anchor="end")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{PAGE_W:g}" height="{PAGE_H:g}" viewBox="0 0 {PAGE_W:g} {PAGE_H:g}">'
            f'<rect width="100%" height="100%" fill="#FFFFFF"/><g font-family="{FONT_FAMILY}">'
            + "".join(body) + footer + "</g></svg>")


def _columns(table: Table, size: float) -> list[float]:
    widths = [max(text_width(t, size, bold=False) for t in [h] + [row[i] for row in table.rows]) + 14
              for i, h in enumerate(table.headers)]
    total = sum(widths)
    if total < _CONTENT:  # the first (name) column takes the slack
        widths[0] += _CONTENT - total
    return widths


def _table_rows(table: Table, theme: Theme) -> tuple[list[list[str]], float]:
    """The table as blocks of SVG lines: its title and header, then one block per row."""
    size = 10.0
    while sum(_columns(table, size)) > _CONTENT and size > 6.5:
        size -= 0.5
    widths = _columns(table, size)
    lefts = [_M + sum(widths[:i]) for i in range(len(widths))]

    def line(cells, y, fill, bold=False):
        out = []
        for text, left, width, numeric in zip(cells, lefts, widths, table.numeric):
            x, anchor = (left + width - 6, "end") if numeric else (left + 2, "start")
            out.append(_text(x, y, text, size, fill, bold=bold, anchor=anchor))
        return out

    return [line(table.headers, 0, theme.muted)] + [line(row, 0, theme.text) for row in table.rows], size


def pdf_pages(parts: Any, theme: Theme = LIGHT) -> list[str]:
    """The report's pages as SVG documents, in order."""
    pages: list[str] = []
    title = parts.title
    # page 1: title, run, headline numbers, settings, diagram
    settings = dict(parts.settings)
    body = [
        _text(_M, _M + 20, title, 24, theme.text, bold=True),
        _text(_M, _M + 44, f"Simulated {settings['Days simulated']} days ({settings['Warm-up (left out of the numbers)']} "
              f"warm-up), {settings['Replications']} replications, seed {settings['Seed']}", 11, theme.muted),
    ]
    box_w, box_h = (_CONTENT - 2 * 12) / 3, 64.0
    for i, k in enumerate(parts.kpis):
        x = _M + (i % 3) * (box_w + 12)
        y = _M + 64 + (i // 3) * (box_h + 10)
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_w:.1f}" height="{box_h:.1f}" rx="8" '
                    f'fill="{theme.card}" stroke="{theme.card_border}"/>')
        body.append(_text(x + 12, y + 28, k.text, 20, theme.text, bold=True))
        body.append(_text(x + 12, y + 44, k.label, 10, theme.muted))
        if k.interval:
            body.append(_text(x + 12, y + 57, "95 %: " + k.interval, 8.5, theme.muted))
    y = _M + 64 + 2 * (box_h + 10) + 14
    for label, value in parts.settings:
        body.append(_text(_M, y, label, 9.5, theme.muted))
        body.append(_text(_M + 210, y, value, 9.5, theme.text))
        y += 15
    y += 10
    w, h = _size(parts.diagram_svg)
    room = PAGE_H - 50 - y
    height = min(room, _CONTENT * h / w)
    body.append(_nest(parts.diagram_svg, _M, y, _CONTENT, height))
    y += height + 24
    # the charts, in order, as many on a page as fit (the funnel under the diagram)
    for key, chart_title, svg in parts.charts:
        w, h = _size(svg)
        height = _CONTENT * h / w
        if y + height > PAGE_H - 50:
            pages.append(_page(body, theme, title, len(pages) + 1))
            body, y = [], _M
        body.append(_nest(svg, _M, y, _CONTENT, height))
        y += height + 24
    pages.append(_page(body, theme, title, len(pages) + 1))
    # the tables, flowing over as many pages as they need
    body, y = [], _M
    for table in parts.tables:
        blocks, size = _table_rows(table, theme)
        need = 30 + _ROW * min(len(blocks), 4)  # a title never sits alone at a page's foot
        if y + need > PAGE_H - 50 and body:
            pages.append(_page(body, theme, title, len(pages) + 1))
            body, y = [], _M
        body.append(_text(_M, y + 14, table.title, 13, theme.text, bold=True))
        y += 34
        for i, block in enumerate(blocks):
            if y > PAGE_H - 60:
                pages.append(_page(body, theme, title, len(pages) + 1))
                body, y = [], _M
            body.append(f'<g transform="translate(0 {y:.1f})">{"".join(block)}</g>')
            body.append(f'<rect x="{_M:.1f}" y="{y + 5:.1f}" width="{_CONTENT:.1f}" height="0.6" fill="{theme.grid}"/>')
            y += _ROW
        y += 18
    if body:
        pages.append(_page(body, theme, title, len(pages) + 1))
    return pages


def pdf_report(parts: Any, theme: Theme = LIGHT) -> bytes:
    """The report as PDF bytes: one page per SVG of :func:`pdf_pages`."""
    import cairocffi as cairo
    from cairosvg.parser import Tree
    from cairosvg.surface import PDFSurface

    out = io.BytesIO()
    pdf = cairo.PDFSurface(out, PAGE_W * 0.75, PAGE_H * 0.75)  # points

    class _Page(PDFSurface):
        """cairosvg's PDF surface, drawing onto the shared multi-page surface."""

        def _create_surface(self, width: float, height: float):
            pdf.set_size(width, height)
            return pdf, width, height

    for svg in pdf_pages(parts, theme):
        _Page(Tree(bytestring=svg.encode("utf-8")), None, 96)
        pdf.show_page()
    pdf.finish()
    return out.getvalue()
