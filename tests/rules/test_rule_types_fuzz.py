"""Hypothesis properties of the rule type checker and the work estimate.

``make fuzz`` runs these with many more examples (HYPOTHESIS_PROFILE=fuzz); the suite
runs a moderate number.
"""

from __future__ import annotations

import math
import os

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flowsim.errors import RuleError
from flowsim.io import loads_flow
from flowsim.rules import compile_rule
from flowsim.rules.typecheck import FieldTypes, rule_faults
from flowsim.sim import SimConfig, simulate
from flowsim.sim.work import estimate_work

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
RULES = settings(max_examples=2000 if FUZZ else 200, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
FLOWS = settings(max_examples=300 if FUZZ else 25, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

TYPES = FieldTypes({"n": {"num"}, "m": {"num"}, "t": {"str"}, "u": {"str"}, "b": {"bool"}})
VALUES = {
    "n": st.one_of(st.integers(-5, 5), st.floats(-1e3, 1e3, allow_nan=False)),
    "m": st.integers(-3, 3),
    "t": st.text("abVP ", max_size=5),
    "u": st.sampled_from(["VP", "Manager", ""]),
    "b": st.booleans(),
}
LEAF = st.one_of(
    st.sampled_from(["n", "m", "t", "u", "b", "0", "1", "2.5", "'x'", "''", "true", "null"]),
)
UNARY = ["abs({})", "round({})", "lower({})", "upper({})", "len({})", "days({})", "-{}", "not {}"]
BINARY = ["({} + {})", "({} - {})", "({} * {})", "({} / {})", "({} % {})", "({} < {})",
          "({} >= {})", "({} == {})", "({} != {})", "({} in {})", "min({}, {})",
          "round({}, {})", "contains({}, {})"]


def expressions(short_circuit: bool) -> st.SearchStrategy[str]:
    binary = BINARY + (["({} and {})", "({} or {})"] if short_circuit else [])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(st.sampled_from(UNARY), inner).map(lambda p: p[0].format(p[1])),
            st.tuples(st.sampled_from(binary), inner, inner).map(lambda p: p[0].format(p[1], p[2])),
            st.tuples(inner, st.lists(LEAF.filter(lambda x: x[0] in "0129'tn"), min_size=1, max_size=3))
            .map(lambda p: f"({p[0]} in [{', '.join(p[1])}])"),
        )

    return st.recursive(LEAF, extend, max_leaves=6)


def compiled(text: str):
    try:
        return compile_rule(text, fields=set(TYPES))
    except RuleError:
        return None


@RULES
@given(st.text(max_size=60))
def test_the_checker_never_crashes_on_any_text(text):
    faults = rule_faults(text, TYPES)
    assert isinstance(faults, list)
    for message, column in faults:
        assert message and 1 <= column <= len(text) + 1


@RULES
@given(expressions(short_circuit=False), st.data())
def test_a_fault_that_fails_for_every_lead_does_fail_for_this_one(text, data):
    rule = compiled(text)
    assume(rule is not None)
    faults = rule_faults(text, TYPES)
    assume(faults)
    message, column = faults[0]
    assume("never" not in message)  # always-false comparisons are checked below
    lead = {name: data.draw(strategy) for name, strategy in VALUES.items()}
    try:
        rule(lead)
    except RuleError:
        return
    raise AssertionError(f"{text!r} was said to fail ({message}) but gave {rule(lead)!r} for {lead}")


@RULES
@given(st.sampled_from(["n", "t", "b", "'x'", "3"]), st.sampled_from(["n", "t", "b", "'x'", "3"]),
       st.sampled_from(["==", "!="]), st.data())
def test_a_comparison_said_to_be_constant_is_constant(left, right, op, data):
    text = f"{left} {op} {right}"
    faults = rule_faults(text, TYPES)
    assume(faults)
    rule = compile_rule(text, fields=set(TYPES))
    for _ in range(5):
        lead = {name: data.draw(strategy) for name, strategy in VALUES.items()}
        assert rule(lead) is (op == "!=")


@RULES
@given(expressions(short_circuit=True), st.data())
def test_a_rule_without_faults_compiles_with_types_as_without(text, data):
    rule = compiled(text)
    assume(rule is not None)
    if rule_faults(text, TYPES):
        try:
            compile_rule(text, fields=TYPES)
        except RuleError as err:
            assert err.column is not None
            return
        raise AssertionError("a fault found alone must fail compile_rule with the types")
    compile_rule(text, fields=TYPES)  # no fault: compiles the same


# --- the work estimate ------------------------------------------------------------------

KINDS = ["score", "segment", "nurture", "capture", "handoff"]


@st.composite
def flows(draw) -> str:
    n = draw(st.integers(2, 6))
    kinds = [draw(st.sampled_from(KINDS)) for _ in range(n - 1)]
    rate = draw(st.integers(1, 20))
    lines = ["flowsim: 1", "name: Fuzzed", "simulation: {days: 10, replications: 1, seed: 1}", "nodes:",
             f"  - {{id: n0, kind: source, arrivals: {{per_day: {rate}}}}}"]
    for i, kind in enumerate(kinds[1:], start=1):
        extra = ""
        if kind == "nurture":
            extra = f", touches: {draw(st.integers(1, 50))}, every: {draw(st.sampled_from(['1h', '1d', '3d']))}"
        elif kind == "capture":
            extra = f", conversion: {draw(st.sampled_from([0.1, 0.5, 1.0]))}"
        if draw(st.booleans()):
            extra += f", delay: {draw(st.sampled_from(['0', '30m', '1d', '{dist: exponential, mean: 1d}']))}"
        if draw(st.booleans()):
            extra += f", leak: {draw(st.sampled_from([0.1, 0.5]))}"
        lines.append(f"  - {{id: n{i}, kind: {kind}{extra}}}")
    last = len(kinds)
    lines.append(f"  - {{id: n{last}, kind: sink}}")
    lines.append("edges:")
    for i in range(last):
        if draw(st.booleans()):
            target = draw(st.integers(0, last))
            rule = draw(st.sampled_from(["age >= 0", "score >= 10", "touches > 2", "age < 1"]))
            lines.append(f'  - {{from: n{i}, to: n{target}, when: "{rule}"}}')
        if draw(st.booleans()):
            target = draw(st.integers(0, last))
            lines.append(f"  - {{from: n{i}, to: n{target}, probability: {draw(st.sampled_from([0.2, 0.5, 0.9]))}}}")
        lines.append(f"  - {{from: n{i}, to: n{i + 1}}}")
    return "\n".join(lines) + "\n"


@FLOWS
@given(flows())
def test_the_estimate_bounds_the_visits_a_run_makes(text):
    flow = loads_flow(text)
    work = estimate_work(flow)
    assert math.isfinite(work.steps) and work.steps > 0
    results = simulate(flow, SimConfig(jobs=1), max_work=math.inf)
    visits = sum(m["entered"].mean for m in results.nodes.values())
    arrivals = results.funnel["arrivals"].mean
    # The estimate is of expected visits an arrival makes, every rule taking the costliest
    # way; a run draws its arrivals and branches at random, hence the slack.
    per_arrival = work.visits / work.arrivals
    assert visits <= 1.5 * per_arrival * arrivals + 100, (visits, arrivals, work.describe())


@FLOWS
@given(flows(), st.floats(1, 50), st.integers(1, 20))
def test_the_estimate_grows_with_days_and_replications(text, days, reps):
    flow = loads_flow(text)
    base = estimate_work(flow, SimConfig(days=days, replications=1, jobs=1))
    longer = estimate_work(flow, SimConfig(days=days * 2, replications=1, jobs=1))
    more = estimate_work(flow, SimConfig(days=days, replications=reps, jobs=1))
    assert longer.steps >= base.steps
    assert more.steps == base.steps * reps or math.isclose(more.steps, base.steps * reps)
