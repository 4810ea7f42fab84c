"""Editing through the window: every edit undoes exactly, broken files open read-only."""

import random

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QApplication

from flowsim.gui.actions import ACTION_SPECS
from flowsim.gui.commands import (
    AddEdge, AddItems, MoveNodes, RemoveItems, RenameNode, SetEdgeField, SetFlowField, SetKind, SetNodeField,
)
from flowsim.gui.editing import clip_text, layout_command, paste_command
from flowsim.io import dumps_flow, load_flow
from flowsim.model import Edge, Node, NodeKind
from flowsim.resources import template_path
from tests.flows import VALID, broken, line_of

KINDS = [k.value for k in NodeKind]


def test_no_shortcut_is_bound_twice(window):
    seen = {}
    for action in window.findChildren(type(window.actions.save)):
        for sequence in action.shortcuts():
            key = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            assert key not in seen, f"{key} is bound to both {seen[key]} and {action.objectName()}"
            seen[key] = action.objectName()
    assert len(seen) >= len([s for s in ACTION_SPECS.values() if s[1] is not None])


def random_edit(rng: random.Random, flow):
    """One random edit of the kinds users make, as a command (or None if it does not apply)."""
    nodes = flow.nodes
    choice = rng.randrange(10)
    if choice == 0 or not nodes:
        kind = rng.choice(KINDS)
        return AddItems(flow, [Node(flow.unique_id(kind), kind, label=f"N{rng.randrange(99)}",
                                    position=(rng.randrange(0, 2000, 20), rng.randrange(0, 800, 20)))])
    node = rng.choice(nodes)
    if choice == 1:
        edges = rng.sample(flow.edges, k=min(len(flow.edges), rng.randrange(3)))
        return RemoveItems(flow, [node.id] if rng.random() < 0.5 else [], edges)
    if choice == 2:
        moved = rng.sample(nodes, k=min(len(nodes), 3))
        return MoveNodes(flow, {n.id: (list(n.position), [rng.randrange(0, 2000), rng.randrange(0, 800)]) for n in moved})
    if choice == 3:
        key, value = rng.choice([("label", f"L{rng.randrange(9)}"), ("color", rng.choice(["#4A90D9", "teal", None])),
                                 ("capacity", rng.randrange(1, 5)), ("leak", None), ("delay", "2h")])
        return SetNodeField(flow, node.id, key, value)
    if choice == 4:
        new = flow.unique_id(node.id + "_r")
        return RenameNode(flow, node.id, new)
    if choice == 5:
        return SetKind(flow, node.id, rng.choice(KINDS))
    if choice == 6:
        other = rng.choice(nodes)
        return AddEdge(flow, Edge(node.id, other.id, probability=rng.choice([None, 0.25])), rng.randrange(len(flow.edges) + 1))
    if choice == 7 and flow.edges:
        return SetEdgeField(flow, rng.choice(flow.edges), rng.choice(["when", "label"]), rng.choice(["score >= 60", None, "x"]))
    if choice == 8:
        return paste_command(flow, clip_text(flow, [n.id for n in rng.sample(nodes, k=min(len(nodes), 2))]))
    if choice == 9:
        return rng.choice([layout_command(flow), SetFlowField(flow, "simulation.days", rng.randrange(10, 200))])
    return None


def test_two_hundred_random_edits_undo_back_to_the_original_bytes(window):
    window.open_path(template_path("lead-flow"))
    document = window.document
    original_flow = document.flow.copy()
    original_bytes = template_path("lead-flow").read_text(encoding="utf-8")
    rng = random.Random(2026)
    made = 0
    while made < 200:
        command = random_edit(rng, document.flow)
        if command is not None:
            window.push(command)
            made += 1
            # The scene follows the model: one card per node, one curve per edge.
            assert len(window.scene.node_items()) == len(document.flow.nodes)
            assert len(window.scene.edge_items()) == len(document.flow.edges)
    assert document.modified
    while document.undo_stack.canUndo():
        document.undo_stack.undo()
    assert document.flow == original_flow
    assert dumps_flow(document.flow) == original_bytes
    assert not document.modified
    assert len(window.scene.node_items()) == len(original_flow.nodes)


def test_deleting_a_node_takes_its_edges_and_undo_brings_all_back(window):
    window.open_path(template_path("lead-flow"))
    flow = window.document.flow
    before = dumps_flow(flow)
    window.scene.item_for_id("scoring").setSelected(True)
    window.actions.delete.trigger()
    assert not flow.has_node("scoring")
    assert all("scoring" not in (e.source, e.target) for e in flow.edges)
    window.actions.undo.trigger()
    assert dumps_flow(flow) == before


