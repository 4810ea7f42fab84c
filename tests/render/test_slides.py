"""Frames made for slides, read back as an audience (and PowerPoint) would: frame sizes and
rates per preset, card text large enough to read at 1080p, traffic visible at every stage,
dots clear of the badges, totals that agree with the results, and a deck that opens."""

import io
import re
import shutil
import subprocess

import imageio.v3 as iio
import numpy as np
import pytest

from flowsim.errors import ExportError
from flowsim.io import load_flow
from flowsim.render.animate import Animation, run_for_animation
from flowsim.render.export import export_flow
from flowsim.render.look import CARD_H
from flowsim.render.shapes import Rect, Text
from flowsim.resources import template_path
from flowsim.sim import SimConfig, TraceOptions, simulate


@pytest.fixture(scope="module")
def lead_flow():
    return load_flow(template_path("lead-flow"))


@pytest.fixture(scope="module")
def lead_run(lead_flow):
    """The default template's run as `flowsim export` makes it: 90 days, the flow's seed."""
    return run_for_animation(lead_flow)


@pytest.fixture(scope="module")
def lead_anim(lead_flow, lead_run):
    return Animation(lead_flow, lead_run, size=(1920, 1080), fps=10, duration=12,
                     replications=lead_flow.setting("replications"))


@pytest.mark.parametrize("preset, suffix, size, fps", [
    ("slide-16x9", ".mp4", (1920, 1080), 30),
    ("slide-4x3", ".mp4", (1440, 1080), 30),
    ("square", ".mp4", (1080, 1080), 30),
    ("slide-16x9", ".gif", (1280, 720), 15),
    ("slide-4x3", ".gif", (960, 720), 15),
    ("square", ".gif", (720, 720), 15),
])
def test_each_preset_gives_its_frame_size_and_rate(tmp_path, valid_flow, valid_run, preset, suffix, size, fps):
    out = export_flow(valid_flow, tmp_path / f"x{suffix}", preset=preset, duration=0.6, results=valid_run)
    frames = np.asarray(list(iio.imiter(out, plugin="FFMPEG" if suffix == ".mp4" else "pillow")))
    assert frames.shape[1:3] == (size[1], size[0])
    assert len(frames) == round(fps * 0.6)
    if suffix == ".mp4":
        assert iio.immeta(out, plugin="FFMPEG")["fps"] == pytest.approx(fps)
    else:
        assert iio.immeta(out, plugin="pillow", index=1)["duration"] == pytest.approx(1000 / fps, abs=10)


def test_the_default_video_is_1080p_16_by_9_and_size_gives_any_other(tmp_path, valid_flow, valid_run):
    out = export_flow(valid_flow, tmp_path / "x.mp4", duration=0.2, results=valid_run)
    assert iio.improps(out, plugin="FFMPEG").shape[1:3] == (1080, 1920)
    out = export_flow(valid_flow, tmp_path / "y.mp4", size="800x600", duration=0.2, results=valid_run)
    assert iio.improps(out, plugin="FFMPEG").shape[1:3] == (600, 800)
    with pytest.raises(ExportError, match="size"):
        export_flow(valid_flow, tmp_path / "z.mp4", size="801x600", results=valid_run)
    with pytest.raises(ExportError, match="preset"):
        export_flow(valid_flow, tmp_path / "z.mp4", preset="slide-21x9", results=valid_run)


def _texts_px(anim, second):
    units, px = anim.overlay_shapes(second)
    for shape in [*anim.scene.shapes, *anim.final_scene.shapes, *units]:
        if isinstance(shape, Text):
            yield shape, shape.size * anim.scale
    for shape in px:
        if isinstance(shape, Text):
            yield shape, shape.size


def test_every_text_on_a_1080p_frame_of_the_default_template_is_at_least_18_px(lead_anim):
    sizes = {shape.text: size for shape, size in _texts_px(lead_anim, lead_anim.seconds / 2)}
    cards = [f"{n.title}" for n in lead_anim.flow.nodes]
    assert set(cards) <= set(sizes)  # the card titles are there, uncut
    assert min(sizes.values()) >= 18, min(sizes.items(), key=lambda kv: kv[1])


