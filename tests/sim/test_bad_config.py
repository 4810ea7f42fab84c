"""Flows that cannot run give a SimulationError that names the node: no hang, no traceback."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from flowsim.errors import SimulationError
from flowsim.io import loads_flow
from flowsim.sim import SimConfig, simulate

from tests.conftest import REPO
from tests.flows import VALID, broken, line_of

from .helpers import make_flow, run


def simulate_text(text: str, **config) -> object:
    config.setdefault("jobs", 1)
    return simulate(loads_flow(text, file="bad.flow.yaml"), SimConfig(**config))


def test_zero_reps_with_arrivals_names_the_node():
    with pytest.raises(SimulationError) as info:
        simulate_text(broken("capacity: 2", "capacity: 0"))
    message = str(info.value)
    assert "cannot simulate" in message and "'sdrs'" in message and "capacity" in message


def test_a_negative_rate_names_the_source():
    text = broken("per_day: 40", "per_day: -5")
    with pytest.raises(SimulationError) as info:
        simulate_text(text)
    assert "'ads'" in str(info.value) and "per_day" in str(info.value)
    assert info.value.line == line_of(text, "arrivals")


def test_validation_errors_are_listed():
    text = broken("{from: form, to: sdrs}", "{from: form, to: sdr}")
    with pytest.raises(SimulationError) as info:
        simulate_text(text)
    assert "'sdr'" in str(info.value) and "did you mean 'sdrs'" in str(info.value)


RULE_FAILS = VALID.replace(
    "    cost_per_lead: 35\n",
    "    cost_per_lead: 35\n    attributes:\n      company_size: {dist: lognormal, mean: 250, sd: 400}\n",
).replace(
    "  - {from: sdrs, to: won, probability: 0.3}",
    "  - {from: sdrs, to: won, when: \"company_size > 'big'\"}",
)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_rule_that_fails_at_run_time_names_the_node_and_edge(jobs):
    with pytest.raises(SimulationError) as info:
        simulate_text(RULE_FAILS, jobs=jobs, replications=2)
    message = str(info.value)
    assert "'sdrs'" in message and "sdrs → won" in message
    assert "cannot compare a number with text" in message
    assert info.value.line == line_of(RULE_FAILS, "{from: sdrs, to: won")


FAILS_BEFORE_ANY_QUEUE = VALID.replace(
    "    cost_per_lead: 35\n",
    "    cost_per_lead: 35\n    attributes:\n      company_size: {dist: lognormal, mean: 250, sd: 400}\n",
).replace(
    "  - {from: form, to: sdrs}",
    "  - {from: form, to: sdrs, when: \"company_size > 'big'\"}\n  - {from: form, to: lost}",
)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_rule_that_fails_on_the_way_to_the_first_queue_keeps_its_line(jobs):
    # A lead works out everything before its first queue while its source starts it.
    with pytest.raises(SimulationError) as info:
        simulate_text(FAILS_BEFORE_ANY_QUEUE, jobs=jobs, replications=2)
    assert "form → sdrs" in str(info.value)
    assert info.value.line == line_of(FAILS_BEFORE_ANY_QUEUE, "{from: form, to: sdrs")


RARE_FAILURE = """
import sys
from flowsim.errors import SimulationError
from flowsim.io import loads_flow
from flowsim.sim import SimConfig, simulate
text = sys.stdin.read()
for jobs in (1, 2, 2):
    try:
        simulate(loads_flow(text, file="bad.flow.yaml"), SimConfig(jobs=jobs, replications=4, days=400, seed=22))
    except SimulationError as err:
        print(err)
