"""Exporting part of a run on part of the canvas (the window's "Export this"): the days
asked for, at the whole run's pace, framed on the rectangle asked for; and the canvas's
frame of a moment, which is the export's moved into canvas coordinates."""

import imageio.v3 as iio
import numpy as np
import pytest

from flowsim.errors import ExportError
from flowsim.render.animate import Animation, default_duration, end_seconds, hold_seconds
from flowsim.render.canvasframe import canvas_frame, node_numbers, second_of_day
from flowsim.render.export import export_flow


def whole(flow, run, **kw):
    return Animation(flow, run, size=(640, 360), fps=10, duration=default_duration(10), reflow=False, **kw)


def test_a_range_of_days_shows_the_same_dots_as_the_whole_run_on_those_days(valid_flow, valid_run):
    full = whole(valid_flow, valid_run)
    duration = full.seconds * (7 - 3) / full.days
    part = Animation(valid_flow, valid_run, size=(640, 360), fps=10, duration=duration, days_range=(3, 7),
                     reflow=False)
    assert part.seconds == pytest.approx(full.seconds)
    assert part.frame_count == round(10 * duration)
    assert part.day_at(part.time_of(0)) == pytest.approx(3)
    assert part.day_at(part.time_of(part.frame_count - 1)) == pytest.approx(7, abs=full.days / full.seconds / 10)
    seen = 0
    for i in range(0, part.frame_count, 3):
        t = part.time_of(i)
        a, b = full.dots_at(t), part.dots_at(t)
        assert sorted(a.lead.tolist()) == sorted(b.lead.tolist())
        seen += len(b)
    assert seen > 20
    # The last frame is the last day of the range, not the run's totals or the end card.
    last = part.draw(part.frame_count - 1)
    assert last is not part._final and last is not part._end


def test_a_view_is_fitted_into_the_picture_instead_of_the_whole_flow(valid_flow, valid_run):
    node = valid_flow.nodes[1]
    x, y = (float(v) for v in node.position)
    view = (x - 20, y - 30, 400, 200)
    anim = whole(valid_flow, valid_run, view=view)
    slide = anim.slide
    ax, ay, aw, ah = slide.flow_area
    # The view's middle is the middle of the flow's area, and the view fills it one way.
    cx, cy = slide.to_px(x - 20 + 200, y - 30 + 100)
    assert cx == pytest.approx(ax + aw / 2) and cy == pytest.approx(ay + ah / 2)
    assert slide.scale == pytest.approx(min(aw / 400, ah / 200, 2.6 * slide.unit))
    assert slide.flow is valid_flow or [n.position for n in slide.flow.nodes] == [n.position for n in valid_flow.nodes]


def test_export_writes_the_range_and_refuses_days_outside_the_run(tmp_path, valid_flow, valid_run):
    out = export_flow(valid_flow, tmp_path / "part.gif", results=valid_run, days_range=(2, 6),
                      frame=(0, 0, 600, 300), size=(320, 180), fps=10)
    frames = iio.imread(out, index=None)
    full = default_duration(10)
    expected = round(10 * (full - hold_seconds(full) - end_seconds(full)) * 4 / 10)
    assert frames.shape[0] == expected and frames.shape[1:3] == (180, 320)
    with pytest.raises(ExportError, match="after the run"):
        export_flow(valid_flow, tmp_path / "x.gif", results=valid_run, days_range=(2, 60))
    with pytest.raises(ExportError, match="frame"):
        export_flow(valid_flow, tmp_path / "x.gif", results=valid_run, frame=(0, 0, 0, 10))
    with pytest.raises(ExportError, match="animations"):
        export_flow(valid_flow, tmp_path / "x.png", days_range=(1, 2))


def test_the_canvas_frame_is_the_exports_frame_in_canvas_coordinates(valid_flow, valid_run):
    anim = whole(valid_flow, valid_run)
    second = second_of_day(anim, 4.5)
    frame = canvas_frame(anim, second)
    px = anim.dots_at(second)
    dx, dy = anim.offset
    assert np.allclose(frame.dots.x, px.x / anim.scale - dx) and np.allclose(frame.dots.y, px.y / anim.scale - dy)
    assert frame.day == pytest.approx(4.5) and not frame.final
    assert canvas_frame(anim, anim.seconds).final and not canvas_frame(anim, anim.seconds).shapes


def test_a_nodes_numbers_add_up_and_match_its_counter(valid_flow, valid_run):
    anim = whole(valid_flow, valid_run)
    second = second_of_day(anim, 6)
    entered, leaked = anim.timeline.counts_at(second)
    for i, nid in enumerate(anim.timeline.node_ids):
        numbers = node_numbers(anim, nid, second)
        assert numbers.entered == entered[i] and numbers.leaked == leaked[i]
        assert 0 <= numbers.waiting <= numbers.inside <= numbers.entered
    assert node_numbers(anim, "no_such_node", second) is None
