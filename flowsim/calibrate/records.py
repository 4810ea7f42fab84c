"""Lead records from a CRM export: HubSpot's contacts export, a Salesforce lead report, or
any CSV through a mapping file.

A record is one lead: when it was created, its channel, and when it became an MQL, an
SQL and a customer (each ``None`` when it did not, or not yet). Milestones are nested as
the simulation counts them: a lead that skipped a step is counted for it at the later
step's date. Rows that cannot be read are skipped and reported with their line, never
silently dropped.

A mapping file (YAML) names the columns and, optionally, which channel each value means::

    columns: {created: Lead created, channel: Source, mql: MQL date, sql: SQL date,
              customer: Won date}
    channels: {Google Ads: paid_search, LinkedIn: linkedin_ads}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from flowsim.calibrate.csvread import Table
from flowsim.calibrate.dates import DateReader
from flowsim.errors import FlowFileError

__all__ = ["LeadRecord", "Export", "records_from", "LAYOUTS", "STAGES", "read_mapping"]

#: The milestones after creation, in order.
STAGES = ("mql", "sql", "customer")

#: Column names of the exports flowsim knows, by meaning (matched without regard to case).
LAYOUTS: dict[str, dict[str, str]] = {
    "HubSpot": {
        "created": "Create Date",
        "channel": "Original Source",
        "mql": "Became a Marketing Qualified Lead Date",
        "sql": "Became a Sales Qualified Lead Date",
        "customer": "Became a Customer Date",
    },
    "Salesforce": {
        "created": "Created Date",
        "channel": "Lead Source",
        "sql": "Converted Date",
        "customer": "Close Date",
    },
}


@dataclass(frozen=True)
class LeadRecord:
    line: int
    created: datetime
    channel: str
    mql: datetime | None
    sql: datetime | None
    customer: datetime | None


@dataclass(frozen=True)
class Export:
    """The readable records of an export and what was skipped (``(line, reason)``)."""

    path: str
    layout: str
    records: tuple[LeadRecord, ...]
    skipped: tuple[tuple[int, str], ...]
    encoding: str
    separator: str
    channel_names: Mapping[str, str] = field(default_factory=dict)  # export value -> channel
    #: The milestones the export has columns for (Salesforce's lead report has no MQL date).
    stages: tuple[str, ...] = STAGES

    @property
    def start(self) -> datetime:
        return min(r.created for r in self.records)

    @property
    def end(self) -> datetime:
        """The last moment the export covers: its latest date of any kind."""
        return max(max(d for d in (r.created, r.mql, r.sql, r.customer) if d is not None) for r in self.records)


def read_mapping(path: str) -> dict[str, Any]:
    """A mapping file, checked: ``columns`` (meaning -> column) and ``channels``."""
    from flowsim.io.yamlread import read_yaml

    try:
        with open(path, "rb") as handle:
            text = handle.read(1_000_001).decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise FlowFileError(f"cannot read the mapping file: {err}", file=path) from None
    try:
        data = read_yaml(text).data
    except FlowFileError as err:
        raise err.with_file(path) from None
    if not isinstance(data, Mapping):
        raise FlowFileError("a mapping file holds 'columns' and 'channels'", file=path)
    for key in data:
        if key not in ("columns", "channels"):
            raise FlowFileError(f"unknown key {key!r}; a mapping file holds 'columns' and 'channels'", file=path)
    columns = data.get("columns", {})
    channels = data.get("channels", {})
    if not isinstance(columns, Mapping) or not all(isinstance(v, str) for v in columns.values()):
        raise FlowFileError("columns: map each meaning (created, channel, mql, sql, customer) to a column name",
                            file=path)
    for meaning in columns:
        if meaning not in ("created", "channel", *STAGES, "stage"):
            raise FlowFileError(f"columns: unknown meaning {meaning!r}; use created, channel, mql, sql, customer",
                                file=path)
    if not isinstance(channels, Mapping):
        raise FlowFileError("channels: map each value of the export to a source id of the flow", file=path)
    return {"columns": dict(columns), "channels": {str(k): str(v) for k, v in channels.items()}}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _layout(header: tuple[str, ...], mapping: Mapping[str, Any] | None) -> tuple[str, dict[str, int]]:
    """The export's layout and the index of each meaning's column."""
    where = {_norm(name): i for i, name in enumerate(header)}
    if mapping and mapping.get("columns"):
        name, columns = "mapping", mapping["columns"]
    else:
        for name, columns in LAYOUTS.items():
            if _norm(columns["created"]) in where and _norm(columns["channel"]) in where:
                break
        else:
            shown = ", ".join(header[:12]) + (", …" if len(header) > 12 else "")
            raise FlowFileError(
                "the columns are neither HubSpot's (Create Date, Original Source, …) nor Salesforce's "
                f"(Created Date, Lead Source, …); give a mapping file with --map. Columns found: {shown}",
                line=1,
            )
    index: dict[str, int] = {}
    for meaning, column in columns.items():
        if _norm(column) in where:
            index[meaning] = where[_norm(column)]
        elif meaning in ("created", "channel") or name == "mapping":
            raise FlowFileError(f"no column {column!r} (the {meaning} of each lead) in the export", line=1)
    if name == "Salesforce" and _norm("Stage") in where:
        index["stage"] = where[_norm("Stage")]
    return name, index


def records_from(table: Table, mapping: Mapping[str, Any] | None = None) -> Export:
    """The lead records of ``table``; bad rows are skipped and listed with their lines."""
    layout, index = _layout(table.header, mapping)
    width = len(table.header)
    readers = {
        meaning: DateReader.for_column(row[i] for row in table.rows if i < len(row))
        for meaning, i in index.items() if meaning in ("created", *STAGES)
    }
    names: dict[str, str] = dict((mapping or {}).get("channels", {}))
    records: list[LeadRecord] = []
    skipped: list[tuple[int, str]] = []
    column = {meaning: table.header[i] for meaning, i in index.items()}
    stages = tuple(stage for stage in STAGES if stage in index)
    for row, line in zip(table.rows, table.lines):
        if len(row) < width and len(row) <= max(index.values()):
            skipped.append((line, f"{len(row)} fields where the header has {width}"))
            continue
        dates: dict[str, datetime | None] = {}
        problem = None
        for meaning, read in readers.items():
            try:
                dates[meaning] = read(row[index[meaning]])
            except ValueError as err:
                problem = f"{column[meaning]}: {err}"
                break
        if problem is None and dates.get("created") is None:
            problem = f"no {column['created']}"
        if problem is None and layout == "Salesforce" and "stage" in index:
            # A close date counts as a win only on a won opportunity.
            if dates.get("customer") is not None and "won" not in row[index["stage"]].lower():
                dates["customer"] = None
        if problem is None:
            created = dates["created"]
            for stage in STAGES:
                when = dates.get(stage)
                if when is not None and when < created:
                    if when.date() == created.date() and when.time() == datetime.min.time():
                        dates[stage] = created  # a date without a time, on the day it was created
                        continue
                    problem = f"{column[stage]} is before {column['created']}"
                    break
        if problem is not None:
            skipped.append((line, problem))
            continue
        customer = dates.get("customer")
        sql = (dates.get("sql") or customer) if "sql" in stages else None
        mql = (dates.get("mql") or sql or customer) if "mql" in stages else None
        raw = row[index["channel"]].strip()
        channel = names.get(raw, raw) if raw else "(no channel)"
        records.append(LeadRecord(line, dates["created"], channel, mql, sql, customer))
    if not records:
        first = f": line {skipped[0][0]}: {skipped[0][1]}" if skipped else ""
        raise FlowFileError(f"no readable lead in the export{first}", file=table.path)
    return Export(table.path, layout, tuple(records), tuple(skipped), table.encoding, table.separator, names,
                  stages)
