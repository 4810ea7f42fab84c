"""How leads from a source look: attributes and behaviours drawn at random.

.. code-block:: yaml

    attributes:
      job_title: {VP: 0.1, Director: 0.2, Manager: 0.4, Individual: 0.3}   # a mix
      company_size: {dist: lognormal, mean: 250, sd: 400}                 # a distribution
      industry: SaaS                                                      # a constant
    behaviours:
      pricing_page: 0.3          # probability that the lead did it (→ true/false)
      webinar: 0.1

A mix's weights must sum to 1 (within 1e-6). Values come out as plain Python objects
(``str``, ``float``, ``bool``), never numpy scalars, so rules compare them at full speed.
Draws use only the numpy ``Generator`` passed in, attributes first then behaviours, each
in file order: the same seed gives the same leads.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from flowsim.model.distribution import Distribution, parse_distribution
from flowsim.model.duration import ValueProblem
from flowsim.rules._config import Context, LineOf, is_number
from flowsim.rules.fields import LEAD_FIELDS, field_name_problem

if TYPE_CHECKING:
    import numpy as np

__all__ = ["SOURCE_KEYS", "WEIGHT_TOLERANCE", "MAX_VALUE_CHARS", "Categorical", "AttributeGenerator"]

#: The keys of a source node that attribute generation reads.
SOURCE_KEYS = ("attributes", "behaviours")
#: How far a mix's weights may sum from 1.
WEIGHT_TOLERANCE = 1e-6
#: Longest text value an attribute may take: rules copy and join these for every lead.
MAX_VALUE_CHARS = 1_000


class Categorical:
    """A mix of values with probabilities (``values[i]`` with ``weights[i]``, which are
    scaled to sum to 1)."""

    __slots__ = ("values", "weights", "_cumulative", "_array")

    def __init__(self, values: tuple[Any, ...], weights: tuple[float, ...]) -> None:
        total = sum(weights)
        if len(values) != len(weights) or not values or total <= 0 or min(weights) < 0:
            raise ValueError("a mix needs as many weights ≥ 0 as values, not all zero")
        self.values = values
        self.weights = weights
        cumulative, running = [], 0.0
        for w in weights:
            running += w / total
            cumulative.append(running)
        last = max(i for i, w in enumerate(weights) if w > 0)
        for i in range(last, len(cumulative)):  # u < 1 always finds a value of weight > 0
            cumulative[i] = 1.0
        self._cumulative = tuple(cumulative)
        self._array = None  # numpy's copy, made by the first sample_many (numpy loads late)

    def sample(self, rng: np.random.Generator) -> Any:
        return self.values[bisect.bisect_right(self._cumulative, rng.random())]

    def sample_many(self, rng: np.random.Generator, size: int) -> list[Any]:
        import numpy as np  # checking a flow builds mixes too; only drawing needs numpy

        if self._array is None:
            self._array = np.array(self._cumulative)
        picks = np.searchsorted(self._array, rng.random(size), side="right")
        values = self.values
        return [values[i] for i in picks.tolist()]

    def __repr__(self) -> str:
        return f"Categorical({dict(zip(self.values, self.weights))!r})"


@dataclass(frozen=True)
class _Constant:
    value: Any

    def sample(self, rng: np.random.Generator) -> Any:
        return self.value

    def sample_many(self, rng: np.random.Generator, size: int) -> list[Any]:
        return [self.value] * size


@dataclass(frozen=True)
class _Numeric:
    dist: Distribution

    def sample(self, rng: np.random.Generator) -> float:
        return float(self.dist.sample(rng))

    def sample_many(self, rng: np.random.Generator, size: int) -> list[float]:
        import numpy as np

        return np.asarray(self.dist.sample(rng, size), dtype=float).tolist()


class AttributeGenerator:
    """Draws the attributes and behaviours of a source's leads.

    ``fields`` names everything it sets (attributes, then behaviours): the fields rules
    may read on leads from this source.
    """

    def __init__(
        self,
        attributes: Mapping[str, Any] | None = None,
        behaviours: Mapping[str, float] | None = None,
    ) -> None:
        self.attributes = dict(attributes or {})
        self.behaviours = dict(behaviours or {})
        self.fields = (*self.attributes, *self.behaviours)
        self._samplers = tuple(self.attributes.items())
        self._behaviours = tuple(self.behaviours.items())

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        *,
        line: int | None = None,
        line_of: LineOf | None = None,
    ) -> "AttributeGenerator":
        """Parse a source node's ``attributes`` and ``behaviours`` (other keys ignored).

        RuleErrors name the attribute (``attributes.job_title: ...``) and the line.
        """
        ctx = Context(None, line, line_of)
        ctx.mapping(config, ())
        attributes: dict[str, Any] = {}
        raw = config.get("attributes")
        if raw is not None:
            for name, spec in ctx.mapping(raw, ("attributes",)).items():
                path = ("attributes", name)
                _check_name(ctx, name, path)
                attributes[name] = _sampler(ctx, spec, path)
        behaviours: dict[str, float] = {}
        raw = config.get("behaviours")
        if raw is not None:
            for name, p in ctx.mapping(raw, ("behaviours",)).items():
                path = ("behaviours", name)
                _check_name(ctx, name, path)
                if name in attributes:
                    raise ctx.error(path, f"{name!r} is already an attribute")
                behaviours[name] = ctx.number(p, path, low=0, high=1)
        return cls(attributes, behaviours)

    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        """One lead's attributes and behaviours."""
        lead = {name: sampler.sample(rng) for name, sampler in self._samplers}
        for name, p in self._behaviours:
            lead[name] = bool(rng.random() < p)
        return lead

    def draw_many(self, rng: np.random.Generator, size: int) -> list[dict[str, Any]]:
        """``size`` leads' attributes at once (vectorised; faster than ``size`` draws,
        but a different use of the random stream than :meth:`draw`)."""
        names = [name for name, _ in self._samplers]
        columns = [sampler.sample_many(rng, size) for _, sampler in self._samplers]
        for name, p in self._behaviours:
            names.append(name)
            columns.append((rng.random(size) < p).tolist())
        if not names:
            return [{} for _ in range(size)]
        return [dict(zip(names, row)) for row in zip(*columns)]

    def __repr__(self) -> str:
        return (
            f"AttributeGenerator(attributes={list(self.attributes)}, "
            f"behaviours={list(self.behaviours)})"
        )


