"""Lead scoring (the ``score`` node): fit and engagement points, caps, decay, threshold.

.. code-block:: yaml

    kind: score
    fit:                                   # who they are
      - {when: "job_title in ['VP', 'Director']", points: 20}
      - {when: "job_title == 'Student'", points: -10}
    engagement:                            # what they do
      - {when: "pricing_page", points: 15}
    caps: {fit: 60, engagement: 60, total: 100}
    decay: {half_life: 30d}                # or {percent: 25, every: 30d}, or {window: 30d}
    threshold: 60                          # total >= threshold makes an MQL

Every rule whose ``when`` holds adds its points (rules are not first-match). A group's
points are capped from above by its cap and may be negative; the total is
``fit + engagement``, clamped to ``[0, caps.total]``. Decay shrinks engagement points
toward zero as simulated time passes since they were earned; fit never decays. All of
this is pure: the same lead and times always give the same score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Collection, Mapping

from flowsim.rules._config import Context, LineOf, Path
from flowsim.rules.expr import Rule

__all__ = ["SCORING_KEYS", "Score", "PointRule", "Decay", "ScoringModel"]

#: The keys of a score node that scoring reads.
SCORING_KEYS = ("fit", "engagement", "caps", "decay", "threshold")

# Step decay counts whole periods; a hair of slack keeps 59.99999999 days from reading as
# less than two 30-day periods after float arithmetic on simulated clocks.
_PERIOD_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class Score:
    """A lead's score: ``fit`` and ``engagement`` points (each capped), their capped
    ``total`` (never below 0), and whether ``total`` reaches the MQL threshold."""

    fit: float
    engagement: float
    total: float
    is_mql: bool

    def as_fields(self) -> dict[str, float]:
        """The lead fields this score sets: ``score``, ``fit_score``, ``engagement_score``."""
        return {"score": self.total, "fit_score": self.fit, "engagement_score": self.engagement}


@dataclass(frozen=True, slots=True)
class PointRule:
    """``points`` (may be negative) for a lead for which ``rule`` holds."""

    rule: Rule
    points: float


@dataclass(frozen=True, slots=True)
class Decay:
    """How engagement points fade: ``kind`` is ``half_life``, ``percent`` or ``window``.

    * ``half_life`` (days): points halve every ``days``, continuously.
    * ``percent`` every ``days``: points lose ``percent`` % at the end of each whole
      period (−25 % a month is ``{percent: 25, every: 30d}``).
    * ``window`` (days): points count in full for ``days``, then not at all.
    """

    kind: str
    days: float
    percent: float = 0.0

    def factor(self, elapsed: float) -> float:
        """The share of engagement points left ``elapsed`` days after they were earned."""
        if elapsed < 0:
            raise ValueError(f"elapsed time cannot be negative, got {elapsed}")
        if self.kind == "half_life":
            return 0.5 ** (elapsed / self.days)
        if self.kind == "percent":
            periods = math.floor(elapsed / self.days + _PERIOD_SLACK)
            return (1.0 - self.percent / 100.0) ** periods
        return 1.0 if elapsed < self.days else 0.0

    def curve(self) -> Callable[[float], float]:
        """:meth:`factor` as a plain function for hot loops: the same values, but it does
        not check its argument (the caller promises ``elapsed >= 0``)."""
        days = self.days
        if self.kind == "half_life":
            return lambda elapsed: 0.5 ** (elapsed / days)
        if self.kind == "percent":
            keep = 1.0 - self.percent / 100.0
            floor = math.floor
            return lambda elapsed: keep ** floor(elapsed / days + _PERIOD_SLACK)
        return lambda elapsed: 1.0 if elapsed < days else 0.0


class ScoringModel:
    """The parsed scoring of one score node; build it with :meth:`from_config`."""

    def __init__(
        self,
        fit: tuple[PointRule, ...] = (),
        engagement: tuple[PointRule, ...] = (),
        *,
        cap_fit: float | None = None,
        cap_engagement: float | None = None,
        cap_total: float | None = None,
        decay: Decay | None = None,
        threshold: float | None = None,
    ) -> None:
        self.fit = fit
        self.engagement = engagement
        self.cap_fit = cap_fit
        self.cap_engagement = cap_engagement
        self.cap_total = cap_total
        self.decay_rule = decay
        self.threshold = threshold
        self._index()

    def _index(self) -> None:
        # The raw functions, for the loop in score(); rebuilt after unpickling.
        self._fit = tuple((p.rule.fn, p.points) for p in self.fit)
        self._engagement = tuple((p.rule.fn, p.points) for p in self.engagement)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

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
    ) -> "ScoringModel":
        """Parse a score node's mapping (other node keys are ignored).

        Raises RuleError naming the key path (``fit[2].when``) and the line: the one
        ``line_of(path)`` gives, else ``line``. ``fields`` are the known lead fields.
        """
        ctx = Context(fields, line, line_of)
        ctx.mapping(config, ())
        fit = _point_rules(ctx, config.get("fit"), ("fit",))
        engagement = _point_rules(ctx, config.get("engagement"), ("engagement",))
        caps: dict[str, float | None] = {"fit": None, "engagement": None, "total": None}
        if config.get("caps") is not None:
            raw = ctx.mapping(config["caps"], ("caps",))
            ctx.keys(raw, ("caps",), tuple(caps))
            for key, value in raw.items():
                caps[key] = ctx.number(value, ("caps", key), low=0)
        decay = _decay(ctx, config.get("decay"))
        threshold = None
        if config.get("threshold") is not None:
            threshold = ctx.number(config["threshold"], ("threshold",))
        return cls(
            fit,
            engagement,
            cap_fit=caps["fit"],
            cap_engagement=caps["engagement"],
            cap_total=caps["total"],
            decay=decay,
            threshold=threshold,
        )

    def score(self, lead: Mapping[str, Any]) -> Score:
        """Score ``lead`` now: the points of every rule that holds, capped."""
        fit = _sum(self._fit, self.fit, lead)
        if self.cap_fit is not None and fit > self.cap_fit:
            fit = self.cap_fit
        engagement = _sum(self._engagement, self.engagement, lead)
        if self.cap_engagement is not None and engagement > self.cap_engagement:
            engagement = self.cap_engagement
        return self.combine(fit, engagement)

    def combine(self, fit: float, engagement: float) -> Score:
        """The score of already-capped group points: total clamped to [0, cap], MQL test."""
        total = fit + engagement
        if total < 0.0:
            total = 0.0
        elif self.cap_total is not None and total > self.cap_total:
            total = self.cap_total
        is_mql = self.threshold is not None and total >= self.threshold
        return Score(fit, engagement, total, is_mql)

    def decay_factor(self, elapsed: float) -> float:
        """Share of engagement points left ``elapsed`` days on (1.0 without decay)."""
        if self.decay_rule is None:
            if elapsed < 0:
                raise ValueError(f"elapsed time cannot be negative, got {elapsed}")
            return 1.0
        return self.decay_rule.factor(elapsed)

    def decay(self, score: Score, since: float, until: float) -> Score:
        """``score`` (earned at simulated time ``since``) as it stands at ``until``: its
        engagement points decayed, total and MQL status recomputed. Times are in days."""
        factor = self.decay_factor(until - since)
        if factor == 1.0:
            return score
        return self.combine(score.fit, score.engagement * factor)

    def rules(self) -> tuple[Rule, ...]:
        """Every rule of the model, fit first (for validation and the GUI)."""
        return tuple(p.rule for p in (*self.fit, *self.engagement))

    def __repr__(self) -> str:
        return (
            f"ScoringModel({len(self.fit)} fit rules, {len(self.engagement)} engagement "
            f"rules, threshold={self.threshold})"
        )


def _sum(pairs: tuple[tuple[Any, float], ...], rules: tuple[PointRule, ...], lead: Any) -> float:
    total = 0.0
    try:
        for fn, points in pairs:
            if fn(lead):
                total += points
    except Exception:
        for point_rule in rules:  # rules are pure: the failing one fails again, worded
            point_rule.rule(lead)
        raise
    return total


def _point_rules(ctx: Context, raw: object, path: Path) -> tuple[PointRule, ...]:
    if raw is None:
        return ()
    items = ctx.sequence(raw, path, "a list of {when: ..., points: ...}")
    out = []
    for i, item in enumerate(items):
        where = (*path, i)
        entry = ctx.mapping(item, where, "{when: ..., points: ...}")
        ctx.keys(entry, where, ("when", "points"), required=("when", "points"))
        rule = ctx.rule(entry["when"], (*where, "when"))
        points = ctx.number(entry["points"], (*where, "points"))
        out.append(PointRule(rule, points))
    return tuple(out)


def _decay(ctx: Context, raw: object) -> Decay | None:
    if raw is None:
        return None
    path: Path = ("decay",)
    spec = ctx.mapping(raw, path, "{half_life: 30d}, {percent: 25, every: 30d} or {window: 30d}")
    ctx.keys(spec, path, ("half_life", "percent", "every", "window"))
    forms = [k for k in ("half_life", "percent", "window") if k in spec]
    if len(forms) != 1:
        raise ctx.error(
            path, "give one of half_life, percent (with every) or window"
        )
    form = forms[0]
    if form != "percent" and "every" in spec:
        raise ctx.error((*path, "every"), "'every' goes with 'percent'")
    if form == "percent":
        if "every" not in spec:
            raise ctx.error(path, "'percent' needs 'every' (e.g. every: 30d)")
        percent = ctx.number(spec["percent"], (*path, "percent"), above=0, high=100)
        every = ctx.duration(spec["every"], (*path, "every"), positive=True)
        return Decay("percent", every, percent)
    days = ctx.duration(spec[form], (*path, form), positive=True)
    return Decay(form, days)
