"""Day-by-day series (leads in the flow, queue lengths), per-lead times for the charts,
and intervals that never go below zero."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowsim.io import load_flow
from flowsim.sim.results import Metric
from flowsim.sim.series import DayBins

from tests.conftest import REPO

from .helpers import make_flow, run
from .test_results import queue_flow


def exact_daily(intervals, end):
    days = int(np.ceil(end))
    out = []
    for d in range(days):
        hi = min(d + 1.0, end)
        out.append(sum(max(0.0, min(b, hi) - max(a, d)) for a, b in intervals) / (hi - d))
    return out


@settings(max_examples=60, deadline=None)
@given(
    end=st.floats(1.0, 30.0),
    intervals=st.lists(st.tuples(st.floats(0.0, 35.0), st.floats(0.0, 20.0)), max_size=40),
)
def test_daily_averages_are_the_exact_integral_of_the_count_over_each_day(end, intervals):
    spans = [(a, a + length) for a, length in intervals]
    one, bulk = DayBins(end), DayBins(end)
    for a, b in spans:
        one.step(a, 1)
        one.step(b, -1)
    bulk.steps(np.array([a for a, _ in spans]), 1)
    bulk.steps(np.array([b for _, b in spans]), -1)
    expected = exact_daily(spans, end)
    assert np.allclose(one.averages(), expected, atol=1e-9)
    assert np.allclose(bulk.averages(), expected, atol=1e-9)


def test_leads_in_the_flow_averaged_after_the_warm_up_are_the_leads_in_its_nodes():
    # Every lead is in exactly one node until it ends, so the series of leads in the flow,
    # averaged over the measured days, is the sum of the nodes' time averages; the same
    # holds for each queue. Visitors settled in bulk at the form are counted too.
    flow = load_flow(REPO / "templates" / "lead-flow.flow.yaml")
    results = run(flow, days=40, warmup_days=5, replications=2, seed=9)
    measured = slice(5, 40)
    in_nodes = sum(m["mean_in_node"].mean for m in results.nodes.values())
    assert np.mean(results.in_flow.mean[measured]) == pytest.approx(in_nodes, rel=1e-9)
    assert set(results.queues) == {"sdr_handoff", "sales"}
    for node_id, series in results.queues.items():
        assert np.mean(series.mean[measured]) == pytest.approx(results.nodes[node_id]["mean_queue"].mean, rel=1e-9, abs=1e-12)
    assert len(results.in_flow.mean) == 40
    assert all(lo <= m <= hi for lo, m, hi in zip(results.in_flow.low, results.in_flow.mean, results.in_flow.high))


def test_each_leads_time_to_a_milestone_is_kept_for_the_histograms():
    results = run(queue_flow(), days=20, replications=3, seed=5)
    for key in ("mql", "sql", "customer"):
        per_rep = results.time_samples[key]
        assert len(per_rep) == 3
        counts = [int(weights.sum()) for _, weights in per_rep]
        assert counts == [int(c) for c in results.time_to[key]["count"].samples]
        values, weights = per_rep[0]
        assert set(weights.tolist()) <= {1.0}  # a small run keeps every lead's time
        assert np.median(values) == pytest.approx(results.time_to[key]["median"].samples[0], rel=1e-5)


def test_past_the_exact_size_the_times_come_as_weighted_buckets_of_the_same_count():
    from flowsim.sim.quantiles import EXACT_LIMIT, TimeSketch

    sketch = TimeSketch()
    rng = np.random.default_rng(1)
    times = np.concatenate([np.zeros(1000), rng.exponential(5.0, EXACT_LIMIT + 5000)])
    for t in times:
        sketch.append(float(t))
    values, weights = sketch.weighted()
    assert weights.sum() == len(times)
    assert len(values) < 5000  # buckets, not leads
    assert weights[values == 0].sum() == 1000
    # the histogram of the buckets is the histogram of the times, but for the leads within
    # a bucket's width (1 %) of a bin's edge, which may land in the bin next door
    edges = np.linspace(0, 20, 11)
    exact, _ = np.histogram(times, bins=edges)
    folded, _ = np.histogram(values, bins=edges, weights=weights)
    assert np.allclose(folded, exact, rtol=0.1)
    assert folded.sum() == pytest.approx(exact.sum(), rel=0.002)


def test_the_interval_of_a_quantity_that_cannot_be_negative_stops_at_zero():
    m = Metric.of([0.0, 0.0, 6.0], floor=0.0)
    assert m.mean == 2.0 and m.ci95[0] == 0.0 and m.ci95[1] > 6.0
    free = Metric.of([0.0, 0.0, 6.0])
    assert free.ci95[0] < 0  # without a floor the t interval is symmetric
    assert free.ci95[1] == m.ci95[1]


def test_no_interval_in_the_json_goes_below_zero_even_for_rare_events():
    # A rare outcome over few replications: the t interval would reach below zero.
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 2}}), ("sales", "sales", {}),
         ("won", "sink", {"outcome": "won"}), ("lost", "sink", {"outcome": "lost"})],
        [{"from": "ads", "to": "sales"}, {"from": "sales", "to": "won", "probability": 0.02},
         {"from": "sales", "to": "lost"}],
    )
    results = run(flow, days=10, replications=4, seed=3)
    lows = []

    def walk(value):
        if isinstance(value, dict):
            if set(value) == {"mean", "ci95"}:
                lows.append(value["ci95"][0])
            else:
                for item in value.values():
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(results.to_json()))
    assert lows and all(low is None or low >= 0 for low in lows)
    assert results.funnel["customers"].ci95[0] == 0.0  # clipped, not merely positive


def test_the_cli_table_prints_a_clipped_interval_by_its_bounds():
    import io

    from flowsim.sim.command import print_table

    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 2}}), ("sales", "sales", {}),
         ("won", "sink", {"outcome": "won"}), ("lost", "sink", {"outcome": "lost"})],
        [{"from": "ads", "to": "sales"}, {"from": "sales", "to": "won", "probability": 0.02},
         {"from": "sales", "to": "lost"}],
    )
    results = run(flow, days=10, replications=4, seed=3)
    customers = results.funnel["customers"]
    assert customers.ci95[0] == 0.0
    out = io.StringIO()
    print_table(results, out)
    line = next(text for text in out.getvalue().splitlines() if text.strip().startswith("customers"))
    assert f"{customers.mean:,.1f} (0.0–{customers.ci95[1]:,.1f})" in line
    leads = next(text for text in out.getvalue().splitlines() if text.strip().startswith("leads"))
    assert "±" in leads  # an interval that was not clipped stays mean ± half


def test_a_return_on_investment_can_be_negative_and_keeps_its_interval():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 2}, "spend": {"per_month": 5000}}), ("sales", "sales", {}),
         ("won", "sink", {"outcome": "won", "deal_value": 100}), ("lost", "sink", {"outcome": "lost"})],
        [{"from": "ads", "to": "sales"}, {"from": "sales", "to": "won", "probability": 0.05},
         {"from": "sales", "to": "lost"}],
    )
    results = run(flow, days=20, replications=4, seed=3)
    roi = results.channels["ads"]["roi"]
    assert roi.mean < 0 and roi.ci95[0] < 0  # a loss is a loss: not clipped
    assert results.channels["ads"]["spend"].ci95[0] >= 0
