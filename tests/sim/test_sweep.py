"""Sweeps over a grid, and goal seeking checked against Erlang C."""

from __future__ import annotations

import csv
import io
import json

import pytest

from flowsim.errors import SimulationError
from flowsim.sim.sweep import parse_vary, sweep
from flowsim.sim.whatif import metric_table

from tests.sim.helpers import make_flow
from tests.sim.test_theory import erlang_c_wait


def mmc(capacity: int = 1):
    """Poisson arrivals (4 a day) at reps who each take an exponential day per lead."""
    return make_flow(
        [("ads", "source", {"arrivals": {"per_day": 4}}),
         ("reps", "sales", {"capacity": capacity, "service": {"dist": "exponential", "mean": 1}}),
         ("done", "sink", {})],
        [{"from": "ads", "to": "reps"}, {"from": "reps", "to": "done"}],
        days=1500, warmup_days=100,
    )


def test_goal_seeking_picks_the_capacity_erlang_c_picks():
    bound = 0.25  # days of mean wait
    theory = min(c for c in range(5, 12) if erlang_c_wait(4, 1, c) <= bound)
    assert theory == 6  # 5 reps wait 0.55 days on average, 6 reps 0.14
    result = sweep(mmc(), [("reps.capacity", [3, 4, 5, 6, 7, 8])], goal=f"nodes.reps.wait_days <= {bound}",
                   replications=5, seed=5, jobs=1)
    assert result.best_values == {"reps.capacity": theory}
    assert [result.meets(i) for i in range(6)] == [False, False, False, True, True, True]


def test_a_grid_runs_every_combination_first_path_slowest():
    result = sweep(mmc(6), [("reps.capacity", [6, 7]), ("ads.arrivals.per_day", [2, 3])],
                   replications=2, jobs=1)
    assert [dict(v) for v, _ in result.points] == [
        {"reps.capacity": 6, "ads.arrivals.per_day": 2}, {"reps.capacity": 6, "ads.arrivals.per_day": 3},
        {"reps.capacity": 7, "ads.arrivals.per_day": 2}, {"reps.capacity": 7, "ads.arrivals.per_day": 3},
    ]
    doc = json.loads(result.to_json())
    assert doc["flowsim_sweep"] == 1 and doc["vary"] == ["reps.capacity", "ads.arrivals.per_day"]
    assert doc["best"] is None
    rows = list(csv.DictReader(io.StringIO(result.to_csv())))
    assert {r["point"] for r in rows} == {"0", "1", "2", "3"}
    assert rows[0]["reps.capacity"] == "6" and rows[0]["ads.arrivals.per_day"] == "2"


def test_no_point_meeting_the_goal_gives_no_best():
    result = sweep(mmc(), [("reps.capacity", [5, 6])], goal="nodes.reps.wait_days <= 0.0001",
                   replications=2, jobs=1)
    assert result.best is None and json.loads(result.to_json())["best"] is None


def test_minimize_picks_the_cheapest_of_the_points_that_meet_the_goal():
    result = sweep(mmc(), [("ads.arrivals.per_day", [1, 2]), ("reps.capacity", [7, 8])],
                   goal="nodes.reps.wait_days <= 0.25", minimize="reps.capacity", replications=3, jobs=1)
    assert result.best_values == {"ads.arrivals.per_day": 1, "reps.capacity": 7}


@pytest.mark.parametrize("vary, goal, minimize, message", [
    ([("nobody.capacity", [1])], None, None, "nobody"),
    ([("reps.capacity", [])], None, None, "at least one value"),
    ([("reps.capacity", [6])], "wait <= soon", None, "METRIC OP NUMBER"),
    ([("reps.capacity", [6])], "nodes.reps.wait <= 1", None, "wait_days"),
    ([("reps.capacity", [6])], "nodes.reps.wait_days <= 1", "ads.arrivals.per_day", "not one of"),
])
def test_bad_sweeps_are_refused_with_a_reason(vary, goal, minimize, message):
    with pytest.raises(SimulationError, match=message):
        sweep(mmc(6), vary, goal=goal, minimize=minimize, replications=1, jobs=1)


def test_vary_values_read_as_yaml_scalars():
    assert parse_vary("reps.service.mean=30m, 1h,2") == ("reps.service.mean", ["30m", "1h", 2])
    assert parse_vary("reps.capacity=null,3") == ("reps.capacity", [None, 3])
    with pytest.raises(SimulationError, match="PATH=V1"):
        parse_vary("reps.capacity")


def test_money_metrics_are_goals_like_any_other():
    flow = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 5}, "cost_per_lead": 20, "spend": {"per_day": 100}}),
         ("won", "sink", {"outcome": "won", "deal_value": 500})],
        [{"from": "ads", "to": "won"}],
        days=60,
    )
    result = sweep(flow, [("ads.cost_per_lead", [400, 200, 20])], goal="channels.ads.roi >= 0.5",
                   minimize="ads.cost_per_lead", replications=2, jobs=1)
    # revenue 500 a lead against cost_per_lead a lead plus 100 a day (20 a lead): an ROI
    # of 500/420 - 1 = 0.19 at 400, 1.27 at 200, 11.5 at 20
    assert [result.meets(i) for i in range(3)] == [False, True, True]
    assert result.best_values == {"ads.cost_per_lead": 20}
    assert "totals.roi" in metric_table(result.points[0][1])
