"""Invariants: conservation at every node, and an unlimited node never waits."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowsim.io import load_flow
from flowsim.sim import SimConfig, simulate

from .helpers import make_flow, run


def assert_conserved(results) -> None:
    for node, metrics in results.nodes.items():
        rows = zip(*(metrics[k].samples for k in ("entered", "exited", "leaked", "in_progress")))
        for rep, (entered, exited, leaked, still) in enumerate(rows):
            assert entered == exited + leaked + still, (node, rep, entered, exited, leaked, still)


def test_every_template_conserves_leads_at_every_node(template_files):
    for path in template_files:
        flow = load_flow(path)
        results = simulate(flow, SimConfig(days=60, replications=2, jobs=1))
        assert_conserved(results)
        assert results.funnel["leads"].mean > 0, path.name
        # each milestone implies the one before: customer ⇒ SQL ⇒ MQL ⇒ lead
        f = results.funnel
        for rep in range(2):
            counts = [f[k].samples[rep] for k in ("arrivals", "leads", "mqls", "sqls", "customers")]
            assert counts == sorted(counts, reverse=True), (path.name, counts)
        # every measured lead that left a node took exactly one edge out of it
        for node, metrics in results.nodes.items():
            out = sum(e.count.mean for e in results.edges if e.source == node)
            if flow.node(node).kind != "sink":
                assert out == pytest.approx(metrics["exited"].mean), (path.name, node)


delays = st.one_of(
    st.none(),
    st.floats(0, 3).map(lambda d: round(d, 3)),
    st.floats(0.01, 3).map(lambda m: {"dist": "exponential", "mean": round(m, 3)}),
    st.tuples(st.floats(0, 1), st.floats(0, 2)).map(
        lambda p: {"dist": "uniform", "min": round(p[0], 3), "max": round(p[0] + p[1], 3)}),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rate=st.floats(0.5, 80),
    delay=delays,
    leak=st.floats(0, 0.9),
    warmup=st.sampled_from([0, 3]),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_node_without_capacity_never_queues(rate, delay, leak, warmup, seed):
    params = {"leak": round(leak, 3)}
    if delay is not None:
        params["delay"] = delay
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": round(rate, 3)}}),
         ("open", "nurture", params), ("done", "sink", {})],
        [{"from": "ads", "to": "open"}, {"from": "open", "to": "done"}],
    )
    results = run(flow, days=12, warmup_days=warmup, replications=2, seed=seed)
    node = results.nodes["open"]
    assert node["wait_days"].samples == (0.0, 0.0)
    assert node["mean_queue"].samples == (0.0, 0.0)
    assert node["cold"].samples == (0, 0)
    assert node["utilization"].mean is None
    assert_conserved(results)
    if delay is None:
        assert node["in_progress"].samples == (0, 0)
        assert node["mean_in_node"].samples == (0.0, 0.0)
