"""The engine against queueing and Markov-chain theory, not only against itself."""

from __future__ import annotations

import math

import numpy as np
import pytest

from flowsim.sim.tdist import t_quantile

from .helpers import make_flow, run, samples


def interval(values: list[float], level: float = 0.99) -> tuple[float, float]:
    """The Student t interval of the mean of ``values``.

    Tests that check several numbers at once use 99 % per number, so the check as a
    whole still fails only about as often as one 95 % interval would.
    """
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = t_quantile(0.5 + level / 2, n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


# --- probability routing with loops: the fundamental matrix -----------------------------

LOOPS = [
    {"from": "ads", "to": "a"},
    {"from": "a", "to": "b", "probability": 0.5},
    {"from": "a", "to": "c", "probability": 0.3},  # the other 0.2 leak at a
    {"from": "b", "to": "a", "probability": 0.4},
    {"from": "b", "to": "won"},
    {"from": "c", "to": "b", "probability": 0.5},
    {"from": "c", "to": "c", "probability": 0.2},
    {"from": "c", "to": "lost"},
]


def test_visits_in_a_looping_flow_match_the_fundamental_matrix():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 300}}),
         ("a", "segment", {}), ("b", "segment", {}), ("c", "segment", {}),
         ("won", "sink", {"outcome": "won"}), ("lost", "sink", {"outcome": "lost"})],
        LOOPS,
    )
    results = run(flow, days=30, warmup_days=0, replications=8, seed=3)
    q = np.array([[0.0, 0.5, 0.3], [0.4, 0.0, 0.0], [0.0, 0.5, 0.2]])
    visits = np.linalg.inv(np.eye(3) - q)[0]  # expected visits to a, b, c from a
    expected = {
        "a": visits[0], "b": visits[1], "c": visits[2],
        "won": visits[1] * 0.6, "lost": visits[2] * 0.3,
    }
    arrivals = list(results.channels["ads"]["arrivals"].samples)
    for node, theory in expected.items():
        per_arrival = [n / m for n, m in zip(samples(results, node, "entered"), arrivals)]
        low, high = interval(per_arrival)
        assert low <= theory <= high, (node, theory, low, high)
    leaked = [n / m for n, m in zip(samples(results, "a", "leaked"), arrivals)]
    low, high = interval(leaked)
    assert low <= visits[0] * 0.2 <= high
    c_loop = next(e for e in results.edges if (e.source, e.target) == ("c", "c"))
    per_arrival = [n / m for n, m in zip(c_loop.count.samples, arrivals)]
    low, high = interval(per_arrival)
    assert low <= visits[2] * 0.2 <= high


def test_when_edges_are_tested_in_file_order_before_probabilities():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 50}, "attributes": {"tier": {"gold": 0.5, "tin": 0.5}}}),
         ("route", "segment", {}), ("first", "sink", {}), ("second", "sink", {}), ("rest", "sink", {})],
        [{"from": "ads", "to": "route"},
         {"from": "route", "to": "first", "when": "tier == 'gold'"},
         {"from": "route", "to": "second", "when": "tier in ['gold', 'tin']"},
         {"from": "route", "to": "rest", "probability": 1.0}],
    )
    results = run(flow, days=20, replications=2)
    first = results.nodes["first"]["entered"].mean
    second = results.nodes["second"]["entered"].mean
    assert results.nodes["rest"]["entered"].mean == 0
    assert 0.4 < first / (first + second) < 0.6


# --- M/M/c: Erlang C ----------------------------------------------------------------------


