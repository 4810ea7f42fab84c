"""validate() finds every problem at once, naming node or edge, field and line."""

import pytest

from flowsim.io import loads_flow
from flowsim.model import Edge, Flow, Node, validate
from tests.flows import VALID, broken, line_of


def issues_of(text):
    return validate(loads_flow(text))


def test_the_valid_flow_has_no_issues():
    assert issues_of(VALID) == []


# (old text, new text, the line to blame (a needle in the broken text), words expected)
CASES = {
    "unknown kind": ("kind: capture", "kind: captur", "kind: captur", "unknown kind 'captur' (did you mean 'capture'?)"),
    "duplicate id": ("edges:\n", "  - id: won\n    kind: sink\n\nedges:\n", "id: won\n    kind: sink\n\nedges", "duplicate id (first on line 24)"),
    "edge to a missing node": ("{from: form, to: sdrs}", "{from: form, to: sdr}", "to: sdr}", "no node has id 'sdr' (did you mean 'sdrs'?)"),
    "probabilities above 1": ("{from: sdrs, to: lost}", "{from: sdrs, to: lost, probability: 0.8}", "probability: 0.8", "sum to 1.1 (0.3 + 0.8), more than 1"),
    "probability out of range": ("probability: 0.3", "probability: 1.3", "probability: 1.3", "between 0 and 1"),
    "bad duration": ("patience: 2d", "patience: 2 days", "patience", "not a duration"),
    "bad distribution": ("{dist: exponential, mean: 30m}", "{dist: exponetial, mean: 30m}", "service", "unknown distribution 'exponetial'"),
    "bad colour": ("position: [280, 0]", 'position: [280, 0]\n    color: "#12345"', "color", "not a colour"),
    "bad position": ("position: [280, 0]", "position: [280]", "position: [280]", "two numbers"),
    "bad capacity": ("capacity: 2", "capacity: 0", "capacity", "whole number ≥ 1"),
    "unknown field": ("capacity: 2", "capcity: 2", "capcity", "unknown field (did you mean 'capacity'?)"),
    "field of another kind": ("conversion: 0.5", "conversion: 0.5\n    touches: 3", "touches", "capture nodes don't take 'touches'; it belongs to nurture nodes"),
    "bad id": ("id: lost", "id: Lost", "id: Lost", "lowercase letters"),
    "edge with both rule and probability": ("{from: form, to: sdrs}", '{from: form, to: sdrs, when: "score > 1", probability: 0.5}', "when:", "either 'when' or 'probability'"),
    "two default edges": ("edges:\n", "edges:\n  - {from: sdrs, to: won}\n", "{from: sdrs, to: lost}", "already has a default way out"),
    "edge out of a sink": ("edges:\n", "edges:\n  - {from: won, to: lost}\n", "{from: won, to: lost}", "is a sink"),
    "bad arrivals": ("arrivals: {per_day: 40}", "arrivals: {per_day: -4}", "arrivals", "per_day must be a number ≥ 0"),
    "bad month weights": ("arrivals: {per_day: 40}", "arrivals: {per_day: 40, months: [1, 2]}", "arrivals", "months must be 12 weights ≥ 0"),
    "bad simulation days": ("days: 30", "days: 0", "simulation", "number of days > 0"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_mistake_is_one_issue_on_its_line(case):
    old, new, needle, words = CASES[case]
    text = broken(old, new)
    if case == "bad id":
        text = text.replace("to: lost}", "to: Lost}")
    issues = issues_of(text)
    errors = [i for i in issues if i.is_error]
    assert len(errors) == 1, [str(i) for i in issues]
    assert words in str(errors[0])
    assert errors[0].line == line_of(text, needle)


def test_a_node_without_a_way_out_is_named():
    text = VALID.replace(
        "edges:\n", "  - id: stuck\n    kind: nurture\n\nedges:\n  - {from: form, to: stuck, probability: 0.1}\n"
    )
    issues = issues_of(text)
    assert [str(i) for i in issues] == ["node 'stuck': has no way out: add an edge from it, or make it a sink"]
    assert issues[0].line == line_of(text, "id: stuck")


def test_a_node_no_source_reaches_is_named():
    text = VALID.replace("edges:\n", "  - id: orphan\n    kind: capture\n\nedges:\n  - {from: orphan, to: won}\n")
    issues = issues_of(text)
    assert [str(i) for i in issues] == ["node 'orphan': no source reaches this node, so no lead ever enters it"]
    assert issues[0].line == line_of(text, "id: orphan")


def test_a_cycle_with_no_exit_is_named_with_its_members():
    text = VALID.replace(
        "edges:\n",
        "  - id: loop_a\n    kind: nurture\n\n  - id: loop_b\n    kind: nurture\n\nedges:\n"
        "  - {from: form, to: loop_a, probability: 0.1}\n  - {from: loop_a, to: loop_b}\n  - {from: loop_b, to: loop_a}\n",
    )
    issues = issues_of(text)
    assert [str(i) for i in issues] == [
        "node 'loop_a': 'loop_a', 'loop_b' form a cycle with no exit: leads that enter never reach a sink"
    ]


def test_a_cycle_with_an_exit_is_fine():
    text = VALID.replace(
        "edges:\n",
        "  - id: nurture\n    kind: nurture\n\nedges:\n  - {from: sdrs, to: nurture, probability: 0.2}\n"
        "  - {from: nurture, to: sdrs}\n",
    )
    assert issues_of(text) == []


def test_every_problem_is_reported_at_once():
    text = broken("kind: capture", "kind: captur").replace("capacity: 2", "capacity: -1").replace("patience: 2d", "patience: later")
    messages = [str(i) for i in issues_of(text)]
    assert len(messages) == 3
    assert [i.line for i in issues_of(text)] == sorted(i.line for i in issues_of(text))


def test_warnings_do_not_count_as_errors():
    text = broken("    capacity: 2\n    service: {dist: exponential, mean: 30m}\n", "")
    issues = issues_of(text)
    assert [i.severity for i in issues] == ["warning"]
    assert "patience has no effect without capacity" in str(issues[0])


def test_a_flow_built_in_code_is_validated_without_lines():
    flow = Flow("Code")
    flow.add_node(Node("ads", "source"))
    flow.add_edge(Edge("ads", "nowhere"))
    issues = validate(flow)
    assert [i.line for i in issues] == [None]
    assert issues[0].format("x.yaml") == "x.yaml: edge ads → nowhere, to: no node has id 'nowhere'"


def test_a_flow_without_sources_says_so():
    flow = Flow("Empty-ish")
    flow.add_node(Node("won", "sink"))
    assert [str(i) for i in validate(flow)] == ["nodes: the flow has no source node, so no lead ever arrives"]


def test_attribute_mixes_must_sum_to_one():
    text = broken("cost_per_lead: 35", "cost_per_lead: 35\n    attributes:\n      job_title: {VP: 0.5, Manager: 0.4}")
    (issue,) = issues_of(text)
    assert "shares sum to 0.9, not 1" in str(issue)
    assert issue.line == line_of(text, "job_title")


def test_a_rule_checker_reports_the_rule_column():
    class Bad(Exception):
        def __init__(self, message, column):
            super().__init__(message)
            self.message, self.column = message, column

    def checker(text):
        if "@" in text:
            raise Bad("unexpected '@'", text.index("@") + 1)

    text = broken("{from: form, to: sdrs}", '{from: form, to: sdrs, when: "score @ 3"}')
    issues = validate(loads_flow(text), rule_checker=checker)
    line = text.splitlines()[line_of(text, "score @") - 1]
    # The column is the file's, as editors count it: where the '@' is on its line.
    assert [(str(i), i.column) for i in issues] == [("edge form → sdrs, when: unexpected '@'", line.index("@") + 1)]


def test_the_format_doc_describes_every_field():
    from pathlib import Path

    from flowsim.model import KIND_FIELDS
    from flowsim.model.kinds import COMMON_FIELDS

    doc = (Path(__file__).parents[2] / "docs" / "format.md").read_text(encoding="utf-8")
    keys = {spec.key for specs in KIND_FIELDS.values() for spec in specs} | {s.key for s in COMMON_FIELDS}
    assert [key for key in sorted(keys) if f"`{key}`" not in doc] == []
