"""The functions a rule may call, and the run-time guards compiled rules use.

These objects are the *only* things a compiled rule can reach besides the lead: the
compiler puts them in the rule function's globals (with empty ``__builtins__``) under
names that start with ``_``, which user text can never spell.

Every function propagates a missing value: given ``None`` it returns ``None``
(``contains`` returns ``False``), so anything computed from a missing field is missing,
and a comparison with it is false. Wrong types raise :class:`RuleTypeError`, which
``Rule.__call__`` turns into a :class:`~flowsim.errors.RuleError` naming the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["RuleTypeError", "Function", "FUNCTIONS", "GUARDS", "NUMERIC_TYPES", "MAX_TEXT_CHARS"]


class RuleTypeError(TypeError):
    """A value of the wrong type met an operator or function in a rule (already worded
    for users)."""


#: Types ``*`` and ``%`` accept (bool is harmless: ``True * 3`` is 3).
NUMERIC_TYPES = (int, float, bool)
_NUMERIC = frozenset(NUMERIC_TYPES)
_TEXT = str

#: Longest text a rule may build (with ``+``, ``upper``, ``lower``). Past it the rule
#: stops with a RuleError: a rule adding a long attribute to itself hundreds of times
#: would otherwise build gigabytes for each lead.
MAX_TEXT_CHARS = 10_000

#: ``round`` keeps at most this many digits either side of the point: ``round(5, -10**9)``
#: would otherwise compute ``10 ** 10**9``.
MAX_ROUND_DIGITS = 15


def _type_name(value: object) -> str:
    if value is None:
        return "a missing value"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _need_number(fn: str, value: object) -> None:
    if type(value) not in _NUMERIC:
        raise RuleTypeError(f"{fn}() needs a number, got {_type_name(value)}")


def _need_text(fn: str, value: object) -> None:
    if type(value) is not _TEXT:
        raise RuleTypeError(f"{fn}() needs text, got {_type_name(value)}")


# --- the guards behind operators -------------------------------------------------------


def _mul(a: Any, b: Any) -> Any:
    """``a * b`` for numbers only: never repeats text (``'a' * 10**9``)."""
    if a is None or b is None:
        return None
    if type(a) in _NUMERIC and type(b) in _NUMERIC:
        return a * b
    raise RuleTypeError(f"* works on numbers only, got {_type_name(a)} and {_type_name(b)}")


def _add(a: Any, b: Any) -> Any:
    """``a + b``: numbers add, texts join up to :data:`MAX_TEXT_CHARS`, missing stays
    missing; anything else raises the TypeError the rule's error words for users."""
    if a is None or b is None:
        return None
    if type(a) is _TEXT and type(b) is _TEXT and len(a) + len(b) > MAX_TEXT_CHARS:
        raise RuleTypeError(_too_long(len(a) + len(b)))
    return a + b


def _too_long(chars: int) -> str:
    return f"the rule builds a text of {chars:,} characters; the limit is {MAX_TEXT_CHARS:,}"


def _mod(a: Any, b: Any) -> Any:
    """``a % b`` for numbers only: never formats text (``'%999999999d' % 1``)."""
    if a is None or b is None:
        return None
    if type(a) in _NUMERIC and type(b) in _NUMERIC:
        return a % b
    raise RuleTypeError(f"% works on numbers only, got {_type_name(a)} and {_type_name(b)}")


def _isin(item: Any, container: Any) -> bool:
    """``item in container`` when ``container`` is not a list literal: text contains
    text; a missing side is never in anything."""
    if item is None or container is None:
        return False
    if type(container) is _TEXT:
        if type(item) is not _TEXT:
            raise RuleTypeError(f"'in' text needs text on the left, got {_type_name(item)}")
        return item in container
    if isinstance(container, (list, tuple, set, frozenset)):
        return item in container
    raise RuleTypeError(f"'in' needs a list or text on the right, got {_type_name(container)}")


# --- the functions users call ----------------------------------------------------------