def test_copy_and_paste_make_new_ids_and_keep_inner_edges(window):
    window.open_path(template_path("lead-flow"))
    flow = window.document.flow
    for node_id in ("scoring", "segmentation"):
        window.scene.item_for_id(node_id).setSelected(True)
    window.actions.copy.trigger()
    window.actions.paste.trigger()
    assert flow.has_node("scoring_2") and flow.has_node("segmentation_2")
    assert any((e.source, e.target) == ("scoring_2", "segmentation_2") for e in flow.edges)
    assert [p + 40 for p in flow.node("scoring").position] == list(flow.node("scoring_2").position)
    window.actions.undo.trigger()
    assert not flow.has_node("scoring_2")


def test_a_broken_file_opens_read_only_with_its_problem_listed(window, tmp_path):
    path = tmp_path / "broken.flow.yaml"
    text = broken("arrivals: {per_day: 40}", "arrivals: {per_day: 40")
    path.write_text(text, encoding="utf-8")
    assert window.open_path(path) is False
    assert window.document.read_only
    assert "(read-only)" in window.windowTitle()
    assert window.center.currentWidget() is window.source_view
    assert window.source_view.toPlainText() == text
    assert window.problems.count() == 1
    assert f"{path}:{line_of(text, 'cost_per_lead')}:" in window.problems.item(0).text()
    assert not window.actions.save.isEnabled() and not window.actions.delete.isEnabled()


def test_a_flow_with_mistakes_opens_editable_with_problems_to_click(window, tmp_path):
    path = tmp_path / "mistakes.flow.yaml"
    path.write_text(broken("capacity: 2", "capacity: 0"), encoding="utf-8")
    assert window.open_path(path)
    assert not window.document.read_only
    assert window.problems.count() == 1
    assert "capacity" in window.problems.item(0).text()
    window.problems.itemActivated.emit(window.problems.item(0))
    assert window.scene.selected_node_ids() == ["sdrs"]
    assert "whole number" in window.inspector.issue_labels["capacity"].text()
    # Fixing it in the inspector clears the problem.
    editor = window.inspector.editors["capacity"]
    editor.setText("3")
    editor.editingFinished.emit()
    assert window.document.flow.node("sdrs").params["capacity"] == 3
    assert window.problems.count() == 0


def test_a_rule_with_a_typo_is_underlined_as_you_type(window, qtbot):
    window.open_path(template_path("lead-flow"))
    edge = next(e for e in window.document.flow.edges if e.when == "score >= 60")
    window.scene.edge_item(edge).setSelected(True)
    rule = window.inspector.editors["when"]
    rule.selectAll()
    qtbot.keyClicks(rule, "scor >= 60")
    assert "did you mean 'score'" in rule.problem
    assert rule.extraSelections() and rule.extraSelections()[0].cursor.selectedText() == "scor"
    assert window.inspector.issue_labels["when"].isVisible()
    assert edge.when == "score >= 60"  # nothing is committed while the rule is wrong


def test_a_malformed_value_is_refused_without_an_undo_step(window):
    window.open_path(template_path("lead-flow"))
    window.scene.item_for_id("sdr_handoff").setSelected(True)
    steps = window.document.undo_stack.count()
    editor = window.inspector.editors["assignment"]
    editor.setText("{type: round_robin")
    editor.editingFinished.emit()
    assert window.document.undo_stack.count() == steps
    assert "YAML" in editor.toolTip()


def test_title_shows_unsaved_changes(window, tmp_path):
    path = tmp_path / "x.flow.yaml"
    path.write_text(VALID)
    window.open_path(path)
    assert not window.isWindowModified()
    window.push(SetNodeField(window.document.flow, "ads", "label", "Ads"))
    assert window.isWindowModified()
    window.save()
    assert not window.isWindowModified()
    assert load_flow(path).node("ads").label == "Ads"


def test_unsaved_work_is_kept_aside_and_can_be_recovered(window, tmp_path):
    from flowsim.gui.document import pending_recoveries

    path = tmp_path / "x.flow.yaml"
    path.write_text(VALID)
    window.open_path(path)
    window.push(SetNodeField(window.document.flow, "ads", "label", "Unsaved"))
    window.document.write_recovery()
    assert window.document.recovery_path().is_file()
    assert window.document.recovery_path() not in pending_recoveries()  # its owner lives
    window.document.undo_stack.setClean()  # as if the app died without saving
    window.document.recover(window.document.recovery_path())
    assert window.document.flow.node("ads").label == "Unsaved"
    assert window.document.path == path and window.document.modified
    assert path.read_text() == VALID


def test_dropping_a_kind_from_the_palette_adds_a_node_there(window):
    window.document.set_flow(load_flow(template_path("lead-flow")), None)
    before = len(window.document.flow.nodes)
    window.scene.add_node_at("nurture", QPointF(500, 900))
    node = window.document.flow.nodes[-1]
    assert len(window.document.flow.nodes) == before + 1 and node.kind == "nurture"
    assert node.id == "nurture_2"


def test_auto_layout_is_one_undo_step(window):
    window.open_path(template_path("seven-step-workflow"))
    before = dumps_flow(window.document.flow)
    window.actions.auto_layout.trigger()
    assert dumps_flow(window.document.flow) != before
    window.actions.undo.trigger()
    assert dumps_flow(window.document.flow) == before


