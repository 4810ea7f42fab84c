"""The trace laid out in video time: hand-written event logs in, travels, leaks and waits out."""

import numpy as np

from flowsim.render.timeline import FADE, build_timeline

NODES = ["ads", "form", "rep", "won"]
EDGES = [("ads", "form"), ("form", "rep"), ("rep", "won"), ("rep", "form")]
TRAVEL = [0.5, 0.5, 0.5, 0.5]


def layout(events, **kw):
    options = dict(node_ids=NODES, edges=EDGES, travel=TRAVEL, days=10.0, seconds=10.0)
    options.update(kw)
    return build_timeline(events, **options)


def test_a_move_shows_at_its_time_and_takes_its_edge_travel():
    tl = layout([(1, 2.0, None, "ads", "arrive"), (1, 2.0, "ads", "form", "move")])
    assert tl.travel_edge.tolist() == [0]
    assert tl.travel_start.tolist() == [2.0] and tl.travel_end.tolist() == [2.5]
    entered, leaked = tl.counts_at(2.4)
    assert entered.tolist() == [1, 0, 0, 0]  # not at the form until the dot gets there
    entered, _ = tl.counts_at(2.5)
    assert entered.tolist() == [1, 1, 0, 0]


def test_instant_hops_queue_up_behind_each_other_and_catch_up_when_the_lead_waits():
    tl = layout([
        (1, 1.0, None, "ads", "arrive"),
        (1, 1.0, "ads", "form", "move"),
        (1, 1.0, "form", "rep", "move"),  # same instant: leaves once its dot has arrived
        (1, 5.0, "rep", "won", "move"),  # long after: on time again
    ], max_lag=10.0)
    assert tl.travel_start.tolist() == [1.0, 1.5, 5.0]
    assert tl.travel_end[1] < 2.0  # late, so it travelled faster than 0.5 s
    assert tl.travel_end[2] == 5.5


def test_a_lead_far_behind_skips_its_travels_until_the_calendar_catches_up():
    events = [(1, 0.0, None, "ads", "arrive"), (1, 0.0, "ads", "form", "move")]
    events += [(1, 0.0, a, b, "move") for a, b in [("form", "rep"), ("rep", "form")] * 50]
    tl = layout(events, max_lag=1.0)
    assert tl.travel_end.max() <= 1.0 + 0.5  # never more than max_lag behind, plus one travel
    assert len(tl.travel_edge) < 10
    entered, _ = tl.counts_at(10.0)
    assert entered.tolist() == [1, 51, 50, 0]  # every entry still counted


def test_leaks_fade_where_the_lead_is_and_count_when_they_happen():
    tl = layout([
        (1, 1.0, None, "ads", "arrive"), (1, 1.0, "ads", "form", "move"), (1, 1.0, "form", None, "leak"),
        (2, 3.0, None, "ads", "arrive"), (2, 3.0, "ads", None, "leak"),
    ])
    assert tl.leak_node.tolist() == [1, 0]
    assert tl.leak_edge.tolist() == [0, -1]  # came in by edge 0; left at its source
    assert tl.leak_time.tolist() == [1.5, 3.0]  # the first only once its dot reached the form
    _, leaked = tl.counts_at(2.0)
    assert leaked.tolist() == [0, 1, 0, 0]
    assert tl.busiest(1, samples=1001) >= 1 and FADE > 0


def test_waits_run_from_queue_to_start_or_to_going_cold_and_stay_open_at_the_end():
    tl = layout([
        (1, 1.0, None, "ads", "arrive"), (1, 1.0, "ads", "rep", "move"),
        (1, 2.0, "rep", None, "queue"), (1, 4.0, "rep", None, "start"), (1, 5.0, "rep", None, "finish"),
        (2, 2.0, None, "ads", "arrive"), (2, 2.0, "ads", "rep", "move"),
        (2, 3.0, "rep", None, "queue"), (2, 6.0, "rep", None, "leak"),
        (3, 7.0, None, "ads", "arrive"), (3, 7.0, "ads", "rep", "move"), (3, 8.0, "rep", None, "queue"),
    ], edges=[("ads", "rep"), ("rep", "won")], travel=[0.5, 0.5])
    assert tl.queue_node.tolist() == [2, 2, 2]
    assert tl.queue_start.tolist() == [2.0, 3.0, 8.0]
    assert tl.queue_end.tolist() == [4.0, 6.0, np.inf]


def test_counts_stand_for_the_traced_share_and_channels_follow_the_given_order():
    tl = layout([(7, 1.0, None, "ads", "arrive")], every=25, sources=["won", "ads"])
    entered, _ = tl.counts_at(5.0)
    assert entered.tolist() == [25, 0, 0, 0]
    assert tl.channels == ("won", "ads")


def test_an_empty_trace_lays_out_nothing():
    tl = layout([])
    assert len(tl.travel_start) == len(tl.leak_time) == len(tl.queue_start) == 0
    assert tl.busiest() == 0
    assert tl.counts_at(5.0)[0].tolist() == [0, 0, 0, 0]


def test_a_move_takes_the_parallel_edge_the_trace_names():
    edges = EDGES + [("form", "rep")]  # a second edge from the form to the rep, drawn in its own lane
    events = [(1, 1.0, None, "ads", "arrive", 0), (1, 1.0, "ads", "form", "move", 0),
              (1, 2.0, "form", "rep", "move", 1),
              (2, 3.0, None, "ads", "arrive", 0), (2, 3.0, "ads", "form", "move", 0),
              (2, 4.0, "form", "rep", "move", 0)]
    tl = layout(events, edges=edges, travel=TRAVEL + [0.5])
    assert tl.travel_edge.tolist() == [0, 4, 0, 1]
