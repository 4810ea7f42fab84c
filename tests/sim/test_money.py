"""Money: spend, team cost, revenue, CAC, CLV, ROI and payback, checked by hand."""

from __future__ import annotations

import json
import math

import pytest

from flowsim.io import dumps_flow, loads_flow
from flowsim.model import validate
from flowsim.model.money import DAYS_PER_MONTH, Recurring
from flowsim.sim.config import TraceOptions
from flowsim.sim.money import MONEY_CHANNEL_METRICS, MONEY_TOTALS
from tests.flows import VALID
from tests.sim.helpers import make_flow, run


def close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


def direct_flow(**won_params):
    """Every lead of ``ads`` is won at once: 20 a lead, 100 a day fixed."""
    won = {"outcome": "won", "deal_value": 500, **won_params}
    return make_flow(
        [("ads", "source", {"arrivals": {"per_day": 5}, "cost_per_lead": 20,
                            "spend": {"per_day": 100}}),
         ("won", "sink", won)],
        [{"from": "ads", "to": "won"}],
        days=60, replications=1, seed=7,
    )


def test_every_channel_metric_matches_a_hand_computation_from_the_trace():
    recurring = {"per_month": 100, "margin": 0.8, "churn_per_month": 0.05}
    results = run(direct_flow(recurring=recurring), trace=TraceOptions(every=1))
    won_at = [e.time for e in results.trace.events if e.event == "sink"]
    n = len(won_at)
    assert n > 200  # ~300 leads: a real sample, not an empty run

    spend = 20 * n + 100 * 60
    def paid_monthly_until_the_end(t: float) -> float:
        return 100 * (1 - 0.95 ** ((60 - t) / DAYS_PER_MONTH)) / 0.05

    revenue = math.fsum(500 + paid_monthly_until_the_end(t) for t in won_at)
    cac = spend / n
    ch = results.channels["ads"]
    sample = {name: ch[name].samples[0] for name in MONEY_CHANNEL_METRICS}
    assert close(sample["spend"], spend)
    assert close(sample["revenue"], revenue)
    assert close(sample["cac"], cac)
    assert close(sample["clv"], 500 + 100 * 0.8 / 0.05)
    assert close(sample["roi"], (n * (500 + 100 * 0.8 / 0.05) - spend) / spend)  # on lifetime value
    assert close(sample["payback_months"], cac / (100 * 0.8))
    assert sample["pipeline_value"] == 0  # every SQL was won at once: nothing open
    totals = {name: results.totals[name].samples[0] for name in MONEY_TOTALS}
    assert close(totals["spend"], spend) and totals["team_cost"] == 0
    assert close(totals["revenue"], revenue)
    assert close(totals["roi"], (n * 2100 - spend) / spend)


def test_a_one_off_deal_value_has_no_payback_and_a_clv_equal_to_the_deal():
    results = run(direct_flow(), trace=TraceOptions(every=1))
    n = sum(1 for e in results.trace.events if e.event == "sink")
    ch = results.channels["ads"]
    assert close(ch["revenue"].samples[0], 500 * n)
    assert close(ch["clv"].samples[0], 500)
    assert ch["payback_months"].mean is None  # no monthly revenue to pay the CAC back


def test_the_team_costs_its_reps_over_the_measured_window():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 2}}),
         ("sdrs", "handoff", {"capacity": 3, "service": "1h", "cost_per_rep": {"per_month": 6000}}),
         ("won", "sink", {"outcome": "won", "deal_value": 1000})],
        [{"from": "ads", "to": "sdrs"}, {"from": "sdrs", "to": "won"}],
        days=90, warmup_days=30, replications=2, seed=3,
    )
    results = run(flow)
    team = 3 * 6000 / DAYS_PER_MONTH * 60
    for rep in range(2):
        revenue = results.totals["revenue"].samples[rep]
        customers = results.channels["ads"]["customers"].samples[rep]
        assert close(results.totals["team_cost"].samples[rep], team)
        assert close(results.totals["spend"].samples[rep], 0.0)
        assert close(results.totals["roi"].samples[rep], (1000 * customers - team) / team)
        assert close(revenue, 1000 * customers)


def test_sqls_still_in_sales_at_the_end_are_the_pipeline():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 4}, "cost_per_lead": 10}),
         ("sdrs", "handoff", {}),  # accepts every lead at once: an SQL
         ("sales", "sales", {"delay": 1000}),  # nobody closes within the run
         ("won", "sink", {"outcome": "won", "deal_value": {"dist": "lognormal", "mean": 12000, "sd": 6000}})],
        [{"from": "ads", "to": "sdrs"}, {"from": "sdrs", "to": "sales"}, {"from": "sales", "to": "won"}],
        days=30, replications=2, seed=5,
    )
    results = run(flow)
    ch = results.channels["ads"]
    for rep in range(2):
        sqls = ch["sqls"].samples[rep]
        assert sqls > 50
        assert close(ch["pipeline_value"].samples[rep], sqls * 12000)
        assert ch["revenue"].samples[rep] == 0
        assert close(ch["roi"].samples[rep], -1.0)
        assert ch["cac"].samples[rep] is None and ch["clv"].samples[rep] is None