@pytest.mark.parametrize("key", [Qt.Key.Key_Plus, Qt.Key.Key_Minus])
def test_zoom_keeps_within_bounds(window, key):
    for _ in range(40):
        (window.view.zoom_in if key == Qt.Key.Key_Plus else window.view.zoom_out)()
    assert 0.1 <= window.view.zoom() <= 4.0


def test_the_inspector_shows_where_a_preset_number_comes_from(window):
    window.open_path(template_path("lead-flow"))
    window.scene.item_for_id("landing_page").setSelected(True)
    cite = window.inspector.findChild(type(window.zoom_label), "source_conversion")
    assert cite is not None and "Unbounce 2024" in cite.text()


def test_far_out_the_view_draws_all_edges_as_one_path(window):
    window.open_path(template_path("lead-flow"))
    window.view.set_zoom(0.2)
    assert window.scene.far and not any(item.isVisible() for item in window.scene.edge_items())
    assert window.scene.edges_path().elementCount() > 0
    window.view.set_zoom(1.0)
    assert not window.scene.far and all(item.isVisible() for item in window.scene.edge_items())


def on_screen(window, widget=None):
    """A widget (the canvas by default) as the screen shows it: what was painted, not a
    fresh render as ``widget.grab()`` makes."""
    widget = widget or window.view.viewport()
    corner = widget.mapTo(window, QPoint(0, 0))
    shot = QApplication.primaryScreen().grabWindow(window.winId(), corner.x(), corner.y(),
                                                   widget.width(), widget.height())
    return shot.toImage()


def test_far_out_the_view_draws_the_cards_and_shows_selection_at_once(window, qtbot):
    window.open_path(template_path("lead-flow"))
    qtbot.wait(50)  # opening fits the flow once events run
    window.view.set_zoom(0.2)
    qtbot.wait(50)
    card = window.scene.item_for_id("won")
    assert card.flags() & card.GraphicsItemFlag.ItemHasNoContents  # the view draws it
    plain = on_screen(window)
    card.setSelected(True)
    qtbot.wait(50)
    assert on_screen(window) != plain  # its outline is on screen without another repaint
    card.setSelected(False)
    qtbot.wait(50)
    assert on_screen(window) == plain
    window.view.set_zoom(1.0)
    assert not card.flags() & card.GraphicsItemFlag.ItemHasNoContents


def test_the_overview_shows_where_the_canvas_is_and_moves_it(window, qtbot):
    window.open_path(template_path("lead-flow"))
    qtbot.wait(50)  # opening fits the flow into the canvas once events run
    window.view.set_zoom(1.0)
    qtbot.waitUntil(lambda: window.view.horizontalScrollBar().maximum() > 0)  # the canvas can move
    window.view.centerOn(0, 0)
    overview = window.overview
    overview.refit()
    before = overview.visible_area().center()
    target = window.scene.item_for_id("won").sceneBoundingRect().center()
    qtbot.mouseClick(overview, Qt.MouseButton.LeftButton, pos=overview.map_from_scene(target).toPoint())
    after = overview.visible_area().center()
    assert (after - target).manhattanLength() < (before - target).manhattanLength()


def test_the_overviews_frame_follows_the_canvas_when_a_dock_closes(window, qtbot):
    window.open_path(template_path("lead-flow"))
    qtbot.wait(50)
    window.view.set_zoom(1.0)
    qtbot.wait(window.overview.SETTLE_MS * 2)
    window.inspector_dock.hide()  # the canvas grows; it neither scrolls nor zooms
    qtbot.wait(100)
    fresh = window.overview.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert on_screen(window, window.overview) == fresh


def test_an_empty_flow_has_an_empty_overview(window, qtbot):
    assert not window.document.flow.nodes  # a new window starts with an empty flow
    window.overview.refit()
    assert window.overview._picture is None
    before = window.overview.visible_area()
    qtbot.mouseClick(window.overview, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert window.overview.visible_area() == before  # nothing to go to


def test_moving_the_canvas_moves_the_overviews_frame_without_drawing_the_flow_again(window, qtbot):
    window.open_path(template_path("lead-flow"))
    qtbot.wait(50)  # opening fits the flow into the canvas once events run
    window.view.set_zoom(1.0)
    overview = window.overview
    qtbot.waitUntil(lambda: window.view.horizontalScrollBar().maximum() > 0)
    qtbot.wait(overview.SETTLE_MS * 2)
    renders = overview.renders
    frame = overview.visible_area()
    bar = window.view.horizontalScrollBar()
    for _ in range(5):
        bar.setValue(bar.value() + 40)
        overview.repaint()
    qtbot.wait(overview.SETTLE_MS * 2)
    assert overview.visible_area() != frame
    assert overview.renders == renders
    window.scene.item_for_id("won").setSelected(True)  # the picture changes: drawn again once it settles
    qtbot.waitUntil(lambda: overview.renders == renders + 1)
