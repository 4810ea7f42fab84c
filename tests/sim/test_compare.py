"""Comparisons on common random numbers: paired differences are sharp, and exact."""

from __future__ import annotations

import math

import pytest

from flowsim.errors import SimulationError
from flowsim.model import Scenario
from flowsim.sim.compare import compare, paired
from flowsim.sim.results import Metric
from flowsim.sim.tdist import t_quantile
from flowsim.sim.whatif import Variant, run_variants

from tests.sim.helpers import make_flow


def inbound(**simulation):
    """Leads queue for one SDR, some go cold after a few hours, the rest become SQLs."""
    return make_flow(
        [("ads", "source", {"arrivals": {"per_day": 30}}),
         ("sdrs", "handoff", {"capacity": 1, "service": {"dist": "exponential", "mean": "20m"},
                              "patience": {"dist": "exponential", "mean": "4h"},
                              "speed_to_lead": {"0m": 1}}),
         ("won", "sink", {"outcome": "won"})],
        [{"from": "ads", "to": "sdrs"}, {"from": "sdrs", "to": "won"}],
        days=30, **simulation,
    )


def half_width(values: list[float]) -> float:
    n = len(values)
    mean = math.fsum(values) / n
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    return t_quantile(0.975, n - 1) * sd / math.sqrt(n)


def test_paired_differences_are_far_tighter_than_independent_runs():
    flow = inbound()
    flow.scenarios.append(Scenario("two SDRs", {"sdrs.capacity": 2}))
    reps = 10
    comparison = compare(flow, replications=reps, seed=7, jobs=1)
    paired_sqls = comparison.diffs["two SDRs"]["funnel.sqls"]
    assert paired_sqls.significant and paired_sqls.mean > 0

    # The same two flows, run apart on independent streams (another seed), same size.
    apart = run_variants(flow, [Variant("two SDRs", {"sdrs.capacity": 2})], replications=reps, seed=8, jobs=1)[0]
    base = comparison.results["baseline"].funnel["sqls"].samples
    other = apart.funnel["sqls"].samples
    independent = math.hypot(half_width(list(base)), half_width(list(other)))  # equal n
    paired_half = (paired_sqls.ci95[1] - paired_sqls.ci95[0]) / 2
    assert independent >= 3 * paired_half, (independent, paired_half)


def test_a_scenario_identical_to_the_baseline_differs_by_exactly_zero():
    flow = inbound()
    flow.scenarios.append(Scenario("the same", {"sdrs.capacity": 1}))
    comparison = compare(flow, replications=4, seed=3, jobs=1)
    diffs = comparison.diffs["the same"]
    assert "funnel.sqls" in diffs and "nodes.sdrs.wait_days" in diffs and "nodes.sdrs.leaked" in diffs
    for path, d in diffs.items():
        if d.mean is not None:
            assert (d.mean, d.ci95, d.significant) == (0.0, (0.0, 0.0), False), path


def test_only_the_changed_node_draws_differently():
    flow = inbound()
    flow.scenarios.append(Scenario("faster", {"sdrs.service.mean": "10m"}))
    comparison = compare(flow, replications=3, seed=1, jobs=1)
    assert comparison.diffs["faster"]["funnel.arrivals"].mean == 0.0
    assert comparison.diffs["faster"]["nodes.sdrs.wait_days"].mean < 0


def test_one_replication_gives_a_difference_but_never_calls_it_significant():
    d = paired(Metric.of([5.0]), Metric.of([3.0]))
    assert (d.mean, d.ci95, d.significant) == (2.0, (2.0, 2.0), False)


def test_compare_runs_the_chosen_scenarios_after_the_baseline():
    flow = inbound()
    flow.scenarios += [Scenario("a", {"sdrs.capacity": 2}), Scenario("b", {"sdrs.capacity": 3})]
    comparison = compare(flow, ["b"], replications=2, jobs=1)
    assert list(comparison.results) == ["baseline", "b"]
    assert comparison.results["b"].config.seed == comparison.results["baseline"].config.seed


def test_an_unknown_scenario_is_refused_with_the_names_there_are():
    flow = inbound()
    flow.scenarios.append(Scenario("two SDRs", {"sdrs.capacity": 2}))
    with pytest.raises(SimulationError, match="two SDRs"):
        compare(flow, ["three SDRs"], replications=2, jobs=1)


def test_a_scenario_that_breaks_the_flow_is_refused_by_name():
    flow = inbound()
    flow.scenarios.append(Scenario("no SDRs", {"sdrs.capacity": 0}))
    with pytest.raises(SimulationError, match="no SDRs.*capacity"):
        compare(flow, replications=2, jobs=1)


def test_the_comparison_json_has_the_contract_keys_and_paired_diffs():
    import json

    flow = inbound()
    flow.scenarios.append(Scenario("two SDRs", {"sdrs.capacity": 2}))
    doc = json.loads(compare(flow, replications=3, jobs=1).to_json())
    assert doc["flowsim_comparison"] == 1 and doc["baseline"] == "baseline"
    assert list(doc["scenarios"]) == ["baseline", "two SDRs"]
    entry = doc["scenarios"]["two SDRs"]
    assert entry["results"]["flowsim_results"] == 1
    assert set(entry["diff"]["funnel.sqls"]) == {"mean", "ci95", "significant"}


def test_process_workers_give_the_same_bytes_as_a_loop():
    flow = inbound()
    flow.scenarios.append(Scenario("two SDRs", {"sdrs.capacity": 2}))
    assert compare(flow, replications=4, jobs=1).to_json() == compare(flow, replications=4, jobs=2).to_json()


def test_a_flow_without_scenarios_has_nothing_to_compare():
    with pytest.raises(SimulationError, match="no scenarios"):
        compare(inbound(), replications=2, jobs=1)