"""


def test_parallel_workers_report_the_error_a_sequential_run_meets_first():
    # The rule fails only for a rare big company, which each replication meets at its own
    # moment, and the message names that lead's value. With seed 22, replication 0 meets
    # its big company at 38 % of the run and replication 1 at 4 %, so the worker on 1 fails
    # first; yet the report must be replication 0's, as in a sequential run. (In a plain
    # process, as from the command line, where workers fork and start at once.)
    rare = FAILS_BEFORE_ANY_QUEUE.replace("company_size > 'big'", "company_size > 4000 and company_size > 'big'")
    done = subprocess.run([sys.executable, "-c", RARE_FAILURE], input=rare, capture_output=True, text=True,
                          cwd=REPO, timeout=300)
    messages = done.stdout.splitlines()
    assert len(messages) == 3 and "company_size=" in messages[0], done.stderr
    assert len(set(messages)) == 1, messages


def test_a_scoring_rule_that_fails_names_the_score_node():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 20}, "attributes": {"title": {"VP": 1.0}}}),
         ("scoring", "score", {"fit": [{"when": "title * 2 > 1", "points": 10}]}),
         ("done", "sink", {})],
        [{"from": "ads", "to": "scoring"}, {"from": "scoring", "to": "done"}],
    )
    with pytest.raises(SimulationError) as info:
        run(flow, days=5, replications=1)
    assert str(info.value).startswith("node 'scoring': rule") and "title" in str(info.value)


def test_a_rule_naming_an_unknown_field_is_refused_before_running():
    text = broken("{from: sdrs, to: won, probability: 0.3}", "{from: sdrs, to: won, when: \"scor >= 60\"}")
    with pytest.raises(SimulationError) as info:
        simulate_text(text)
    assert "sdrs → won" in str(info.value) and "did you mean 'score'" in str(info.value)
    assert info.value.line == line_of(text, "{from: sdrs, to: won")


def test_a_bad_speed_to_lead_curve_names_the_node():
    text = broken("    patience: 2d\n", "    patience: 2d\n    speed_to_lead: {5m: 1.0, soon: 0.5}\n")
    with pytest.raises(SimulationError) as info:
        simulate_text(text)
    assert "'sdrs'" in str(info.value) and "speed_to_lead" in str(info.value)


def test_a_lead_caught_in_a_cycle_is_dropped_with_a_warning_not_a_hang():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 5}}),
         ("a", "segment", {}), ("b", "segment", {}), ("done", "sink", {})],
        [{"from": "ads", "to": "a"},
         {"from": "a", "to": "b", "when": "score >= 0"},  # always true
         {"from": "a", "to": "done"},
         {"from": "b", "to": "a"}],
    )
    results = run(flow, days=10, replications=1)
    assert results.nodes["done"]["entered"].mean == 0
    dropped = results.nodes["a"]["leaked"].mean + results.nodes["b"]["leaked"].mean
    assert dropped == results.funnel["leads"].mean > 0
    assert any("1000 steps in a cycle" in w for w in results.warnings)


@pytest.mark.parametrize(
    ("config", "words"),
    [
        (dict(days=0), "days"),
        (dict(days=10, warmup_days=10), "warm-up"),
        (dict(replications=0), "replications"),
        (dict(seed=-1), "seed"),
        (dict(jobs=0), "jobs"),
    ],
)
def test_settings_out_of_range_are_refused(config, words):
    with pytest.raises(SimulationError, match=words):
        simulate_text(VALID, **{"jobs": 1, **config})


def test_more_arrivals_than_a_run_can_hold_are_refused():
    with pytest.raises(SimulationError) as info:
        simulate_text(broken("per_day: 40", "per_day: 10000000"), days=365)
    assert "'ads'" in str(info.value) and "arrivals" in str(info.value)


def test_a_seasonal_peak_counts_toward_the_arrival_limit():
    # 1.6 million a day on average over a year is under the limit for 30 days, but not
    # when the whole year's arrivals come in the first month.
    peak = "per_day: 1600000, months: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]"
    flow = loads_flow(broken("per_day: 40", peak), file="bad.flow.yaml")
    cancelled = threading.Event()
    cancelled.set()  # were the limit missed, the run would stop at once instead of taking hours
    with pytest.raises(SimulationError) as info:
        simulate(flow, SimConfig(days=30, jobs=1), cancel=cancelled)
    assert "'ads'" in str(info.value) and "arrivals" in str(info.value)


def test_an_assignment_without_an_available_rep_names_the_node():
    text = broken("    patience: 2d\n", "    patience: 2d\n    assignment: {reps: [{name: Ana, available: false}]}\n")
    with pytest.raises(SimulationError) as info:
        simulate_text(text)
    assert "'sdrs'" in str(info.value) and "no rep is available" in str(info.value)
