"""Poisson arrivals of a source: a daily rate, optional weekly and seasonal shapes, a ramp.

``arrivals: {per_day: 40, weekdays: [1.2, 1.2, 1.1, 1.0, 0.9, 0.3, 0.3], ramp: 2w}``

* The rate is ``per_day``, ``per_week / 7`` or ``per_month × 12 / 365`` arrivals a day
  (:func:`flowsim.model.fieldcheck.arrivals_per_day`).
* ``weekdays`` are relative weights, Monday first. They are scaled to average 1, so the
  rate stays the mean over a whole week and only its spread over the days changes. Day 0
  of a run is a Monday; day ``d`` is weekday ``d mod 7``.
* ``months`` are 12 relative weights for the months of the run, its first month first
  (a month is 365/12 days; a longer run repeats them each year). They too are scaled to
  average 1, so they move arrivals between seasons and keep the yearly total: a December
  lull and a January rush are ``months: [0.6, 1.3, 1.1, ...]`` for a run starting in
  December.
* ``ramp`` makes the rate climb linearly from 0 at the start of the run to the full rate
  at ``ramp`` days.

Arrival times are an inhomogeneous Poisson process, drawn exactly by thinning: candidates
at the highest rate, each kept with probability rate(t) / highest rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Mapping

import numpy as np

from flowsim.model.duration import parse_duration
from flowsim.model.fieldcheck import arrivals_per_day

if TYPE_CHECKING:
    from flowsim.model import Flow

__all__ = ["ArrivalShape", "parse_arrivals", "arrival_batches", "expected_arrivals"]

#: Candidates drawn at once.
_BATCH = 2048
#: The length of a year and of a month of ``months``, in days.
YEAR = 365.0
MONTH = YEAR / 12.0


@dataclass(frozen=True)
class ArrivalShape:
    """A source's arrival rate over time: ``rate`` a day on average, shaped."""

    rate: float
    weekdays: tuple[float, ...] | None = None  # 7 factors averaging 1, Monday first
    ramp: float = 0.0  # days
    months: tuple[float, ...] | None = None  # 12 factors averaging 1, the run's first month first

    @property
    def peak(self) -> float:
        """The highest rate this shape reaches."""
        return (self.rate * (max(self.weekdays) if self.weekdays else 1.0)
                * (max(self.months) if self.months else 1.0))

    def rate_at(self, times: np.ndarray) -> np.ndarray:
        """The rate at each of ``times`` (days)."""
        rate = np.full(times.shape, self.rate)
        if self.weekdays is not None:
            rate *= np.asarray(self.weekdays)[np.floor(times).astype(np.int64) % 7]
        if self.months is not None:
            rate *= np.asarray(self.months)[np.floor(times / MONTH).astype(np.int64) % 12]
        if self.ramp > 0:
            rate *= np.minimum(times / self.ramp, 1.0)
        return rate

    def expected(self, start: float, end: float) -> float:
        """About how many arrivals fall in ``[start, end)``: the mean rate times the days,
        with ``months`` weighed in (weekdays and the ramp move a few days' worth at most)."""
        span = max(end - start, 0.0)
        if self.months is None or span == 0.0:
            return self.rate * span
        years = math.floor(span / YEAR)  # whole years keep the mean
        days = years * YEAR
        t = start + days
        while t < end:
            month = math.floor(t / MONTH)
            upto = min((month + 1) * MONTH, end)
            if upto <= t:  # t sat on a month's boundary and rounding put it in the month before
                month += 1
                upto = min((month + 1) * MONTH, end)
            days += (upto - t) * self.months[month % 12]
            t = upto
        return self.rate * days


def parse_arrivals(raw: Mapping[str, Any]) -> ArrivalShape:
    """The shape of a validated ``arrivals`` mapping; ValueError for a negative rate."""
    rate = arrivals_per_day(raw)
    if rate < 0:
        raise ValueError(f"the arrival rate cannot be negative, got {rate:g} a day")
    weekdays = _weights(raw.get("weekdays"), 7, "weekdays must be 7 weights ≥ 0, Monday first, not all 0")
    months = _weights(raw.get("months"), 12, "months must be 12 weights ≥ 0, the run's first month first, not all 0")
    ramp = parse_duration(raw["ramp"]) if raw.get("ramp") is not None else 0.0
    return ArrivalShape(rate, weekdays, ramp, months)


def expected_arrivals(flow: "Flow", days: float) -> float:
    """About how many arrivals all of ``flow``'s sources make in ``days`` (sources whose
    arrivals do not parse count none: validation reports them)."""
    total = 0.0
    for node in flow.nodes:
        raw = node.params.get("arrivals") if node.kind == "source" else None
        if isinstance(raw, Mapping):
            try:
                total += parse_arrivals(raw).expected(0.0, float(days))
            except (TypeError, ValueError, KeyError):
                pass
    return total


def _weights(raw: Any, count: int, wording: str) -> tuple[float, ...] | None:
    """``count`` relative weights scaled to average 1, or None when ``raw`` is None."""
    if raw is None:
        return None
    weights = [float(w) for w in raw]
    if len(weights) != count or min(weights) < 0 or sum(weights) <= 0:
        raise ValueError(wording)
    mean = sum(weights) / count
    return tuple(w / mean for w in weights)


def arrival_batches(
    shape: ArrivalShape, rng: np.random.Generator, end: float
) -> Iterator[np.ndarray]:
    """Sorted arrays of arrival times in ``[0, end)``, batch after batch, drawn from ``rng``."""
    peak = shape.peak
    if peak <= 0 or end <= 0:
        return
    shaped = shape.weekdays is not None or shape.months is not None or shape.ramp > 0
    t = 0.0
    while t < end:
        times = t + np.cumsum(rng.exponential(1.0 / peak, _BATCH))
        t = float(times[-1])
        if shaped:
            keep = rng.random(_BATCH) * peak < shape.rate_at(times)
            times = times[keep]
        if t >= end:
            times = times[times < end]
        if len(times):
            yield times
