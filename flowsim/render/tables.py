"""The tables of a run's results, as text: one place formats them for the results panel,
the HTML report and the PDF, so all three show the same numbers.

A :class:`Table` has a title, headers, rows of strings and, per column, whether it holds
numbers (shown right-aligned). Intervals are the results' own 95 % intervals (clipped at
0 for quantities that cannot be negative), written ``low – high``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flowsim.model.flow import Flow
from flowsim.render.charts import FUNNEL, MILESTONES, count, money, span

__all__ = ["Table", "results_tables", "series_table", "interval", "kpis", "Kpi"]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


@dataclass(frozen=True)
class Kpi:
    """A headline number: ``path`` into the results JSON (``funnel.sqls``), its ``mean``
    as the JSON has it, and how it reads."""

    path: str
    label: str
    mean: float | None
    text: str
    interval: str


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def interval(metric: Any, fmt=count) -> str:
    """``low – high`` of a metric's 95 % interval; empty when it has none (one replication)."""
    low, high = metric.ci95
    if low is None or high is None or low == high:
        return ""
    return f"{fmt(low)} – {fmt(high)}"


def _round(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.9g}")  # as results.to_json rounds


def kpis(results: Any) -> list[Kpi]:
    """The headline numbers of a run, each one a number of the results JSON."""
    f, t = results.funnel, results.time_to
    items = [
        ("funnel.leads", "Leads", f["leads"], count),
        ("funnel.mqls", "MQLs", f["mqls"], count),
        ("funnel.sqls", "SQLs", f["sqls"], count),
        ("funnel.customers", "Customers", f["customers"], count),
        ("funnel.lead_to_customer", "Lead → customer", f["lead_to_customer"], _pct),
        ("time_to.sql.median", "Time to SQL (median)", t["sql"]["median"], span),
    ]
    return [Kpi(path, label, _round(m.mean), fmt(m.mean), interval(m, fmt)) for path, label, m, fmt in items]


def results_tables(results: Any, flow: Flow) -> list[Table]:
    """Funnel, nodes, edges, channels and time-to tables of ``results``."""
    titles = {node.id: node.title for node in flow.nodes}
    name = lambda nid: titles.get(nid, nid)  # noqa: E731
    f = results.funnel
    funnel = [
        (label, count(f[key].mean), interval(f[key]),
         _pct(f[rate].mean) if rate else "", interval(f[rate], _pct) if rate else "")
        for key, label, rate in FUNNEL
    ]
    nodes = []
    for nid, m in results.nodes.items():
        entered = m["entered"].mean or 0.0
        util = m["utilization"].mean
        nodes.append((
            name(nid), count(m["entered"].mean), count(m["leaked"].mean), interval(m["leaked"]),
            _pct((m["leaked"].mean or 0.0) / entered) if entered else "–", count(m["cold"].mean),
            span(m["wait_days"].mean), span(m["time_in_node_days"].mean), "–" if util is None else f"{util:.0%}",
        ))
    edges = [(name(e.source), name(e.target), count(e.count.mean), interval(e.count)) for e in results.edges]
    channels = []
    for cid, m in results.channels.items():
        leads, cost = m["leads"].mean, m["cost"].mean
        per_lead = cost / leads if leads and cost is not None else None
        channels.append((
            name(cid), count(leads), interval(m["leads"]), money(per_lead), money(cost),
            money(m["cost_per_sql"].mean), interval(m["cost_per_sql"], money),
            count(m["customers"].mean), interval(m["customers"]),
        ))
    times = []
    for key, label in MILESTONES:
        t = results.time_to[key]
        times.append((f"lead → {label}", span(t["mean"].mean), span(t["median"].mean), span(t["p90"].mean),
                      count(t["count"].mean)))
    return [
        Table("funnel", "Funnel", ("Stage", "Per run", "95 % interval", "Conversion", "95 % interval"),
              tuple(funnel), (False, True, True, True, True)),
        Table("nodes", "Nodes: leakage, waits and load",
              ("Node", "Entered", "Leaked", "95 % interval", "Leak %", "Went cold", "Wait", "Time in node",
               "Utilization"),
              tuple(nodes), (False,) + (True,) * 8),
        Table("edges", "Where leads go (edges)", ("From", "To", "Leads a run", "95 % interval"),
              tuple(edges), (False, False, True, True)),
        Table("channels", "Channels",
              ("Channel", "Leads", "95 % interval", "Cost per lead", "Cost", "Cost per SQL", "95 % interval",
               "Customers", "95 % interval"),
              tuple(channels), (False,) + (True,) * 8),
        Table("time_to", "Time to MQL, SQL and customer", ("From lead to", "Mean", "Median", "90th percentile", "Leads"),
              tuple(times), (False, True, True, True, True)),
        *_money_table(results, name),
    ]


def _money_table(results: Any, name: Any) -> list[Table]:
    """Spend, revenue and returns by channel (first touch) and for the flow, with money keys."""
    totals = getattr(results, "totals", None) or {}
    if not totals:
        return []

    def money(metric: Any) -> str:
        return "–" if metric is None or metric.mean is None else f"${metric.mean:,.0f}"

    def months(metric: Any) -> str:
        return "–" if metric.mean is None else f"{metric.mean:.1f} mo"

    rows = [(name(cid), money(m["spend"]), money(m["revenue"]), interval(m["revenue"]), money(m["pipeline_value"]),
             money(m["cac"]), money(m["clv"]), _pct(m["roi"].mean), months(m["payback_months"]))
            for cid, m in results.channels.items()]
    rows.append(("All channels (team cost " + money(totals["team_cost"]) + ")", money(totals["spend"]),
                 money(totals["revenue"]), interval(totals["revenue"]), "", "", "", _pct(totals["roi"].mean), ""))
    return [Table("money", "Money by channel (first touch; ROI on lifetime value)",
                  ("Channel", "Spend", "Revenue in run", "95 % interval", "Pipeline", "CAC", "CLV", "ROI", "Payback"),
                  tuple(rows), (False,) + (True,) * 8)]


def series_table(results: Any, flow: Flow) -> Table:
    """Day by day: leads in the flow (with its interval) and each queue's length."""
    titles = {node.id: node.title for node in flow.nodes}
    series = results.in_flow
    queues = list(results.queues.items())
    headers = ("Day", "Leads in the flow", "95 % interval") + tuple(f"Waiting at {titles.get(n, n)}" for n, _ in queues)
    rows = []
    if series is not None:
        for d, mean in enumerate(series.mean):
            low, high = series.low[d], series.high[d]
            rows.append((f"{d + 1}", count(round(mean, 1)), "" if low == high else f"{count(round(low, 1))} – {count(round(high, 1))}")
                        + tuple(f"{q.mean[d]:.2f}" for _, q in queues))
    return Table("over_time", "Leads in the flow and waiting, day by day", headers, tuple(rows),
                 (True,) * len(headers))
