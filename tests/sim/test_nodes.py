"""What each node kind does, on flows small enough to know the answer."""

from __future__ import annotations

import numpy as np
import pytest

from flowsim.sim.arrivals import parse_arrivals
from flowsim.sim.plan import DEFAULT_SPEED_TO_LEAD, compile_flow, speed_multiplier

from .helpers import make_flow, run, samples


def drip(**params):
    return make_flow(
        [("ads", "source", {"arrivals": {"per_day": 10}}),
         ("drip", "nurture", params), ("ready", "sink", {}), ("done", "sink", {})],
        [{"from": "ads", "to": "drip"},
         {"from": "drip", "to": "ready", "when": "score >= 30"},
         {"from": "drip", "to": "done"}],
    )


def test_nurture_leaves_early_when_the_exit_rule_holds():
    # no score node upstream: the score is the sum of touch points; 10 a touch, all engage
    results = run(drip(touches=5, every="2d", engage=1.0, points=10, exit_when="score >= 30"), days=40)
    node = results.nodes["drip"]
    assert node["time_in_node_days"].mean == pytest.approx(6.0)  # the third touch, on day 6
    assert node["leaked"].mean == 0
    assert results.nodes["done"]["entered"].mean == 0


def test_nurture_is_exhausted_after_the_last_touch():
    results = run(drip(touches=5, every="2d", engage=0.0, points=10, exit_when="score >= 30"), days=40)
    assert results.nodes["drip"]["time_in_node_days"].mean == pytest.approx(10.0)
    assert results.nodes["ready"]["entered"].mean == 0


def test_unsubscribes_leak_at_the_touch():
    results = run(drip(touches=5, every="1d", unsubscribe=1.0), days=30)
    node = results.nodes["drip"]
    assert node["exited"].mean == 0
    assert node["leaked"].mean > 0
    assert node["time_in_node_days"].mean == pytest.approx(1.0)


def test_nurture_rescores_with_the_score_node_upstream_and_marks_mqls():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 10}, "behaviours": {"webinar": 1.0}}),
         ("scoring", "score", {"engagement": [{"when": "webinar", "points": 5}], "threshold": 25}),
         ("drip", "nurture", {"touches": 5, "every": "2d", "engage": 1.0, "points": 10}),
         ("done", "sink", {})],
        [{"from": "ads", "to": "scoring"}, {"from": "scoring", "to": "drip"}, {"from": "drip", "to": "done"}],
    )
    results = run(flow, days=40, warmup_days=0)
    mql = results.time_to["mql"]
    # 5 points for the webinar, then 10 a touch: 25 at the second touch, on day 4
    assert mql["median"].mean == pytest.approx(4.0)
    assert mql["p90"].mean == pytest.approx(4.0)


def test_decay_lowers_the_score_over_simulated_time():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 10}, "behaviours": {"webinar": 1.0}}),
         ("scoring", "score", {"engagement": [{"when": "webinar", "points": 40}],
                               "decay": {"half_life": "10d"}}),
         ("drip", "nurture", {"touches": 6, "every": "10d", "exit_when": "score < 15"}),
         ("done", "sink", {})],
        [{"from": "ads", "to": "scoring"}, {"from": "scoring", "to": "drip"}, {"from": "drip", "to": "done"}],
    )
    # 40 → 20 after 10 days → 10 after 20: the lead leaves at the second touch
    results = run(flow, days=60)
    assert results.nodes["drip"]["time_in_node_days"].mean == pytest.approx(20.0)


def capture_flow(source_params):
    return make_flow(
        [("ads", "source", {"arrivals": {"per_day": 200}, "cost_per_lead": 50, **source_params}),
         ("form", "capture", {"conversion": 0.1, "delay": "5m"}), ("done", "sink", {})],
        [{"from": "ads", "to": "form"}, {"from": "form", "to": "done"}],
    )


def test_cost_is_counted_per_lead_created_at_the_form():
    results = run(capture_flow({}), days=20, warmup_days=0, replications=3)
    leads = results.channels["ads"]["leads"].samples
    assert results.channels["ads"]["cost"].samples == tuple(50 * n for n in leads)
    assert results.funnel["arrival_to_lead"].mean == pytest.approx(0.1, abs=0.01)
    assert results.nodes["form"]["time_in_node_days"].mean == pytest.approx(5 / 1440)


def test_visits_settled_in_bulk_match_visits_simulated_one_by_one():
    bulk = run(capture_flow({}), days=30, replications=4)
    # a delay of 0 on the source takes the one-by-one path
    single = run(capture_flow({"delay": 0}), days=30, replications=4)
    for key in ("arrival_to_lead",):
        assert bulk.funnel[key].mean == pytest.approx(single.funnel[key].mean, abs=0.006)
    for metric in ("time_in_node_days", "mean_in_node"):
        assert bulk.nodes["form"][metric].mean == pytest.approx(single.nodes["form"][metric].mean, rel=0.05)


