"""Assigning leads to reps or teams: round-robin, weighted, or by territory.

.. code-block:: yaml

    assignment:
      policy: territory          # round_robin (default) | weighted | territory
      by: segment                # territory: the lead field that picks the territory
      within: round_robin        # territory: how to pick inside one (or weighted)
      reps:
        - {name: Ana, weight: 2, territory: enterprise}
        - {name: Bo, territory: [mid_market, smb]}
        - {name: Cy, available: false}     # on leave for this scenario
        - Dee                              # a bare name: weight 1, no territory
      fallback: [Dee]            # territory: reps for leads no territory covers
                                 # (default: every rep; [] leaves them unassigned)

Territories can also be given as a mapping, ``territories: {enterprise: [Ana]}``, instead
of on the reps. Unavailable reps (``available: false``, or named in ``unavailable`` when
assigning) are skipped: round-robin moves on to the next rep, weighted draws among the
others. An Assigner holds the round-robin positions, so make one per replication (or
call :meth:`Assigner.reset`); with the same seeded generator it assigns the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Container, Mapping

from flowsim.rules._config import Context, LineOf, Path
from flowsim.rules.fields import field_name_problem

__all__ = ["ASSIGNMENT_POLICIES", "Rep", "Assigner"]

ASSIGNMENT_POLICIES = ("round_robin", "weighted", "territory")
_WITHIN = ("round_robin", "weighted")


@dataclass(frozen=True, slots=True)
class Rep:
    """A rep (or a team): its ``name``, ``weight`` for weighted draws, the
    ``territories`` it covers, and whether it is ``available`` at all."""

    name: str
    weight: float = 1.0
    territories: tuple[Any, ...] = ()
    available: bool = True


class Assigner:
    """Picks the rep for each lead; build it with :meth:`from_config`."""

    def __init__(
        self,
        reps: tuple[Rep, ...],
        policy: str = "round_robin",
        *,
        by: str = "segment",
        territories: Mapping[Any, tuple[str, ...]] | None = None,
        fallback: tuple[str, ...] | None = None,
        within: str = "round_robin",
    ) -> None:
        if policy not in ASSIGNMENT_POLICIES:
            raise ValueError(f"unknown policy {policy!r}")
        self.reps = reps
        self.policy = policy
        self.by = by
        self.within = within
        index = {rep.name: i for i, rep in enumerate(reps)}
        everyone = tuple(range(len(reps)))
        self._all = everyone
        self._territories = {
            key: tuple(index[name] for name in names) for key, names in (territories or {}).items()
        }
        self._fallback = everyone if fallback is None else tuple(index[n] for n in fallback)
        self._pick_weighted = policy == "weighted" or (
            policy == "territory" and within == "weighted"
        )
        self._next: dict[tuple[int, ...], int] = {}

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        *,
        fields: Collection[str] | None = None,
        line: int | None = None,
        line_of: LineOf | None = None,
        path: Path = ("assignment",),
    ) -> "Assigner":
        """Parse the value of a node's ``assignment`` key.

        RuleErrors name the key path (``assignment.reps[1].weight``, with ``path`` as
        its start) and the line (``line_of(path...)`` else ``line``).
        """
        ctx = Context(fields, line, line_of)
        ctx.mapping(config, path)
        ctx.keys(config, path, ("policy", "reps", "by", "within", "territories", "fallback"))
        policy = config.get("policy", "round_robin")
        if policy not in ASSIGNMENT_POLICIES:
            raise ctx.error(
                (*path, "policy"),
                f"unknown policy {policy!r}; use one of {', '.join(ASSIGNMENT_POLICIES)}",
            )
        if config.get("reps") is None:
            raise ctx.error(path, "'reps' is missing: list the reps or teams")
        reps = _reps(ctx, config["reps"], (*path, "reps"))
        names = [rep.name for rep in reps]
        by = config.get("by", "segment")
        problem = field_name_problem(by)
        if problem is None and ctx.fields is not None and by not in ctx.fields:
            problem = f"leads have no field {by!r}"
        if problem:
            raise ctx.error((*path, "by"), problem)
        within = config.get("within", "round_robin")
        if within not in _WITHIN:
            raise ctx.error((*path, "within"), f"use one of {', '.join(_WITHIN)}, not {within!r}")
        territories = _territories(ctx, config.get("territories"), reps, (*path, "territories"))
        fallback = None
        if config.get("fallback") is not None:
            fallback = _names(ctx, config["fallback"], names, (*path, "fallback"))
        if policy == "territory" and not territories:
            raise ctx.error(
                path, "policy territory needs 'territory' on the reps or a 'territories' map"
            )
        return cls(
            reps, policy, by=by, territories=territories, fallback=fallback, within=within
        )

    def reset(self) -> None:
        """Forget the round-robin positions (as at the start of a replication)."""
        self._next.clear()

    def assign(
        self,
        lead: Mapping[str, Any] | None = None,
        rng: Any = None,
        unavailable: Container[str] = (),
    ) -> str | None:
        """The name of the rep that gets ``lead``, or ``None`` if no rep is available.

        ``rng`` (a ``numpy.random.Generator``) is needed by weighted policies only;
        ``unavailable`` names reps to skip this time. ``lead`` is read by ``territory``.
        """
        if self.policy != "territory":
            return self._pick(self._all, rng, unavailable)
        key = None if lead is None else lead.get(self.by)
        try:
            pool = self._territories.get(key)
        except TypeError:  # an unhashable field value is in no territory
            pool = None
        if pool is not None:
            chosen = self._pick(pool, rng, unavailable)
            if chosen is not None:
                return chosen
        return self._pick(self._fallback, rng, unavailable)

    def _pick(self, pool: tuple[int, ...], rng: Any, unavailable: Container[str]) -> str | None:
        reps = self.reps
        if self._pick_weighted:
            ready = [i for i in pool if reps[i].available and reps[i].name not in unavailable]
            if not ready:
                return None
            if rng is None:
                raise ValueError("weighted assignment needs a random generator (rng)")
            total = sum(reps[i].weight for i in ready)
            target = rng.random() * total
            for i in ready:
                target -= reps[i].weight
                if target < 0:
                    return reps[i].name
            return reps[ready[-1]].name  # float rounding at the very top
        start = self._next.get(pool, 0)
        size = len(pool)
        for step in range(size):
            position = (start + step) % size
            rep = reps[pool[position]]
            if rep.available and rep.name not in unavailable:
                self._next[pool] = position + 1
                return rep.name
        return None

    def __repr__(self) -> str:
        return f"Assigner({self.policy}, {len(self.reps)} reps)"


def _reps(ctx: Context, raw: object, path: Path) -> tuple[Rep, ...]:
    items = ctx.sequence(raw, path, "a list of reps")
    if not items:
        raise ctx.error(path, "list at least one rep or team")
    reps: list[Rep] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = (*path, i)
        if isinstance(item, str):
            item = {"name": item}
        entry = ctx.mapping(item, where, "a rep: a name or {name: ..., weight: ...}")
        ctx.keys(entry, where, ("name", "weight", "territory", "available"), required=("name",))
        name = ctx.text(entry["name"], (*where, "name"), "a rep name")
        if name in seen:
            raise ctx.error((*where, "name"), f"rep {name!r} is listed twice")
        seen.add(name)
        weight = 1.0
        if entry.get("weight") is not None:
            weight = ctx.number(entry["weight"], (*where, "weight"), above=0)
        territory = entry.get("territory")
        if territory is None:
            covered: tuple[Any, ...] = ()
        elif isinstance(territory, (list, tuple)):
            covered = tuple(territory)
        else:
            covered = (territory,)
        for key in covered:
            if isinstance(key, (list, dict)) or key is None:
                raise ctx.error((*where, "territory"), f"{key!r} is not a territory name")
        available = entry.get("available", True)
        if not isinstance(available, bool):
            raise ctx.error((*where, "available"), f"expected true or false, got {available!r}")
        reps.append(Rep(name, weight, covered, available))
    return tuple(reps)


def _names(ctx: Context, raw: object, known: list[str], path: Path) -> tuple[str, ...]:
    items = [raw] if isinstance(raw, str) else ctx.sequence(raw, path, "a list of rep names")
    for name in items:
        if name not in known:
            raise ctx.error(path, f"{name!r} is not one of the reps ({', '.join(known)})")
    return tuple(items)


def _territories(
    ctx: Context, raw: object, reps: tuple[Rep, ...], path: Path
) -> dict[Any, tuple[str, ...]]:
    """The territory → rep names map, from the reps' ``territory`` or from ``raw``."""
    on_reps: dict[Any, list[str]] = {}
    for rep in reps:
        for key in rep.territories:
            on_reps.setdefault(key, []).append(rep.name)
    if raw is None:
        return {key: tuple(names) for key, names in on_reps.items()}
    if on_reps:
        raise ctx.error(path, "give territories on the reps or as this map, not both")
    spec = ctx.mapping(raw, path, "a map of territory → rep names")
    known = [rep.name for rep in reps]
    return {key: _names(ctx, names, known, (*path, key)) for key, names in spec.items()}
