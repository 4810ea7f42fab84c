"""Charts of comparisons and sweeps: a panel per metric, a point per swept value."""

from __future__ import annotations

import pytest

from flowsim.model import Scenario
from flowsim.render.compare_charts import comparison_figure, sweep_figure, sweep_heatmap
from flowsim.sim.compare import compare
from flowsim.sim.sweep import sweep

from tests.sim.helpers import make_flow


def flow():
    f = make_flow(
        [("ads", "source", {"arrivals": {"per_day": 20}}),
         ("reps", "handoff", {"capacity": 1, "service": {"dist": "exponential", "mean": "1h"}}),
         ("won", "sink", {"outcome": "won"})],
        [{"from": "ads", "to": "reps"}, {"from": "reps", "to": "won"}], days=20,
    )
    f.scenarios += [Scenario("two reps", {"reps.capacity": 2}), Scenario("more ads", {"ads.arrivals.per_day": 40})]
    return f


def test_a_comparison_chart_has_a_panel_per_metric_and_a_bar_per_scenario(tmp_path):
    comparison = compare(flow(), replications=3, jobs=1)
    fig = comparison_figure(comparison, ["funnel.sqls", "nodes.reps.wait_days", "no.such.metric"])
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert len(ax.patches) == 3
        assert [t.get_text() for t in ax.get_xticklabels()] == ["baseline", "two reps", "more ads"]
    # more ads makes significantly more SQLs: marked above its bar
    assert any(t.get_text() == "*" for t in fig.axes[0].texts)
    fig.savefig(tmp_path / "comparison.svg")
    assert (tmp_path / "comparison.svg").stat().st_size > 1000


def test_a_sweep_chart_draws_the_metric_over_the_values_and_a_heat_map_over_two():
    result = sweep(flow(), [("reps.capacity", [1, 2, 3]), ("ads.arrivals.per_day", [10, 20])],
                   goal="nodes.reps.wait_days <= 0.02", replications=2, jobs=1)
    line = sweep_figure(result, "nodes.reps.wait_days")
    series = [l for l in line.axes[0].lines if l.get_label().startswith("ads.")]
    assert len(series) == 2 and list(series[0].get_xdata()) == [1, 2, 3]
    heat = sweep_heatmap(result, "funnel.sqls")
    assert heat.axes[0].images[0].get_array().shape == (3, 2)
    with pytest.raises(ValueError):
        sweep_heatmap(sweep(flow(), [("reps.capacity", [1, 2])], replications=1, jobs=1), "funnel.sqls")