def erlang_c_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue of M/M/c (Erlang C)."""
    a = arrival_rate / service_rate
    top = a**servers / math.factorial(servers) * servers / (servers - a)
    bottom = sum(a**k / math.factorial(k) for k in range(servers)) + top
    return (top / bottom) / (servers * service_rate - arrival_rate)


@pytest.fixture(scope="module")
def mm2():
    """Two reps, Poisson arrivals, exponential service, load 0.7; a long run."""
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 1.4}}),
         ("reps", "sales", {"capacity": 2, "service": {"dist": "exponential", "mean": 1}}),
         ("done", "sink", {})],
        [{"from": "ads", "to": "reps"}, {"from": "reps", "to": "done"}],
    )
    return run(flow, days=10200, warmup_days=200, replications=12, seed=11, jobs=2)


def test_mm2_mean_wait_matches_erlang_c(mm2):
    theory = erlang_c_wait(1.4, 1.0, 2)
    assert theory == pytest.approx(0.9608, abs=1e-4)
    low, high = interval(samples(mm2, "reps", "wait_days"))
    assert low <= theory <= high, (theory, low, high)


def test_mm2_utilization_is_the_offered_load(mm2):
    low, high = interval(samples(mm2, "reps", "utilization"))
    assert low <= 0.7 <= high


def test_littles_law_holds_for_the_queue_and_the_node(mm2):
    window = 10200 - 200
    for i in range(12):
        rate = mm2.nodes["reps"]["entered"].samples[i] / window
        queue = mm2.nodes["reps"]["mean_queue"].samples[i]
        assert queue == pytest.approx(rate * mm2.nodes["reps"]["wait_days"].samples[i], rel=0.02)
        in_node = mm2.nodes["reps"]["mean_in_node"].samples[i]
        assert in_node == pytest.approx(rate * mm2.nodes["reps"]["time_in_node_days"].samples[i], rel=0.02)


def test_leads_delayed_out_of_order_still_queue_as_erlang_c_predicts():
    # A lead works out its own delays ahead of SimPy's clock (arrivals come in batches of
    # years here) and meets the others only at the reps. Poisson arrivals shifted by
    # independent delays are still Poisson at the same rate, so the reps must see M/M/2.
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 1.4}}),
         ("think", "segment", {"delay": {"dist": "exponential", "mean": 20}}),
         ("reps", "sales", {"capacity": 2, "service": {"dist": "exponential", "mean": 1}}),
         ("done", "sink", {})],
        [{"from": "ads", "to": "think"}, {"from": "think", "to": "reps"}, {"from": "reps", "to": "done"}],
    )
    results = run(flow, days=10200, warmup_days=200, replications=12, seed=12, jobs=2)
    low, high = interval(samples(results, "reps", "wait_days"))
    assert low <= erlang_c_wait(1.4, 1.0, 2) <= high, (low, high)
    low, high = interval(samples(results, "think", "time_in_node_days"))
    assert low <= 20 <= high


def test_littles_law_on_a_general_node_with_delay_and_patience():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 6, "weekdays": [2, 2, 2, 1, 1, 0.5, 0.5]}}),
         ("team", "handoff", {"capacity": 3, "service": {"dist": "uniform", "min": 0.2, "max": 0.6},
                              "delay": {"dist": "triangular", "min": 0, "mode": 0.1, "max": 0.5},
                              "patience": {"dist": "exponential", "mean": 0.5}}),
         ("done", "sink", {})],
        [{"from": "ads", "to": "team"}, {"from": "team", "to": "done"}],
    )
    results = run(flow, days=1500, warmup_days=0, replications=3, seed=5)
    for i in range(3):
        m = {k: results.nodes["team"][k].samples[i] for k in ("entered", "mean_in_node", "time_in_node_days", "cold")}
        assert m["cold"] > 0  # patience runs out for some
        assert m["mean_in_node"] == pytest.approx(m["entered"] / 1500 * m["time_in_node_days"], rel=0.02)


def test_student_t_quantiles_match_the_printed_table():
    table = {1: 12.706, 2: 4.303, 4: 2.776, 9: 2.262, 19: 2.093, 29: 2.045, 120: 1.980}
    for df, value in table.items():
        assert t_quantile(0.975, df) == pytest.approx(value, abs=1e-3)
    assert t_quantile(0.025, 9) == pytest.approx(-2.262, abs=1e-3)
    assert t_quantile(0.975, 1e9) == pytest.approx(1.95996, abs=1e-4)
