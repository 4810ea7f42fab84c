"""Checks of single field values against their :class:`~flowsim.model.kinds.FieldSpec` type.

Each check returns ``None`` when the value is fine, or ``(message, subkey)`` where subkey
names the part at fault (``"per_day"`` in ``arrivals``) so the error can point at its line.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

from flowsim.model.distribution import parse_distribution
from flowsim.model.duration import ValueProblem, is_number, parse_duration
from flowsim.model.money import parse_deal_value, parse_rate, parse_recurring

__all__ = ["check_value", "Problem"]

Problem = tuple[str, Any] | None


def _probability(value: Any) -> Problem:
    if not is_number(value) or not 0 <= value <= 1:
        return (f"must be a probability between 0 and 1, got {value!r}", None)
    return None


def _count(value: Any) -> Problem:
    if not is_number(value) or value != int(value) or value < 1:
        return (f"must be a whole number ≥ 1, got {value!r}", None)
    return None


def _whole(value: Any) -> Problem:
    if not is_number(value) or value != int(value) or value < 0:
        return (f"must be a whole number ≥ 0, got {value!r}", None)
    return None


def _amount(value: Any) -> Problem:
    if not is_number(value) or value < 0:
        return (f"must be a number ≥ 0, got {value!r}", None)
    return None


def _number(value: Any) -> Problem:
    if not is_number(value):
        return (f"must be a number, got {value!r}", None)
    return None


def _text(value: Any) -> Problem:
    if not isinstance(value, str):
        return (f"must be text, got {value!r}", None)
    return None


def _rule(value: Any) -> Problem:
    if not isinstance(value, str) or not value.strip():
        return (f"must be a rule such as \"score >= 60\", got {value!r}", None)
    return None


def _duration(value: Any) -> Problem:
    try:
        parse_duration(value)
    except ValueProblem as problem:
        return (str(problem), None)
    return None




def _mapping(value: Any) -> Problem:
    if not isinstance(value, Mapping):
        return (f"must be a mapping of keys to values, got {value!r}", None)
    return None


def _list(value: Any) -> Problem:
    if not isinstance(value, list):
        return (f"must be a list, got {value!r}", None)
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            return (f"item {index + 1} must be a mapping such as {{when: ..., points: 10}}", index)
    return None


_RATES = {"per_day": 1.0, "per_week": 1 / 7, "per_month": 12 / 365}


def _arrivals(value: Any) -> Problem:
    if not isinstance(value, Mapping):
        return ("must be a mapping such as {per_day: 40}", None)
    rates = [key for key in _RATES if key in value]
    if len(rates) != 1:
        return ("needs exactly one of per_day, per_week, per_month", None)
    for key in value:
        if key not in _RATES and key not in ("weekdays", "months", "ramp"):
            return (f"unknown key {key!r}; arrivals take a rate, weekdays, months and ramp", key)
    rate = value[rates[0]]
    if not is_number(rate) or rate < 0:
        return (f"{rates[0]} must be a number ≥ 0, got {rate!r}", rates[0])
    for key, count, order in (("weekdays", 7, "Monday first"), ("months", 12, "the run's first month first")):
        if key in value:
            weights = value[key]
            if (
                not isinstance(weights, list)
                or len(weights) != count
                or not all(is_number(w) and w >= 0 for w in weights)
            ):
                return (f"{key} must be {count} weights ≥ 0, {order}", key)
            if not any(weights):
                return (f"{key} cannot all be 0", key)
    if "ramp" in value:
        problem = _duration(value["ramp"])
        if problem:
            return (f"ramp: {problem[0]}", "ramp")
    return None


def arrivals_per_day(value: Mapping[str, Any]) -> float:
    """The mean daily arrival rate of a valid ``arrivals`` mapping."""
    for key, factor in _RATES.items():
        if key in value:
            return float(value[key]) * factor
    return 0.0


def check_attributes(value: Any) -> Problem:
    """Attributes: each a categorical mix (weights summing to 1) or a numeric distribution."""
    problem = _mapping(value)
    if problem:
        return problem
    for name, spec in value.items():
        if isinstance(spec, Mapping) and "dist" in spec:
            try:
                parse_distribution(spec, durations=False)
            except ValueProblem as err:
                return (f"attribute {name!r}: {err}", name)
        elif isinstance(spec, Mapping) and spec:
            weights = list(spec.values())
            if not all(is_number(w) and w >= 0 for w in weights):
                return (f"attribute {name!r}: shares must be numbers ≥ 0", name)
            total = math.fsum(weights)
            if abs(total - 1) > 1e-6:
                return (f"attribute {name!r}: shares sum to {total:g}, not 1", name)
        else:
            return (
                f"attribute {name!r} must be a mix such as {{VP: 0.2, Manager: 0.8}} "
                "or a distribution such as {dist: lognormal, mean: 250, sd: 400}",
                name,
            )
    return None


def check_behaviours(value: Any) -> Problem:
    problem = _mapping(value)
    if problem:
        return problem
    for name, p in value.items():
        if _probability(p):
            return (f"behaviour {name!r} must be a probability between 0 and 1, got {p!r}", name)
    return None


def check_decay(value: Any) -> Problem:
    problem = _mapping(value)
    if problem:
        return problem
    if "half_life" in value:
        bad = _duration(value["half_life"])
        return (f"half_life: {bad[0]}", "half_life") if bad else None
    if "window" in value:
        bad = _duration(value["window"])
        return (f"window: {bad[0]}", "window") if bad else None
    if "percent" in value and "every" in value:
        if not is_number(value["percent"]) or not 0 <= value["percent"] <= 100:
            return ("percent must be between 0 and 100", "percent")
        bad = _duration(value["every"])
        return (f"every: {bad[0]}", "every") if bad else None
    return ("decay needs {half_life: 30d}, {percent: 25, every: 30d} or {window: 30d}", None)


def check_speed_to_lead(value: Any) -> Problem:
    """A curve of wait → acceptance multiplier: ``{5m: 1.0, 1h: 0.5, 24h: 0.1}``."""
    if not isinstance(value, Mapping) or not value:
        return ("must map waits to multipliers, such as {5m: 1.0, 1h: 0.5, 24h: 0.1}", None)
    seen = set()
    for wait, multiplier in value.items():
        problem = _duration(wait)
        if problem:
            return (f"{wait!r} is not a wait: {problem[0]}", wait)
        if not is_number(multiplier) or multiplier < 0:
            return (f"the multiplier for {wait} must be a number ≥ 0, got {multiplier!r}", wait)
        days = parse_duration(wait)
        if days in seen:
            return (f"{wait} repeats a wait given already", wait)
        seen.add(days)
    return None


def _parsed_by(parse: Callable[[Any], Any]) -> Callable[[Any], Problem]:
    """A check that passes when ``parse`` accepts the value."""
    def check(value: Any) -> Problem:
        try:
            parse(value)
        except ValueProblem as problem:
            return (str(problem), problem.key)
        return None

    return check


def check_every(value: Any) -> Problem:
    """A nurture stream's spacing: a duration above 0 (at 0 every touch is at once)."""
    problem = _duration(value)
    if problem:
        return problem
    if parse_duration(value) <= 0:
        return (f"touches must be spaced by more than 0, got {value!r}; write e.g. 1w", None)
    return None


_TYPES: dict[str, Callable[[Any], Problem]] = {
    "probability": _probability,
    "count": _count,
    "whole": _whole,
    "amount": _amount,
    "number": _number,
    "text": _text,
    "rule": _rule,
    "duration": _duration,
    "distribution": _parsed_by(parse_distribution),
    "mapping": _mapping,
    "list": _list,
    "arrivals": _arrivals,
    "rate": _parsed_by(parse_rate),
    "value": _parsed_by(parse_deal_value),
    "recurring": _parsed_by(parse_recurring),
}

# Fields whose shape is richer than their type says.
_BY_KEY: dict[str, Callable[[Any], Problem]] = {
    "attributes": check_attributes,
    "behaviours": check_behaviours,
    "decay": check_decay,
    "speed_to_lead": check_speed_to_lead,
    "every": check_every,
}


def check_value(key: str, type_: str, value: Any) -> Problem:
    """Check ``value`` of field ``key`` whose spec type is ``type_``."""
    check = _BY_KEY.get(key) or _TYPES[type_]
    return check(value)


def check_type(type_: str, value: Any) -> Problem:
    """Check ``value`` against a bare type name (``count``, ``probability``…)."""
    return _TYPES[type_](value)
