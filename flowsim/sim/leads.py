"""A lead in a replication, and how its score moves with scoring, touches and decay.

A lead is what rules see — ``lead.fields``, a plain dict of field → value — plus the
engine's bookkeeping. Scoring follows :mod:`flowsim.rules.scoring`:

* at a score node every fit and engagement rule is evaluated; fit points are summed and
  capped; an engagement rule's points count as *earned* the first time that node finds
  the rule holding for this lead (they decay from then);
* a nurture touch that engages adds ``points`` engagement points earned at the touch;
* the score at time ``t`` is ``fit + Σ points × decay(t − earned)`` with the engagement
  sum capped and the total clamped to ``[0, caps.total]``, using the model of the last
  score node the lead passed. A lead that has passed no score node scores the plain sum
  of its touch points (no caps, no decay, no threshold).

A lead becomes an MQL the first time its score reaches its model's threshold, or when it
enters a handoff node, whichever comes first.
"""

from __future__ import annotations

from typing import Any

from flowsim.sim.plan import ScorePlan

__all__ = ["Lead", "score_at_node", "refresh"]


class Lead:
    """One arrival: a visitor until a capture form converts it, then a lead."""

    __slots__ = (
        "id", "fields", "channel", "born", "created", "measured", "hops", "node",
        "entered_at", "traced", "preconverted", "model", "fit", "terms", "first_held",
        "touch_terms", "scored_at", "mql_at", "sql_at", "won_at",
    )

    def __init__(self, lead_id: int, fields: dict[str, Any], channel: Any, born: float, measured: bool) -> None:
        self.id = lead_id
        self.fields = fields
        self.channel = channel  # the source's run state (channel counters)
        self.born = born  # arrival time at the source
        self.created: float | None = None  # when it became a lead
        self.measured = measured  # born after the warm-up: counted in the statistics
        self.hops = 0
        self.node: Any = None
        self.entered_at = born
        self.traced = False
        self.preconverted = False  # the bulk visit step already converted it at the form
        self.model: ScorePlan | None = None
        self.fit = 0.0
        self.terms: list[tuple[float, float]] = []  # (earned at, points) of engagement rules
        self.first_held: dict[tuple[int, int], float] | None = None
        self.touch_terms: list[tuple[float, float]] | None = None
        self.scored_at = -1.0
        self.mql_at: float | None = None
        self.sql_at: float | None = None
        self.won_at: float | None = None


def score_at_node(lead: Lead, plan: ScorePlan, now: float) -> None:
    """Evaluate ``plan``'s rules for ``lead`` at ``now`` and set its score fields.

    Raises the worded RuleError of the first rule that cannot be evaluated. When the
    lead was last scored by this very plan and its rules read no field the engine sets,
    they would give the same points again, so only the decay is brought up to date.
    """
    if lead.model is plan and plan.stable:
        refresh(lead, now)
        return
    fields = lead.fields
    fit = 0.0
    try:
        for fn, points, _ in plan.fit:
            if fn(fields):
                fit += points
    except Exception:
        for _, _, rule in plan.fit:
            rule(fields)
        raise
    if plan.cap_fit is not None and fit > plan.cap_fit:
        fit = plan.cap_fit
    terms: list[tuple[float, float]] = []
    if plan.engagement:
        held = lead.first_held
        if held is None:
            held = lead.first_held = {}
        key = plan.key
        try:
            for i, fn, points, _ in plan.engagement:
                if fn(fields):
                    earned = held.setdefault((key, i), now)
                    if terms and terms[-1][0] == earned:  # one decay factor per earning time
                        terms[-1] = (earned, terms[-1][1] + points)
                    else:
                        terms.append((earned, points))
        except Exception:
            for _, _, _, rule in plan.engagement:
                rule(fields)
            raise
    lead.model = plan
    lead.fit = fit
    lead.terms = terms
    lead.scored_at = -1.0
    refresh(lead, now)


def refresh(lead: Lead, now: float) -> None:
    """Set ``score``, ``fit_score`` and ``engagement_score`` as they stand at ``now``."""
    if lead.scored_at == now:
        return
    lead.scored_at = now
    plan = lead.model
    fields = lead.fields
    touches = lead.touch_terms
    if plan is None:
        engagement = sum(p for _, p in touches) if touches else 0.0
        fields["score"] = engagement if engagement > 0.0 else 0.0
        fields["engagement_score"] = engagement
        return
    factor = plan.factor
    engagement = 0.0
    if factor is None:
        for _, points in lead.terms:
            engagement += points
        if touches:
            for _, points in touches:
                engagement += points
    else:
        for earned, points in lead.terms:
            engagement += points * factor(now - earned)
        if touches:
            for earned, points in touches:
                engagement += points * factor(now - earned)
    if engagement > plan.engagement_cap:
        engagement = plan.engagement_cap
    fit = lead.fit
    total = fit + engagement
    if total < 0.0:
        total = 0.0
    elif total > plan.total_cap:
        total = plan.total_cap
    fields["score"] = total
    fields["fit_score"] = fit
    fields["engagement_score"] = engagement
    if total >= plan.mql_at and lead.mql_at is None and lead.created is not None:
        lead.mql_at = now


def add_touch_points(lead: Lead, points: float, now: float) -> None:
    """Engagement ``points`` earned by a nurture touch at ``now``."""
    if lead.touch_terms is None:
        lead.touch_terms = []
    lead.touch_terms.append((now, points))
    lead.scored_at = -1.0
