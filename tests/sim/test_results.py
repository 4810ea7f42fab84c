"""The results contract (JSON, CSV), the trace, progress, cancelling, and memory."""

from __future__ import annotations

import csv
import gc
import io
import json
import threading

import pytest

from flowsim.io import load_flow
from flowsim.sim import Cancelled, SimConfig, TraceOptions, simulate
from flowsim.sim.engine import Replication
from flowsim.sim.plan import compile_flow
from flowsim.sim.trace import EVENTS, TraceRecorder

from tests.conftest import REPO

from .helpers import make_flow, run

TEMPLATE = REPO / "templates" / "lead-flow.flow.yaml"


def queue_flow():
    return make_flow(
        [("ads", "source", {"arrivals": {"per_day": 30}, "cost_per_lead": 10}),
         ("sdr", "handoff", {"capacity": 1, "service": {"dist": "exponential", "mean": "40m"},
                             "patience": "3h", "accept": 0.5}),
         ("won", "sink", {"outcome": "won"}), ("lost", "sink", {"outcome": "lost"})],
        [{"from": "ads", "to": "sdr"}, {"from": "sdr", "to": "won", "when": "accepted"},
         {"from": "sdr", "to": "lost"}],
    )


def test_json_follows_the_design_contract():
    results = run(queue_flow(), days=20, replications=3, seed=5)
    doc = json.loads(results.to_json())
    assert list(doc)[:7] == ["flowsim_results", "flow", "days", "warmup_days", "replications", "seed", "nodes"]
    assert doc["flowsim_results"] == 1 and doc["days"] == 20 and doc["replications"] == 3 and doc["seed"] == 5
    assert list(doc["nodes"]) == ["ads", "sdr", "won", "lost"]
    for metrics in doc["nodes"].values():
        for key in ("entered", "exited", "leaked", "in_progress", "wait_days", "time_in_node_days", "utilization"):
            assert set(metrics[key]) == {"mean", "ci95"} and len(metrics[key]["ci95"]) == 2
    assert [(e["from"], e["to"]) for e in doc["edges"]] == [("ads", "sdr"), ("sdr", "won"), ("sdr", "lost")]
    assert set(doc["channels"]["ads"]) >= {"leads", "cost", "cost_per_sql", "customers"}
    assert set(doc["versions"]) >= {"flowsim", "simpy", "python"}
    assert set(doc["time_to"]) == {"mql", "sql", "customer"}
    assert doc["funnel"]["customers"]["mean"] == doc["outcomes"]["won"]["mean"]
    assert list(doc)[-1] == "versions"


def test_one_replication_has_a_point_interval():
    doc = json.loads(run(queue_flow(), days=10, replications=1).to_json())
    entered = doc["nodes"]["sdr"]["entered"]
    assert entered["ci95"] == [entered["mean"], entered["mean"]]


def test_undefined_numbers_are_null_not_nan():
    flow = make_flow([("ads", "source", {"arrivals": {"per_day": 5}}), ("done", "sink", {})],
                     [{"from": "ads", "to": "done"}])
    doc = json.loads(run(flow, days=5, replications=2).to_json())
    assert doc["channels"]["ads"]["cost_per_sql"] == {"mean": None, "ci95": [None, None]}
    assert doc["nodes"]["ads"]["utilization"]["mean"] is None


def test_csv_has_one_row_per_metric_nodes_first():
    results = run(queue_flow(), days=10, replications=2)
    rows = list(csv.reader(io.StringIO(results.to_csv())))
    assert rows[0] == ["section", "id", "metric", "mean", "ci95_low", "ci95_high"]
    assert rows[1][:3] == ["node", "ads", "entered"]
    assert len(rows) - 1 == len(list(results.rows()))
    wait = next(r for r in rows if r[:3] == ["node", "sdr", "wait_days"])
    assert float(wait[3]) == pytest.approx(results.nodes["sdr"]["wait_days"].mean, rel=1e-6)


def test_the_trace_tells_each_leads_story_in_time_order():
    results = run(queue_flow(), days=10, replications=2, trace=True)
    events = results.trace.events
    assert not results.trace.truncated and results.trace.complete_until == 10
    assert [e.time for e in events] == sorted(e.time for e in events)
    assert {e.event for e in events} <= set(EVENTS) and {"queue", "start", "finish", "sink"} <= {e.event for e in events}
    story: dict[int, list[str]] = {}
    for e in events:
        story.setdefault(e.lead, []).append(e.event)
    for steps in story.values():
        assert steps[0] == "arrive"
        assert steps.count("leak") + steps.count("sink") <= 1
    served = [s for s in story.values() if s[-1] == "sink"]
    assert served and all(s[-4:] == ["start", "finish", "move", "sink"] for s in served)


