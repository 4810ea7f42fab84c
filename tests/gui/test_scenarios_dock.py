"""The Scenarios panel: save edits as a scenario, rename, delete, all undoable; compare
and sweep from the window."""

from __future__ import annotations

from flowsim.gui.commands import SetNodeField
from flowsim.io import load_flow
from flowsim.resources import template_path
from tests.gui.conftest import wait_idle


def names(window):
    return [s.name for s in window.document.flow.scenarios]


def test_saved_edits_become_a_scenario_and_the_flow_goes_back_to_the_baseline(window, reported):
    window.open_path(template_path("lead-flow"))
    panel = window.scenarios
    panel.ask_name = lambda title, suggested: "three SDRs"
    flow = window.document.flow
    stack = window.document.undo_stack
    stack.push(SetNodeField(flow, "sdr_handoff", "capacity", 3))
    assert panel.save_edits()
    assert names(window) == ["three SDRs"]
    assert flow.scenarios[0].values == {"sdr_handoff.capacity": 3}
    assert flow.node("sdr_handoff").params["capacity"] == 2  # back to the baseline
    assert panel.list.count() == 2 and panel.list.item(1).text() == "three SDRs"
    stack.undo()  # the scenario goes, the edit comes back
    assert names(window) == [] and flow.node("sdr_handoff").params["capacity"] == 3
    stack.redo()
    assert names(window) == ["three SDRs"] and flow.node("sdr_handoff").params["capacity"] == 2
    assert reported == []


def test_rename_and_delete_are_undoable_and_a_taken_name_is_refused(window, reported):
    window.open_path(template_path("lead-flow"))
    panel, flow, stack = window.scenarios, window.document.flow, window.document.undo_stack
    for name, capacity in (("three SDRs", 3), ("four SDRs", 4)):
        stack.push(SetNodeField(flow, "sdr_handoff", "capacity", capacity))
        panel.ask_name = lambda title, suggested, name=name: name
        assert panel.save_edits()
    panel.list.item(1).setText("3 SDRs")  # an edit in the list renames
    assert names(window) == ["3 SDRs", "four SDRs"]
    assert not panel.rename(1, "3 SDRs") and reported  # taken
    panel.list.setCurrentRow(1)
    panel.delete_current()
    assert names(window) == ["four SDRs"]
    stack.undo()
    stack.undo()
    assert names(window) == ["three SDRs", "four SDRs"]
    assert panel.list.item(1).text() == "three SDRs"


def test_nothing_to_save_and_structural_edits_are_explained(window, reported):
    window.open_path(template_path("lead-flow"))
    assert not window.scenarios.save_edits()
    assert "No edits" in reported[-1][0]
    window.actions.select_all.trigger()
    window.actions.delete.trigger()
    assert not window.scenarios.save_edits()
    assert "cannot add, remove" in reported[-1][1]


def test_scenarios_saved_in_the_window_load_from_the_file(window, tmp_path):
    window.open_path(template_path("lead-flow"))
    flow = window.document.flow
    window.document.undo_stack.push(SetNodeField(flow, "sdr_handoff", "capacity", 5))
    window.scenarios.ask_name = lambda title, suggested: "five SDRs"
    window.scenarios.save_edits()
    path = tmp_path / "saved.flow.yaml"
    window.document.save(path)
    assert load_flow(path).scenarios == flow.scenarios


def test_compare_runs_in_the_background_and_shows_the_table_and_chart(window, qtbot, monkeypatch):
    window.open_path(template_path("lead-flow"))
    flow = window.document.flow
    flow.set_setting("days", 30)
    flow.set_setting("replications", 2)
    window.document.undo_stack.push(SetNodeField(flow, "sdr_handoff", "capacity", 1))
    window.scenarios.ask_name = lambda title, suggested: "one SDR"
    window.scenarios.save_edits()
    assert window.scenarios.compare_button.isEnabled()
    window.scenarios.compare_button.click()
    wait_idle(qtbot, window.comparer)
    shown = window.comparer.shown
    assert shown is not None and list(shown.comparison.results) == ["baseline", "one SDR"]
    table = shown.table
    assert table.rowCount() == len(shown.rows()) and table.columnCount() == 4
    assert table.horizontalHeaderItem(2).text() == "one SDR"
    assert shown.canvas.figure.axes
    shown.close()


def test_the_sweep_dialog_runs_a_grid_and_draws_it(window, qtbot):
    from flowsim.gui.sweep_dialog import SweepDialog

    window.open_path(template_path("lead-flow"))
    flow = window.document.flow
    flow.set_setting("days", 20)
    dialog = SweepDialog(flow, window)
    qtbot.addWidget(dialog)
    assert "sdr_handoff.capacity" in [dialog.path1.itemText(i) for i in range(dialog.path1.count())]
    dialog.path1.setCurrentText("sdr_handoff.capacity")
    dialog.values1.setText("1, 2")
    dialog.path2.setCurrentText("linkedin_ads.arrivals.per_day")
    dialog.values2.setText("150, 300")
    dialog.goal.setText("nodes.sdr_handoff.wait_days <= 0.5")
    dialog.replications.setValue(2)
    dialog.run()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=120_000)
    assert dialog.sweep_result is not None and len(dialog.sweep_result.points) == 4
    assert "nodes.sdr_handoff.wait_days" in dialog.status.text() or "No point" in dialog.status.text()
    assert dialog.canvas is not None and dialog.canvas.figure.axes[0].lines
    dialog.chart_kind.setCurrentIndex(1)
    assert dialog.canvas.figure.axes[0].images
    dialog.values1.setText("")
    dialog.run()
    assert dialog.task is None and "PATH=V1" in dialog.status.text()
    dialog.close()
