"""Drawing on the canvas with the real mouse: press, move and release on the viewport.

At every zoom, a drag from anywhere on a port or its halo onto any part of another card
adds exactly one edge and moves nothing; a drag from a card's body moves the card; a
click records nothing.
"""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtTest import QTest

from flowsim.gui.commands import AddEdge, MoveNodes
from flowsim.gui.connecting import PORT_HALO_PX
from flowsim.gui.items import PORT_RADIUS
from flowsim.io import dumps_flow
from flowsim.render.look import CARD_H, CARD_W
from flowsim.resources import template_path

ZOOMS = [0.25, 0.4, 0.7, 1.0, 2.0]  # 0.25: far out, where cards are drawn as boxes
LEFT = Qt.MouseButton.LeftButton


def press(view, at: QPoint) -> None:
    QTest.mousePress(view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, at)


def move(view, at: QPoint) -> None:
    QTest.mouseMove(view.viewport(), at)


def release(view, at: QPoint) -> None:
    QTest.mouseRelease(view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, at)


def mouse_drag(view, start: QPoint, end: QPoint, steps: int = 5) -> None:
    """Press at ``start``, move there in steps with the button held, release at ``end``."""
    press(view, start)
    for n in range(1, steps + 1):
        move(view, start + (end - start) * (n / steps))
    release(view, end)


def opened(window, qtbot, zoom: float):
    """The default template open at ``zoom``, paid search and the landing page in view."""
    window.open_path(template_path("lead-flow"))
    for dock in (window.palette_dock, window.overview_dock, window.inspector_dock):
        dock.hide()  # room for both cards at 200 %
    qtbot.wait(30)  # opening sets its own zoom once events run: let it, then set ours
    window.view.set_zoom(zoom)
    source = window.scene.item_for_id("paid_search").card_box()
    target = window.scene.item_for_id("landing_page").card_box()
    window.view.centerOn(source.united(target).center())
    assert window.view.viewport().rect().contains(window.view.mapFromScene(source.topLeft()))
    assert window.view.viewport().rect().contains(window.view.mapFromScene(target.bottomRight()))
    return window.scene.item_for_id("paid_search"), window.scene.item_for_id("landing_page")


def empty_spot(window) -> QPoint:
    """A viewport point on empty canvas: no card, port, edge or label there."""
    view, scene = window.view, window.scene
    size = view.viewport().size()
    for y in range(12, size.height() - 12, 16):
        for x in range(12, size.width() - 12, 16):
            at = view.mapToScene(QPoint(x, y))
            area = QRectF(at.x() - 20, at.y() - 20, 40, 40)
            if not scene.items(area) and scene.connector.port_near(at, view.zoom()) is None:
                return QPoint(x, y)
    raise AssertionError("no empty canvas in view")


def positions(flow):
    return {node.id: list(node.position) for node in flow.nodes}


def port_and_halo_points(view, item, step: int = 4) -> list[QPoint]:
    """A grid of viewport points over the port and its halo (inside the reach by a pixel,
    as the press lands on whole pixels)."""
    centre = view.mapFromScene(item.mapToScene(item.out_port()))
    reach = PORT_RADIUS * view.zoom() + PORT_HALO_PX - 1
    points = []
    span = int(reach)
    for dx in range(-span, span + 1, step):
        for dy in range(-span, span + 1, step):
            if math.hypot(dx, dy) <= reach:
                points.append(centre + QPoint(dx, dy))
    assert len(points) > 20
    return points


def card_points(view, item) -> list[QPoint]:
    """Points all over a card: corners, edges, middle, its own port side."""
    box = item.card_box()
    inset = 3 / view.zoom()
    xs = [box.left() + inset, box.center().x(), box.right() - inset]
    ys = [box.top() + inset, box.center().y(), box.bottom() - inset]
    return [view.mapFromScene(QPointF(x, y)) for x in xs for y in ys]


