"""The inspector's own editors write the same YAML as typing it, and undo restores it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from flowsim.gui.commands import SetEdgeField, SetNodeField
from flowsim.gui.curve_edit import SpeedToLeadEdit
from flowsim.gui.distribution_edit import DistributionEdit
from flowsim.gui.duration_edit import DurationEdit
from flowsim.gui.percent_edit import PercentEdit
from flowsim.io import dumps_flow, loads_flow
from flowsim.io.inline import parse_value
from flowsim.resources import template_path


def typed(text: str, node_id: str, key: str, value_text: str) -> str:
    """The file after typing ``value_text`` as the YAML of ``node_id``'s ``key``."""
    flow = loads_flow(text)
    SetNodeField(flow, node_id, key, parse_value(value_text)).redo()
    return dumps_flow(flow)


def undo_all(window, steps_before: int) -> None:
    while window.document.undo_stack.index() > steps_before:
        window.actions.undo.trigger()


def open_on(window, template: str, node_id: str):
    window.open_path(template_path(template))
    window.scene.item_for_id(node_id).setSelected(True)
    return dumps_flow(window.document.flow), window.document.undo_stack.index()


def editor(window, key):
    """The inspector's editor for ``key`` (fetched again: the inspector rebuilds after edits)."""
    return window.inspector.editors[key]


def choose(combo, data) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def enter(duration: DurationEdit, amount: str, unit: str) -> None:
    duration.unit.setCurrentIndex(duration.unit.findData(unit))
    duration.amount.setText(amount)
    duration.amount.editingFinished.emit()


def test_a_distribution_edited_in_its_editor_writes_what_typing_writes(window):
    before, index = open_on(window, "lead-flow", "sdr_handoff")
    assert isinstance(editor(window, "service"), DistributionEdit)
    choose(editor(window, "service").kind, "lognormal")
    enter(editor(window, "service").fields["mean"], "30", "m")
    enter(editor(window, "service").fields["sd"], "15", "m")
    after = dumps_flow(window.document.flow)
    assert after == typed(before, "sdr_handoff", "service", "{dist: lognormal, mean: 30m, sd: 15m}")
    assert "service: {dist: lognormal, mean: 30m, sd: 15m}" in after
    undo_all(window, index)
    assert dumps_flow(window.document.flow) == before


def test_the_distribution_editor_says_median_and_p90_in_units(window):
    open_on(window, "lead-flow", "sdr_handoff")  # service: exponential, mean 45 minutes
    words = editor(window, "service").summary.text()
    assert "31.2 min" in words and "1.73 h" in words  # 45 ln 2 and 45 ln 10 minutes


def test_a_curve_edited_in_its_table_writes_what_typing_writes(window):
    before, index = open_on(window, "seven-step-workflow", "sales_transfer")
    curve = editor(window, "speed_to_lead")
    assert isinstance(curve, SpeedToLeadEdit) and curve.table.rowCount() == 3
    curve.table.item(1, 1).setText("0.4")
    editor(window, "speed_to_lead").add_row()  # 24h → 4d at half of 0.1
    after = dumps_flow(window.document.flow)
    assert after == typed(before, "sales_transfer", "speed_to_lead", "{5m: 1.0, 1h: 0.4, 24h: 0.1, 4d: 0.05}")
    undo_all(window, index)
    assert dumps_flow(window.document.flow) == before


def test_a_wrong_curve_point_is_shown_and_not_written(window):
    before, index = open_on(window, "seven-step-workflow", "sales_transfer")
    curve = editor(window, "speed_to_lead")
    curve.table.item(1, 0).setText("soon")
    assert curve.problem.text() and window.document.undo_stack.index() == index
    assert dumps_flow(window.document.flow) == before


def test_a_rule_written_with_completion_writes_what_typing_writes(window, qtbot):
    window.open_path(template_path("lead-flow"))
    flow = window.document.flow
    edge = next(e for e in flow.edges if e.when == "score >= 60")
    before, index = dumps_flow(flow), window.document.undo_stack.index()
    window.scene.edge_item(edge).setSelected(True)
    rule = editor(window, "when")
    rule.setFocus()
    rule.selectAll()
    qtbot.keyClicks(rule, "fit_sc")
    assert rule.completer.popup().isVisible()
    assert rule.completer.currentCompletion() == "fit_score"
    qtbot.keyClick(rule.completer.popup(), Qt.Key.Key_Return)  # pick it
    qtbot.keyClicks(rule, " >= 20 and contai")
    assert rule.completer.currentCompletion() == "contains("
    qtbot.keyClick(rule.completer.popup(), Qt.Key.Key_Enter)
    qtbot.keyClicks(rule, "lower(job_title), 'vp')")
    qtbot.keyClick(rule, Qt.Key.Key_Return)
    text = "fit_score >= 20 and contains(lower(job_title), 'vp')"
    assert edge.when == text
    expected = loads_flow(before)
    twin = next(e for e in expected.edges if e.when == "score >= 60")
    SetEdgeField(expected, twin, "when", parse_value(f'"{text}"')).redo()
    assert dumps_flow(flow) == dumps_flow(expected)
    undo_all(window, index)
    assert dumps_flow(window.document.flow) == before


