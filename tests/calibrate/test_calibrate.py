"""Calibration recovers a known flow's numbers from the CRM exports it would have made."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from flowsim.calibrate.backtest import backtest
from flowsim.calibrate.command import calibrate_file
from flowsim.calibrate.csvread import read_table
from flowsim.calibrate.estimate import estimate
from flowsim.calibrate.propose import apply_changes, undo_changes
from flowsim.calibrate.records import records_from
from flowsim.calibrate.synthetic import simulated_leads, write_hubspot, write_salesforce
from flowsim.errors import FlowFileError
from flowsim.io import dumps_flow, loads_flow

#: The truth: two channels (one busier on weekdays), 40 % of leads become MQLs after a
#: lognormal(3 d, 2 d) scoring delay, 30 % of MQLs are accepted after a gamma(2 d, 1 d)
#: handoff, and 25 % of SQLs are won after a lognormal(21 d, 10 d) sales cycle.
TRUE_FLOW = """\
flowsim: 1
name: Known flow
simulation: {days: 180, replications: 10, seed: 3}

nodes:
  - id: paid_search
    kind: source
    label: Paid Search
    position: [0, 0]
    arrivals: {per_day: 20, weekdays: [1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5]}

  - id: organic
    kind: source
    label: Organic Search
    position: [0, 200]
    arrivals: {per_day: 8}

  - id: scoring
    kind: score
    position: [280, 100]
    delay: {dist: lognormal, mean: 3d, sd: 2d}

  - id: mql_gate
    kind: segment
    position: [420, 100]

  - id: sdrs
    kind: handoff
    position: [560, 100]
    accept: 0.3
    delay: {dist: gamma, mean: 2d, sd: 1d}

  - id: sales
    kind: sales
    position: [840, 100]
    delay: {dist: lognormal, mean: 21d, sd: 10d}

  - id: won
    kind: sink
    position: [1120, 0]
    outcome: won

  - id: lost
    kind: sink
    position: [1120, 200]
    outcome: lost

edges:
  - {from: paid_search, to: scoring}
  - {from: organic, to: scoring}
  - {from: scoring, to: mql_gate}
  - {from: mql_gate, to: sdrs, probability: 0.4}
  - {from: mql_gate, to: lost}
  - {from: sdrs, to: sales, when: "accepted"}
  - {from: sdrs, to: lost}
  - {from: sales, to: won, probability: 0.25}
  - {from: sales, to: lost}
