"""Dates as CRM exports write them, read into days.

HubSpot writes ``2026-01-05 14:03`` or ``2026-01-05T14:03:00Z``, Salesforce follows the
user's locale (``1/5/2026 2:03 PM`` in the US, ``05.01.2026`` in Germany,
``05/01/2026`` in the UK), and spreadsheets re-save them as they please. A column is
read with the formats that parse most of its values, so an ambiguous ``05/01/2026``
is read the way the rest of its column says (day first when some day is above 12);
values in another format still parse when a format for them exists.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Iterable, Sequence

__all__ = ["DateReader", "to_days"]

_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", "T%H:%M", "T%H:%M:%S", "T%H:%M:%S.%f")
_ISO = tuple(f"%Y-%m-%d{t}" for t in _TIMES) + tuple(f"%Y/%m/%d{t}" for t in _TIMES)
_MONTH_FIRST = tuple(f"%m/%d/%Y{t}" for t in _TIMES) + tuple(f"%m/%d/%y{t}" for t in _TIMES)
_DAY_FIRST = (tuple(f"%d/%m/%Y{t}" for t in _TIMES) + tuple(f"%d.%m.%Y{t}" for t in _TIMES)
              + tuple(f"%d-%m-%Y{t}" for t in _TIMES) + tuple(f"%d/%m/%y{t}" for t in _TIMES))
_NAMED = tuple(f"%d %b %Y{t}" for t in _TIMES) + tuple(f"%b %d, %Y{t}" for t in _TIMES) + \
    tuple(f"%d %B %Y{t}" for t in _TIMES) + tuple(f"%B %d, %Y{t}" for t in _TIMES)

#: A date that starts with two small numbers: 05/01/2026, 5.1.26, 05-01-2026.
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")


def _clean(text: str) -> str:
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1]
    # "+01:00" offsets: keep the local clock time the CRM user saw.
    if len(text) > 19 and text[-6] in "+-" and text[-3] == ":" and "T" in text:
        text = text[:-6]
    return " ".join(text.split())


def _parse(text: str, formats: Sequence[str]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


class DateReader:
    """Reads one column's dates; build it with :meth:`for_column` from the column's values."""

    def __init__(self, formats: Sequence[str], fallback: Sequence[str] = ()) -> None:
        self.formats = tuple(formats)
        self.fallback = tuple(fallback)  # tried last, and never remembered (the other family)
        self._last = self.formats[0]  # a column mostly keeps one format: try it first

    @classmethod
    def for_column(cls, values: Iterable[str]) -> "DateReader":
        """Order the formats so the ambiguous family the column's own values favour comes
        first: month first (US) unless some value only parses day first."""
        day_first = month_first = 0
        for value in values:
            found = _NUMERIC_DATE.match(value.strip()) if value else None
            if found:
                a, b = int(found.group(1)), int(found.group(2))
                day_first += a > 12 >= b
                month_first += b > 12 >= a
        first, other = (_DAY_FIRST, _MONTH_FIRST) if day_first > month_first else (_MONTH_FIRST, _DAY_FIRST)
        return cls(_ISO + first + _NAMED, other)

    def __call__(self, text: str) -> datetime | None:
        """The date and time in ``text``; ``None`` for an empty cell.

        Raises ValueError naming the text when it is not a date in any known format."""
        if text is None or not text.strip():
            return None
        cleaned = _clean(text)
        try:
            return datetime.strptime(cleaned, self._last)
        except ValueError:
            pass
        found = None
        for fmt in self.formats:
            try:
                found = datetime.strptime(cleaned, fmt)
            except ValueError:
                continue
            self._last = fmt
            break
        if found is None:
            found = _parse(cleaned, self.fallback)
        if found is None:
            # Unix timestamps in milliseconds (HubSpot's API exports).
            if cleaned.isdigit() and len(cleaned) >= 12:
                return datetime.fromtimestamp(int(cleaned) / 1000, tz=timezone.utc).replace(tzinfo=None)
            raise ValueError(f"{text.strip()!r} is not a date (use a form such as 2026-01-31 or 1/31/2026)")
        return found


def to_days(moment: datetime, start: datetime) -> float:
    """Days from ``start`` to ``moment``, as the simulation counts them."""
    return (moment - start).total_seconds() / 86400.0
