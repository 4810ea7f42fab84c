"""The lead fields rules can read, and which names are free to be fields.

A lead is a plain mapping from field name to value. The simulation keeps the built-in
fields (:data:`LEAD_FIELDS`) up to date; a source adds the lead's attributes and
behaviours (see :mod:`flowsim.rules.attributes`). A field a lead lacks reads as ``None``.
"""

from __future__ import annotations

from typing import Iterable

__all__ = [
    "LEAD_FIELDS",
    "COMMON_ATTRIBUTES",
    "CONSTANT_NAMES",
    "FUNCTION_NAMES",
    "RESERVED_NAMES",
    "field_name_problem",
    "known_fields",
]

#: Fields every lead has, kept current by the simulation. Durations are in days.
LEAD_FIELDS: tuple[str, ...] = (
    "score",  # total score (fit + engagement, capped) from the last score node
    "fit_score",  # fit points: who the lead is
    "engagement_score",  # engagement points: what the lead did (decays with time)
    "segment",  # set by a segment node
    "channel",  # id of the source node the lead came from
    "touches",  # nurture touches received so far
    "age",  # days since the lead was created
    "waited",  # days spent in the current node's queue
    "accepted",  # true once sales accepted the lead at a handoff (it became an SQL)
)

#: Attribute names the templates and the GUI suggest (a source must still generate them).
COMMON_ATTRIBUTES: tuple[str, ...] = (
    "job_title",
    "company_size",
    "industry",
    "region",
    "budget",
    "authority",
    "need",
    "timeline",
)

#: Names that read as constants in a rule (Python's spelling and YAML's).
CONSTANT_NAMES: dict[str, object] = {
    "true": True,
    "false": False,
    "none": None,
    "null": None,
}

#: The functions a rule may call (the table with arities lives in ``functions.py``).
FUNCTION_NAMES: tuple[str, ...] = (
    "min",
    "max",
    "abs",
    "round",
    "lower",
    "upper",
    "contains",
    "len",
    "days",
    "hours",
    "minutes",
    "weeks",
)

#: Names that can never be field names: constants and functions.
RESERVED_NAMES: frozenset[str] = frozenset(CONSTANT_NAMES) | frozenset(FUNCTION_NAMES) | {
    "True",
    "False",
    "None",
}


def field_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a field that rules read, or ``None`` when it can.

    A field name is a Python identifier that does not start with ``_`` and is neither a
    constant (``true``, ``null``…) nor a function name (``min``, ``days``…).
    """
    if not isinstance(name, str) or not name:
        return f"{name!r} is not a name; use letters, digits and _"
    if not name.isidentifier() or not name.isascii():
        return f"{name!r} cannot be read by rules; use letters, digits and _ (no spaces)"
    if name.startswith("_"):
        return f"{name!r} cannot start with _"
    if name in RESERVED_NAMES:
        return f"{name!r} is a reserved word in rules"
    import keyword  # only reached on a name worth checking this far

    if keyword.iskeyword(name):
        return f"{name!r} is a reserved word in rules"
    return None


def known_fields(*generated: Iterable[str]) -> frozenset[str]:
    """The built-in fields plus the names in each of ``generated`` (e.g. each source's
    ``AttributeGenerator.fields``): what ``compile_rule(..., fields=...)`` should accept."""
    names = set(LEAD_FIELDS)
    for group in generated:
        names.update(group)
    return frozenset(names)
