"""A user builds the seven-component flow from an empty canvas with mouse and keyboard."""

from PySide6.QtCore import QPointF, Qt

from flowsim.io import dumps_flow, load_flow
from flowsim.model import Flow
from flowsim.render.look import CARD_H, CARD_W
from tests.gui.conftest import click, drag

STEPS = [  # kind, label, where it goes
    ("source", "Paid search", (0, 0)),
    ("capture", "Landing page", (280, 0)),
    ("score", "Lead scoring", (560, 0)),
    ("segment", "Segmentation", (840, 0)),
    ("nurture", "Nurture", (840, 200)),
    ("handoff", "MQL to SQL", (1120, 0)),
    ("sales", "CRM", (1400, 0)),
    ("sink", "Won", (1680, 0)),
]


def center_of(item):
    return item.mapToScene(QPointF(CARD_W / 2, CARD_H / 2))


def add_from_palette(qtbot, window, kind):
    """Type the kind into the palette's search box and press Enter."""
    search = window.palette.search
    search.clear()
    qtbot.keyClicks(search, kind)
    qtbot.keyClick(search, Qt.Key.Key_Return)


def test_build_edit_undo_redo_save_and_reopen(qtbot, window, tmp_path):
    window.document.set_flow(Flow("My flow"), None)
    scene, view = window.scene, window.view
    view.reset_zoom()
    ids = []
    for kind, label, (x, y) in STEPS:
        add_from_palette(qtbot, window, kind)
        node = window.document.flow.nodes[-1]
        ids.append(node.id)
        item = scene.item_for_id(node.id)
        view.centerOn(item)
        target = QPointF(x + CARD_W / 2, y + CARD_H / 2)
        view.centerOn(target)
        drag(view, center_of(item), target)
        assert list(window.document.flow.node(node.id).position) == [x, y]
        # Rename in place: double-click the card, type, Enter.
        scene.clearSelection()
        item.setSelected(True)
        window.actions.rename.trigger()
        editor = window.view.viewport().findChild(type(window.palette.search), "rename_editor")
        editor.selectAll()
        qtbot.keyClicks(editor, label)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        assert window.document.flow.node(node.id).label == label
    # Wire them: drag from each card's out port onto the next card.
    for source, target in [(0, 1), (1, 2), (2, 3), (3, 5), (3, 4), (4, 7), (5, 6), (6, 7)]:
        a, b = scene.item_for_id(ids[source]), scene.item_for_id(ids[target])
        view.centerOn(a)
        drag(view, a.mapToScene(a.out_port()), center_of(b))
    flow = window.document.flow
    assert [(e.source, e.target) for e in flow.edges][:3] == [(ids[0], ids[1]), (ids[1], ids[2]), (ids[2], ids[3])]
    assert len(flow.edges) == 8
    # Edit a rule on the segmentation → handoff edge: click the edge, type in the inspector.
    edge = flow.edges[3]
    edge_item = scene.edge_item(edge)
    view.centerOn(edge_item.geometry.label_at[0], edge_item.geometry.label_at[1])
    scene.clearSelection()
    click(view, QPointF(*edge_item.geometry.point(0.5)))
    assert edge_item.isSelected()
    rule = window.inspector.editors["when"]
    rule.setFocus()
    qtbot.keyClicks(rule, "score >= 60")
    qtbot.keyClick(rule, Qt.Key.Key_Return)
    assert edge.when == "score >= 60"
    # Give the source an arrival rate through the inspector, so the flow validates.
    scene.clearSelection()
    scene.item_for_id(ids[0]).setSelected(True)
    arrivals = window.inspector.editors["arrivals"]
    arrivals.setFocus()
    qtbot.keyClicks(arrivals, "{per_day: 40}")
    qtbot.keyClick(arrivals, Qt.Key.Key_Return)
    assert flow.node(ids[0]).params["arrivals"] == {"per_day": 40}
    assert [str(i) for i in window.document.issues if i.is_error] == []
    built = dumps_flow(flow)
    built_flow = flow.copy()
    # Undo everything (Ctrl+Z), back to the empty flow; then redo it all (Ctrl+Shift+Z).
    steps = window.document.undo_stack.count()
    assert steps >= 2 * len(STEPS) + 8 + 2  # adds, renames, edges, two edits, and the moves
    view.setFocus()
    for _ in range(steps):
        window.actions.undo.trigger()
    assert window.document.flow.nodes == [] and window.document.flow.edges == []
    assert scene.node_items() == [] and scene.edge_items() == []
    for _ in range(steps):
        window.actions.redo.trigger()
    assert window.document.flow == built_flow
    assert dumps_flow(window.document.flow) == built
    assert len(scene.node_items()) == len(STEPS) and len(scene.edge_items()) == 8
    # Save, reopen, compare.
    path = tmp_path / "mine.flow.yaml"
    assert window._save_to(path)
    assert not window.isWindowModified()
    assert path.read_text(encoding="utf-8") == built
    assert window.open_path(path)
    assert window.document.flow == built_flow
    assert load_flow(path) == built_flow
