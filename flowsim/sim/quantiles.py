"""Quantiles of many times in bounded memory: exact up to a size, then a sketch.

A replication records each measured lead's time to MQL, SQL and customer. Keeping every
value costs about 32 bytes a lead in a Python list, so 45 million leads would take
gigabytes. :class:`TimeSketch` keeps the values themselves while there are at most
:data:`EXACT_LIMIT` of them, and its mean, median and 90th percentile are then exactly
what numpy gives on the full list. Past that it folds them into logarithmic buckets (the
scheme of DDSketch, Masson et al., VLDB 2019): a value ``x > 0`` goes to bucket
``ceil(log(x) / log(gamma))`` with ``gamma = (1 + a) / (1 - a)`` and ``a`` =
:data:`RELATIVE_ACCURACY`, so every bucket spans values within ``a`` of its midpoint.

Accuracy past the exact size: the count and the mean stay exact (a running sum); the
median and the 90th percentile are within :data:`RELATIVE_ACCURACY` (1 %) of the exact
rank-based quantile of the values, ``x[ceil(q * (n - 1))]`` of the sorted values, which
for millions of values differs from numpy's interpolated percentile by less than the
spacing of neighbouring values. Zeros are counted exactly; values below
:data:`SMALLEST` (about 0.1 s, in days) are counted with the smallest bucket. Memory
is at most :data:`EXACT_LIMIT` floats plus one counter per bucket: about
``log(largest / SMALLEST) / log(gamma)`` buckets, under 2,000 for times up to 1,000
years.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["TimeSketch", "EXACT_LIMIT", "RELATIVE_ACCURACY", "SMALLEST"]

#: Values kept one by one, so smaller runs report numpy's exact statistics.
EXACT_LIMIT = 200_000
#: Relative accuracy of the median and p90 once the values are folded into buckets.
RELATIVE_ACCURACY = 0.01
#: Times below this (in days; about 0.1 s) share the lowest bucket.
SMALLEST = 1e-6

_GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY)
_LOG_GAMMA = math.log(_GAMMA)
#: Values folded in one numpy call once the exact list is given up.
_BATCH = 65_536


class TimeSketch:
    """Times (≥ 0) added one at a time; :meth:`summary` gives mean, median, p90 and count.

    ``append`` is the hot call: a list append while exact, a list append and now and then
    a vectorised fold afterwards.
    """

    __slots__ = ("_values", "_count", "_sum", "_zeros", "_buckets", "_offset", "append")

    def __init__(self) -> None:
        self._values: list[float] = []
        self._count = 0  # values already folded into buckets (0 while exact)
        self._sum = 0.0
        self._zeros = 0
        self._buckets: np.ndarray | None = None  # counts, index i is bucket i + _offset
        self._offset = 0
        self.append = self._append_exact

    def __len__(self) -> int:
        return self._count + len(self._values)

    @property
    def exact(self) -> bool:
        """Whether every value is still kept (the statistics are numpy's own)."""
        return self._buckets is None

    def _append_exact(self, value: float) -> None:
        values = self._values
        values.append(value)
        if len(values) > EXACT_LIMIT:
            self._buckets = np.zeros(0, dtype=np.int64)
            self._fold()
            self.append = self._append_folding

    def _append_folding(self, value: float) -> None:
        values = self._values
        values.append(value)
        if len(values) >= _BATCH:
            self._fold()

    def _fold(self) -> None:
        values = np.asarray(self._values, dtype=float)
        self._values = []
        if not len(values):
            return
        self._count += len(values)
        self._sum += float(values.sum())
        positive = values[values > 0]
        self._zeros += len(values) - len(positive)
        if not len(positive):
            return
        keys = np.ceil(np.log(np.maximum(positive, SMALLEST)) / _LOG_GAMMA).astype(np.int64)
        low, high = int(keys.min()), int(keys.max())
        buckets = self._buckets
        assert buckets is not None
        if not len(buckets):
            self._offset = low
            buckets = np.zeros(high - low + 1, dtype=np.int64)
        else:
            start = min(low, self._offset)
            stop = max(high, self._offset + len(buckets) - 1)
            if start != self._offset or stop != self._offset + len(buckets) - 1:
                grown = np.zeros(stop - start + 1, dtype=np.int64)
                grown[self._offset - start:self._offset - start + len(buckets)] = buckets
                buckets, self._offset = grown, start
        buckets += np.bincount(keys - self._offset, minlength=len(buckets))
        self._buckets = buckets

    def quantile(self, q: float) -> float:
        """The ``q``-quantile (0 ≤ q ≤ 1) of the bucketed values; see the module notes."""
        self._fold()
        rank = math.ceil(q * (self._count - 1))
        if rank < self._zeros:
            return 0.0
        buckets = self._buckets
        assert buckets is not None
        cumulative = np.cumsum(buckets)
        index = int(np.searchsorted(cumulative, rank - self._zeros, side="right"))
        key = index + self._offset
        # The bucket's midpoint in the relative sense: within RELATIVE_ACCURACY of any
        # value in (gamma^(key-1), gamma^key].
        return 2 * _GAMMA ** key / (_GAMMA + 1)

    def summary(self) -> dict[str, Any]:
        """``{"mean", "median", "p90", "count"}``; the first three are None without values."""
        if self.exact:
            if not self._values:
                return {"mean": None, "median": None, "p90": None, "count": 0}
            values = np.asarray(self._values, dtype=float)
            return {
                "mean": float(values.mean()),
                "median": float(np.median(values)),
                "p90": float(np.percentile(values, 90)),
                "count": len(values),
            }
        self._fold()
        return {
            "mean": self._sum / self._count,
            "median": self.quantile(0.5),
            "p90": self.quantile(0.9),
            "count": self._count,
        }

    def weighted(self) -> tuple[np.ndarray, np.ndarray]:
        """The distribution as ``(values, weights)`` for a histogram, in bounded memory:
        every value with weight 1 while exact; else each bucket's midpoint weighted by its
        count (and the zeros at 0). The weights add up to the count."""
        if self.exact:
            values = np.asarray(self._values, dtype=np.float32)
            return values, np.ones(len(values), dtype=np.float32)
        self._fold()
        buckets = self._buckets
        assert buckets is not None
        used = np.flatnonzero(buckets)
        mids = 2 * _GAMMA ** (used + self._offset) / (_GAMMA + 1)
        values = np.concatenate([[0.0], mids]).astype(np.float32)
        weights = np.concatenate([[self._zeros], buckets[used]]).astype(np.float32)
        return values, weights
