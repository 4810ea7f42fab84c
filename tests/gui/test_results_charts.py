"""The results panel's charts: each drawn from the run's numbers, replaced by the next
run, a Sankey stream clicked selects its edge, tables one click away, File → Report."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from flowsim.gui.results import TABS
from flowsim.render.charts import count
from flowsim.resources import template_path
from tests.gui.conftest import wait_idle


def run_once(window, qtbot, **settings):
    assert window.runner.run(**settings) is not None
    wait_idle(qtbot, window.runner)
    assert window.last_results is not None
    return window.last_results


@pytest.fixture
def ran(window, qtbot):
    window.open_path(template_path("lead-flow"))
    return run_once(window, qtbot, days=21, replications=2, seed=3)


def shown(window, qtbot, key):
    """The chart ``key``'s figure once its tab is on screen (charts draw when shown)."""
    panel = window.results
    for i, (charts, _) in enumerate(TABS.values()):
        if key in charts:
            panel.tabs.setCurrentIndex(i)
    qtbot.waitUntil(lambda: not panel.views[key]._stale and bool(panel.views[key].figure.axes))
    return panel.views[key].figure


def axes_of(window, qtbot, key):
    return shown(window, qtbot, key).axes


def texts(fig):
    return [t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text"))]


def test_the_window_starts_without_matplotlib_and_loads_it_with_the_first_results():
    # In a fresh process: this one has imported matplotlib already.
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from flowsim.gui.mainwindow import MainWindow\n"
        "w = MainWindow(ask=False)\n"
        "print('before', 'matplotlib' in sys.modules)\n"
        "from flowsim.io import load_flow\n"
        "from flowsim.resources import template_path\n"
        "from flowsim.sim import SimConfig, simulate\n"
        "flow = load_flow(template_path('lead-flow'))\n"
        "w.results.show_results(simulate(flow, SimConfig(days=10, replications=1, jobs=1)), flow)\n"
        "print('after', 'matplotlib' in sys.modules)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "before False" in done.stdout and "after True" in done.stdout


def test_the_funnel_bars_stand_for_the_runs_counts(window, qtbot, ran):
    (ax,) = axes_of(window, qtbot, "funnel")
    bars = [p for p in ax.patches if getattr(p, "flowsim_value", None) is not None]
    keys = ["arrivals", "leads", "mqls", "sqls", "customers"]
    assert [bar.flowsim_value for bar in bars] == [ran.funnel[k].mean for k in keys]
    # wider for more leads, and each labelled with its count
    widths = [bar.get_width() for bar in bars]
    assert widths == sorted(widths, reverse=True)
    labels = texts(shown(window, qtbot, "funnel"))
    assert any(t.startswith(f"{ran.funnel['leads'].mean:,.0f}") for t in labels)
    assert "Funnel" in labels


def test_the_sankey_streams_carry_the_edge_and_leak_counts(window, qtbot, ran):
    (ax,) = axes_of(window, qtbot, "sankey")
    streams = ax.flowsim_streams
    flow = window.document.flow
    by_edge = {s.edge: s for s in streams if s.edge is not None}
    for i, edge in enumerate(ran.edges):
        if flow.node(edge.source).kind == "source":
            # the diagram starts at the leads: a channel's stream is its leads
            expected = ran.channels[edge.source]["leads"].mean
        else:
            expected = edge.count.mean
        if expected:
            assert by_edge[i].value == pytest.approx(expected)
        # a stream is as wide as its count, at one scale for the whole diagram
        if i in by_edge:
            assert by_edge[i].width == pytest.approx(by_edge[i].value * ax.flowsim_scale)
    leaks = {s.source: s.value for s in streams if s.edge is None}
    assert leaks["nurture"] == pytest.approx(ran.nodes["nurture"]["leaked"].mean)
    assert "landing_page" not in leaks  # the form's abandoning visitors are left out, and said so
    assert any("visitors" in t for t in texts(shown(window, qtbot, "sankey")))
    # the drawn ribbon of an edge is as thick as its width where it leaves its node
    stream = by_edge[3]  # landing page -> scoring
    xs = stream.patch.get_path().vertices
    left = xs[xs[:, 0] == xs[:, 0].min()]
    assert left[:, 1].max() - left[:, 1].min() == pytest.approx(stream.width)


def test_the_time_to_sql_histogram_counts_every_sql(window, qtbot, ran):
    fig = shown(window, qtbot, "time_to")
    sql_ax = fig.axes[1]
    (hist,) = [p for p in sql_ax.patches if p.get_gid() == "hist-sql"]
    heights = hist.get_data().values.sum()
    # leads per run: the bars add up to the mean number of SQLs
    assert heights == pytest.approx(ran.funnel["sqls"].mean)
    assert heights == pytest.approx(ran.time_to["sql"]["count"].mean)
    lines = {line.get_gid(): line.get_xdata()[0] for line in sql_ax.lines}
    assert lines["median-sql"] == pytest.approx(ran.time_to["sql"]["median"].mean)
    assert lines["p90-sql"] == pytest.approx(ran.time_to["sql"]["p90"].mean)


def test_leads_over_time_have_a_day_axis_and_a_shaded_warm_up(window, qtbot):
    window.open_path(template_path("lead-flow"))
    results = run_once(window, qtbot, days=20, replications=2, seed=4)
    fig = shown(window, qtbot, "over_time")
    top, queues = fig.axes
    (line,) = [ln for ln in top.lines if ln.get_gid() == "in-flow"]
    assert list(line.get_ydata()) == list(results.in_flow.mean)
    assert list(line.get_xdata()) == [d + 0.5 for d in range(20)]
    assert queues.get_xlabel() == "day"
    warmup = results.config.warmup_days
    assert warmup > 0
    shade = [p for p in top.patches if p.get_gid() == "warmup"]
    assert shade and shade[0].get_x() == 0 and shade[0].get_width() == pytest.approx(warmup)
    assert {ln.get_gid() for ln in queues.lines} == {f"queue-{n}" for n in results.queues}


def test_channels_and_leakage_are_drawn_from_the_run(window, qtbot, ran):
    fig = shown(window, qtbot, "channels")
    leads_ax = fig.axes[0]
    bars = [p for p in leads_ax.patches]
    assert [b.get_width() for b in bars] == [ran.channels[c]["leads"].mean for c in ran.channels]
    (ax,) = axes_of(window, qtbot, "leakage")
    lost = {p.get_y(): 0.0 for p in ax.patches}
    for p in ax.patches:
        lost[p.get_y()] += p.get_width()
    leaky = sorted((m["leaked"].mean for m in ran.nodes.values() if m["leaked"].mean), reverse=True)
    assert sorted(lost.values(), reverse=True) == pytest.approx(leaky[: len(lost)])


def test_a_new_run_replaces_every_chart(window, qtbot, ran):
    first = {key: view.figure for key, view in window.results.views.items()}
    second = run_once(window, qtbot, days=12, replications=2, seed=8)
    assert second.funnel["leads"].mean != ran.funnel["leads"].mean
    for key, view in window.results.views.items():
        assert view.figure is first[key]  # the same canvas, drawn again
    (ax,) = axes_of(window, qtbot, "funnel")
    bars = [p for p in ax.patches if getattr(p, "flowsim_value", None) is not None]
    assert bars[1].flowsim_value == second.funnel["leads"].mean
    (line,) = [ln for ln in axes_of(window, qtbot, "over_time")[0].lines if ln.get_gid() == "in-flow"]
    assert len(line.get_ydata()) == 12
    table = window.results.tables["funnel"]
    assert table.item(1, 1).text() == f"{second.funnel['leads'].mean:,.0f}"


def test_clicking_a_stream_selects_its_edge_on_the_canvas(window, qtbot, ran):
    window.results_dock.show()
    window.results_dock.raise_()
    window.results.tabs.setCurrentIndex(0)
    view = window.results.views["sankey"]
    view.draw_now()
    (ax,) = view.figure.axes
    stream = next(s for s in ax.flowsim_streams if s.edge == 3)  # landing page -> scoring
    verts = stream.patch.get_path().vertices
    # the middle of the ribbon: halfway between its ends, halfway between its edges
    x = (verts[:, 0].min() + verts[:, 0].max()) / 2
    y = verts[:, 1].mean()
    px, py = ax.transData.transform((x, y))
    ratio = view.canvas.device_pixel_ratio
    point = QPoint(round(px / ratio), round(view.canvas.height() - py / ratio))
    window.scene.clearSelection()
    qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=point)
    edge = window.document.flow.edges[3]
    assert (edge.source, edge.target) == ("landing_page", "scoring")
    assert window.scene.selected_edges() == [edge]


