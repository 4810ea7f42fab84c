"""Every chart draws for every bundled template and for the smallest flows (one
replication, no queue, no leak, nobody reaching a milestone), and keeps its text as text."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from flowsim.io import load_flow, loads_flow
from flowsim.render.charts import CHARTS, figure, svg_text
from flowsim.render.theme import DARK, LIGHT
from flowsim.resources import template_path, templates
from flowsim.sim import SimConfig, simulate
from tests.render.conftest import QUEUE, STRAIGHT


def draw_all(flow, results, theme=LIGHT):
    for chart in CHARTS:
        fig = figure(chart.key, results, flow, theme)
        FigureCanvasAgg(fig).draw()
        yield chart, fig


@pytest.mark.parametrize("name", [t.name for t in templates()])
def test_every_chart_draws_for_every_template(name):
    flow = load_flow(template_path(name))
    results = simulate(flow, SimConfig(days=15, replications=2, seed=1, jobs=1))
    for chart, fig in draw_all(flow, results, DARK if name.startswith("inbound") else LIGHT):
        assert fig.axes, chart.key


@pytest.mark.parametrize("text", [STRAIGHT, QUEUE], ids=["straight", "queue"])
def test_small_flows_and_one_replication_draw_without_intervals(text):
    flow = loads_flow(text)
    results = simulate(flow, SimConfig(days=3, replications=1, seed=2, jobs=1))
    assert results.funnel["leads"].ci95[0] == results.funnel["leads"].mean  # one replication
    for chart, fig in draw_all(flow, results):
        svg = svg_text(fig, f"t-{chart.key}")
        assert svg.startswith("<svg") and chart.title in svg
        assert 'id="t-' in svg and ' id="figure' not in svg  # every id carries the prefix


def test_a_run_nobody_finished_says_so_instead_of_drawing_nothing():
    flow = loads_flow(STRAIGHT.replace("kind: sink, position: [280, 0]}", "kind: sink, position: [280, 0], outcome: lost}"))
    results = simulate(flow, SimConfig(days=2, replications=1, seed=2, jobs=1))
    assert results.funnel["customers"].mean == 0
    fig = figure("time_to", results, flow)
    shown = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "no customer in this run" in shown
    leak = figure("leakage", results, flow)
    assert "No lead leaked" in " ".join(t.get_text() for t in leak.axes[0].texts)
