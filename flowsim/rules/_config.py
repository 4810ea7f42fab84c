"""Reading rule configs (plain dicts from YAML) with errors that say where.

Every error names the key path inside the node (``fit[2].points``) and the file line:
``line_of(path)``, when the loader can tell, else the node's ``line``.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Collection, Mapping, Sequence

from flowsim.errors import RuleError
from flowsim.model.duration import ValueProblem, parse_duration
from flowsim.rules.expr import Rule, compile_rule
from flowsim.rules.typecheck import FieldTypes

Path = tuple[Any, ...]
LineOf = Callable[[Path], "int | None"]


def path_text(path: Path) -> str:
    """``("fit", 2, "when")`` → ``fit[2].when``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class Context:
    """Where a config comes from: the known fields, the node's line and a finer lookup."""

    def __init__(
        self,
        fields: Collection[str] | None = None,
        line: int | None = None,
        line_of: LineOf | None = None,
    ) -> None:
        # Field types, when given, stay: rules compiled with them are type checked too.
        self.fields: Collection[str] | None = (
            fields if fields is None or isinstance(fields, FieldTypes) else frozenset(fields)
        )
        self.line = line
        self.line_of = line_of

    def line_at(self, path: Path) -> int | None:
        if self.line_of is not None:
            for end in range(len(path), 0, -1):
                found = self.line_of(path[:end])
                if found is not None:
                    return found
        return self.line

    def error(self, path: Path, message: str, column: int | None = None) -> RuleError:
        """A RuleError whose message starts with the key path: ``fit[2].points: ...``."""
        prefix = path_text(path)
        text = f"{prefix}: {message}" if prefix else message
        return self.located(path, text, column)

    def located(self, path: Path, message: str, column: int | None = None) -> RuleError:
        """A RuleError at the line of ``path``, message as given."""
        return RuleError(message, line=self.line_at(path), column=column)

    def rule(self, raw: object, path: Path) -> Rule:
        if not isinstance(raw, str):
            raise self.error(path, f"a rule must be text (in quotes), got {raw!r}")
        try:
            return compile_rule(raw, fields=self.fields, line=self.line_at(path))
        except RuleError as err:
            raise self.error(path, err.message, err.column) from None

    def mapping(self, raw: object, path: Path, what: str = "a mapping") -> Mapping[Any, Any]:
        if not isinstance(raw, Mapping):
            raise self.error(path, f"expected {what}, got {raw!r}")
        return raw

    def sequence(self, raw: object, path: Path, what: str = "a list") -> Sequence[Any]:
        if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
            raise self.error(path, f"expected {what}, got {raw!r}")
        return raw

    def keys(
        self,
        raw: Mapping[Any, Any],
        path: Path,
        allowed: Sequence[str],
        required: Sequence[str] = (),
    ) -> None:
        for key in raw:
            if key not in allowed:
                raise self.error(
                    (*path, key), f"unknown key {key!r}; expected {', '.join(allowed)}"
                )
        for key in required:
            if key not in raw:
                raise self.error(path, f"'{key}' is missing")

    def number(
        self,
        raw: object,
        path: Path,
        *,
        low: float | None = None,
        high: float | None = None,
        above: float | None = None,
    ) -> float:
        """A finite number (not a bool) with ``low <= x <= high`` and ``x > above``."""
        if not is_number(raw):
            raise self.error(path, f"expected a number, got {raw!r}")
        value = float(raw)  # type: ignore[arg-type]
        if low is not None and value < low:
            raise self.error(path, f"must be at least {low:g}, got {raw!r}")
        if high is not None and value > high:
            raise self.error(path, f"must be at most {high:g}, got {raw!r}")
        if above is not None and value <= above:
            raise self.error(path, f"must be more than {above:g}, got {raw!r}")
        return value

    def duration(self, raw: object, path: Path, *, positive: bool = False) -> float:
        try:
            days = parse_duration(raw)
        except ValueProblem as problem:
            raise self.error(path, str(problem)) from None
        if positive and days <= 0:
            raise self.error(path, f"must be longer than zero, got {raw!r}")
        return days

    def text(self, raw: object, path: Path, what: str = "a name") -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise self.error(path, f"expected {what}, got {raw!r}")
        return raw