@pytest.mark.parametrize("zoom", ZOOMS)
def test_a_drag_from_any_point_of_a_port_or_its_halo_onto_a_card_adds_one_edge_and_moves_nothing(window, qtbot, zoom):
    source, target = opened(window, qtbot, zoom)
    flow, stack, view = window.document.flow, window.document.undo_stack, window.view
    before_positions = positions(flow)
    before = dumps_flow(flow)
    edges = len(flow.edges)
    drops = card_points(view, target)
    for n, start in enumerate(port_and_halo_points(view, source)):
        end = drops[n % len(drops)]
        mouse_drag(view, start, end)
        assert len(flow.edges) == edges + 1, f"no edge from {start} to {end} at zoom {zoom}"
        added = flow.edges[-1]
        assert (added.source, added.target) == ("paid_search", "landing_page")
        assert positions(flow) == before_positions
        assert stack.count() == 1 and isinstance(stack.command(0), AddEdge)
        stack.undo()
        assert dumps_flow(flow) == before
    assert not window.document.modified


@pytest.mark.parametrize("zoom", ZOOMS)
def test_a_drag_from_a_cards_body_moves_it(window, qtbot, zoom):
    source, _ = opened(window, qtbot, zoom)
    flow, stack, view = window.document.flow, window.document.undo_stack, window.view
    edges = len(flow.edges)
    reach = PORT_RADIUS + PORT_HALO_PX / zoom  # scene units
    for x in (20.0, CARD_W / 2, CARD_W - reach - 4):  # left, middle, just clear of the halo
        old = list(flow.node("paid_search").position)
        grab = view.mapFromScene(source.mapToScene(QPointF(x, CARD_H / 2)))
        mouse_drag(view, grab, grab + QPoint(0, 100))
        new = list(flow.node("paid_search").position)
        assert new[1] > old[1] and abs(new[1] - old[1] - 100 / zoom) <= window.scene.GRID
        assert isinstance(stack.command(stack.index() - 1), MoveNodes)
        assert stack.undoText() == "Move 1 node"
        stack.undo()
    assert len(flow.edges) == edges


@pytest.mark.parametrize("zoom", ZOOMS)
def test_a_click_on_empty_canvas_or_on_a_card_records_nothing(window, qtbot, zoom):
    source, _ = opened(window, qtbot, zoom)
    view, stack = window.view, window.document.undo_stack
    empty = empty_spot(window)
    QTest.mouseClick(view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, empty)
    card = view.mapFromScene(source.mapToScene(QPointF(40, 20)))
    QTest.mouseClick(view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, card)
    assert window.scene.selected_node_ids() == ["paid_search"]  # clicking selects ...
    QTest.mouseClick(view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, empty)
    assert stack.count() == 0  # ... and changes nothing
    assert not window.document.modified and not window.isWindowModified()
    assert not window.actions.undo.isEnabled()


def test_a_click_on_a_port_makes_no_edge(window, qtbot):
    source, _ = opened(window, qtbot, 1.0)
    port = window.view.mapFromScene(source.mapToScene(source.out_port()))
    QTest.mouseClick(window.view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, port)
    assert window.document.undo_stack.count() == 0


def test_the_port_under_the_mouse_grows_and_the_target_card_lights_up(window, qtbot):
    source, target = opened(window, qtbot, 0.7)
    view = window.view
    port = view.mapFromScene(source.mapToScene(source.out_port()))
    move(view, port + QPoint(PORT_HALO_PX - 2, 0))  # in the halo, outside the card
    assert source.port_hot
    move(view, empty_spot(window))
    assert not source.port_hot
    press(view, port)
    move(view, port + QPoint(20, 20))
    assert not target.drop_target
    over = view.mapFromScene(target.card_box().center())
    move(view, over)
    assert target.drop_target
    move(view, empty_spot(window))
    assert not target.drop_target
    release(view, empty_spot(window))


