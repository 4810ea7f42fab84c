"""Durations as users write them: a number means days; a string takes a unit.

>>> parse_duration("30m") * 24 * 60
30.0
>>> parse_duration(2)
2.0
>>> format_duration(0.5)
'12h'
"""

from __future__ import annotations

import math
import re

__all__ = ["ValueProblem", "parse_duration", "format_duration", "UNIT_DAYS"]


class ValueProblem(ValueError):
    """A value that does not parse; ``key`` names the sub-field at fault, if any."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


#: Days in one of each unit a duration string may use.
UNIT_DAYS = {
    "s": 1 / 86400,
    "m": 1 / 1440,
    "min": 1 / 1440,
    "h": 1 / 24,
    "d": 1.0,
    "w": 7.0,
}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(s|min|m|h|d|w)\s*$")


#: Numbers in a flow are counts, rates, money and days: far below this.
MAX_MAGNITUDE = 1e15


def is_number(value: object) -> bool:
    """True for an int or float that is finite and below :data:`MAX_MAGNITUDE` in size.

    False for bool, which YAML users mean otherwise, and for integers too large to be a
    real count (and too large for float arithmetic).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int):
        return -MAX_MAGNITUDE < value < MAX_MAGNITUDE
    return math.isfinite(value) and abs(value) < MAX_MAGNITUDE


def parse_duration(value: object) -> float:
    """Return ``value`` in days; raise :class:`ValueProblem` if it is not a duration ≥ 0."""
    if is_number(value):
        days = float(value)  # type: ignore[arg-type]
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise ValueProblem(
                f"{value!r} is not a duration; write a number of days or a number "
                "with a unit: 30m, 2h, 3d, 1w"
            )
        days = float(match.group(1)) * UNIT_DAYS[match.group(2)]
        if not days < MAX_MAGNITUDE:  # 400 digits and a unit read as infinity
            raise ValueProblem(f"{value[:40]!r} is too long a duration; write at most {MAX_MAGNITUDE:.0e} days")
    else:
        raise ValueProblem(f"{value!r} is not a duration; write e.g. 30m, 2h, 3d or 1w")
    if days < 0:
        raise ValueProblem(f"a duration cannot be negative, got {value!r}")
    return days


def format_duration(days: float) -> str | float:
    """The shortest clean way to write ``days``: ``'30m'``, ``'2h'``, ``'1w'``, or a number.

    Whole numbers of days stay numbers, as the file format's default unit.
    """
    if days == int(days):
        whole = int(days)
        return f"{whole // 7}w" if whole and whole % 7 == 0 else whole
    for unit in ("h", "m", "s"):
        amount = days / UNIT_DAYS[unit]
        if abs(amount - round(amount)) < 1e-9:
            return f"{round(amount)}{unit}"
    return round(days, 6)
