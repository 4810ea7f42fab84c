"""check_flow: the full check the app and `flowsim validate` run, rules and structures too."""

import pytest

from flowsim.check import check_flow, flow_fields, rule_problem
from flowsim.io import loads_flow
from flowsim.model import Edge, Flow, Node
from tests.flows import VALID, line_of


def _with_node(node_text: str, edges: str) -> str:
    return VALID.replace("edges:\n", node_text + "\nedges:\n" + edges)


SCORE = "  - id: sc\n    kind: score\n{body}"
TO_SCORE = "  - {from: form, to: sc, probability: 0.1}\n  - {from: sc, to: won}\n"

CASES = {
    "speed-to-lead with a wait that is not one": (
        VALID.replace("patience: 2d", "patience: 2d\n    speed_to_lead: {soon: 1.0}"), "speed_to_lead", "not a wait"),
    "assignment with an unknown key": (
        VALID.replace("patience: 2d", "patience: 2d\n    assignment: {foo: 1}"), "assignment", "unknown key 'foo'"),
    "fit points that are not a number": (
        _with_node(SCORE.format(body='    fit:\n      - {when: "score > 1", points: many}\n'), TO_SCORE),
        "points: many", "expected a number"),
    "a fit rule naming an unknown field": (
        _with_node(SCORE.format(body='    fit:\n      - {when: "jobtitle == \'VP\'", points: 5}\n'), TO_SCORE),
        "jobtitle", "unknown field 'jobtitle'"),
    "an edge key with a typo": (
        VALID.replace("{from: form, to: sdrs}", "{from: form, to: sdrs, probabilty: 0.3}"), "probabilty",
        "unknown key (did you mean 'probability'?)"),
    "a top-level key with a typo": (VALID.replace("simulation:", "simulaton:"), "simulaton", "did you mean 'simulation'"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_mistake_is_one_error_on_its_line(case):
    text, needle, words = CASES[case]
    errors = [i for i in check_flow(loads_flow(text)) if i.is_error]
    assert len(errors) == 1, [str(i) for i in errors]
    assert words in str(errors[0])
    assert errors[0].line == line_of(text, needle)


def test_the_templates_fields_include_what_their_sources_generate(template_files):
    from flowsim.io import load_flow

    fields = flow_fields(load_flow(template_files[0]))
    assert {"score", "accepted", "job_title", "pricing_page"} <= fields


def test_rule_problem_gives_message_and_column():
    assert rule_problem("score >= 60", {"score"}) is None
    message, column = rule_problem("scor >= 60", {"score"})
    assert "did you mean 'score'" in message and column == 1


def test_renaming_back_leaves_a_dangling_edge_dangling():
    flow = Flow()
    for node_id, kind in (("a", "source"), ("b", "sink")):
        flow.add_node(Node(node_id, kind))
    dangling = Edge("a", "c")
    flow.add_edge(dangling)
    flow.add_edge(Edge("a", "b"))
    changed = flow.rename_node("b", "c")
    flow.rename_node("c", "b", edges=changed)
    assert (dangling.source, dangling.target) == ("a", "c")
    assert (flow.edges[1].source, flow.edges[1].target) == ("a", "b")


def test_a_quadratic_shape_of_flow_is_still_checked(template_files):
    """Many sources into one hub into many sinks: every node is reached, none reported."""
    flow = Flow("hub")
    flow.add_node(Node("hub", "capture"))
    for i in range(300):
        flow.add_node(Node(f"s{i}", "source", params={"arrivals": {"per_day": 1}}))
        flow.add_node(Node(f"t{i}", "sink"))
        flow.add_edge(Edge(f"s{i}", "hub"))
        flow.add_edge(Edge("hub", f"t{i}", probability=1 / 300))
    assert check_flow(flow) == []


def test_a_rule_inside_scoring_points_at_its_column_in_the_file():
    text = _with_node(SCORE.format(body='    fit:\n      - {when: "scor > 1", points: 5}\n'), TO_SCORE)
    (issue,) = [i for i in check_flow(loads_flow(text)) if i.is_error]
    line = text.splitlines()[issue.line - 1]
    assert issue.column == line.index("scor > 1") + 1
