"""The canvas opens readable, and never hides text without saying it whole on hover."""

from __future__ import annotations

import pytest

from flowsim.gui.view import READABLE_PX
from flowsim.model import Edge, Node
from flowsim.render.look import edge_label
from flowsim.render.shapes import Text
from flowsim.resources import templates

TEMPLATES = [t.name for t in templates()]


def texts_on_screen(window):
    """(text, size in screen pixels) of every card and edge label in the canvas's view."""
    view, zoom = window.view, window.view.zoom()
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    out = []
    for item in window.scene.node_items() + window.scene.edge_items():
        if item.isVisible() and seen.intersects(item.sceneBoundingRect()):
            out += [(s.text, s.size * zoom) for s in item.shapes if isinstance(s, Text)]
    return out


@pytest.mark.parametrize("name", TEMPLATES)
def test_each_template_opens_with_card_text_at_least_11_px_on_screen(window, qtbot, name):
    window.open_template(name)
    qtbot.wait(30)  # the opening zoom is set once events run
    shown = texts_on_screen(window)
    assert shown, "some cards are in view"
    assert min(size for _, size in shown) >= READABLE_PX
    assert not window.scene.far  # cards are drawn in full, not as far-out boxes
    # Where the whole flow does not fit at that zoom, the view starts where leads come in.
    seen = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    sources = [i for i in window.scene.node_items() if i.node.kind == "source"]
    assert any(seen.contains(item.card_box()) for item in sources)
    # Opening changed nothing.
    assert window.document.undo_stack.count() == 0 and not window.document.modified


def test_a_small_flow_opens_whole(window, qtbot):
    flow = window.document.flow
    window.push(_add(flow, Node("ads", "source", "Ads", (3, 7))))
    window.push(_add(flow, Node("won", "sink", "Won", (283, 7))))
    window.view.set_zoom(0.3)
    window.view.show_readable()
    seen = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert all(seen.contains(item.card_box()) for item in window.scene.node_items())
    assert window.view.zoom() == pytest.approx(1.0)


def _add(flow, node):
    from flowsim.gui.commands import AddItems

    return AddItems(flow, [node])


def test_a_long_title_wraps_whole_and_a_cut_one_is_whole_in_the_tooltip(window):
    flow = window.document.flow
    wraps = "Marketing qualified lead review"
    too_long = "Marketing qualified lead review by the regional sales development team"
    window.push(_add(flow, Node("a", "score", wraps, (0, 0))))
    window.push(_add(flow, Node("b", "score", too_long, (0, 200))))
    lines = [s.text for s in window.scene.item_for_id("a").shapes if isinstance(s, Text) and s.bold]
    assert len(lines) == 2 and " ".join(lines) == wraps
    cut = window.scene.item_for_id("b")
    shown = [s.text for s in cut.shapes if isinstance(s, Text) and s.bold]
    assert shown[-1].endswith("…")
    assert too_long in cut.toolTip()


def test_a_long_edge_label_wraps_to_two_lines_and_its_tooltip_says_it_all(window):
    flow = window.document.flow
    window.push(_add(flow, Node("a", "score", "A", (0, 0))))
    window.push(_add(flow, Node("b", "sink", "B", (400, 0))))
    from flowsim.gui.commands import AddEdge

    wraps = "re-scored after the nurture stream"
    rule = "score >= 60 and company_size >= 200 and job_title in ['VP', 'Director', 'Manager']"
    window.push(AddEdge(flow, Edge("a", "b", label=wraps)))
    window.push(AddEdge(flow, Edge("a", "b", when=rule)))
    lines = [s.text for s in window.scene.edge_item(flow.edges[0]).shapes if isinstance(s, Text)]
    assert len(lines) == 2 and " ".join(lines) == wraps
    item = window.scene.edge_item(flow.edges[1])
    shown = [s.text for s in item.shapes if isinstance(s, Text)]
    assert len(shown) == 1 and shown[0].endswith("…")
    assert item.toolTip() == edge_label(flow.edges[1]) == rule
