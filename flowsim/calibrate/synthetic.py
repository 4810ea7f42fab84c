"""CRM-like exports made from a simulated flow: for tests, benchmarks and the docs.

:func:`simulated_leads` runs one replication and returns each lead's milestones as
dates; :func:`write_hubspot` and :func:`write_salesforce` write them in those tools'
column layouts and date styles, so a calibration can be checked against a flow whose
true numbers are known.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from flowsim.model.flow import Flow

__all__ = ["SyntheticLead", "simulated_leads", "write_hubspot", "write_salesforce"]


@dataclass(frozen=True)
class SyntheticLead:
    channel: str  # the source's label, as a CRM would name it
    created: datetime
    mql: datetime | None
    sql: datetime | None
    customer: datetime | None


def simulated_leads(flow: Flow, *, days: float, start: datetime, seed: int = 1, index: int = 0) -> list[SyntheticLead]:
    """Replication ``index`` of ``flow`` over ``days`` from ``start`` (a Monday, for the
    flow's weekday shapes), each measured lead with its milestones, in creation order."""
    from flowsim.sim.engine import Replication
    from flowsim.sim.plan import compile_flow

    plan = compile_flow(flow)
    rep = Replication(plan, days=days, warmup=0.0, seed=seed, index=index)
    rep.milestones = []
    rep.run()
    labels = {n.id: n.label or n.id for n in flow.nodes}

    def at(t: float | None) -> datetime | None:
        return None if t is None else start + timedelta(days=t)

    leads = [SyntheticLead(labels[ch], at(c), at(m), at(s), at(w)) for ch, c, m, s, w in rep.milestones]
    return sorted(leads, key=lambda lead: lead.created)


def write_hubspot(leads: Sequence[SyntheticLead], path: str, *, extra_rows: Sequence[Sequence[str]] = ()) -> None:
    """A HubSpot contacts export: ISO dates with time, one row a lead."""
    def iso(d: datetime | None) -> str:
        return "" if d is None else d.strftime("%Y-%m-%d %H:%M")

    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Record ID", "First Name", "Create Date", "Original Source", "Lifecycle Stage",
                      "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date",
                      "Became a Customer Date"])
        for n, lead in enumerate(leads, 1):
            stage = ("customer" if lead.customer else "salesqualifiedlead" if lead.sql
                     else "marketingqualifiedlead" if lead.mql else "lead")
            out.writerow([n, f"Lead {n}", iso(lead.created), lead.channel, stage, iso(lead.mql), iso(lead.sql),
                          iso(lead.customer)])
        out.writerows(extra_rows)


def write_salesforce(leads: Sequence[SyntheticLead], path: str, *, separator: str = ",", bom: bool = False,
                     extra_rows: Sequence[Sequence[str]] = ()) -> None:
    """A Salesforce lead and opportunity report: US dates, status and stage columns."""
    def us(d: datetime | None, time: bool = False) -> str:
        if d is None:
            return ""
        text = f"{d.month}/{d.day}/{d.year}"
        return f"{text} {d.strftime('%I:%M %p').lstrip('0')}" if time else text

    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        out = csv.writer(handle, delimiter=separator)
        out.writerow(["Lead ID", "Created Date", "Lead Source", "Status", "Converted Date", "Stage", "Close Date"])
        for n, lead in enumerate(leads, 1):
            status = "Closed - Converted" if lead.sql else "Working - Contacted" if lead.mql else "Open - Not Contacted"
            stage = "Closed Won" if lead.customer else ("Negotiation" if lead.sql else "")
            out.writerow([f"00Q{n:07d}", us(lead.created, time=True), lead.channel, status, us(lead.sql), stage,
                          us(lead.customer)])
        out.writerows(extra_rows)