def test_handoff_accepts_its_share_and_sets_accepted_for_the_edges():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 100}}),
         ("sdr", "handoff", {"accept": 0.3, "speed_to_lead": {"5m": 1.0, "1h": 0.5}}),
         ("sql", "sink", {}), ("no", "sink", {})],
        [{"from": "ads", "to": "sdr"}, {"from": "sdr", "to": "sql", "when": "accepted"}, {"from": "sdr", "to": "no"}],
    )
    results = run(flow, days=30, replications=3)
    sql = results.nodes["sql"]["entered"].mean
    assert sql / results.nodes["sdr"]["entered"].mean == pytest.approx(0.3, abs=0.03)
    assert results.funnel["sqls"].mean == sql
    assert results.funnel["mql_to_sql"].mean == pytest.approx(0.3, abs=0.03)  # entering a handoff makes an MQL


def test_speed_to_lead_is_linear_between_points_and_flat_beyond():
    curve = ((5 / 1440, 1.0), (1 / 24, 0.5), (1.0, 0.1))
    assert speed_multiplier(curve, 0.0) == 1.0
    assert speed_multiplier(curve, 5 / 1440) == 1.0
    assert speed_multiplier(curve, (5 / 1440 + 1 / 24) / 2) == pytest.approx(0.75)
    assert speed_multiplier(curve, 1 / 24) == pytest.approx(0.5)
    assert speed_multiplier(curve, 30.0) == 0.1


def test_without_a_curve_of_its_own_a_handoff_uses_the_published_speed_to_lead_effects():
    # Relative to an answer within 5 minutes: 21x lower odds at 30 minutes (MIT /
    # InsideSales), 7x lower an hour later (HBR), 60x lower after 24 hours (HBR).
    curve = DEFAULT_SPEED_TO_LEAD
    assert speed_multiplier(curve, 0.0) == 1.0
    assert speed_multiplier(curve, 30 / 1440) == pytest.approx(1 / 21)
    assert speed_multiplier(curve, 1 / 24) == pytest.approx(1 / 21)
    assert speed_multiplier(curve, 1 / 24) / speed_multiplier(curve, 2 / 24) == pytest.approx(7)
    assert speed_multiplier(curve, 1 / 24) / speed_multiplier(curve, 3.0) == pytest.approx(60)
    waits = [i / 1440 for i in range(0, 2000, 7)]
    assert all(speed_multiplier(curve, a) >= speed_multiplier(curve, b) for a, b in zip(waits, waits[1:]))


def understaffed_handoff(**params):
    return make_flow(
        [("ads", "source", {"arrivals": {"per_day": 20}}),
         ("sdr", "handoff", {"accept": 1.0, "capacity": 1, "service": "1h", **params}),
         ("sql", "sink", {}), ("no", "sink", {})],
        [{"from": "ads", "to": "sdr"}, {"from": "sdr", "to": "sql", "when": "accepted"}, {"from": "sdr", "to": "no"}],
    )


def test_an_understaffed_handoff_loses_leads_to_slow_answers_by_default():
    default = run(understaffed_handoff(), days=30, replications=2, seed=4)
    flat = run(understaffed_handoff(speed_to_lead={"0m": 1.0}), days=30, replications=2, seed=4)
    answered = default.nodes["sdr"]["exited"].mean
    assert flat.nodes["no"]["entered"].mean == 0  # a one-point curve: waiting costs nothing
    assert default.nodes["sdr"]["wait_days"].mean > 1 / 24  # most wait far beyond 5 minutes
    assert default.nodes["sql"]["entered"].mean < 0.5 * answered


def test_a_handoff_that_answers_at_once_needs_no_curve():
    plan = compile_flow(make_flow(
        [("ads", "source", {"arrivals": {"per_day": 20}}), ("sdr", "handoff", {"accept": 0.5}), ("done", "sink", {})],
        [{"from": "ads", "to": "sdr"}, {"from": "sdr", "to": "done"}],
    ))
    assert plan.nodes[1].curve is None
    assert compile_flow(understaffed_handoff()).nodes[1].curve == DEFAULT_SPEED_TO_LEAD


def test_patience_makes_waiting_leads_go_cold():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 20}}),
         ("sdr", "handoff", {"capacity": 1, "service": "2h", "patience": "4h"}), ("done", "sink", {})],
        [{"from": "ads", "to": "sdr"}, {"from": "sdr", "to": "done"}],
    )
    node = run(flow, days=30).nodes["sdr"]
    assert node["cold"].mean > 0
    assert node["cold"].mean == node["leaked"].mean
    assert node["utilization"].mean > 0.95


def test_warmup_leads_are_left_out_of_the_counts():
    flow = make_flow([("ads", "source", {"arrivals": {"per_day": 50}}), ("done", "sink", {})],
                     [{"from": "ads", "to": "done"}])
    results = run(flow, days=20, warmup_days=5, replications=4)
    for n in samples(results, "done", "entered"):
        assert abs(n - 50 * 15) < 4 * (50 * 15) ** 0.5