def test_random_deal_values_average_to_expected_customers_times_the_mean_deal():
    # A Markov flow: a quarter of the leads are won, each worth lognormal(12,000, 6,000).
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 20}}),
         ("sales", "sales", {}),
         ("won", "sink", {"outcome": "won", "deal_value": {"dist": "lognormal", "mean": 12000, "sd": 6000}}),
         ("lost", "sink", {"outcome": "lost"})],
        [{"from": "ads", "to": "sales"}, {"from": "sales", "to": "won", "probability": 0.25},
         {"from": "sales", "to": "lost"}],
        days=60, replications=30, seed=11,
    )
    revenue = run(flow).channels["ads"]["revenue"]
    expected = 20 * 60 * 0.25 * 12000
    low, high = revenue.ci95
    assert low <= expected <= high
    assert (high - low) < 0.1 * expected  # a real interval, not an unbounded one


def test_an_open_sql_is_worth_the_first_year_of_a_win():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 4}}),
         ("sdrs", "handoff", {}),
         ("sales", "sales", {"delay": 1000}),
         ("won", "sink", {"outcome": "won", "deal_value": 500,
                          "recurring": {"per_month": 100, "margin": 0.5, "churn_per_month": 0.1}})],
        [{"from": "ads", "to": "sdrs"}, {"from": "sdrs", "to": "sales"}, {"from": "sales", "to": "won"}],
        days=20, replications=1, seed=2,
    )
    ch = run(flow).channels["ads"]
    first_year = 500 + 100 * (1 - 0.9 ** 12) / 0.1
    assert close(ch["pipeline_value"].samples[0], ch["sqls"].samples[0] * first_year)


def test_a_flow_without_money_keys_reports_no_money_at_all():
    results = run(loads_flow(VALID))
    doc = results.to_dict()
    assert "totals" not in doc
    for metrics in doc["channels"].values():
        assert not set(MONEY_CHANNEL_METRICS) & set(metrics) - {"customers"}
    assert not [row for row in results.rows() if row[0] == "totals"]


def test_a_flow_without_money_keys_saves_back_to_the_same_bytes():
    assert dumps_flow(loads_flow(VALID)) == VALID


def test_money_keys_round_trip_and_reach_the_json():
    text = VALID.replace("    cost_per_lead: 35\n", "    cost_per_lead: 35\n    spend: {per_month: 5000}\n").replace(
        "    position: [840, 0]\n\n  - id: lost",
        "    position: [840, 0]\n    deal_value: {dist: lognormal, mean: 12000, sd: 6000}\n"
        "    recurring: {per_month: 1000, margin: 0.8, churn_per_month: 0.02}\n\n  - id: lost",
    ).replace("    position: [560, 0]\n", "    position: [560, 0]\n    cost_per_rep: {per_month: 6000}\n")
    flow = loads_flow(text)
    assert not validate(flow)
    assert dumps_flow(flow) == text
    doc = json.loads(run(flow).to_json())
    assert list(doc["totals"]) == list(MONEY_TOTALS)
    assert set(MONEY_CHANNEL_METRICS) <= set(doc["channels"]["ads"])


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("    patience: 2d\n", "    patience: 2d\n    cost_per_rep: {per_year: 1}\n", "per_year"),
        ("  - id: lost\n    kind: sink\n", "  - id: lost\n    kind: sink\n    deal_value: 100\n", "outcome: won"),
        ("  - id: won\n    kind: sink\n", "  - id: won\n    kind: sink\n    recurring: {per_month: 10, churn_per_month: 0}\n",
         "churn_per_month"),
        ("  - id: won\n    kind: sink\n", "  - id: won\n    kind: sink\n    deal_value: -5\n", "amount"),
        ("    cost_per_lead: 35\n", "    cost_per_lead: 35\n    spend: 5000\n", "per_month"),
    ],
)
def test_bad_money_keys_are_errors_on_their_line(old, new, words):
    text = VALID.replace(old, new)
    issues = validate(loads_flow(text))
    assert issues, new
    bad_line = text[: text.index(new)].count("\n") + new.count("\n")
    assert any(issue.line == bad_line and words in issue.message for issue in issues), [str(i) for i in issues]


def test_cost_per_rep_without_capacity_cannot_be_costed():
    flow = loads_flow(VALID.replace("    capacity: 2\n", "").replace(
        "    patience: 2d\n", "    cost_per_rep: {per_month: 6000}\n"))
    assert any("cost_per_rep" in issue.message and issue.is_error for issue in validate(flow))


def test_recurring_revenue_within_a_window_follows_the_churn():
    r = Recurring(per_month=100, margin=0.5, churn_per_month=0.1)
    assert close(r.revenue_within(DAYS_PER_MONTH), 100)  # the first month is always paid
    assert close(r.revenue_within(2 * DAYS_PER_MONTH), 190)
    assert close(r.revenue_within(1e9), 1000)  # per_month x lifetime
    assert r.lifetime_months == 10


def test_the_results_tables_show_money_only_for_a_flow_with_money_keys():
    from flowsim.io import load_flow
    from flowsim.render.tables import results_tables
    from flowsim.resources import template_path

    plain = loads_flow(VALID)
    assert "money" not in [t.key for t in results_tables(run(plain), plain)]
    flow = load_flow(template_path("lead-flow"))
    results = run(flow, replications=2, days=40)
    money = next(t for t in results_tables(results, flow) if t.key == "money")
    assert [row[0] for row in money.rows][:3] == [flow.node(c).title for c in results.channels]
    assert money.rows[-1][0].startswith("All channels")
