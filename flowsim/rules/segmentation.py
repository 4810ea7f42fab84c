"""List segmentation (the ``segment`` node): ordered rules, the first that holds wins.

.. code-block:: yaml

    kind: segment
    segments:
      - {when: "company_size >= 1000", segment: enterprise}
      - {when: "company_size >= 100", segment: mid_market}
    default: smb
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Mapping

from flowsim.rules._config import Context, LineOf
from flowsim.rules.expr import Rule

__all__ = ["SEGMENT_KEYS", "SegmentRule", "Segmenter"]

#: The keys of a segment node that segmentation reads.
SEGMENT_KEYS = ("segments", "default")


@dataclass(frozen=True, slots=True)
class SegmentRule:
    rule: Rule
    segment: str


class Segmenter:
    """Picks a lead's segment: the first rule that holds, else ``default``.

    ``default`` is ``None`` when the node gives none; :meth:`segment_of` then returns
    ``None`` for a lead no rule matches, and the caller keeps the lead's segment as it was.
    """

    def __init__(self, rules: tuple[SegmentRule, ...] = (), default: str | None = None) -> None:
        self.rules = rules
        self.default = default
        self._index()

    def _index(self) -> None:
        # The raw functions, for the loop in segment_of(); rebuilt after unpickling.
        self._pairs = tuple((r.rule.fn, r.segment) for r in self.rules)

    def __getstate__(self) -> dict[str, Any]:
        return {"rules": self.rules, "default": self.default}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._index()

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        *,
        fields: Collection[str] | None = None,
        line: int | None = None,
        line_of: LineOf | None = None,
    ) -> "Segmenter":
        """Parse a segment node's mapping; RuleErrors name ``segments[i].when`` etc."""
        ctx = Context(fields, line, line_of)
        ctx.mapping(config, ())
        rules = []
        raw = config.get("segments")
        if raw is not None:
            items = ctx.sequence(raw, ("segments",), "a list of {when: ..., segment: ...}")
            for i, item in enumerate(items):
                where = ("segments", i)
                entry = ctx.mapping(item, where, "{when: ..., segment: ...}")
                ctx.keys(entry, where, ("when", "segment"), required=("when", "segment"))
                rule = ctx.rule(entry["when"], (*where, "when"))
                name = ctx.text(entry["segment"], (*where, "segment"), "a segment name")
                rules.append(SegmentRule(rule, name))
        default = None
        if config.get("default") is not None:
            default = ctx.text(config["default"], ("default",), "a segment name")
        return cls(tuple(rules), default)

    def segment_of(self, lead: Mapping[str, Any]) -> str | None:
        """The segment of the first rule that holds for ``lead``, else ``default``."""
        try:
            for fn, segment in self._pairs:
                if fn(lead):
                    return segment
        except Exception:
            for r in self.rules:  # rules are pure: the failing one fails again, worded
                r.rule(lead)
            raise
        return self.default

    @property
    def segments(self) -> tuple[str, ...]:
        """Every segment this node can give, in file order, default last, no repeats."""
        names = [r.segment for r in self.rules]
        if self.default is not None:
            names.append(self.default)
        return tuple(dict.fromkeys(names))

    def __repr__(self) -> str:
        return f"Segmenter({len(self.rules)} rules, default={self.default!r})"