def test_clicking_a_nodes_leaks_selects_the_node(window, qtbot, ran):
    window.results.tabs.setCurrentIndex(0)
    view = window.results.views["sankey"]
    view.draw_now()
    (ax,) = view.figure.axes
    stream = next(s for s in ax.flowsim_streams if s.edge is None and s.source == "nurture")
    verts = stream.patch.get_path().vertices
    px, py = ax.transData.transform(((verts[:, 0].min() + verts[:, 0].max()) / 2, verts[:, 1].mean()))
    ratio = view.canvas.device_pixel_ratio
    window.scene.clearSelection()
    qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton,
                     pos=QPoint(round(px / ratio), round(view.canvas.height() - py / ratio)))
    assert window.scene.selected_node_ids() == ["nurture"]


def test_tables_are_one_click_away_with_numbers_right_aligned(window, qtbot, ran):
    window.results.table_toggle.click()
    for stack in window.results.stacks:
        assert stack.currentIndex() == 1
    table = window.results.tables["channels"]
    assert table.rowCount() == len(ran.channels)
    right = table.item(0, 1).textAlignment() & Qt.AlignmentFlag.AlignRight
    assert right and not table.item(0, 0).textAlignment() & Qt.AlignmentFlag.AlignRight
    low, high = ran.channels["paid_search"]["leads"].ci95
    assert table.item(0, 2).text() == f"{count(low)} – {count(high)}"
    window.results.table_toggle.click()
    assert all(stack.currentIndex() == 0 for stack in window.results.stacks)


