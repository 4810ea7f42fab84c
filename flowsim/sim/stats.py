"""The numbers of one replication, as plain data (picklable, small).

Who is counted (docs/simulation.md has the full definitions):

* **Measured leads** are arrivals born (arriving at their source) at or after the
  warm-up. Counts (entered, exited, leaked, in progress, cold, edge counts, channel
  leads, cost, MQLs, SQLs, customers, outcomes) and per-lead times (wait, time in node,
  time-to-X) are over measured leads only. A lead that enters a node twice counts twice.
* **Money** (flows with money keys only, :mod:`flowsim.sim.money`): each channel gains
  spend, revenue, pipeline value, CAC, CLV, ROI and payback months, and ``totals`` holds
  the flow's spend, team cost, revenue and ROI; without money keys ``totals`` is ``None``.
* **Time averages** (``utilization``, ``mean_in_node``, ``mean_queue``) are over the
  measured window ``[warm-up, end)`` and count every lead present, born when it may be:
  a rep busy with an older lead is busy all the same.

A value that is undefined in a replication (a mean over no leads, a ratio over zero) is
``None``; the statistics over replications then use the replications that have one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowsim.sim.engine import Replication

__all__ = ["collect", "NODE_METRICS", "CHANNEL_METRICS", "FUNNEL_METRICS", "TIME_TO", "TIME_STATS"]

NODE_METRICS = (
    "entered", "exited", "leaked", "in_progress", "wait_days", "time_in_node_days",
    "utilization", "cold", "mean_in_node", "mean_queue",
)
CHANNEL_METRICS = ("leads", "cost", "cost_per_sql", "customers", "arrivals", "mqls", "sqls")
FUNNEL_METRICS = (
    "arrivals", "leads", "mqls", "sqls", "customers",
    "arrival_to_lead", "lead_to_mql", "mql_to_sql", "sql_to_customer", "lead_to_customer",
)
TIME_TO = ("mql", "sql", "customer")
TIME_STATS = ("mean", "median", "p90", "count")


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def collect(rep: "Replication") -> dict[str, Any]:
    """The replication's raw numbers; counts leads still in the flow at the end."""
    end, warmup = rep.end, rep.warmup
    window = end - warmup
    in_progress = [node.settled_in_progress for node in rep.nodes]
    for lead in rep.live.values():
        if lead.node is not None and lead.measured:
            in_progress[lead.node.p.index] += 1
        rep._record(lead)
    nodes = []
    for node, still in zip(rep.nodes, in_progress):
        area = node.area + node.present * end - node.present_sum
        q_area = node.q_area + node.q_present * end - node.q_sum
        busy = node.busy + node.b_present * end - node.b_sum
        queues = node.queues
        nodes.append({
            "entered": node.entered,
            "exited": node.exited,
            "leaked": node.leaked,
            "in_progress": still,
            "wait_days": (_ratio(node.wait_sum, node.wait_n) if queues else 0.0),
            "time_in_node_days": _ratio(node.tin_sum, node.tin_n),
            "utilization": _ratio(busy, node.servers * window) if queues and node.servers else None,
            "cold": node.cold,
            "mean_in_node": area / window,
            "mean_queue": q_area / window if queues else 0.0,
        })
    channels = []
    for i in rep.plan.sources:
        ch = rep.nodes[i]
        channels.append({
            "leads": ch.leads,
            "cost": ch.cost,
            "cost_per_sql": _ratio(ch.cost, ch.sqls),
            "customers": ch.customers,
            "arrivals": ch.arrivals,
            "mqls": ch.mqls,
            "sqls": ch.sqls,
        })
    total = {key: sum(c[key] for c in channels) for key in ("arrivals", "leads", "mqls", "sqls", "customers")}
    funnel = dict(total)
    funnel.update({
        "arrival_to_lead": _ratio(total["leads"], total["arrivals"]),
        "lead_to_mql": _ratio(total["mqls"], total["leads"]),
        "mql_to_sql": _ratio(total["sqls"], total["mqls"]),
        "sql_to_customer": _ratio(total["customers"], total["sqls"]),
        "lead_to_customer": _ratio(total["customers"], total["leads"]),
    })
    totals = rep.money.add_metrics(rep, channels) if rep.money is not None else None
    outcomes: dict[str, int] = {}
    for node in rep.nodes:
        if node.p.kind == "sink":
            outcomes[node.p.outcome] = outcomes.get(node.p.outcome, 0) + node.exited
    return {
        "nodes": nodes,
        "edges": list(rep.edge_counts),
        "channels": channels,
        "funnel": funnel,
        "time_to": {key: rep.times[key].summary() for key in TIME_TO},
        # for the charts, not the JSON: the times to each milestone as (values, weights)
        # (bounded: bucket midpoints once a sketch folds), and the daily averages of leads
        # in the flow and of each queue (None for a node without one)
        "time_samples": {key: rep.times[key].weighted() for key in TIME_TO},
        "series": {
            "in_flow": rep.in_flow.averages(),
            "queues": [node.queue_days.averages() if node.queue_days is not None else None for node in rep.nodes],
        },
        "outcomes": outcomes,
        "totals": totals,
        "looped": rep.looped,
        "unassigned": {node.id: node.unassigned for node in rep.nodes if node.unassigned},
    }
