"""What-if on the default template: one more SDR at an overloaded handoff."""

from __future__ import annotations

import pytest

from flowsim.io import load_flow
from flowsim.sim import SimConfig, simulate

from tests.conftest import REPO


def handoff(capacity: int):
    flow = load_flow(REPO / "templates" / "lead-flow.flow.yaml")
    # The template's two SDRs at 45 minutes a lead are barely busy; at 8 hours a lead
    # one SDR gets more MQLs than it can answer before they go cold.
    flow.set_node("sdr_handoff", "service", {"dist": "exponential", "mean": "8h"})
    flow.set_node("sdr_handoff", "capacity", capacity)
    return simulate(flow, SimConfig(replications=4, jobs=1))


@pytest.fixture(scope="module")
def one_and_two():
    return handoff(1), handoff(2)


def test_the_handoff_is_overloaded_with_one_sdr(one_and_two):
    one, _ = one_and_two
    node = one.nodes["sdr_handoff"]
    assert node["utilization"].mean > 0.8
    assert node["cold"].mean > 10


def test_a_second_sdr_raises_sqls_and_cuts_wait_and_cold_leads(one_and_two):
    one, two = one_and_two
    a, b = one.nodes["sdr_handoff"], two.nodes["sdr_handoff"]
    assert two.funnel["sqls"].mean > one.funnel["sqls"].mean
    assert b["wait_days"].mean < a["wait_days"].mean
    assert b["cold"].mean < a["cold"].mean
    assert two.channels["paid_search"]["cost_per_sql"].mean < one.channels["paid_search"]["cost_per_sql"].mean
    # the same arrivals in both runs (streams are keyed by node), so the difference is the rep
    assert two.funnel["leads"].samples == one.funnel["leads"].samples