def test_file_report_writes_the_last_runs_report(window, qtbot, ran, tmp_path):
    assert window.actions.report.isEnabled()
    out = tmp_path / "run.html"
    assert window.reporter.write(out) is not None
    wait_idle(qtbot, window.reporter)
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text and f'data-mean="{ran.funnel["sqls"].mean!r}"' in text


def test_a_new_flow_forgets_the_charts_and_the_report(window, qtbot, ran):
    window.open_template("five-stage-process")
    assert window.last_results is None and not window.actions.report.isEnabled()
    assert all(not view.figure.axes for view in window.results.views.values())
    assert np.isfinite(ran.funnel["leads"].mean)


def test_the_charts_fit_the_dock_without_scrolling(window, qtbot, ran):
    # The dock scrolls its panel when it is lower than the panel's minimum; charts must
    # never make the panel ask for more than the dock has, or they scroll out of sight.
    area = window.results_dock.widget()
    qtbot.waitUntil(lambda: window.results.height() <= area.viewport().height()
                    and not area.verticalScrollBar().isVisible())
    funnel = window.results.views["funnel"].canvas
    assert funnel.height() >= 140 and funnel.isVisible()


def test_the_charts_follow_the_canvas_into_dark(window, qtbot, ran):
    from matplotlib.colors import to_hex

    from flowsim.render.theme import DARK

    window._color_scheme_changed(Qt.ColorScheme.Dark)
    fig = shown(window, qtbot, "funnel")
    assert to_hex(fig.get_facecolor()) == DARK.card.lower()
