"""File → Calibrate from CRM export: review field by field, backtest, apply as one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt

from flowsim.calibrate.synthetic import simulated_leads, write_hubspot
from flowsim.gui.calibrating import CalibrateDialog
from flowsim.gui.commands import ApplyCalibration
from flowsim.io import dumps_flow, loads_flow
from tests.calibrate.test_calibrate import START, TRUE_FLOW, WRONG_FLOW


def open_wrong_flow(window, tmp_path):
    path = tmp_path / "wrong.flow.yaml"
    path.write_text(WRONG_FLOW, encoding="utf-8")
    window.open_path(path)
    export = tmp_path / "contacts.csv"
    write_hubspot(simulated_leads(loads_flow(TRUE_FLOW), days=120, start=START, seed=3), str(export))
    return export


def read_in_dialog(window, qtbot, export) -> CalibrateDialog:
    dialog = CalibrateDialog(window.document.flow, export.parent, window)
    qtbot.addWidget(dialog)
    dialog.export_path.setText(str(export))
    dialog.read()
    qtbot.waitUntil(lambda: dialog.result is not None and dialog.task is None, timeout=120_000)
    return dialog


def test_the_review_table_lists_each_fitted_field_checked(window, qtbot, tmp_path):
    dialog = read_in_dialog(window, qtbot, open_wrong_flow(window, tmp_path))
    labels = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert "sdrs.accept" in labels and "paid_search.arrivals" in labels and "sales.delay" in labels
    assert len(dialog.chosen()) == len(labels)
    assert "HubSpot export" in dialog.summary.text()
    assert window.document.undo_stack.count() == 0  # reading changes nothing


def test_unchecked_fields_stay_and_the_rest_is_one_undo_step(window, qtbot, tmp_path):
    dialog = read_in_dialog(window, qtbot, open_wrong_flow(window, tmp_path))
    before = dumps_flow(window.document.flow)
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "sdrs.accept")
    dialog.table.item(row, 0).setCheckState(Qt.CheckState.Unchecked)
    window.push(ApplyCalibration(window.document.flow, dialog.chosen(), dialog.basis, dialog.source_name))
    flow = window.document.flow
    assert flow.node("sdrs").params["accept"] == 0.7  # unchecked: untouched
    assert flow.node("sales").params["delay"]["mean"] != "5d"
    assert "# fitted from contacts.csv" in dumps_flow(flow)
    assert window.document.undo_stack.count() == 1
    assert window.actions.undo.isEnabled() and window.document.modified
    window.document.undo_stack.undo()
    assert dumps_flow(window.document.flow) == before


def test_the_backtest_of_the_checked_values_fills_its_table(window, qtbot, tmp_path):
    dialog = read_in_dialog(window, qtbot, open_wrong_flow(window, tmp_path))
    assert dialog.backtest() is not None
    qtbot.waitUntil(lambda: dialog.task is None and dialog.backtest_view.rowCount() == 4, timeout=120_000)
    assert [dialog.backtest_view.item(r, 0).text() for r in range(4)] == ["Leads", "MQLs", "SQLs", "Customers"]
    assert dialog.last_backtest.coverage() >= 0.8
    axes = dialog.chart.figure.axes
    assert [ax.get_title(loc="left").split(" a week")[0] for ax in axes] == ["Leads", "MQLs", "SQLs", "Customers"]
    assert dialog.tabs.currentIndex() == 1
    assert window.document.undo_stack.count() == 0  # the backtest ran on a copy


def test_a_bad_export_says_why_in_the_dialog(window, qtbot, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    dialog = CalibrateDialog(window.document.flow, tmp_path, window)
    qtbot.addWidget(dialog)
    dialog.export_path.setText(str(bad))
    dialog.read()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert "Cannot use this export" in dialog.summary.text() and "--map" in dialog.summary.text()
    assert not dialog.apply_button.isEnabled()


def test_calibrate_is_in_the_file_menu(window):
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Cali&brate from CRM Export…" in texts

