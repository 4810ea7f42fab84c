"""A file flowsim wrote loads and saves back to the same bytes; the model survives too."""

import pytest
from hypothesis import HealthCheck, given, settings

from flowsim.io import dumps_flow, load_flow, loads_flow
from flowsim.model import Comment
from tests.flows import VALID
from tests.io.strategies import flows


def test_every_template_saves_back_to_identical_bytes(template_files):
    for path in template_files:
        text = path.read_text(encoding="utf-8")
        assert dumps_flow(load_flow(path)) == text, path.name


def test_every_template_survives_load_save_load(template_files):
    for path in template_files:
        flow = load_flow(path)
        again = loads_flow(dumps_flow(flow))
        assert again == flow
        assert [n.comments for n in again.nodes] == [n.comments for n in flow.nodes]


def test_the_test_flow_is_in_house_style():
    assert dumps_flow(loads_flow(VALID)) == VALID


def test_comments_stay_with_the_keys_they_annotate():
    text = (
        "# A header\n"
        "flowsim: 1\n"
        "name: Demo  # the title\n"
        "\n"
        "nodes:\n"
        "  # the first channel\n"
        "  - id: ads  # paid\n"
        "    kind: source\n"
        "    position: [0, 0]\n"
        "    # why forty\n"
        "    arrivals: {per_day: 40}  # Google Ads benchmark\n"
        "\n"
        "edges: []\n"
        "# the end\n"
    )
    flow = loads_flow(text)
    ads = flow.node("ads")
    assert flow.comments[("flowsim",)] == Comment(before=("# A header",))
    assert flow.comments[("name",)] == Comment(after="# the title")
    assert ads.comments[()] == Comment(before=("# the first channel",), after="# paid")
    assert ads.comments[("arrivals",)] == Comment(before=("# why forty",), after="# Google Ads benchmark")
    assert dumps_flow(flow) == text


def test_a_hash_inside_text_is_not_a_comment():
    text = 'flowsim: 1\nname: "Flow #1"  # real comment\ndescription: "a # b"\n\nnodes: []\n\nedges: []\n'
    flow = loads_flow(text)
    assert flow.name == "Flow #1"
    assert flow.description == "a # b"
    assert flow.comments == {("name",): Comment(after="# real comment")}
    assert dumps_flow(flow) == text


def test_comments_inside_a_short_mapping_keep_it_in_block_style():
    text = (
        "flowsim: 1\nname: x\n\nnodes:\n  - id: ads\n    kind: source\n    position: [0, 0]\n"
        "    arrivals:\n      per_day: 40  # weekday average\n\nedges: []\n"
    )
    assert dumps_flow(loads_flow(text)) == text


def test_comments_survive_edits_to_their_node():
    flow = loads_flow(VALID.replace("cost_per_lead: 35", "cost_per_lead: 35  # CPL 2023"))
    flow.set_node("ads", "cost_per_lead", 50)
    assert "cost_per_lead: 50  # CPL 2023" in dumps_flow(flow)


def test_hand_written_files_are_put_in_canonical_order():
    text = "name: Messy\nflowsim: 1\nnodes:\n- kind: sink\n  id: won\n  label: Won\n"
    out = dumps_flow(loads_flow(text))
    assert out == "flowsim: 1\nname: Messy\n\nnodes:\n  - id: won\n    kind: sink\n    label: Won\n    position: [0, 0]\n\nedges: []\n"
    assert dumps_flow(loads_flow(out)) == out


def test_unknown_keys_are_kept_for_newer_tools():
    text = "flowsim: 1\nname: x\n\nnodes:\n  - id: a\n    kind: sink\n    position: [0, 0]\n    owner: Ana\n\nedges: []\nlayout: {grid: 20}\n"
    flow = loads_flow(text)
    assert flow.extra == {"layout": {"grid": 20}}
    assert dumps_flow(flow) == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows())
def test_random_valid_flows_round_trip(flow):
    text = dumps_flow(flow)
    again = loads_flow(text)
    assert again == flow
    assert dumps_flow(again) == text
    for before, after in zip(flow.nodes, again.nodes):
        assert after.comments == before.comments
    for before, after in zip(flow.edges, again.edges):
        assert after.comments == before.comments
    assert again.comments == flow.comments


def test_empty_values_that_carry_a_comment_keep_it():
    text = (
        'flowsim: 1\nname: x\ndescription: ""  # TODO\nsimulation: {}  # the defaults\n\nnodes:\n'
        '  - id: a\n    kind: sink\n    label: ""  # fill in\n    position: [0, 0]\n\nedges: []\n'
    )
    assert dumps_flow(loads_flow(text)) == text


def test_a_null_label_is_an_empty_one():
    flow = loads_flow("flowsim: 1\nname: x\nnodes:\n  - {id: a, kind: sink, label: null}\n")
    assert flow.node("a").label == ""
    assert loads_flow(dumps_flow(flow)) == flow


def test_the_writer_refuses_what_it_cannot_write_faithfully():
    import numpy as np

    flow = loads_flow(VALID)
    flow.node("ads").params["cost_per_lead"] = np.int64(30)
    flow.node("form").params["conversion"] = np.float64(0.25)
    again = loads_flow(dumps_flow(flow))
    assert again.node("ads").params["cost_per_lead"] == 30 and again.node("form").params["conversion"] == 0.25
    flow.node("ads").params["x_odd"] = (1, 2)
    with pytest.raises(TypeError):
        dumps_flow(flow)


@pytest.mark.parametrize("value", [0.1, 1e-7, 1e22, -0.0, 3, -12, 2**70, True, None, "", "x: y", "#", "'", "yes", "1.5", "ünï", "a\u2028b"])
def test_odd_values_survive(value):
    text = VALID.replace("cost_per_lead: 35", "cost_per_lead: 35\n    owner: 1")
    flow = loads_flow(text)
    flow.node("ads").params["owner"] = value
    assert loads_flow(dumps_flow(flow)).node("ads").params["owner"] == value
