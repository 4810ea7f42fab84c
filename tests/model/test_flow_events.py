"""The flow as an evented document: every edit emits one event and can be undone exactly."""

import pytest

from flowsim.model import Edge, Flow, Node, Signal


@pytest.fixture
def flow():
    f = Flow("Demo")
    f.add_node(Node("ads", "source", params={"arrivals": {"per_day": 10}}))
    f.add_node(Node("form", "capture"))
    f.add_node(Node("won", "sink"))
    f.add_edge(Edge("ads", "form"))
    f.add_edge(Edge("form", "won"))
    return f


@pytest.fixture
def log(flow):
    """Every event of ``flow`` as (event name, subject, detail) tuples."""
    entries = []
    for name in ("node_added", "node_removed", "node_changed", "edge_added", "edge_removed", "edge_changed", "changed"):
        getattr(flow, name).connect(lambda *args, name=name: entries.append((name, *args)))
    return entries


def test_signal_calls_handlers_in_order_and_once_each():
    signal, seen = Signal(), []
    first, second = (lambda x: seen.append(("first", x))), (lambda x: seen.append(("second", x)))
    signal.connect(first)
    signal.connect(second)
    signal.connect(first)
    signal.emit(1)
    signal.disconnect(first)
    signal.emit(2)
    assert seen == [("first", 1), ("second", 1), ("second", 2)]


def test_a_handler_may_disconnect_itself_while_the_signal_emits():
    signal, seen = Signal(), []

    def once(x):
        seen.append(x)
        signal.disconnect(once)

    signal.connect(once)
    signal.emit(1)
    signal.emit(2)
    assert seen == [1]


def test_adding_a_node_emits_its_index(flow, log):
    node = Node("score", "score")
    assert flow.add_node(node, 1) == 1
    assert log == [("node_added", node, 1)]
    assert [n.id for n in flow.nodes] == ["ads", "score", "form", "won"]


def test_a_node_id_cannot_be_taken_twice(flow):
    with pytest.raises(ValueError):
        flow.add_node(Node("ads", "source"))


def test_removing_a_node_removes_its_edges_first_and_can_be_restored_exactly(flow, log):
    before = flow.copy()
    node, index, edges = flow.remove_node("form")
    assert [entry[0] for entry in log] == ["edge_removed", "edge_removed", "node_removed"]
    assert flow.edges == []
    flow.add_node(node, index)
    for edge, edge_index in edges:
        flow.add_edge(edge, edge_index)
    assert flow == before


def test_setting_a_field_returns_the_old_value_for_undo(flow, log):
    old = flow.set_node("ads", "label", "Paid search")
    assert old == ""
    assert flow.node("ads").label == "Paid search"
    assert flow.set_node("ads", "arrivals", {"per_day": 20}) == {"per_day": 10}
    assert flow.set_node("ads", "arrivals", None) == {"per_day": 20}
    assert "arrivals" not in flow.node("ads").params
    assert [entry[0] for entry in log] == ["node_changed"] * 3


def test_renaming_a_node_repoints_its_edges(flow, log):
    flow.rename_node("form", "landing_page")
    assert flow.has_node("landing_page") and not flow.has_node("form")
    assert [(e.source, e.target) for e in flow.edges] == [("ads", "landing_page"), ("landing_page", "won")]
    assert [entry[0] for entry in log] == ["node_changed", "edge_changed", "edge_changed"]


def test_renaming_onto_a_taken_id_is_refused(flow):
    with pytest.raises(ValueError):
        flow.rename_node("form", "won")


def test_edges_keep_their_order_and_identity(flow, log):
    extra = Edge("ads", "won", probability=0.1)
    flow.add_edge(extra, 0)
    assert flow.out_edges("ads") == [extra, Edge("ads", "form")]
    assert flow.remove_edge(extra) == 0
    assert log == [("edge_added", extra, 0), ("edge_removed", extra, 0)]


def test_setting_an_edge_value(flow, log):
    edge = flow.edges[1]
    assert flow.set_edge(edge, "when", "score >= 60") is None
    assert edge.when == "score >= 60"
    assert flow.set_edge(edge, "color", "red") is None
    assert edge.extra == {"color": "red"}
    assert log == [("edge_changed", edge, "when"), ("edge_changed", edge, "color")]


def test_flow_settings_fall_back_to_defaults(flow, log):
    assert flow.setting("days") == 90
    flow.set_setting("days", 30)
    assert flow.setting("days") == 30
    flow.set_setting("days", None)
    assert flow.setting("days") == 90
    flow.set_name("Renamed")
    assert log == [("changed", "simulation"), ("changed", "simulation"), ("changed", "name")]


def test_equality_ignores_lines_and_comments(flow):
    twin = flow.copy()
    twin.node("ads").lines[("label",)] = 12
    assert twin == flow
    twin.node("ads").params["cost_per_lead"] = 3
    assert twin != flow


def test_unique_id_counts_up():
    f = Flow()
    f.add_node(Node("nurture", "nurture"))
    f.add_node(Node("nurture_2", "nurture"))
    assert f.unique_id("nurture") == "nurture_3"
    assert f.unique_id("score") == "score"
