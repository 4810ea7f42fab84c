"""The node kinds and the fields each accepts, in the order files write them.

This table is the one place that says what a field means and what values it takes; the
validator checks files against it and the app's inspector builds its editors from it.
Every kind's own fields are optional: a node without them passes each lead straight on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["NodeKind", "FieldSpec", "COMMON_FIELDS", "KIND_FIELDS", "fields_of", "KIND_INFO"]


class NodeKind(str, Enum):
    """What a step of the lead flow does; the value is the file's ``kind``."""

    SOURCE = "source"
    CAPTURE = "capture"
    SCORE = "score"
    SEGMENT = "segment"
    NURTURE = "nurture"
    HANDOFF = "handoff"
    SALES = "sales"
    SINK = "sink"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FieldSpec:
    """One field of a node: its file key, the type of value, and a one-line help text.

    Types: ``text``, ``rule`` (an expression), ``probability`` (0–1), ``count`` (whole ≥ 1),
    ``whole`` (whole ≥ 0), ``amount`` (number ≥ 0), ``number``, ``duration``,
    ``distribution`` (of durations), ``mapping``, ``list``, ``arrivals``; money: ``rate``
    (an amount per period), ``value`` (an amount or a distribution of amounts),
    ``recurring`` (see :mod:`flowsim.model.money`).
    """

    key: str
    type: str
    help: str


#: Fields every node accepts (after id, kind, label, position, color).
COMMON_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("notes", "text", "free text shown in the inspector"),
    FieldSpec("delay", "distribution", "time a lead spends here before moving on"),
    FieldSpec("capacity", "count", "how many leads are worked at once (reps); absent = unlimited"),
    FieldSpec("service", "distribution", "time to work one lead, once a rep takes it"),
    FieldSpec("patience", "distribution", "how long a lead waits in the queue before it goes cold and leaks"),
    FieldSpec("leak", "probability", "probability that a lead is lost here"),
)

KIND_FIELDS: dict[NodeKind, tuple[FieldSpec, ...]] = {
    NodeKind.SOURCE: (
        FieldSpec("arrivals", "arrivals", "Poisson arrivals: {per_day: N}, optional weekdays, months and ramp"),
        FieldSpec("cost_per_lead", "amount", "what one lead from this channel costs"),
        FieldSpec("spend", "rate", "fixed spend beside cost per lead: {per_month: 5000} (salaries, tools, retainers)"),
        FieldSpec("attributes", "mapping", "how leads look: categorical mixes or distributions per attribute"),
        FieldSpec("behaviours", "mapping", "probability that a lead shows each behaviour (pricing_page: 0.3)"),
    ),
    NodeKind.CAPTURE: (
        FieldSpec("conversion", "probability", "share of visitors who submit the form; the rest abandon"),
    ),
    NodeKind.SCORE: (
        FieldSpec("fit", "list", "fit rules: who they are → points"),
        FieldSpec("engagement", "list", "engagement rules: what they do → points"),
        FieldSpec("caps", "mapping", "caps on fit, engagement and total points"),
        FieldSpec("decay", "mapping", "engagement decay: {half_life: 30d}, {percent: 25, every: 30d} or {window: 30d}"),
        FieldSpec("threshold", "number", "score at which a lead becomes an MQL"),
    ),
    NodeKind.SEGMENT: (
        FieldSpec("segments", "list", "ordered rules, first match wins: {when: ..., segment: ...}"),
        FieldSpec("default", "text", "segment of a lead that matches no rule"),
    ),
    NodeKind.NURTURE: (
        FieldSpec("touches", "count", "emails in the stream; the stream is exhausted after the last"),
        FieldSpec("every", "duration", "time between touches"),
        FieldSpec("engage", "probability", "probability that a touch engages the lead"),
        FieldSpec("points", "number", "engagement points an engaged touch adds"),
        FieldSpec("unsubscribe", "probability", "probability that a touch makes the lead unsubscribe (leak)"),
        FieldSpec("exit_when", "rule", "the lead leaves the stream early when this holds"),
    ),
    NodeKind.HANDOFF: (
        FieldSpec("accept", "probability", "share of leads sales accepts when answered at once"),
        FieldSpec("speed_to_lead", "mapping",
                  "acceptance multiplier by wait: {5m: 1.0, 1h: 0.5, 24h: 0.1}; absent = the published effects"),
        FieldSpec("assignment", "mapping", "who gets the lead: round_robin, weighted or territory"),
        FieldSpec("cost_per_rep", "rate", "what one rep costs: {per_month: 6000}"),
    ),
    NodeKind.SALES: (
        FieldSpec("assignment", "mapping", "who gets the lead: round_robin, weighted or territory"),
        FieldSpec("cost_per_rep", "rate", "what one rep costs: {per_month: 6000}"),
    ),
    NodeKind.SINK: (
        FieldSpec("outcome", "text", "what reaching this node means: won, lost, disqualified, …"),
        FieldSpec("deal_value", "value", "what a won deal is worth (one-off or first year): a number or a distribution"),
        FieldSpec("recurring", "recurring", "revenue a customer brings monthly: {per_month: 1000, margin: 0.8, churn_per_month: 0.02}"),
    ),
}

#: A short description of each kind, for the palette and the docs.
KIND_INFO: dict[NodeKind, str] = {
    NodeKind.SOURCE: "Acquisition channel: leads arrive here",
    NodeKind.CAPTURE: "Landing-page capture form: visitors convert or abandon",
    NodeKind.SCORE: "Lead scoring: fit and engagement points, MQL threshold",
    NodeKind.SEGMENT: "List segmentation: ordered rules, first match wins",
    NodeKind.NURTURE: "Nurture emails: a drip of touches until the lead is ready",
    NodeKind.HANDOFF: "MQL-to-SQL handoff: reps accept or reject leads",
    NodeKind.SALES: "CRM / sales: reps work opportunities",
    NodeKind.SINK: "Outcome: won, lost, disqualified",
}


def fields_of(kind: NodeKind | str) -> tuple[FieldSpec, ...]:
    """Every field a node of ``kind`` accepts beyond id/kind/label/position/color."""
    return KIND_FIELDS[NodeKind(kind)] + COMMON_FIELDS
