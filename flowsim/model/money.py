"""Money in a flow: what channels and teams cost and what a won customer is worth.

The file keys (design.md, "Additions to the file format"):

* ``spend: {per_month: 5000}`` on a source: fixed spend beside ``cost_per_lead``
  (salaries, tools, retainers); ``per_day`` and ``per_week`` are accepted too;
* ``cost_per_rep: {per_month: 6000}`` on a handoff or sales node: what one rep costs;
* ``deal_value`` on a won sink: a number or a distribution of numbers
  (``{dist: lognormal, mean: 12000, sd: 6000}``), the one-off or first-year value;
* ``recurring: {per_month: 1000, margin: 0.8, churn_per_month: 0.02}`` on a won sink.

All of it is optional: a flow without any of these keys reports no money metrics at all
(docs/simulation.md defines each metric). Everything here is plain Python and pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from flowsim.model.distribution import Distribution, parse_distribution
from flowsim.model.duration import ValueProblem, is_number

__all__ = [
    "DAYS_PER_MONTH", "MONEY_KEYS", "Recurring", "has_money", "parse_rate", "parse_recurring",
    "parse_deal_value",
]

#: The length of the average month (a Gregorian year over 12), for per-month amounts.
DAYS_PER_MONTH = 365.25 / 12

#: The node keys that carry money; a flow with none of them has no money metrics.
MONEY_KEYS = ("spend", "cost_per_rep", "deal_value", "recurring")

_PER = {"per_day": 1.0, "per_week": 7.0, "per_month": DAYS_PER_MONTH}


def parse_rate(raw: Any) -> float:
    """An amount per period (``{per_month: 6000}``) as an amount per day, or raise
    :class:`ValueProblem` naming the key at fault."""
    if not isinstance(raw, Mapping):
        raise ValueProblem("must be an amount per period such as {per_month: 5000}")
    periods = [key for key in raw if key in _PER]
    for key in raw:
        if key not in _PER:
            raise ValueProblem(f"unknown key {key!r}; use one of per_day, per_week, per_month", key)
    if len(periods) != 1:
        raise ValueProblem("needs exactly one of per_day, per_week, per_month")
    key = periods[0]
    amount = raw[key]
    if not is_number(amount) or amount < 0 or not math.isfinite(amount):
        raise ValueProblem(f"{key} must be a number ≥ 0, got {amount!r}", key)
    return float(amount) / _PER[key]


def parse_deal_value(raw: Any) -> Distribution:
    """``deal_value``: a number ≥ 0 or a distribution of plain numbers (no units)."""
    if not isinstance(raw, Mapping) and (not is_number(raw) or raw < 0 or not math.isfinite(raw)):
        raise ValueProblem(
            f"must be an amount ≥ 0 or a distribution such as {{dist: lognormal, mean: 12000, sd: 6000}}, "
            f"got {raw!r}"
        )
    dist = parse_distribution(raw, durations=False)
    if any(not math.isfinite(v) for _, v in dist.params):
        raise ValueProblem("must be finite")
    return dist


@dataclass(frozen=True)
class Recurring:
    """Revenue a won customer brings every month until it churns.

    ``churn_per_month`` is the share of customers lost each month, so a customer stays
    ``1 / churn_per_month`` months on average (geometric lifetime); ``margin`` is the gross
    margin on that revenue.
    """

    per_month: float
    margin: float = 1.0
    churn_per_month: float = 0.0

    @property
    def lifetime_months(self) -> float:
        """Expected months a customer stays (infinite without churn)."""
        return math.inf if self.churn_per_month == 0 else 1.0 / self.churn_per_month

    def revenue_within(self, days: float) -> float:
        """Expected recurring revenue in the first ``days`` after the win: the customer
        pays ``per_month`` while still a customer, and stays each month with probability
        ``1 - churn`` (``(1 - (1 - c)**T) / c`` months of pay over ``T`` months)."""
        months = max(days, 0.0) / DAYS_PER_MONTH
        c = self.churn_per_month
        if c == 0:
            return self.per_month * months
        if c >= 1:
            return self.per_month * min(months, 1.0)
        return self.per_month * (1.0 - (1.0 - c) ** months) / c


def parse_recurring(raw: Any) -> Recurring:
    """``recurring: {per_month: X, margin: 0.8, churn_per_month: 0.02}``; per_month is
    required, margin defaults to 1 and churn must be above 0 (a customer who never
    churns has no finite lifetime value)."""
    if not isinstance(raw, Mapping):
        raise ValueProblem("must be a mapping such as {per_month: 1000, margin: 0.8, churn_per_month: 0.02}")
    for key in raw:
        if key not in ("per_month", "margin", "churn_per_month"):
            raise ValueProblem(f"unknown key {key!r}; recurring takes per_month, margin and churn_per_month", key)
    if "per_month" not in raw:
        raise ValueProblem("needs per_month: the revenue a customer brings each month")
    if "churn_per_month" not in raw:
        raise ValueProblem("needs churn_per_month: the share of customers lost each month, such as 0.02")
    per_month, margin, churn = raw["per_month"], raw.get("margin", 1.0), raw["churn_per_month"]
    if not is_number(per_month) or per_month < 0 or not math.isfinite(per_month):
        raise ValueProblem(f"per_month must be a number ≥ 0, got {per_month!r}", "per_month")
    if not is_number(margin) or not 0 <= margin <= 1:
        raise ValueProblem(f"margin must be a share between 0 and 1, got {margin!r}", "margin")
    if not is_number(churn) or not 0 < churn <= 1:
        raise ValueProblem(f"churn_per_month must be above 0 and at most 1, got {churn!r}", "churn_per_month")
    return Recurring(float(per_month), float(margin), float(churn))


def has_money(nodes: Any) -> bool:
    """Whether any of ``nodes`` (objects with ``params``) carries a money key."""
    return any(key in node.params for node in nodes for key in MONEY_KEYS)
