"""A PowerPoint deck of a flow (python-pptx): what a marketer drops into a presentation.

Four 16:9 slides: the title (the flow's name, its description and what was simulated),
the diagram with the run's badges as a picture, the animation as an embedded MP4 whose
poster frame is the run's totals, and the headline KPIs as a table (means over the
replications with their 95 % intervals). The funnel chart of the results panel belongs
on the last slide once the charts module lands; until then the table carries the numbers.

Only plain parts are used (pictures, a movie with its poster, a table, text), which
PowerPoint, Keynote and LibreOffice Impress all open.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from flowsim.model.flow import Flow
from flowsim.render.theme import Theme

__all__ = ["build_deck", "SLIDES"]

#: The slides, in order.
SLIDES = ("title", "diagram", "animation", "kpis")
_EMU_W, _EMU_H = 12_192_000, 6_858_000  # 13.333 × 7.5 inches: PowerPoint's 16:9


def build_deck(flow: Flow, results: Any, *, theme: Theme, size: tuple[int, int], fps: float, duration: float,
               progress: Callable[[float], None] | None = None, cancel: Any = None) -> bytes:
    """The .pptx bytes of ``flow`` and ``results`` (with a trace: its first replication
    moves in the animation; the totals and the table are the means over all of them)."""
    from pptx import Presentation
    from pptx.util import Emu, Pt

    from flowsim.render.animate import FRAME_PIXEL_FORMAT, Animation
    from flowsim.render.encode import RawVideo, encode_mp4
    from flowsim.render.frames import headline_kpis, run_caption
    from flowsim.render.raster import scene_to_png
    from flowsim.render.still import slide_scene

    report = progress or (lambda f: None)
    diagram = scene_to_png(slide_scene(flow, size, theme, results=results))
    anim = Animation(flow, results, size=size, fps=fps, duration=duration, theme=theme)
    poster = io.BytesIO()
    anim.final_surface().write_to_png(poster)
    with tempfile.TemporaryDirectory(prefix="flowsim-deck-") as folder:
        movie = os.path.join(folder, "animation.mp4")
        video = RawVideo(anim.size, fps, anim.frame_count, lambda i: anim.draw(i).get_data(), FRAME_PIXEL_FORMAT)
        encode_mp4(video, movie, progress=lambda f: report(0.9 * f), cancel=cancel)
        movie_bytes = Path(movie).read_bytes()

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(_EMU_W), Emu(_EMU_H)
    c = results.config
    what = (f"Simulated with flowsim: {c.days:g} days ({c.warmup_days:g} warm-up), "
            f"{c.replications} replication{'s' if c.replications != 1 else ''}, seed {c.seed}")

    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = flow.name or "Lead flow"
    title.placeholders[1].text = "\n".join(t for t in (flow.description, what) if t)
    _font(title.shapes.title, 40, bold=True)
    _font(title.placeholders[1], 18)
    # The layouts are laid out for 4:3; place their text on the 16:9 slide. All four sides:
    # a placeholder given only some of them gets zeros for the rest (drawn at the top,
    # zero high, over its neighbour, in LibreOffice).
    _place(title.shapes.title, top=2_011_680, height=1_325_880)
    _place(title.placeholders[1], top=3_474_720, height=1_828_800)

    blank = prs.slide_layouts[6]
    w, h = anim.size
    box_h = _EMU_H
    box_w = round(box_h * w / h)
    left = (_EMU_W - box_w) // 2
    picture = prs.slides.add_slide(blank)
    picture.shapes.add_picture(io.BytesIO(diagram), Emu(left), Emu(0), Emu(box_w), Emu(box_h))

    film = prs.slides.add_slide(blank)
    poster.seek(0)
    film.shapes.add_movie(io.BytesIO(movie_bytes), Emu(left), Emu(0), Emu(box_w), Emu(box_h),
                          poster_frame_image=poster, mime_type="video/mp4")

    table_slide = prs.slides.add_slide(prs.slide_layouts[5])
    table_slide.shapes.title.text = "Headline numbers"
    _place(table_slide.shapes.title, top=365_760, height=1_005_840)
    kpis = headline_kpis(results)
    ci = _intervals(results)
    shape = table_slide.shapes.add_table(len(kpis) + 1, 3, Emu(914_400), Emu(1_600_000), Emu(_EMU_W - 2 * 914_400),
                                         Emu(420_000 * (len(kpis) + 1)))
    table = shape.table
    for col, text in enumerate(("", f"mean of {c.replications}", "95 % interval")):
        table.cell(0, col).text = text
    for row, (label, text, _) in enumerate(kpis, start=1):
        table.cell(row, 0).text = label
        table.cell(row, 1).text = text
        table.cell(row, 2).text = ci.get(label, "")
    for row in table.rows:
        for cell in row.cells:
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(20)
    note = table_slide.shapes.add_textbox(Emu(914_400), Emu(_EMU_H - 900_000), Emu(_EMU_W - 2 * 914_400), Emu(500_000))
    note.text_frame.text = " · ".join(run_caption(results, track=False))
    _font(note, 14)
    out = io.BytesIO()
    prs.save(out)
    report(1.0)
    return out.getvalue()


def _place(shape: Any, *, top: int, height: int) -> None:
    """Put ``shape`` across the slide between 1-inch margins, ``top`` and ``height`` in EMU."""
    from pptx.util import Emu

    shape.left, shape.top = Emu(914_400), Emu(top)
    shape.width, shape.height = Emu(_EMU_W - 2 * 914_400), Emu(height)


def _font(shape: Any, points: float, bold: bool = False) -> None:
    """Set every run of ``shape``'s text to ``points`` (the layouts' own sizes overflow)."""
    from pptx.util import Pt

    shape.text_frame.word_wrap = True
    for para in shape.text_frame.paragraphs:
        for run in para.runs:
            run.font.size = Pt(points)
            run.font.bold = bold or None


def _intervals(results: Any) -> dict[str, str]:
    """The 95 % interval of each count in the KPI table, as text."""
    f = results.funnel
    out = {}
    for label, key in (("leads", "leads"), ("MQLs", "mqls"), ("SQLs", "sqls"), ("customers", "customers")):
        lo, hi = f[key].ci95
        if lo is not None and hi is not None:
            out[label] = f"{lo:,.0f} – {hi:,.0f}"
    t = results.time_to["sql"]["mean"]
    if t.ci95[0] is not None:
        out["time to SQL"] = f"{t.ci95[0]:.1f} – {t.ci95[1]:.1f} days"
    return out