"""

#: The same flow with wrong presets, as a team would start from a template.
WRONG_FLOW = (TRUE_FLOW.replace("per_day: 20, weekdays: [1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5]", "per_day: 5")
              .replace("per_day: 8", "per_day: 30").replace("accept: 0.3", "accept: 0.7")
              .replace("probability: 0.25", "probability: 0.5").replace("mean: 21d, sd: 10d", "mean: 5d, sd: 1d"))

START = datetime(2026, 1, 5)  # a Monday, as the flow's weekday shape counts from
BAD_ROWS = [["x", "y", "not a date", "Paid Search", "lead", "", "", ""], ["short"],
            ["z", "w", "2026-03-02 10:00", "Paid Search", "customer", "", "", "2026-02-01 09:00"]]


def lognormal_median(mean: float, sd: float) -> float:
    return mean / math.sqrt(1 + (sd / mean) ** 2)


@pytest.fixture(scope="module")
def leads():
    return simulated_leads(loads_flow(TRUE_FLOW), days=180, start=START, seed=3)


@pytest.fixture(scope="module")
def hubspot(leads, tmp_path_factory):
    path = tmp_path_factory.mktemp("crm") / "hubspot-contacts.csv"
    write_hubspot(leads, str(path), extra_rows=BAD_ROWS)
    return path


def test_a_hubspot_export_gives_back_the_true_rates_conversions_and_delays(hubspot):
    export = records_from(read_table(hubspot))
    assert export.layout == "HubSpot"
    est = estimate(export)
    assert est.arrivals["Paid Search"].contains(20) and est.arrivals["Organic Search"].contains(8)
    assert est.conversions["lead->mql"].contains(0.4)
    assert est.conversions["mql->sql"].contains(0.3)
    assert est.conversions["sql->customer"].contains(0.25)
    medians = {"lead->mql": lognormal_median(3, 2), "mql->sql": 1.836, "sql->customer": lognormal_median(21, 10)}
    for step, truth in medians.items():
        fit = est.delays[step]
        assert abs(fit.median.value - truth) / truth < 0.10, (step, fit.median.value, truth)
    weekdays = est.weekdays["Paid Search"]
    assert weekdays is not None and all(w > 1 for w in weekdays[:5]) and all(w < 0.7 for w in weekdays[5:])
    assert est.weekdays["Organic Search"] is None  # flat: no shape is claimed


def test_malformed_rows_are_skipped_with_their_lines(hubspot):
    export = records_from(read_table(hubspot))
    lines = dict(export.skipped)
    last = len(export.records) + 1 + 3  # header, the records, then the three bad rows
    assert "not a date" in lines[last - 2]
    assert "fields" in lines[last - 1]
    assert "before" in lines[last]


def test_a_salesforce_report_with_a_bom_and_semicolons_reads_the_same(leads, tmp_path):
    path = tmp_path / "salesforce.csv"
    write_salesforce(leads, str(path), separator=";", bom=True)
    export = records_from(read_table(path))
    assert export.layout == "Salesforce" and export.stages == ("sql", "customer")
    assert export.separator == ";" and export.encoding == "utf-8-sig"
    est = estimate(export)
    assert est.arrivals["Paid Search"].contains(20)
    assert est.conversions["sql->customer"].contains(0.25)
    assert "mql->sql" not in est.conversions  # the report has no MQL dates: no such step
    truth = lognormal_median(21, 10)
    assert abs(est.delays["sql->customer"].median.value - truth) / truth < 0.10


def test_calibrating_the_wrong_flow_sets_the_true_numbers_with_their_source(hubspot, tmp_path):
    wrong = tmp_path / "wrong.flow.yaml"
    wrong.write_text(WRONG_FLOW, encoding="utf-8")
    flow, export, est, changes, notes = calibrate_file(str(wrong), str(hubspot))
    fitted = {c.label: c.fitted for c in changes}
    assert fitted["sdrs.accept"] == pytest.approx(0.3, abs=0.03)
    assert fitted["sales → won.probability"] == pytest.approx(0.25, abs=0.05)
    assert fitted["paid_search.arrivals"]["per_day"] == pytest.approx(20, rel=0.05)
    assert fitted["sales.delay"]["dist"] in ("lognormal", "gamma")
    assert any("lead → mql" in note for note in notes)
    before = dumps_flow(flow)
    undo = apply_changes(flow, changes, est.basis)
    text = dumps_flow(flow)
    assert text.count("# fitted from hubspot-contacts.csv") == len(changes)
    assert f"{len(export.records):,} leads, 2026-01-05 to" in text
    assert loads_flow(text).node("sdrs").params["accept"] == fitted["sdrs.accept"]
    undo_changes(flow, undo)
    assert dumps_flow(flow) == before


def test_the_backtest_puts_nine_weeks_in_ten_inside_the_simulated_band(hubspot, tmp_path):
    wrong = tmp_path / "wrong.flow.yaml"
    wrong.write_text(WRONG_FLOW, encoding="utf-8")
    flow, export, est, changes, _ = calibrate_file(str(wrong), str(hubspot))
    apply_changes(flow, changes, est.basis)
    result = backtest(flow, export, replications=40, seed=11)
    assert len({w.week for w in result.weeks}) == 25  # 180 days: 25 full weeks
    assert result.coverage() >= 0.9, [(w.stage, w.week, w.actual, w.low, w.high) for w in result.disagreements()]


def test_the_uncalibrated_flow_fails_the_same_backtest(hubspot):
    export = records_from(read_table(hubspot))
    assert backtest(loads_flow(WRONG_FLOW), export, replications=20, seed=11).coverage() < 0.5


def test_columns_of_no_known_export_ask_for_a_mapping(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("when,where\n2026-01-05,web\n", encoding="utf-8")
    with pytest.raises(FlowFileError) as caught:
        records_from(read_table(path))
    assert "--map" in str(caught.value) and "when, where" in str(caught.value)


def test_an_export_without_a_single_date_is_refused_with_the_first_reason(tmp_path):
    path = tmp_path / "nodates.csv"
    path.write_text("Create Date,Original Source\n,Paid Search\nsoon,Organic\n", encoding="utf-8")
    with pytest.raises(FlowFileError) as caught:
        records_from(read_table(path))
    assert "no readable lead" in str(caught.value) and "line 2" in str(caught.value)


def test_a_mapping_file_reads_any_csv_and_names_channels(tmp_path):
    data = tmp_path / "leads.csv"
    data.write_text("Lead created\tSource\tWon\n"
                    "05/01/2026\tGoogle Ads\t\n"
                    "13/01/2026\tGoogle Ads\t20/02/2026\n"
                    "2026-01-14\tLinkedIn\t\n", encoding="cp1252")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {created: Lead created, channel: Source, customer: Won}\n"
                       "channels: {Google Ads: paid_search, LinkedIn: linkedin_ads}\n", encoding="utf-8")
    from flowsim.calibrate.records import read_mapping

    export = records_from(read_table(data), read_mapping(str(mapping)))
    first, second, third = export.records
    assert first.created == datetime(2026, 1, 5)  # day first: the column has a 13th month otherwise
    assert second.customer == datetime(2026, 2, 20) and third.created == datetime(2026, 1, 14)  # mixed formats
    assert [r.channel for r in export.records] == ["paid_search", "paid_search", "linkedin_ads"]
    assert export.stages == ("customer",) and export.separator == "\t"


@pytest.mark.slow
def test_a_hundred_thousand_row_export_calibrates(leads, tmp_path):
    many = (leads * (100_000 // len(leads) + 1))[:100_000]
    path = tmp_path / "big.csv"
    write_hubspot(many, str(path))
    est = estimate(records_from(read_table(path)))
    assert sum(r.n for r in est.arrivals.values()) == 100_000
    assert est.conversions["sql->customer"].value == pytest.approx(0.25, abs=0.02)  # one sample, copied


def test_the_command_writes_the_calibrated_flow_and_says_what_changed(hubspot, tmp_path, capsys):
    from flowsim.cli import main

    wrong = tmp_path / "wrong.flow.yaml"
    wrong.write_text(WRONG_FLOW, encoding="utf-8")
    out = tmp_path / "calibrated.flow.yaml"
    assert main(["calibrate", str(wrong), "--from", str(hubspot), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "sdrs.accept: 0.7 → 0.3" in printed and "+    accept: 0.3" in printed
    assert wrong.read_text(encoding="utf-8") == WRONG_FLOW  # the original is never touched
    assert "# fitted from hubspot-contacts.csv" in out.read_text(encoding="utf-8")


def test_the_command_refuses_a_bad_output_name_before_reading(hubspot, tmp_path, capsys):
    from flowsim.cli import main

    wrong = tmp_path / "wrong.flow.yaml"
    wrong.write_text(WRONG_FLOW, encoding="utf-8")
    assert main(["calibrate", str(wrong), "--from", str(hubspot), "-o", str(tmp_path / ("x" * 256))]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "flowsim calibrate:" in err
