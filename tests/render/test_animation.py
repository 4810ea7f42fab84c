"""Animation frames: the dots on a frame are the trace's leads at that moment, drawn where
and in the colour they should be; frames change while the run plays and hold its totals."""

import math

import numpy as np
import pytest

from flowsim.io import load_flow, loads_flow
from flowsim.model.colors import to_rgba
from flowsim.render.animate import MAX_DOTS, Animation, default_duration, end_seconds, hold_seconds, run_for_animation
from flowsim.render.look import node_color


def test_the_frame_count_is_fps_times_duration_and_the_run_plays_before_the_hold_and_end_card(valid_flow, valid_run):
    anim = Animation(valid_flow, valid_run, width=240, fps=12, duration=2.5)
    assert anim.frame_count == 30
    assert anim.seconds == pytest.approx(2.5 - hold_seconds(2.5) - end_seconds(2.5))
    assert Animation(valid_flow, valid_run, width=240, fps=12, duration=2.5, end_card=False).seconds == (
        pytest.approx(2.5 - hold_seconds(2.5)))
    assert anim.day_at(0) == 0 and anim.day_at(anim.seconds) == 10
    assert default_duration(90) == 12 and default_duration(1) == 4 and default_duration(3650) == 30


def test_the_dots_on_a_frame_are_the_leads_the_trace_has_on_that_edge(straight_flow, straight_run):
    anim = Animation(straight_flow, straight_run, width=320, fps=10, duration=6, dot_every=1)
    per_day = anim.seconds / anim.days
    moves = np.array([e.time for e in straight_run.trace.events if e.event == "move"]) * per_day
    travel = anim.travel[0]
    checked = 0
    for frame in range(anim.frame_count):
        t = anim.time_of(frame)
        if t >= anim.seconds:
            break
        dots = anim.dots_at(t)
        expected = int(((moves <= t) & (t < moves + travel)).sum())
        assert len(dots) == expected, t
        checked += expected
    assert checked > 50


def test_every_dot_is_a_traced_lead_on_an_edge_it_takes_no_earlier_than_the_run_says(valid_flow, valid_run):
    anim = Animation(valid_flow, valid_run, width=320, fps=10, duration=4, dot_every=1)
    moves: dict[int, list] = {}
    leaks: dict[int, float] = {}
    for e in valid_run.trace.events:
        if e.event == "move":
            moves.setdefault(e.lead, []).append((e.source, e.target, e.time))
        elif e.event == "leak":
            leaks[e.lead] = e.time
    edges = [(e.source, e.target) for e in valid_flow.edges]
    per_day = anim.seconds / anim.days
    seen = 0
    for t in np.linspace(0.1, anim.seconds - 0.05, 15):
        dots = anim.dots_at(t)
        assert len(set(dots.lead.tolist())) == len(dots)  # one dot a lead
        for lead, edge, leaking in zip(dots.lead.tolist(), dots.edge.tolist(), dots.leaking.tolist()):
            if leaking:
                assert leaks[lead] * per_day <= t
            else:
                assert any((s, d) == edges[edge] and when * per_day <= t for s, d, when in moves[lead])
            seen += 1
    assert seen > 20


def test_dots_are_drawn_where_they_are_in_their_channels_colour(straight_flow, straight_run):
    anim = Animation(straight_flow, straight_run, width=960, fps=10, duration=6, dot_every=1)
    color = np.array(to_rgba(node_color(straight_flow.node("ads")))[:3]) * 255
    frame = anim.frame_count // 2
    dots = anim.dots_at(anim.time_of(frame))
    assert len(dots) > 3
    image = anim.frame_rgb(frame).astype(float)
    for x, y in zip(dots.x.tolist(), dots.y.tolist()):
        assert np.abs(image[round(y), round(x)] - color).max() < 40, (x, y)
    y_edge = (30 + anim.offset[1]) * anim.scale  # the edge runs level, mid-card
    assert np.allclose(dots.y, y_edge, atol=1.0)


def test_waiting_leads_are_those_queued_by_then_and_not_yet_served(queue_flow, queue_run):
    anim = Animation(queue_flow, queue_run, width=320, fps=10, duration=8)
    per_day = anim.seconds / anim.days
    travel = anim.travel[0]
    arrived, queued, started = {}, {}, {}
    for e in queue_run.trace.events:
        if e.event == "move" and e.target == "rep":
            arrived[e.lead] = e.time * per_day + travel  # the dot reaches the rep
        elif e.event == "queue":
            queued[e.lead] = max(e.time * per_day, arrived[e.lead])
        elif e.event == "start" and e.lead in queued:
            started[e.lead] = max(e.time * per_day, queued[e.lead])
    assert len(queued) >= 3
    busy = 0
    for t in np.linspace(0, anim.seconds, 60):
        expected = sum(q <= t < started.get(lead, math.inf) for lead, q in queued.items())
        assert len(anim.queues_at(t).get("rep", [])) == expected, t
        busy += expected
    assert busy > 0