def test_every_stage_of_the_funnel_has_traffic_down_to_customers(lead_anim):
    edges = [(e.source, e.target) for e in lead_anim.flow.edges]
    seen = set()
    for i in range(lead_anim.frame_count):
        seen |= {edges[e] for e in lead_anim.dots_at(lead_anim.time_of(i)).edge.tolist() if e >= 0}
    assert {("sdr_handoff", "sales"), ("sales", "won")} <= seen


def _badge_boxes_px(anim, second):
    """Badge boxes read off the display list: the counters drawn over a playing frame and
    the run's badges under each card of the totals."""
    units, _ = anim.overlay_shapes(second)
    rects = [s for s in units if isinstance(s, Rect)]
    dx, dy = anim.offset
    tops = {round(float(n.position[1]) + dy + CARD_H + 6, 3) for n in anim.flow.nodes}
    rects += [s for s in anim.final_scene.shapes if isinstance(s, Rect) and round(s.y, 3) in tops and s.h == 18]
    k = anim.scale
    return np.array([(r.x * k, r.y * k, (r.x + r.w) * k, (r.y + r.h) * k) for r in rects])


def test_no_dot_covers_a_badge_in_any_frame(lead_anim):
    r = lead_anim.dot_r * lead_anim.scale
    checked = 0
    for i in range(lead_anim.frame_count):
        t = lead_anim.time_of(i)
        dots = lead_anim.dots_at(t)
        if not len(dots):
            continue
        boxes = _badge_boxes_px(lead_anim, t)
        assert len(boxes) >= len(lead_anim.flow.nodes)
        x, y = dots.x[:, None], dots.y[:, None]
        overlap = (x + r > boxes[:, 0]) & (x - r < boxes[:, 2]) & (y + r > boxes[:, 1]) & (y - r < boxes[:, 3])
        assert not overlap.any(), t
        checked += len(dots)
    assert checked > 1000


def test_the_counters_end_at_the_results_of_the_run_after_its_warm_up(lead_flow, lead_run, lead_anim):
    assert lead_run.config.warmup_days == lead_flow.setting("warmup_days") > 0
    entered, leaked = lead_anim.timeline.counts_at(1e9)
    for node_id, n_in, n_out in zip(lead_anim.timeline.node_ids, entered, leaked):
        assert n_in == lead_run.nodes[node_id]["entered"].mean
        assert n_out == lead_run.nodes[node_id]["leaked"].mean
    # The replication shown is the flow's own first replication, number for number.
    full = simulate(lead_flow, SimConfig(replications=2, jobs=1))
    assert full.funnel["customers"].samples[0] == lead_run.funnel["customers"].mean
    caption = " ".join(lead_anim.caption)
    assert "replication 1 of 10" in caption and "warm-up" in caption


def test_the_totals_outline_the_bottleneck_and_the_end_card_shows_the_headline_kpis(queue_flow, queue_run):
    from flowsim.render.theme import LIGHT

    anim = Animation(queue_flow, queue_run, size=(1280, 720), fps=5, duration=6)
    assert anim.final_stats["rep"].bottleneck
    outlined = [s for s in anim.final_scene.shapes if isinstance(s, Rect) and s.stroke == LIGHT.alert and s.width > 2]
    assert len(outlined) == 1
    last = anim.frame_rgb(anim.frame_count - 1)
    assert (last != anim.rgb_of(anim.final_surface())).any()  # the end card closes the video
    assert (anim.frame_rgb(round((anim.seconds + 1.0) * anim.fps)) == anim.rgb_of(anim.final_surface())).all()
    from flowsim.render.frames import end_card

    texts = [s.text for s in end_card(anim.slide, anim.flow, LIGHT, queue_run, anim.caption) if isinstance(s, Text)]
    assert {"leads", "MQLs", "SQLs", "customers", "cost per SQL", "time to SQL"} <= set(texts)
    assert f"{queue_run.funnel['leads'].mean:,.0f}" in texts


