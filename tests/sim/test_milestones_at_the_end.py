"""A lead still being worked when the run ends has reached the stage it is in."""

from tests.sim.helpers import make_flow, run


def test_leads_waiting_at_a_handoff_when_the_run_ends_are_mqls():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 10}}),
         ("sdrs", "handoff", {"capacity": 1, "service": 1000}),  # one rep, busy past the end
         ("won", "sink", {"outcome": "won"})],
        [{"from": "ads", "to": "sdrs"}, {"from": "sdrs", "to": "won"}],
        days=20, replications=2, seed=4,
    )
    results = run(flow)
    for rep in range(2):
        leads = results.funnel["leads"].samples[rep]
        assert leads > 150
        assert results.funnel["mqls"].samples[rep] == leads  # every one entered the handoff
        assert results.funnel["sqls"].samples[rep] == 0  # none was accepted yet
        assert results.time_to["mql"]["count"].samples[rep] == leads


def test_leads_in_a_long_sales_cycle_when_the_run_ends_are_sqls():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 10}}),
         ("sales", "sales", {"delay": 1000}),
         ("won", "sink", {"outcome": "won"})],
        [{"from": "ads", "to": "sales"}, {"from": "sales", "to": "won"}],
        days=20, replications=1, seed=4,
    )
    results = run(flow)
    leads = results.funnel["leads"].samples[0]
    assert results.funnel["sqls"].samples[0] == leads == results.funnel["mqls"].samples[0]
    assert results.funnel["customers"].samples[0] == 0
    assert results.time_to["sql"]["median"].samples[0] == 0  # reached sales the moment it was created
