"""Money in a run: spend, team cost, revenue and the metrics built on them.

Attribution is first touch: a lead's spend, revenue and pipeline belong to the source it
arrived from. Only measured leads (born after the warm-up) count, as for every other
count, and fixed costs (``spend``, ``cost_per_rep``) count over the measured window.
docs/simulation.md defines every metric; this module is the one place that computes them.
A flow without money keys compiles to no :class:`MoneyPlan` and reports no money keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from flowsim.errors import SimulationError
from flowsim.model.distribution import Distribution
from flowsim.model.duration import ValueProblem
from flowsim.model.flow import Flow
from flowsim.model.money import DAYS_PER_MONTH, Recurring, has_money, parse_deal_value, parse_rate, parse_recurring
from flowsim.sim.streams import Purpose, dist_draws, generator

if TYPE_CHECKING:
    from flowsim.sim.engine import Replication

__all__ = ["MoneyPlan", "MoneyRun", "compile_money", "MONEY_CHANNEL_METRICS", "MONEY_TOTALS"]

#: Money metrics each channel gains when the flow has money keys (design.md).
MONEY_CHANNEL_METRICS = ("spend", "revenue", "pipeline_value", "cac", "clv", "roi", "payback_months")
#: The flow's totals (design.md): spend, team cost, revenue and ROI.
MONEY_TOTALS = ("spend", "team_cost", "revenue", "roi")
DAYS_PER_YEAR = 12 * DAYS_PER_MONTH


@dataclass(frozen=True)
class SinkValue:
    """What a customer won at one sink is worth."""

    deal: Distribution | None
    recurring: Recurring | None

    @property
    def margin(self) -> float:
        return self.recurring.margin if self.recurring is not None else 1.0


@dataclass(frozen=True)
class MoneyPlan:
    """The money keys of a flow, parsed: per source a fixed spend a day, per node index a
    rep's cost a day, per won sink index its value."""

    spend_per_day: dict[int, float]
    rep_cost_per_day: dict[int, float]
    sinks: dict[int, SinkValue]

    @property
    def expected_deal(self) -> float:
        """What an open SQL is worth in the pipeline: the first-year value of a win (the
        mean deal value plus a year of recurring revenue, churn included), averaged over
        the won sinks that carry a value; 0 when none does."""
        values = [
            (s.deal.mean if s.deal is not None else 0.0)
            + (s.recurring.revenue_within(DAYS_PER_YEAR) if s.recurring is not None else 0.0)
            for s in self.sinks.values() if s.deal is not None or s.recurring is not None
        ]
        return sum(values) / len(values) if values else 0.0


def compile_money(flow: Flow) -> MoneyPlan | None:
    """The :class:`MoneyPlan` of ``flow``, or ``None`` when no node carries a money key."""
    if not has_money(flow.nodes):
        return None
    spend: dict[int, float] = {}
    reps: dict[int, float] = {}
    sinks: dict[int, SinkValue] = {}
    for i, node in enumerate(flow.nodes):
        params = node.params
        if node.kind == "source" and "spend" in params:
            spend[i] = _parsed(node, "spend", parse_rate)
        if node.kind in ("handoff", "sales") and "cost_per_rep" in params:
            if "capacity" not in params and "assignment" not in params:
                raise SimulationError(
                    f"node {node.id!r}: cost_per_rep needs capacity (or assignment): unlimited reps cannot be costed",
                    line=node.line_of("cost_per_rep"),
                )
            reps[i] = _parsed(node, "cost_per_rep", parse_rate)
        if node.kind == "sink" and params.get("outcome", node.id) == "won":
            deal = _parsed(node, "deal_value", parse_deal_value) if "deal_value" in params else None
            recurring = _parsed(node, "recurring", parse_recurring) if "recurring" in params else None
            sinks[i] = SinkValue(deal, recurring)
    return MoneyPlan(spend, reps, sinks)


def _parsed(node: Any, key: str, parse: Callable[[Any], Any]) -> Any:
    try:
        return parse(node.params[key])
    except ValueProblem as problem:
        sub = f".{problem.key}" if problem.key else ""
        raise SimulationError(f"node {node.id!r}: {key}{sub}: {problem}", line=node.line_of(key)) from None


class MoneyRun:
    """One replication's money counters, per source in the order of ``plan.sources``."""

    def __init__(self, plan: MoneyPlan, *, seed: int, replication: int, node_ids: Sequence[str],
                 n_sources: int, end: float) -> None:
        self.plan = plan
        self.end = end
        self.deal = {
            i: dist_draws(s.deal, generator(seed, replication, node_ids[i], Purpose.VALUE))
            for i, s in plan.sinks.items() if s.deal is not None
        }
        self.revenue = [0.0] * n_sources
        self.clv = [0.0] * n_sources  # summed over the channel's customers
        self.monthly_margin = [0.0] * n_sources  # per_month x margin, summed likewise
        self.open_sqls = [0] * n_sources

    def won(self, source_pos: int, sink_index: int, now: float) -> None:
        """A measured lead from source ``source_pos`` was won at sink ``sink_index`` at ``now``."""
        value = self.plan.sinks.get(sink_index)
        if value is None:
            return
        deal = self.deal[sink_index]() if sink_index in self.deal else 0.0
        revenue, clv = deal, deal
        recurring = value.recurring
        if recurring is not None:
            revenue += recurring.revenue_within(self.end - now)
            clv += recurring.per_month * recurring.margin * recurring.lifetime_months
            self.monthly_margin[source_pos] += recurring.per_month * recurring.margin
        self.revenue[source_pos] += revenue
        self.clv[source_pos] += clv

    def open_sql(self, source_pos: int) -> None:
        """A measured lead from ``source_pos`` is an SQL still open at the end of the run."""
        self.open_sqls[source_pos] += 1

    def add_metrics(self, rep: "Replication", channels: list[dict[str, Any]]) -> dict[str, float | None]:
        """Add the money metrics to each channel's raw numbers; return the flow's totals."""
        window = rep.end - rep.warmup
        expected = self.plan.expected_deal
        for pos, (i, ch) in enumerate(zip(rep.plan.sources, channels)):
            spend = ch["cost"] + self.plan.spend_per_day.get(i, 0.0) * window
            customers = ch["customers"]
            cac = _ratio(spend, customers)
            monthly = self.monthly_margin[pos]
            ch.update({
                "spend": spend,
                "revenue": self.revenue[pos],
                "pipeline_value": self.open_sqls[pos] * expected,
                "cac": cac,
                "clv": _ratio(self.clv[pos], customers),
                # ROI on the customers' lifetime value, so a subscription's return does not
                # depend on how long the run happens to be (docs/simulation.md, Money).
                "roi": _ratio(self.clv[pos] - spend, spend),
                "payback_months": (cac / (monthly / customers)) if cac is not None and monthly > 0 else None,
            })
        team_cost = sum(rep.nodes[i].servers * per_day * window for i, per_day in self.plan.rep_cost_per_day.items())
        spend = sum(ch["spend"] for ch in channels)
        revenue = sum(ch["revenue"] for ch in channels)
        value = sum(self.clv)
        return {
            "spend": spend,
            "team_cost": team_cost,
            "revenue": revenue,
            "roi": _ratio(value - spend - team_cost, spend + team_cost),
        }


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None
