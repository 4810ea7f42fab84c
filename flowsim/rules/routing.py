"""Leaving a node: which outgoing edge a lead takes (design.md, "Leaving a node").

``when`` edges are tested in file order and the first that holds wins; else one
``probability`` edge is drawn by its probability; the remainder (1 − sum) takes the edge
with neither key if there is one, else the lead leaks at this node.

>>> router = Router.from_edges([
...     {"from": "scoring", "to": "sdr", "when": "score >= 60"},
...     {"from": "scoring", "to": "lost", "probability": 0.1},
...     {"from": "scoring", "to": "nurture"},
... ])
>>> router.route({"score": 75}, u=0.5), router.route({"score": 10}, u=0.05)
(0, 1)
>>> router.route({"score": 10}, u=0.5)
2
"""

from __future__ import annotations

from typing import Any, Collection, Mapping, Sequence

from flowsim.errors import RuleError
from flowsim.rules._config import Context, LineOf, is_number
from flowsim.rules.expr import Rule, compile_rule

__all__ = ["Router", "PROBABILITY_SLACK"]

#: How far above 1 the probabilities of a node's edges may sum (float rounding of 0.1s).
PROBABILITY_SLACK = 1e-9


def _get(edge: Any, key: str) -> Any:
    if isinstance(edge, Mapping):
        return edge.get(key)
    return getattr(edge, key, None)


def _edge_name(edge: Any, index: int) -> str:
    if isinstance(edge, Mapping):
        source, target = edge.get("from"), edge.get("to")
    else:
        source, target = getattr(edge, "source", None), getattr(edge, "target", None)
    if source is not None and target is not None:
        return f"edge {source} → {target}"
    return f"edge {index + 1}"


class Router:
    """Chooses the outgoing edge of a node for a lead; build it with :meth:`from_edges`.

    Attributes: ``conditions`` ((edge index, Rule) in file order), ``probabilities``
    ((edge index, p) in file order), ``default`` (edge index or ``None``) and
    ``leak_probability`` (the share of leads no when edge takes that leak here:
    1 − sum of p without a default edge, else 0).
    """

    def __init__(
        self,
        conditions: tuple[tuple[int, Rule], ...] = (),
        probabilities: tuple[tuple[int, float], ...] = (),
        default: int | None = None,
    ) -> None:
        self.conditions = conditions
        self.probabilities = probabilities
        self.default = default
        total = sum(p for _, p in probabilities)
        self.leak_probability = 0.0 if default is not None else max(0.0, 1.0 - total)
        self._index()

    def _index(self) -> None:
        # The raw functions and cumulative bounds route() walks; rebuilt after unpickling.
        self._tests = tuple((rule.fn, index) for index, rule in self.conditions)
        cumulative, running = [], 0.0
        for index, p in self.probabilities:
            running += p
            cumulative.append((running, index))
        self._cumulative = tuple(cumulative)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._index()

    @classmethod
    def from_edges(
        cls,
        edges: Sequence[Any],
        *,
        fields: Collection[str] | None = None,
        line: int | None = None,
        line_of: LineOf | None = None,
        names: Sequence[str] | None = None,
    ) -> "Router":
        """Build the router of one node from its outgoing edges, in file order.

        Each edge is a mapping (the file's ``{from, to, when, probability}``) or an object
        with ``when`` and ``probability`` attributes. Errors name the edge (``names[i]``,
        else ``edge FROM → TO``) and its line: ``line_of((i,))`` / ``line_of((i, key))``,
        else ``line``. Refused: a ``when`` that is not a valid rule, both keys on one
        edge, a probability outside [0, 1], probabilities summing above 1, and two
        default edges.
        """
        ctx = Context(fields, line, line_of)
        conditions: list[tuple[int, Rule]] = []
        probabilities: list[tuple[int, float]] = []
        default = None
        total = 0.0
        for i, edge in enumerate(edges):
            name = names[i] if names is not None else _edge_name(edge, i)
            when, probability = _get(edge, "when"), _get(edge, "probability")
            if when is not None and probability is not None:
                raise ctx.located(
                    (i,), f"{name} has both 'when' and 'probability'; give one or neither"
                )
            if when is not None:
                if not isinstance(when, str):
                    raise ctx.located(
                        (i, "when"), f"{name}: 'when' must be a rule in quotes, got {when!r}"
                    )
                try:
                    rule = compile_rule(when, fields=ctx.fields, line=ctx.line_at((i, "when")))
                except RuleError as err:
                    raise ctx.located((i, "when"), f"{name}: {err.message}", err.column) from None
                conditions.append((i, rule))
            elif probability is not None:
                if not is_number(probability) or not 0.0 <= probability <= 1.0:
                    raise ctx.located(
                        (i, "probability"),
                        f"{name}: probability must be a number from 0 to 1, got {probability!r}",
                    )
                total += float(probability)
                if total > 1.0 + PROBABILITY_SLACK:
                    raise ctx.located(
                        (i, "probability"),
                        f"{name}: the probabilities of the edges leaving this node sum "
                        f"to {total:g}, above 1",
                    )
                probabilities.append((i, float(probability)))
            elif default is not None:
                first = (
                    names[default] if names is not None else _edge_name(edges[default], default)
                )
                raise ctx.located(
                    (i,),
                    f"{name} is a second default edge (no 'when', no 'probability') "
                    f"beside {first}; give it a condition or a probability",
                )
            else:
                default = i
        return cls(tuple(conditions), tuple(probabilities), default)

    def route(self, lead: Mapping[str, Any], u: float) -> int | None:
        """The index of the edge ``lead`` takes, or ``None`` if it leaks here.

        ``u`` is a uniform number in [0, 1), used only when no ``when`` edge holds.
        """
        try:
            for test, index in self._tests:
                if test(lead):
                    return index
        except Exception:
            for _, rule in self.conditions:  # rules are pure: the failing one fails again
                rule(lead)
            raise
        for bound, index in self._cumulative:
            if u < bound:
                return index
        return self.default

    @property
    def needs_random(self) -> bool:
        """Whether :meth:`route` reads ``u`` at all (some edge has a probability)."""
        return bool(self._cumulative)

    def __repr__(self) -> str:
        return (
            f"Router({len(self.conditions)} conditions, {len(self.probabilities)} "
            f"probabilities, default={self.default})"
        )
