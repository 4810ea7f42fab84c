"""Distributions of durations and numbers, as the file format writes them.

``{dist: exponential, mean: 30m}``, ``{dist: lognormal, mean: 250, sd: 400}``, or a bare
duration for a fixed value. A :class:`Distribution` is immutable and samples from a
``numpy.random.Generator`` that the caller owns (never global random state).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Mapping

from flowsim.model.duration import ValueProblem, is_number, parse_duration

__all__ = ["Distribution", "DIST_PARAMS", "parse_distribution"]

#: For each distribution, the parameters it needs, in the order files write them.
DIST_PARAMS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "exponential": ("mean",),
    "uniform": ("min", "max"),
    "triangular": ("min", "mode", "max"),
    "lognormal": ("mean", "sd"),
    "normal": ("mean", "sd"),
    "gamma": ("mean", "sd"),
}


@dataclass(frozen=True)
class Distribution:
    """One distribution: ``kind`` (a key of :data:`DIST_PARAMS`) and its parameters.

    For durations the parameters are in days. Samples are never negative: a normal
    draw below zero counts as zero, since neither times nor counts of leads go below it.
    """

    kind: str
    params: tuple[tuple[str, float], ...]

    def __getitem__(self, name: str) -> float:
        return dict(self.params)[name]

    @property
    def mean(self) -> float:
        """The expected value (before clipping at zero, for ``normal``)."""
        p = dict(self.params)
        if self.kind == "fixed":
            return p["value"]
        if self.kind in ("exponential", "lognormal", "normal", "gamma"):
            return p["mean"]
        if self.kind == "uniform":
            return (p["min"] + p["max"]) / 2
        return (p["min"] + p["mode"] + p["max"]) / 3  # triangular

    def sample(self, rng: Any, size: int | None = None) -> Any:
        """Draw from ``rng`` (a ``numpy.random.Generator``); a float, or an array of ``size``."""
        p = dict(self.params)
        kind = self.kind
        if kind == "fixed":
            return p["value"] if size is None else _full(rng, size, p["value"])
        if kind == "exponential":
            return rng.exponential(p["mean"], size) if p["mean"] > 0 else _zero(rng, size)
        if kind == "uniform":
            return rng.uniform(p["min"], p["max"], size)
        if kind == "triangular":
            if p["min"] == p["max"]:
                return p["min"] if size is None else _full(rng, size, p["min"])
            return rng.triangular(p["min"], p["mode"], p["max"], size)
        if kind == "lognormal":
            mean, sd = p["mean"], p["sd"]
            if mean <= 0:
                return _zero(rng, size)
            # Parameters of the underlying normal that give this mean and sd.
            sigma2 = math.log1p((sd / mean) ** 2)
            mu = math.log(mean) - sigma2 / 2
            return rng.lognormal(mu, math.sqrt(sigma2), size)
        if kind == "gamma":
            mean, sd = p["mean"], p["sd"]
            if mean <= 0:
                return _zero(rng, size)
            if sd == 0:
                return mean if size is None else _full(rng, size, mean)
            # Shape and scale that give this mean and sd.
            return rng.gamma((mean / sd) ** 2, sd * sd / mean, size)
        draw = rng.normal(p["mean"], p["sd"], size)
        return max(draw, 0.0) if size is None else draw.clip(min=0.0)

    def quantile(self, q: float) -> float:
        """The value below which a share ``q`` (0–1) of draws fall (the median at 0.5),
        of the distribution as sampled: a normal is clipped at zero."""
        p = dict(self.params)
        kind = self.kind
        if kind == "fixed":
            return p["value"]
        if kind == "exponential":
            return -p["mean"] * math.log1p(-min(q, 1 - 1e-12))
        if kind == "uniform":
            return p["min"] + (p["max"] - p["min"]) * q
        if kind == "triangular":
            lo, mode, hi = p["min"], p["mode"], p["max"]
            if hi == lo:
                return lo
            cut = (mode - lo) / (hi - lo)
            if q < cut:
                return lo + math.sqrt(q * (hi - lo) * (mode - lo))
            return hi - math.sqrt((1 - q) * (hi - lo) * (hi - mode))
        z = NormalDist().inv_cdf(min(max(q, 1e-12), 1 - 1e-12))
        if kind == "lognormal":
            mean, sd = p["mean"], p["sd"]
            if mean <= 0:
                return 0.0
            sigma2 = math.log1p((sd / mean) ** 2)
            return math.exp(math.log(mean) - sigma2 / 2 + math.sqrt(sigma2) * z)
        return max(0.0, p["mean"] + p["sd"] * z)

    def density(self, x: float) -> float:
        """The probability density at ``x`` (0 for a fixed value; a fixed value has none)."""
        p = dict(self.params)
        kind = self.kind
        if kind == "fixed" or x < 0:
            return 0.0
        if kind == "exponential":
            return math.exp(-x / p["mean"]) / p["mean"] if p["mean"] > 0 else 0.0
        if kind == "uniform":
            width = p["max"] - p["min"]
            return 1 / width if width > 0 and p["min"] <= x <= p["max"] else 0.0
        if kind == "triangular":
            lo, mode, hi = p["min"], p["mode"], p["max"]
            if not lo <= x <= hi or hi == lo:
                return 0.0
            if x < mode:
                return 2 * (x - lo) / ((hi - lo) * (mode - lo))
            return 2 * (hi - x) / ((hi - lo) * (hi - mode)) if hi > mode else 2 / (hi - lo)
        if kind == "lognormal":
            mean, sd = p["mean"], p["sd"]
            if mean <= 0 or x <= 0:
                return 0.0
            sigma2 = math.log1p((sd / mean) ** 2)
            if sigma2 == 0:
                return 0.0
            mu = math.log(mean) - sigma2 / 2
            return math.exp(-((math.log(x) - mu) ** 2) / (2 * sigma2)) / (x * math.sqrt(2 * math.pi * sigma2))
        return NormalDist(p["mean"], p["sd"]).pdf(x) if p["sd"] > 0 else 0.0

    @classmethod
    def fixed(cls, value: float) -> "Distribution":
        return cls("fixed", (("value", float(value)),))


def _zero(rng: Any, size: int | None) -> Any:
    return 0.0 if size is None else _full(rng, size, 0.0)


def _full(rng: Any, size: int, value: float) -> Any:
    import numpy  # only array draws need it; a scalar draw stays import-free

    return numpy.full(size, value)


def parse_distribution(raw: object, *, durations: bool = True) -> Distribution:
    """Parse a file value into a :class:`Distribution`, or raise :class:`ValueProblem`.

    ``durations`` makes strings with units (``"30m"``) legal and numbers mean days;
    otherwise every parameter must be a plain number (attributes like company size).
    A bare value (``2h`` or ``5``) is a fixed distribution.
    """
    value = _parse_value if not durations else _parse_duration_value
    if not isinstance(raw, Mapping):
        return Distribution.fixed(value(raw, None))
    kind = raw.get("dist")
    if kind is not None and not isinstance(kind, str):
        raise ValueProblem(f"'dist' must be a name such as exponential, got {kind!r}", "dist")
    if kind is None:
        raise ValueProblem(
            "a distribution needs 'dist' (one of " + ", ".join(DIST_PARAMS) + ")", "dist"
        )
    if kind not in DIST_PARAMS:
        raise ValueProblem(
            f"unknown distribution {kind!r}; use one of " + ", ".join(DIST_PARAMS), "dist"
        )
    needed = DIST_PARAMS[kind]
    for key in raw:
        if key != "dist" and key not in needed:
            raise ValueProblem(
                f"'{kind}' takes {', '.join(needed)}, not {key!r}", str(key)
            )
    params = []
    for name in needed:
        if name not in raw:
            raise ValueProblem(f"'{kind}' needs {', '.join(needed)}; '{name}' is missing", name)
        params.append((name, value(raw[name], name)))
    p = dict(params)
    if kind == "uniform" and p["min"] > p["max"]:
        raise ValueProblem("uniform needs min ≤ max", "max")
    if kind == "triangular" and not p["min"] <= p["mode"] <= p["max"]:
        raise ValueProblem("triangular needs min ≤ mode ≤ max", "mode")
    if kind in ("lognormal", "normal", "gamma") and p["sd"] < 0:
        raise ValueProblem("sd cannot be negative", "sd")
    return Distribution(kind, tuple(params))


def _parse_duration_value(raw: object, key: str | None) -> float:
    try:
        return parse_duration(raw)
    except ValueProblem as problem:
        raise ValueProblem(str(problem), key) from None


def _parse_value(raw: object, key: str | None) -> float:
    if not is_number(raw):
        raise ValueProblem(f"{raw!r} is not a number", key)
    return float(raw)  # type: ignore[arg-type]