def test_weekday_weights_and_ramp_shape_arrivals():
    flow = make_flow([("ads", "source", {"arrivals": {"per_day": 10, "weekdays": [1, 1, 1, 1, 1, 0, 0]}}),
                      ("done", "sink", {})], [{"from": "ads", "to": "done"}])
    results = run(flow, days=70, replications=1, trace=True)
    times = [e.time for e in results.trace.events if e.event == "arrive"]
    assert times and all(int(t) % 7 < 5 for t in times)
    assert abs(len(times) - 700) < 4 * 700**0.5  # the weights keep the weekly mean
    ramped = make_flow([("ads", "source", {"arrivals": {"per_day": 100, "ramp": "10d"}}), ("done", "sink", {})],
                       [{"from": "ads", "to": "done"}])
    n = run(ramped, days=20, replications=1).nodes["done"]["entered"].mean
    assert abs(n - 1500) < 4 * 1500**0.5  # 500 while ramping up, then 1000


def test_month_weights_give_arrivals_a_season_and_keep_the_yearly_total():
    january_only = [1] + [0] * 11
    flow = make_flow([("ads", "source", {"arrivals": {"per_day": 10, "months": january_only}}),
                      ("done", "sink", {})], [{"from": "ads", "to": "done"}])
    times = [e.time for e in run(flow, days=730, replications=1, trace=True).trace.events if e.event == "arrive"]
    month = 365 / 12
    assert times and all(t < month or 365 <= t < 365 + month for t in times)
    assert abs(len(times) - 7300) < 4 * 7300**0.5
    summer_lull = [1.2] * 5 + [0.4] * 3 + [1.2] * 4
    flow = make_flow([("ads", "source", {"arrivals": {"per_day": 50, "months": summer_lull}}),
                      ("done", "sink", {})], [{"from": "ads", "to": "done"}])
    times = [e.time for e in run(flow, days=365, replications=1, trace=True).trace.events if e.event == "arrive"]
    lull = sum(1 for t in times if 5 * month <= t < 8 * month)
    expected = 50 * 365 * (3 * 0.4) / sum(summer_lull)
    assert abs(lull - expected) < 4 * expected**0.5
    assert abs(len(times) - 50 * 365) < 4 * (50 * 365) ** 0.5


@pytest.mark.parametrize("start, end", [(0, 30), (0, 365), (10, 100), (300, 800), (0, 3650.5), (365 / 12, 2 * 365 / 12)])
def test_the_expected_arrivals_follow_the_month_weights(start, end):
    months = [3, 1, 0, 0, 2, 1, 1, 1, 1, 1, 0.5, 0.5]
    shape = parse_arrivals({"per_day": 10, "months": months})
    days = np.linspace(start, end, 200_001)
    exact = np.trapezoid(shape.rate_at(days), days)
    assert shape.expected(start, end) == pytest.approx(exact, rel=1e-3)


def test_every_node_can_leak_and_delay():
    flow = make_flow([("ads", "source", {"arrivals": {"per_day": 100}}),
                      ("slow", "segment", {"delay": "1d", "leak": 0.25}), ("done", "sink", {})],
                     [{"from": "ads", "to": "slow"}, {"from": "slow", "to": "done"}])
    node = run(flow, days=30, warmup_days=0, replications=2).nodes["slow"]
    finished = node["exited"].mean + node["leaked"].mean
    assert node["leaked"].mean / finished == pytest.approx(0.25, abs=0.03)
    assert node["time_in_node_days"].mean == pytest.approx(1.0)
    assert node["mean_in_node"].mean == pytest.approx(100 * 29 / 30, rel=0.05)  # Little: λ × 1 day


def reps_flow(assignment=None, capacity=None):
    params = {"service": {"dist": "exponential", "mean": "1h"}}
    if assignment is not None:
        params["assignment"] = assignment
    if capacity is not None:
        params["capacity"] = capacity
    return make_flow(
        [("ads", "source", {"arrivals": {"per_day": 36}, "attributes": {"region": {"NA": 0.5, "EMEA": 0.5}}}),
         ("seg", "segment", {"segments": [{"when": "region == 'NA'", "segment": "na"}]}),
         ("sdr", "handoff", params), ("done", "sink", {})],
        [{"from": "ads", "to": "seg"}, {"from": "seg", "to": "sdr"}, {"from": "sdr", "to": "done"}],
    )


def test_assigned_reps_each_keep_their_own_queue():
    pooled = run(reps_flow(capacity=2), days=200, replications=2, seed=4).nodes["sdr"]
    split = run(reps_flow({"reps": ["Ana", "Bo", {"name": "Cy", "available": False}]}),
                days=200, replications=2, seed=4).nodes["sdr"]
    assert split["utilization"].mean == pytest.approx(pooled["utilization"].mean, rel=0.05)  # two servers each
    assert split["wait_days"].mean > 1.2 * pooled["wait_days"].mean  # one queue per rep waits longer


def test_leads_outside_every_territory_leak_with_a_warning():
    territory = {"policy": "territory", "reps": [{"name": "Ana", "territory": "na"}], "fallback": []}
    results = run(reps_flow(territory), days=20, replications=1)
    node = results.nodes["sdr"]
    assert node["leaked"].mean > 0
    assert any("no available rep" in w for w in results.warnings)
