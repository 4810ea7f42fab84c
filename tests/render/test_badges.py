"""Run badges that mean what they say: a form says how many converted; red is an alarm."""

from __future__ import annotations

from flowsim.model import Edge, Flow, Node
from flowsim.render.look import NodeStats, node_shapes
from flowsim.render.overlay import expected_leak
from flowsim.render.shapes import Text
from flowsim.render.theme import LIGHT


def badge(node: Node, stats: NodeStats) -> Text:
    return next(s for s in node_shapes(node, LIGHT, stats) if isinstance(s, Text) and s.y > 60)


def test_a_form_converting_as_set_says_so_and_is_not_red():
    form = Node("form", "capture", "Landing page", (0, 0), params={"conversion": 0.04})
    flow = Flow("f", nodes=[form])
    stats = NodeStats(entered=10_000, leaked=9_600, expected_leak=expected_leak(form, flow))
    shown = badge(form, stats)
    assert "4 % converted" in shown.text and "leak" not in shown.text
    assert shown.color != LIGHT.alert


def test_a_form_converting_far_below_its_setting_is_red():
    form = Node("form", "capture", "Landing page", (0, 0), params={"conversion": 0.5})
    flow = Flow("f", nodes=[form])
    stats = NodeStats(entered=1_000, leaked=900, expected_leak=expected_leak(form, flow))
    assert badge(form, stats).color == LIGHT.alert


def test_leakage_the_parameters_explain_is_muted_and_unexplained_leakage_is_red():
    handoff = Node("sdr", "handoff", "SDRs", (0, 0), params={"leak": 0.3, "patience": "1d", "capacity": 1})
    flow = Flow("f", nodes=[handoff])
    expected = expected_leak(handoff, flow)
    assert abs(expected - 0.3) < 1e-9  # patience losses are not expected: they are the bottleneck's cost
    assert badge(handoff, NodeStats(1_000, 320, expected_leak=expected)).color != LIGHT.alert
    assert badge(handoff, NodeStats(1_000, 600, expected_leak=expected)).color == LIGHT.alert


def test_a_bottleneck_is_red_whatever_it_leaks():
    node = Node("sdr", "handoff", "SDRs", (0, 0))
    shown = badge(node, NodeStats(1_000, 0, wait_days=2.0, bottleneck=True))
    assert shown.color == LIGHT.alert and "wait" in shown.text


def test_unrouted_probability_and_unsubscribes_are_expected_losses():
    a = Node("a", "segment", "A", (0, 0))
    stream = Node("n", "nurture", "Stream", (0, 0), params={"touches": 4, "unsubscribe": 0.1})
    flow = Flow("f", nodes=[a, stream, Node("b", "sink", "B", (0, 0))],
                edges=[Edge("a", "b", probability=0.6), Edge("n", "b")])
    assert abs(expected_leak(a, flow) - 0.4) < 1e-9
    assert abs(expected_leak(stream, flow) - (1 - 0.9 ** 4)) < 1e-9