def test_a_move_says_which_of_two_parallel_edges_it_took():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 200}, "attributes": {"tier": {"gold": 0.3, "tin": 0.7}}}),
         ("route", "segment", {}), ("done", "sink", {})],
        [{"from": "ads", "to": "route"},
         {"from": "route", "to": "done", "when": "tier == 'gold'"},
         {"from": "route", "to": "done"}],
    )
    results = run(flow, days=5, replications=1, trace=True)
    taken = [e.nth for e in results.trace.events if e.event == "move" and e.source == "route"]
    gold, other = (results.edges[i].count.mean for i in (1, 2))  # in the order of flow.edges
    assert taken.count(0) == gold and taken.count(1) == other and gold > 0 and other > 0


def test_a_full_trace_keeps_the_earliest_events_it_was_given():
    # Leads record ahead of the run's clock, so events arrive out of time order.
    recorder = TraceRecorder(max_events=4, every=1)
    for lead, time in enumerate([9.0, 1.0, 7.0, 1.0, 3.0, 0.5, 8.0, 1.0]):
        recorder.add(lead, time, None, "ads", "arrive")
    trace = recorder.finish(end=10.0)
    assert trace.truncated and trace.complete_until == 3.0
    assert [(e.lead, e.time) for e in trace.events] == [(5, 0.5), (1, 1.0), (3, 1.0), (7, 1.0)]


def test_a_lead_reaches_a_rep_only_after_it_moves_there():
    # Leads work out long random delays on their own clocks, ahead of SimPy's, and meet
    # at the reps: each one's queue or start must still come after its move to the reps.
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 200}}),
         ("think", "segment", {"delay": {"dist": "exponential", "mean": 60}}),
         ("reps", "sales", {"capacity": 40, "service": {"dist": "exponential", "mean": 0.1}}),
         ("done", "sink", {})],
        [{"from": "ads", "to": "think"}, {"from": "think", "to": "reps"}, {"from": "reps", "to": "done"}],
    )
    events = run(flow, days=200, replications=1, seed=1, trace=TraceOptions(max_events=10**6)).trace.events
    at: dict[int, str | None] = {}
    served = 0
    for e in events:
        if e.event == "move":
            at[e.lead] = e.target
        elif e.event in ("queue", "start"):
            assert at.get(e.lead) == e.source, e
            served += e.event == "start"
    assert served > 10_000


def test_the_trace_is_bounded_and_says_where_it_stops():
    options = TraceOptions(max_events=200, every=1)
    trace = run(queue_flow(), days=30, replications=1, trace=options).trace
    assert trace.truncated and len(trace.events) <= 200
    assert trace.complete_until < 30
    assert all(e.time < trace.complete_until for e in trace.events)
    every_other = run(queue_flow(), days=10, replications=1, trace=TraceOptions(every=2)).trace
    everyone = run(queue_flow(), days=10, replications=1, trace=True).trace
    assert {e.lead for e in every_other.events} < {e.lead for e in everyone.events}


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_rises_to_one(jobs):
    seen: list[float] = []
    simulate(queue_flow(), SimConfig(days=20, replications=3, jobs=jobs), progress=seen.append)
    assert seen and seen[-1] == 1.0
    assert seen == sorted(seen) and 0 <= seen[0]


def test_progress_keeps_up_when_leads_do_much_on_their_own(monkeypatch):
    # A long drip is worked out at once when a lead starts; sources still start leads
    # only about a progress step ahead, so the first report comes early in the work.
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 200}}),
         ("drip", "nurture", {"touches": 200, "every": "1d", "engage": 0.3, "points": 1}),
         ("done", "sink", {})],
        [{"from": "ads", "to": "drip"}, {"from": "drip", "to": "done"}],
    )
    started = [0]
    arrive = Replication._arrive

    def counting(self, *args):
        started[0] += 1
        return arrive(self, *args)

    monkeypatch.setattr(Replication, "_arrive", counting)
    seen: list[int] = []
    results = simulate(flow, SimConfig(days=10, warmup_days=0, replications=1, jobs=1),
                       progress=lambda fraction: seen.append(started[0]))
    total = results.funnel["arrivals"].mean
    assert total > 1500 and seen[0] < 0.1 * total


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_can_be_cancelled(jobs):
    stop = threading.Event()

    def progress(fraction: float) -> None:
        if fraction > 0.1:
            stop.set()

    with pytest.raises(Cancelled):
        simulate(load_flow(TEMPLATE), SimConfig(days=400, replications=4, jobs=jobs), progress=progress, cancel=stop)


def test_finished_leads_are_freed_without_the_cycle_collector():
    plan = compile_flow(load_flow(TEMPLATE))
    rep = Replication(plan, days=100, warmup=0, seed=1, index=0)
    for i in plan.sources:
        rep.env.process(rep._source(rep.nodes[i]))
    rep.env.run(until=20)
    gc.collect()
    flags, enabled = gc.get_debug(), gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        rep.env.run(until=60)
        gc.collect()
        garbage = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(flags)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert garbage == []
