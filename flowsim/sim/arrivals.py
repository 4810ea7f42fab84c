"""Poisson arrivals of a source: a daily rate, an optional weekly shape and a ramp.

``arrivals: {per_day: 40, weekdays: [1.2, 1.2, 1.1, 1.0, 0.9, 0.3, 0.3], ramp: 2w}``

* The rate is ``per_day``, ``per_week / 7`` or ``per_month × 12 / 365`` arrivals a day
  (:func:`flowsim.model.fieldcheck.arrivals_per_day`).
* ``weekdays`` are relative weights, Monday first. They are scaled to average 1, so the
  rate stays the mean over a whole week and only its spread over the days changes. Day 0
  of a run is a Monday; day ``d`` is weekday ``d mod 7``.
* ``ramp`` makes the rate climb linearly from 0 at the start of the run to the full rate
  at ``ramp`` days.

Arrival times are an inhomogeneous Poisson process, drawn exactly by thinning: candidates
at the highest rate, each kept with probability rate(t) / highest rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping

import numpy as np

from flowsim.model.duration import parse_duration
from flowsim.model.fieldcheck import arrivals_per_day

__all__ = ["ArrivalShape", "parse_arrivals", "arrival_batches"]

#: Candidates drawn at once.
_BATCH = 2048


@dataclass(frozen=True)
class ArrivalShape:
    """A source's arrival rate over time: ``rate`` a day on average, shaped."""

    rate: float
    weekdays: tuple[float, ...] | None = None  # 7 factors averaging 1, Monday first
    ramp: float = 0.0  # days

    @property
    def peak(self) -> float:
        """The highest rate this shape reaches."""
        return self.rate * (max(self.weekdays) if self.weekdays else 1.0)

    def rate_at(self, times: np.ndarray) -> np.ndarray:
        """The rate at each of ``times`` (days)."""
        rate = np.full(times.shape, self.rate)
        if self.weekdays is not None:
            rate *= np.asarray(self.weekdays)[np.floor(times).astype(np.int64) % 7]
        if self.ramp > 0:
            rate *= np.minimum(times / self.ramp, 1.0)
        return rate

    def expected(self, start: float, end: float) -> float:
        """About how many arrivals fall in ``[start, end)`` (for the size guard)."""
        return self.rate * max(end - start, 0.0)


def parse_arrivals(raw: Mapping[str, Any]) -> ArrivalShape:
    """The shape of a validated ``arrivals`` mapping; ValueError for a negative rate."""
    rate = arrivals_per_day(raw)
    if rate < 0:
        raise ValueError(f"the arrival rate cannot be negative, got {rate:g} a day")
    weekdays = None
    if raw.get("weekdays") is not None:
        weights = [float(w) for w in raw["weekdays"]]
        if len(weights) != 7 or min(weights) < 0 or sum(weights) <= 0:
            raise ValueError("weekdays must be 7 weights ≥ 0, Monday first, not all 0")
        mean = sum(weights) / 7.0
        weekdays = tuple(w / mean for w in weights)
    ramp = parse_duration(raw["ramp"]) if raw.get("ramp") is not None else 0.0
    return ArrivalShape(rate, weekdays, ramp)


def arrival_batches(
    shape: ArrivalShape, rng: np.random.Generator, end: float
) -> Iterator[np.ndarray]:
    """Sorted arrays of arrival times in ``[0, end)``, batch after batch, drawn from ``rng``."""
    peak = shape.peak
    if peak <= 0 or end <= 0:
        return
    shaped = shape.weekdays is not None or shape.ramp > 0
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
