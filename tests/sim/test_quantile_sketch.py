"""Time-to quantiles in bounded memory: numpy's exact numbers up to a size, 1 % after."""

from __future__ import annotations

import math

import numpy as np
import pytest

from flowsim.sim.quantiles import EXACT_LIMIT, RELATIVE_ACCURACY, SMALLEST, TimeSketch


def filled(values) -> TimeSketch:
    sketch = TimeSketch()
    for v in values:
        sketch.append(v)
    return sketch


def rank_quantile(values: np.ndarray, q: float) -> float:
    ordered = np.sort(values)
    return float(ordered[math.ceil(q * (len(ordered) - 1))])


def test_up_to_the_exact_size_the_statistics_are_numpys_own():
    values = np.random.default_rng(3).exponential(12.0, EXACT_LIMIT)
    sketch = filled(values.tolist())
    assert sketch.exact
    summary = sketch.summary()
    assert summary == {
        "mean": float(values.mean()),
        "median": float(np.median(values)),
        "p90": float(np.percentile(values, 90)),
        "count": EXACT_LIMIT,
    }


def test_without_values_there_is_no_statistic():
    assert TimeSketch().summary() == {"mean": None, "median": None, "p90": None, "count": 0}


@pytest.mark.parametrize("shape", ["lognormal", "exponential", "with zeros", "tiny and huge"])
def test_past_the_exact_size_median_and_p90_are_within_the_documented_accuracy(shape):
    rng = np.random.default_rng(7)
    n = EXACT_LIMIT * 3
    if shape == "lognormal":
        values = rng.lognormal(2.0, 1.5, n)
    elif shape == "exponential":
        values = rng.exponential(30.0, n)
    elif shape == "with zeros":
        values = np.where(rng.random(n) < 0.6, 0.0, rng.exponential(5.0, n))
    else:
        values = np.concatenate([rng.uniform(SMALLEST, 1e-3, n // 2), rng.uniform(1e3, 1e5, n - n // 2)])
        rng.shuffle(values)
    sketch = filled(values.tolist())
    assert not sketch.exact
    summary = sketch.summary()
    assert summary["count"] == n
    assert summary["mean"] == pytest.approx(values.mean(), rel=1e-9)
    for key, q in (("median", 0.5), ("p90", 0.9)):
        exact = rank_quantile(values, q)
        assert abs(summary[key] - exact) <= RELATIVE_ACCURACY * exact + 1e-12, key


def test_memory_stays_bounded_however_many_values_arrive():
    sketch = TimeSketch()
    rng = np.random.default_rng(1)
    for block in range(12):
        for v in rng.lognormal(1.0, 2.0, 100_000).tolist():
            sketch.append(v)
    assert len(sketch) == 1_200_000
    assert len(sketch._values) < 70_000  # the pending batch only
    assert sketch._buckets is not None and len(sketch._buckets) < 4_000


def test_a_run_holds_no_lead_that_nothing_can_change_any_more():
    from flowsim.io import loads_flow
    from flowsim.sim.config import SimConfig
    from flowsim.sim.engine import Replication
    from flowsim.sim.plan import compile_flow

    # Every lead's own clock passes the end inside a 60-day delay: none can change again,
    # so none is kept, yet each is counted in progress and its milestones recorded.
    flow = loads_flow(
        "flowsim: 1\nname: Slow\nsimulation: {days: 30, replications: 1, seed: 2}\nnodes:\n"
        "  - {id: ads, kind: source, arrivals: {per_day: 200}}\n"
        "  - {id: sdr, kind: handoff, accept: 1.0}\n"
        "  - {id: wait, kind: sales, delay: 60d}\n"
        "  - {id: won, kind: sink}\n"
        "edges:\n  - {from: ads, to: sdr}\n  - {from: sdr, to: wait}\n  - {from: wait, to: won}\n"
    )
    plan = compile_flow(flow)
    config = SimConfig(jobs=1).resolve(flow)
    rep = Replication(plan, days=config.days, warmup=0.0, seed=config.seed, index=0)
    raw = rep.run()
    assert rep.live == {}
    arrivals = raw["funnel"]["arrivals"]
    assert arrivals > 5000
    assert raw["nodes"][2]["in_progress"] == arrivals
    assert raw["funnel"]["sqls"] == arrivals and raw["time_to"]["sql"]["count"] == arrivals
