"""Simulating from the window: a worker runs it, the results panel and the canvas show it."""

import json

from flowsim.resources import template_path
from tests.gui.conftest import wait_idle
from tests.flows import VALID


def test_run_shows_numbers_in_the_results_panel_and_on_the_canvas(window, qtbot, tmp_path):
    window.open_path(template_path("lead-flow"))
    task = window.runner.run(days=30, replications=2, seed=3)
    assert task is not None and window.actions.cancel_run.isEnabled()
    assert not window.actions.run.isEnabled()
    wait_idle(qtbot, window.runner)
    assert window.last_results is not None
    results = window.last_results
    assert results.config.days == 30 and results.config.replications == 2
    # A number from the panel: the leads row of the funnel equals the run's mean.
    table = window.results.tables["funnel"]
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Leads")
    assert table.item(row, 1).text() == f"{results.funnel['leads'].mean:,.0f}"
    assert "SQLs" in window.results.summary.text()
    # The canvas shows the run: cards carry badges, edges have widths.
    item = window.scene.item_for_id("landing_page")
    assert item.stats is not None and item.stats.entered == results.nodes["landing_page"]["entered"].mean
    assert any(e.volume for e in window.scene.edge_items())
    assert window.actions.run.isEnabled() and not window.actions.cancel_run.isEnabled()
    # The results save as JSON with the design's keys.
    out = tmp_path / "results.json"
    window.runner.write(results, out, "json")
    data = json.loads(out.read_text())
    assert data["flowsim_results"] == 1 and "landing_page" in data["nodes"]
    # An edit makes the overlay go: it described the flow as it was.
    window.actions.auto_layout.trigger()
    assert window.scene.item_for_id("landing_page").stats is None
    assert "changed since this run" in window.results.summary.text()


def test_a_run_can_be_cancelled(window, qtbot):
    window.open_path(template_path("lead-flow"))
    assert window.runner.run(days=3650, replications=8, seed=1) is not None
    window.actions.cancel_run.trigger()
    wait_idle(qtbot, window.runner)
    assert window.last_results is None
    assert window.statusBar().currentMessage() == "Simulation cancelled"
    assert window.actions.run.isEnabled()


def test_a_flow_with_problems_is_not_run_and_the_problems_are_shown(window, tmp_path):
    path = tmp_path / "x.flow.yaml"
    path.write_text(VALID.replace("capacity: 2", "capacity: 0"))
    window.open_path(path)
    assert window.runner.run(days=10, replications=1, seed=1) is None
    assert not window.runner.busy
    assert "1 problem to fix first" in window.statusBar().currentMessage()
    assert window.problems.count() == 1


def test_a_flow_that_fails_while_running_says_why(window, qtbot, tmp_path, reported):
    # Valid, but a rule fails at run time: a divisor that is 0 only once leads run (a
    # constant fault, such as text compared with a number, is a validation error now).
    path = tmp_path / "x.flow.yaml"
    path.write_text(VALID.replace("{from: form, to: sdrs}", '{from: form, to: sdrs, when: "score / (touches - touches) > 3"}')
                    .replace("  - {from: sdrs, to: won", "  - {from: form, to: lost}\n  - {from: sdrs, to: won"))
    window.open_path(path)
    assert [str(i) for i in window.document.issues if i.is_error] == []
    assert window.runner.run(days=10, replications=1, seed=1) is not None
    wait_idle(qtbot, window.runner)
    assert len(reported) == 1 and "division by zero" in reported[0][1] and "form" in reported[0][1]


def test_a_run_too_big_for_the_limit_is_refused_with_its_estimate(window, qtbot, tmp_path, reported):
    path = tmp_path / "x.flow.yaml"
    path.write_text(VALID)
    window.open_path(path)
    assert window.runner.run(days=10, replications=10_000_000, seed=1) is not None
    wait_idle(qtbot, window.runner)
    assert window.last_results is None
    assert len(reported) == 1 and "steps of work" in reported[0][1] and "replications" in reported[0][1]