def test_a_still_after_a_run_carries_its_badges_unless_left_out(tmp_path, valid_flow, valid_run):
    plain = export_flow(valid_flow, tmp_path / "plain.svg", preset="slide-16x9").read_text()
    badged = export_flow(valid_flow, tmp_path / "run.svg", preset="slide-16x9", results=valid_run).read_text()
    bare = export_flow(valid_flow, tmp_path / "bare.svg", preset="slide-16x9", results=valid_run,
                       badges=False).read_text()
    entered = valid_run.nodes["sdrs"]["entered"].mean
    assert f"{entered:,.0f} in" in badged and f"{entered:,.0f} in" not in plain and "leak" not in bare
    png = iio.imread(export_flow(valid_flow, tmp_path / "run.png", preset="square", results=valid_run))
    assert png.shape[:2] == (1080, 1080)


@pytest.fixture(scope="module")
def deck(tmp_path_factory, valid_flow):
    results = simulate(valid_flow, SimConfig(days=10, replications=3, jobs=1), trace=TraceOptions())
    out = export_flow(valid_flow, tmp_path_factory.mktemp("deck") / "deck.pptx", duration=1.5, fps=10,
                      results=results)
    return out, results


def test_the_deck_has_a_title_the_diagram_the_movie_with_its_poster_and_the_kpis(deck):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    out, results = deck
    prs = Presentation(str(out))
    slides = list(prs.slides)
    assert len(slides) == 4
    assert slides[0].shapes.title.text == "Test flow"
    assert [s.shape_type for s in slides[1].shapes] == [MSO_SHAPE_TYPE.PICTURE]
    parts = {rel.target_part.content_type for rel in slides[2].part.rels.values() if not rel.is_external}
    assert "video/mp4" in parts and "image/png" in parts  # the movie and its poster frame
    movie = next(rel.target_part for rel in slides[2].part.rels.values()
                 if not rel.is_external and rel.target_part.content_type == "video/mp4")
    frames = iio.imread(io.BytesIO(movie.blob), plugin="FFMPEG", extension=".mp4")
    assert frames.shape[0] == 15 and frames.shape[1:3] == (1080, 1920)
    table = next(s.table for s in slides[3].shapes if s.has_table)
    cells = {table.cell(r, 0).text: table.cell(r, 1).text for r in range(1, len(table.rows))}

    def number(text):
        return float(re.sub(r"[^0-9.]", "", text))

    f = results.funnel  # means over the replications, as shown: to one decimal under 100
    for label, key in (("leads", "leads"), ("MQLs", "mqls"), ("SQLs", "sqls"), ("customers", "customers")):
        assert number(cells[label]) == pytest.approx(f[key].mean, abs=0.5 if f[key].mean >= 100 else 0.051)
    cost = sum(ch["cost"].mean for ch in results.channels.values())
    assert number(cells["cost per SQL"]) == pytest.approx(cost / f["sqls"].mean, abs=0.51)
    assert number(cells["time to SQL"]) == pytest.approx(results.time_to["sql"]["mean"].mean, abs=0.051)


def test_libreoffice_impress_converts_the_deck(deck, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-impress); "
                    "the deck was not checked in Impress")
    out, _ = deck
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                          capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "deck.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes())) == 4  # a page a slide


def test_a_flow_with_money_adds_revenue_and_roi_to_the_end_card():
    from flowsim.io import load_flow
    from flowsim.render.frames import headline_kpis
    from flowsim.resources import template_path
    from flowsim.sim import SimConfig, simulate

    results = simulate(load_flow(template_path("lead-flow")), SimConfig(replications=2, days=40, jobs=1))
    labels = [label for label, _, _ in headline_kpis(results)]
    assert labels[-2:] == ["revenue in the run", "ROI (lifetime value)"] and len(labels) == 8
    roi = dict((label, value) for label, _, value in headline_kpis(results))["ROI (lifetime value)"]
    assert roi == results.totals["roi"].mean