def test_consecutive_frames_differ_while_the_run_plays_and_the_totals_hold_still(valid_flow, valid_run):
    anim = Animation(valid_flow, valid_run, width=240, fps=10, duration=3)
    frames = [anim.frame_rgb(i) for i in range(anim.frame_count)]
    playing = [i for i in range(anim.frame_count - 1) if anim.time_of(i + 1) < anim.seconds]
    assert len(playing) > 10
    for i in playing:
        assert (frames[i] != frames[i + 1]).any(), i
    assert (frames[-1] == frames[-2]).all()
    assert len(anim.dots_at(anim.time_of(anim.frame_count - 1))) == 0


def test_the_last_frame_shows_the_runs_totals(valid_flow, valid_run):
    anim = Animation(valid_flow, valid_run, width=240, fps=10, duration=2)
    for node_id, stats in anim.final_stats.items():
        assert stats.entered == valid_run.nodes[node_id]["entered"].mean
        assert stats.leaked == valid_run.nodes[node_id]["leaked"].mean
    entered, leaked = anim.timeline.counts_at(1e9)  # the counters end where the run did
    for node_id, n_in, n_out in zip(anim.timeline.node_ids, entered, leaked):
        assert n_in == valid_run.nodes[node_id]["entered"].mean
        assert n_out == valid_run.nodes[node_id]["leaked"].mean


BUSY = """\
flowsim: 1
name: Busy
simulation: {days: 4, seed: 1}
nodes:
  - {id: list, kind: source, position: [0, 0], arrivals: {per_day: 3000}}
  - {id: nurture, kind: nurture, position: [280, 0], leak: 0.3}
  - {id: won, kind: sink, position: [560, 0]}
edges:
  - {from: list, to: nurture}
  - {from: nurture, to: won}
"""


def test_busy_runs_draw_one_lead_in_n_and_say_so():
    flow = loads_flow(BUSY)
    results = run_for_animation(flow)
    anim = Animation(flow, results, width=320, fps=10, duration=3)
    assert anim.dot_every > 1 and anim.per_dot == anim.dot_every * results.trace.every
    assert anim.dot_timeline.busiest(anim.dot_every) <= MAX_DOTS
    worst = max(len(anim.dots_at(anim.time_of(i))) for i in range(anim.frame_count))
    assert 0 < worst <= MAX_DOTS * 1.2  # the budget is sampled, not exact


def test_visits_into_the_form_are_streams_as_wide_as_the_visits_and_leads_after_it_are_dots():
    flow = load_flow_template("lead-flow")
    results = run_for_animation(flow, days=30, seed=1)
    anim = Animation(flow, results, width=640, fps=10, duration=6)
    edges = [(e.source, e.target) for e in flow.edges]
    streams = {edges[i] for i in anim.stream_edges}
    assert streams == {("paid_search", "landing_page"), ("linkedin_ads", "landing_page"), ("organic", "landing_page")}
    seen = set()
    for i in range(anim.frame_count):
        seen |= {edges[e] for e in anim.dots_at(anim.time_of(i)).edge.tolist() if e >= 0}
    assert not seen & streams and ("landing_page", "scoring") in seen
    # Mid-run, the streams carry visits a day in proportion to the channels' rates (300:250:150).
    t = anim.seconds * 0.6
    rates = dict(zip([edges[i][0] for i in anim.stream_edges],
                     np.mean([anim.stream_rates(t + k * 0.2) for k in range(-5, 6)], axis=0)))
    assert rates["organic"] > rates["paid_search"] > rates["linkedin_ads"] > 0
    assert rates["organic"] == pytest.approx(300, rel=0.35)


@pytest.mark.parametrize("width", [64, 1280])
def test_every_picture_of_an_animation_shares_one_frame(template_files, width):
    for path in template_files:
        flow = load_flow(path)
        anim = Animation(flow, run_for_animation(flow, days=2, seed=1), width=width, fps=5, duration=1, even=True)
        assert (anim.scene.width, anim.scene.height, anim.scene.offset) == (
            anim.final_scene.width, anim.final_scene.height, anim.final_scene.offset)
        w, h = anim.size
        assert w == width and h % 2 == 0
        assert abs(h - anim.scene.height * anim.scale) <= 1


def load_flow_template(name):
    from flowsim.resources import template_path

    return load_flow(template_path(name))