def test_completion_offers_the_fields_a_lead_has_at_that_node_and_the_functions(window):
    from flowsim.gui.rule_edit import RuleEdit

    window.open_path(template_path("inbound-vs-outbound"))
    edge = next(e for e in window.document.flow.edges if e.source == "outbound_qualification")
    window.scene.edge_item(edge).setSelected(True)
    rule = editor(window, "when")
    assert isinstance(rule, RuleEdit)
    offered = set(rule.offered())
    assert {"score", "job_title", "company_size"} <= offered
    assert "webinar" not in offered  # only inbound leads have it; none reach this edge
    rule.setPlainText("days")
    rule.moveCursor(rule.textCursor().MoveOperation.End)
    rule.suggest()
    assert rule.completer.currentCompletion() == "days("


def test_probabilities_show_as_percentages_and_write_shares(window):
    before, index = open_on(window, "lead-flow", "sdr_handoff")
    accept = editor(window, "accept")
    assert isinstance(accept, PercentEdit) and accept.text() == "25 %"
    accept.setText("30 %")
    accept.editingFinished.emit()
    assert dumps_flow(window.document.flow) == typed(before, "sdr_handoff", "accept", "0.3")
    undo_all(window, index)
    assert dumps_flow(window.document.flow) == before


def test_a_percentage_out_of_range_is_refused(window):
    before, index = open_on(window, "lead-flow", "sdr_handoff")
    accept = editor(window, "accept")
    accept.setText("140")
    accept.editingFinished.emit()
    assert window.document.undo_stack.index() == index and "100 %" in accept.toolTip()


def test_a_duration_takes_a_unit(window):
    before, index = open_on(window, "lead-flow", "nurture")
    every = editor(window, "every")
    assert isinstance(every, DurationEdit)
    enter(every, "2", "w")
    assert dumps_flow(window.document.flow) == typed(before, "nurture", "every", "2w")
    undo_all(window, index)
    assert dumps_flow(window.document.flow) == before


def test_the_edge_rule_sits_beside_its_label(window):
    window.open_path(template_path("seven-step-workflow"))
    edge = next(e for e in window.document.flow.edges if e.when)
    window.scene.edge_item(edge).setSelected(True)
    rule = editor(window, "when")
    label = window.inspector.form.labelForField(rule.parentWidget())
    gap = abs(rule.mapTo(window.inspector, rule.rect().topLeft()).y() - label.mapTo(window.inspector, label.rect().topLeft()).y())
    assert gap < rule.height()


def test_long_titles_wrap_in_the_inspector_rather_than_being_cut(window):
    window.open_path(template_path("seven-step-workflow"))
    edge = next(e for e in window.document.flow.edges if e.source == "marketing_qualification")
    window.scene.edge_item(edge).setSelected(True)
    window.inspector.resize(240, 600)
    header = window.inspector.form.itemAt(1, window.inspector.form.ItemRole.SpanningRole).widget()
    assert "Marketing qualification" in header.text() and header.wordWrap()


def test_undo_shows_the_old_value_in_the_editor_that_made_the_change(window, qtbot):
    before, index = open_on(window, "lead-flow", "sdr_handoff")
    service = editor(window, "service")
    window.activateWindow()
    service.kind.setFocus()  # the user is in the field when they press Ctrl+Z
    qtbot.waitUntil(service.kind.hasFocus)
    choose(service.kind, "fixed")
    assert editor(window, "service") is service  # its own edit leaves the field alone
    assert editor(window, "service").kind.currentData() == "fixed"
    window.actions.undo.trigger()
    assert editor(window, "service").kind.currentData() == "exponential"
    assert dumps_flow(window.document.flow) == before


def test_a_value_an_editor_cannot_show_stays_as_written(window, tmp_path):
    from flowsim.gui.inspector import ValueEdit
    from tests.flows import broken

    path = tmp_path / "odd.flow.yaml"
    path.write_text(broken("service: {dist: exponential, mean: 30m}", "service: {dist: exponential, mean: soon}"),
                    encoding="utf-8")
    window.open_path(path)
    window.scene.item_for_id("sdrs").setSelected(True)
    service = editor(window, "service")
    assert isinstance(service, ValueEdit) and "soon" in service.text()