def _min(*values: Any) -> Any:
    for value in values:
        if value is None:
            return None
    return min(values)


def _max(*values: Any) -> Any:
    for value in values:
        if value is None:
            return None
    return max(values)


def _abs(x: Any) -> Any:
    if x is None:
        return None
    _need_number("abs", x)
    return abs(x)


def _round(x: Any, digits: Any = None) -> Any:
    if x is None:
        return None
    _need_number("round", x)
    if digits is None:
        return round(x)
    if type(digits) is not int or not -MAX_ROUND_DIGITS <= digits <= MAX_ROUND_DIGITS:
        raise RuleTypeError(
            f"round() takes a whole number of digits from {-MAX_ROUND_DIGITS} "
            f"to {MAX_ROUND_DIGITS}"
        )
    return round(x, digits)


def _lower(text: Any) -> Any:
    if text is None:
        return None
    _need_text("lower", text)
    out = text.lower()
    if len(out) > MAX_TEXT_CHARS:
        raise RuleTypeError(_too_long(len(out)))
    return out


def _upper(text: Any) -> Any:
    if text is None:
        return None
    _need_text("upper", text)
    out = text.upper()  # can be longer than the text: "ß".upper() is "SS"
    if len(out) > MAX_TEXT_CHARS:
        raise RuleTypeError(_too_long(len(out)))
    return out


def _contains(text: Any, part: Any) -> bool:
    if text is None or part is None:
        return False
    _need_text("contains", text)
    _need_text("contains", part)
    return part in text


def _len(text: Any) -> Any:
    if text is None:
        return None
    if not isinstance(text, (str, list, tuple, set, frozenset)):
        raise RuleTypeError(f"len() needs text, got {_type_name(text)}")
    return len(text)


def _unit(name: str, days_per_unit: float) -> Callable[[Any], Any]:
    def convert(n: Any) -> Any:
        if n is None:
            return None
        _need_number(name, n)
        return n * days_per_unit

    convert.__name__ = f"_{name}"
    convert.__qualname__ = f"_{name}"
    return convert


@dataclass(frozen=True)
class Function:
    """One callable of the rule language.

    ``result`` is the kind of value it returns (``"num"``, ``"str"``, ``"bool"`` or
    ``"any"``); ``fold`` says a call with literal numbers may be computed at compile time.
    """

    name: str
    impl: Callable[..., Any]
    min_args: int
    max_args: int | None
    result: str
    doc: str
    fold: bool = False

    @property
    def global_name(self) -> str:
        return "_" + self.name


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("min", _min, 2, None, "any", "smallest of the values"),
        Function("max", _max, 2, None, "any", "largest of the values"),
        Function("abs", _abs, 1, 1, "num", "absolute value"),
        Function("round", _round, 1, 2, "num", "round(x) or round(x, digits)"),
        Function("lower", _lower, 1, 1, "str", "text in lower case"),
        Function("upper", _upper, 1, 1, "str", "text in upper case"),
        Function("contains", _contains, 2, 2, "bool", "contains(text, part): part occurs in text"),
        Function("len", _len, 1, 1, "num", "length of a text"),
        Function("days", _unit("days", 1.0), 1, 1, "num", "n days (durations are in days)", True),
        Function("hours", _unit("hours", 1 / 24), 1, 1, "num", "n hours, in days", True),
        Function("minutes", _unit("minutes", 1 / 1440), 1, 1, "num", "n minutes, in days", True),
        Function("weeks", _unit("weeks", 7.0), 1, 1, "num", "n weeks, in days", True),
    )
}

#: Operator guards by global name.
GUARDS: dict[str, Callable[..., Any]] = {"_mul": _mul, "_mod": _mod, "_isin": _isin, "_add": _add}


def rule_globals() -> dict[str, Any]:
    """A fresh globals dict for one compiled rule: the guards and functions, no builtins."""
    names: dict[str, Any] = {"__builtins__": {}}
    names.update(GUARDS)
    for function in FUNCTIONS.values():
        names[function.global_name] = function.impl
    return names