def _check_name(ctx: Context, name: object, path: tuple[Any, ...]) -> None:
    problem = field_name_problem(name)
    if problem is None and name in LEAD_FIELDS:
        problem = f"{name!r} is a built-in lead field; the simulation sets it"
    if problem:
        raise ctx.error(path, problem)


def _sampler(ctx: Context, spec: object, path: tuple[Any, ...]) -> Any:
    if isinstance(spec, Mapping) and "dist" not in spec:
        return _categorical(ctx, spec, path)
    if isinstance(spec, Mapping) or is_number(spec):
        try:
            return _Numeric(parse_distribution(spec, durations=False))
        except ValueProblem as problem:
            key = (*path, problem.key) if problem.key else path
            raise ctx.error(key, str(problem)) from None
    if isinstance(spec, (str, bool)):
        _check_length(ctx, spec, path)
        return _Constant(spec)
    raise ctx.error(
        path,
        "expected a mix {value: probability, ...}, a distribution {dist: ...}, "
        f"a number or a text, got {spec!r}",
    )


def _check_length(ctx: Context, value: object, path: tuple[Any, ...]) -> None:
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        raise ctx.error(
            path, f"a value of {len(value):,} characters is too long; attribute values "
            f"take at most {MAX_VALUE_CHARS:,}"
        )


def _categorical(ctx: Context, spec: Mapping[Any, Any], path: tuple[Any, ...]) -> Categorical:
    if not spec:
        raise ctx.error(path, "a mix needs at least one value")
    values, weights = [], []
    for value, weight in spec.items():
        if not isinstance(value, (str, int, float, bool)):
            raise ctx.error(path, f"{value!r} cannot be a value of a mix")
        _check_length(ctx, value, path)
        if not is_number(weight) or weight < 0:
            raise ctx.error(
                (*path, value), f"the weight of {value!r} must be a number ≥ 0, got {weight!r}"
            )
        values.append(value)
        weights.append(float(weight))
    total = sum(weights)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        raise ctx.error(path, f"the weights sum to {total:g}; they must sum to 1")
    return Categorical(tuple(values), tuple(weights))
