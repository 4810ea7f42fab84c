"""Day-by-day time averages of a count (leads in the flow, a queue's length).

A :class:`DayBins` follows a count that steps up and down at exact (real-valued) times and
gives, for each day ``[d, d + 1)`` of the run, the average of that count over the day: the
exact integral of the step function over the day, divided by the day's length. Each step
costs O(1) (two list updates), whatever the interval's length, so following every lead
through a 90-day nurture stream costs no more than following a five-minute wait.

How: a step ``+1`` at ``t`` adds the part of day ``floor(t)`` after ``t`` to that day and
a full day to every later day; the full days are kept as a difference list and summed
once at the end. A step ``-1`` undoes the same from its own time on.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

__all__ = ["DayBins"]


class DayBins:
    """The daily averages of a step count over ``[0, end)``; ``end`` need not be whole."""

    __slots__ = ("end", "days", "_part", "_full")

    def __init__(self, end: float) -> None:
        self.end = float(end)
        self.days = max(1, math.ceil(self.end))
        self._part = [0.0] * (self.days + 1)
        self._full = [0] * (self.days + 2)

    def step(self, t: float, change: int) -> None:
        """The count changes by ``change`` at time ``t`` (ignored at or after the end)."""
        if t >= self.end:
            return
        if t < 0.0:
            t = 0.0
        day = int(t)
        self._part[day] += change * (day + 1 - t)
        self._full[day + 1] += change

    def steps(self, times: np.ndarray, change: int) -> None:
        """:meth:`step` for many times at once (the bulk-settled visitors)."""
        times = np.asarray(times, dtype=float)
        times = np.clip(times[times < self.end], 0.0, None)
        if not len(times):
            return
        day = times.astype(np.int64)
        part = np.bincount(day, weights=change * (day + 1 - times), minlength=self.days + 1)
        full = np.bincount(day + 1, minlength=self.days + 2) * change
        for i in np.flatnonzero(part):
            self._part[i] += float(part[i])
        for i in np.flatnonzero(full):
            self._full[i] += int(full[i])

    def spans(self, starts: np.ndarray, ends: np.ndarray) -> None:
        """One more present over each ``[start, end)``."""
        self.steps(starts, 1)
        self.steps(ends, -1)

    def averages(self) -> list[float]:
        """The average count over each day, ``days`` numbers (the last day may be partial)."""
        level = np.cumsum(self._full[: self.days + 1])
        area = level[: self.days] + np.asarray(self._part[: self.days])
        length = self.end - (self.days - 1)
        if length < 1.0:
            # Every step before the end was credited up to d + 1, past the end at d + length:
            # take (1 - length) off for each lead counted when the last day closes.
            area[-1] = (area[-1] - (1.0 - length) * level[self.days]) / length
        return [float(v) for v in area]


def mean_series(per_rep: Sequence[Sequence[float]]) -> tuple[list[float], list[float], list[float]]:
    """Mean and 95 % interval, day by day, over replications' series (clipped at 0)."""
    from flowsim.sim.tdist import t_quantile

    values = np.asarray(per_rep, dtype=float)
    n = values.shape[0]
    mean = values.mean(axis=0)
    if n < 2:
        return mean.tolist(), mean.tolist(), mean.tolist()
    half = t_quantile(0.975, n - 1) * values.std(axis=0, ddof=1) / math.sqrt(n)
    return mean.tolist(), np.clip(mean - half, 0.0, None).tolist(), (mean + half).tolist()