def test_a_connection_dropped_on_empty_canvas_offers_the_palette_to_add_a_connected_card(window, qtbot):
    source, _ = opened(window, qtbot, 1.0)
    view, flow, stack = window.view, window.document.flow, window.document.undo_stack
    port = view.mapFromScene(source.mapToScene(source.out_port()))
    empty = view.mapFromScene(QPointF(240, -120))
    assert window.scene.node_at(view.mapToScene(empty)) is None
    nodes, edges = len(flow.nodes), len(flow.edges)
    mouse_drag(view, port, empty)
    menu = window.connect_menu
    qtbot.waitUntil(menu.isVisible)
    assert len(flow.nodes) == nodes and stack.count() == 0  # nothing until a kind is picked
    assert window.scene.connector._pending is not None  # the line waits with the menu
    menu.kind_action("capture").trigger()
    assert len(flow.nodes) == nodes + 1 and len(flow.edges) == edges + 1
    node = flow.nodes[-1]
    assert node.kind == "capture" and (flow.edges[-1].source, flow.edges[-1].target) == ("paid_search", node.id)
    assert stack.count() == 1  # one step adds both
    qtbot.waitUntil(lambda: window.scene.connector._pending is None)
    stack.undo()
    assert len(flow.nodes) == nodes and len(flow.edges) == edges


def test_undo_and_redo_say_what_they_would_do_and_the_edit_menu_lists_the_history(window, qtbot):
    source, _ = opened(window, qtbot, 1.0)
    undo, redo = window.actions.undo, window.actions.redo
    assert not undo.isEnabled() and not redo.isEnabled()
    assert undo.text().replace("&", "") == "Undo"
    for name in ("paid_search", "linkedin_ads", "organic"):
        window.scene.item_for_id(name).setSelected(True)
    view = window.view
    grab = view.mapFromScene(source.mapToScene(QPointF(40, 30)))
    mouse_drag(view, grab, grab + QPoint(0, 60))
    assert undo.isEnabled() and undo.text().replace("&", "") == "Undo Move 3 nodes"
    assert not redo.isEnabled()
    undo.trigger()
    assert redo.isEnabled() and redo.text().replace("&", "") == "Redo Move 3 nodes"
    assert not undo.isEnabled()
    redo.trigger()
    menu = window.history_menu
    menu.rebuild()
    entries = [a.text() for a in menu.actions()]
    assert entries[1:] == ["Move 3 nodes"]
    checked = [a.text() for a in menu.actions() if a.isChecked()]
    assert checked == ["Move 3 nodes"]
    menu.actions()[0].trigger()  # back to the document as opened
    assert not window.document.modified


def test_a_port_grown_under_the_mouse_shrinks_once_a_drag_takes_the_mouse_away(window, qtbot):
    source, target = opened(window, qtbot, 1.0)
    view = window.view
    port = view.mapFromScene(source.mapToScene(source.out_port()))
    move(view, port)
    assert source.port_hot
    mouse_drag(view, port, view.mapFromScene(target.card_box().center()))
    assert not source.port_hot


def test_escape_drops_a_connection_being_drawn(window, qtbot):
    source, target = opened(window, qtbot, 1.0)
    view = window.view
    port = view.mapFromScene(source.mapToScene(source.out_port()))
    over = view.mapFromScene(target.card_box().center())
    press(view, port)
    move(view, over)
    assert target.drop_target
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)
    assert not target.drop_target and not window.scene.connector.active
    release(view, over)
    assert window.document.undo_stack.count() == 0


def test_a_loop_needs_the_drag_to_leave_the_card_and_come_back(window, qtbot):
    source, _ = opened(window, qtbot, 1.0)
    view, flow = window.view, window.document.flow
    port = view.mapFromScene(source.mapToScene(source.out_port()))
    inside = view.mapFromScene(source.mapToScene(QPointF(100, 30)))
    mouse_drag(view, port, inside)  # never left its own card: nothing
    assert window.document.undo_stack.count() == 0
    press(view, port)
    move(view, port + QPoint(80, 0))  # out on the canvas ...
    move(view, inside)  # ... and back onto itself
    release(view, inside)
    assert (flow.edges[-1].source, flow.edges[-1].target) == ("paid_search", "paid_search")


def test_dismissing_the_offered_palette_adds_nothing(window, qtbot):
    source, _ = opened(window, qtbot, 1.0)
    view = window.view
    port = view.mapFromScene(source.mapToScene(source.out_port()))
    mouse_drag(view, port, view.mapFromScene(QPointF(240, -120)))
    menu = window.connect_menu
    qtbot.waitUntil(menu.isVisible)
    menu.hide()
    qtbot.waitUntil(lambda: window.scene.connector._pending is None)
    assert window.document.undo_stack.count() == 0
