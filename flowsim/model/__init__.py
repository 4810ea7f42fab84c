"""The lead-flow model: pure Python data with change events; no Qt, no SimPy.

>>> from flowsim.model import Flow, Node, Edge
>>> flow = Flow("Demo")
>>> flow.add_node(Node("ads", "source", params={"arrivals": {"per_day": 10}}))
0
>>> flow.add_node(Node("won", "sink"))
1
>>> flow.add_edge(Edge("ads", "won"))
0
>>> [str(issue) for issue in validate(flow)]
[]
"""

from flowsim.model.distribution import DIST_PARAMS, Distribution, parse_distribution
from flowsim.model.duration import ValueProblem, format_duration, parse_duration
from flowsim.model.flow import SIMULATION_DEFAULTS, Comment, Edge, Flow, Node
from flowsim.model.graph import to_digraph
from flowsim.model.kinds import KIND_FIELDS, KIND_INFO, FieldSpec, NodeKind, fields_of
from flowsim.model.signal import Signal
from flowsim.model.scenarios import BASELINE, Scenario, apply_overrides
from flowsim.model.validate import Issue, errors_in, validate

__all__ = [
    "BASELINE", "Comment", "DIST_PARAMS", "Distribution", "Edge", "FieldSpec", "Flow", "Issue",
    "KIND_FIELDS", "KIND_INFO", "Node", "NodeKind", "SIMULATION_DEFAULTS", "Signal",
    "Scenario", "ValueProblem", "apply_overrides", "errors_in", "fields_of", "format_duration", "parse_distribution",
    "parse_duration", "to_digraph", "validate",
]
