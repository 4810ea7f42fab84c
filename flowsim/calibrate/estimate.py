"""Estimates from lead records, each with a 95 % interval and the records behind it.

* **Arrivals** per channel: leads a day over the export's period, with the exact Poisson
  interval; the weekday shape when a chi-square test says the days differ (p < 0.01).
* **Conversions** lead → MQL → SQL → customer, overall and per channel, with the exact
  (Clopper–Pearson) interval. Leads too recent to have converted would bias a rate low,
  so a step counts only leads that reached its first stage at least the step's 99th
  percentile delay before the export ends (all leads when that leaves fewer than 30).
* **Delays** between stages: lognormal and gamma fitted by maximum likelihood, the one
  with the lower AIC kept, a Kolmogorov–Smirnov test as the goodness-of-fit note, and a
  distribution-free interval for the median (binomial order statistics).

scipy does the statistics; it is imported here only, so the app starts without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Sequence

from flowsim.calibrate.records import Export, LeadRecord

__all__ = ["Estimate", "DelayFit", "Estimates", "estimate", "describe", "fit_delays", "STEPS"]

#: The steps of the funnel when an export has every milestone: (from stage, to stage).
STEPS = (("lead", "mql"), ("mql", "sql"), ("sql", "customer"))


def steps_of(stages: Sequence[str]) -> list[tuple[str, str]]:
    """The steps between the milestones an export has: lead → SQL → customer for a
    Salesforce report without MQL dates."""
    chain = ("lead", *stages)
    return list(zip(chain, chain[1:]))
_MIN_MATURE = 30
_MIN_DELAYS = 20


@dataclass(frozen=True)
class Estimate:
    """A number with its 95 % interval and ``n``, the records it rests on."""

    value: float
    low: float
    high: float
    n: int

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high


@dataclass(frozen=True)
class DelayFit:
    """A fitted delay distribution (days), as the file writes it, and how well it fits."""

    kind: str  # lognormal | gamma
    mean: float
    sd: float
    median: Estimate  # of the data, distribution-free
    ks_p: float  # Kolmogorov-Smirnov p-value of the chosen fit
    same_moment: float  # share of delays of zero (same timestamp), left out of the fit

    def as_file_value(self) -> dict[str, object]:
        return {"dist": self.kind, "mean": _days(self.mean), "sd": _days(self.sd)}

    @property
    def note(self) -> str:
        fit = "fits well" if self.ks_p >= 0.05 else "fits loosely (KS p < 0.05)"
        zero = f"; {self.same_moment:.0%} at the same moment" if self.same_moment >= 0.005 else ""
        return f"{self.kind} {fit}, KS p = {self.ks_p:.2f}{zero}"


def _days(value: float) -> object:
    """A duration the file reads well: hours below two days, days otherwise."""
    if value < 2:
        return f"{value * 24:.3g}h"
    return f"{value:.3g}d"


@dataclass(frozen=True)
class Estimates:
    """Everything fitted from one export."""

    export: Export
    days: float  # length of the period
    arrivals: dict[str, Estimate]  # channel -> leads a day
    weekdays: dict[str, tuple[float, ...] | None]  # channel -> 7 weights (Mon first) or None
    conversions: dict[str, Estimate]  # "lead->mql" ... overall
    by_channel: dict[str, dict[str, Estimate]]  # channel -> step -> estimate
    delays: dict[str, DelayFit | None]  # "lead->mql" ... overall

    @property
    def basis(self) -> str:
        """Where the numbers came from, for the comment on each changed key."""
        e = self.export
        name = e.path.replace("\\", "/").rsplit("/", 1)[-1]
        return (f"fitted from {name}, {len(e.records):,} leads, "
                f"{e.start:%Y-%m-%d} to {e.end:%Y-%m-%d}")


def _stage(record: LeadRecord, stage: str):
    return record.created if stage == "lead" else getattr(record, stage)


def _poisson(count: int, days: float) -> Estimate:
    from scipy.stats import chi2

    low = chi2.ppf(0.025, 2 * count) / 2 if count else 0.0
    high = chi2.ppf(0.975, 2 * count + 2) / 2
    return Estimate(count / days, low / days, high / days, count)


def _binomial(k: int, n: int) -> Estimate:
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    return Estimate(k / n, float(ci.low), float(ci.high), n)


def _median_interval(values: Sequence[float]) -> Estimate:
    from scipy.stats import binom

    data = sorted(values)
    n = len(data)
    lo = int(binom.ppf(0.025, n, 0.5))
    hi = min(int(binom.ppf(0.975, n, 0.5)), n - 1)
    mid = (data[(n - 1) // 2] + data[n // 2]) / 2
    return Estimate(mid, data[max(lo - 1, 0)], data[hi], n)


def fit_delays(delays: Sequence[float]) -> DelayFit | None:
    """Lognormal or gamma (lower AIC) by maximum likelihood; ``None`` below 20 delays."""
    import numpy as np
    from scipy import stats

    positive = np.asarray([d for d in delays if d > 0], dtype=float)
    if len(positive) < _MIN_DELAYS:
        return None
    fits = []
    for kind, family in (("lognormal", stats.lognorm), ("gamma", stats.gamma)):
        params = family.fit(positive, floc=0)
        loglik = float(np.sum(family.logpdf(positive, *params)))
        dist = family(*params)
        fits.append((2 * 2 - 2 * loglik, kind, dist))
    _, kind, dist = min(fits, key=lambda f: f[0])
    ks = stats.kstest(positive, dist.cdf)
    return DelayFit(
        kind=kind,
        mean=float(dist.mean()),
        sd=float(dist.std()),
        median=_median_interval(positive),
        ks_p=float(ks.pvalue),
        same_moment=1 - len(positive) / len(delays),
    )


def _step(records: Sequence[LeadRecord], first: str, then: str, end) -> tuple[Estimate | None, list[float]]:
    """The conversion of a step over mature records, and the delays of those that made it."""
    reached = [r for r in records if _stage(r, first) is not None]
    if not reached:
        return None, []
    delays = sorted((_stage(r, then) - _stage(r, first)).total_seconds() / 86400
                    for r in reached if _stage(r, then) is not None)
    window = delays[min(int(len(delays) * 0.99), len(delays) - 1)] if delays else 0.0
    cutoff = end - timedelta(days=window)
    mature = [r for r in reached if _stage(r, first) <= cutoff]
    if len(mature) < _MIN_MATURE:
        mature = reached
    made_it = [r for r in mature if _stage(r, then) is not None]
    mature_delays = [(_stage(r, then) - _stage(r, first)).total_seconds() / 86400 for r in made_it]
    return _binomial(len(made_it), len(mature)), mature_delays


def _weekday_shape(records: Sequence[LeadRecord], start, days: int) -> tuple[float, ...] | None:
    """Relative weights of the weekdays (mean 1), when they differ beyond chance."""
    from scipy.stats import chisquare

    if len(records) < 70:
        return None
    occurrences = [0] * 7  # how many of each weekday the period has
    for offset in range(days):
        occurrences[(start + timedelta(days=offset)).weekday()] += 1
    counts = [0] * 7
    for r in records:
        counts[r.created.weekday()] += 1
    if min(occurrences) == 0:
        return None
    expected = [len(records) * o / sum(occurrences) for o in occurrences]
    if chisquare(counts, expected).pvalue >= 0.01:
        return None
    rates = [c / o for c, o in zip(counts, occurrences)]
    mean = sum(rates) / 7
    return tuple(round(r / mean, 2) for r in rates)


def estimate(export: Export) -> Estimates:
    """Every estimate the export supports."""
    start = export.start.replace(hour=0, minute=0, second=0, microsecond=0)
    end = export.end
    days = max(math.ceil((end - start).total_seconds() / 86400), 1)
    channels: dict[str, list[LeadRecord]] = {}
    for r in export.records:
        channels.setdefault(r.channel, []).append(r)
    arrivals = {ch: _poisson(len(rs), days) for ch, rs in channels.items()}
    weekdays = {ch: _weekday_shape(rs, start, days) for ch, rs in channels.items()}
    conversions: dict[str, Estimate] = {}
    delays: dict[str, DelayFit | None] = {}
    steps = steps_of(export.stages)
    for first, then in steps:
        est, lags = _step(export.records, first, then, end)
        if est is not None:
            conversions[f"{first}->{then}"] = est
            delays[f"{first}->{then}"] = fit_delays(lags)
    by_channel: dict[str, dict[str, Estimate]] = {}
    for ch, rs in channels.items():
        for first, then in steps:
            est, _ = _step(rs, first, then, end)
            if est is not None:
                by_channel.setdefault(ch, {})[f"{first}->{then}"] = est
    return Estimates(export, float(days), arrivals, weekdays, conversions, by_channel, delays)


def describe(est: Estimate, *, percent: bool = False, unit: str = "") -> str:
    """``12.3 (11.8–12.9, 1,204 leads)`` as the review table shows an estimate."""
    if percent:
        return f"{est.value * 100:.1f} % ({est.low * 100:.1f}–{est.high * 100:.1f} %, n = {est.n:,})"
    return f"{est.value:.3g}{unit} ({est.low:.3g}–{est.high:.3g}, n = {est.n:,})"

