"""Rules: the expression language, and scoring, segmentation, routing, assignment and
lead attributes built on it.

Pure Python plus numpy: no Qt, no SimPy, and nothing above :mod:`flowsim.model`. A rule is
compiled once (:func:`compile_rule`) into a function of a lead, a plain mapping of field
→ value; see docs/rules.md for the language.
"""

from flowsim.rules.assignment import ASSIGNMENT_POLICIES, Assigner, Rep
from flowsim.rules.attributes import SOURCE_KEYS, AttributeGenerator, Categorical
from flowsim.rules.expr import (
    MAX_NESTING,
    MAX_NUMBER_CHARS,
    MAX_RULE_CHARS,
    MAX_SIGNS,
    Rule,
    compile_rule,
)
from flowsim.rules.fields import (
    COMMON_ATTRIBUTES,
    FUNCTION_NAMES,
    LEAD_FIELDS,
    RESERVED_NAMES,
    field_name_problem,
    known_fields,
)
from flowsim.rules.routing import Router
from flowsim.rules.scoring import SCORING_KEYS, Decay, PointRule, Score, ScoringModel
from flowsim.rules.segmentation import SEGMENT_KEYS, Segmenter, SegmentRule

__all__ = [
    "ASSIGNMENT_POLICIES",
    "Assigner",
    "AttributeGenerator",
    "COMMON_ATTRIBUTES",
    "Categorical",
    "Decay",
    "FUNCTION_NAMES",
    "LEAD_FIELDS",
    "MAX_NESTING",
    "MAX_NUMBER_CHARS",
    "MAX_RULE_CHARS",
    "MAX_SIGNS",
    "PointRule",
    "RESERVED_NAMES",
    "Rep",
    "Router",
    "Rule",
    "SCORING_KEYS",
    "SEGMENT_KEYS",
    "SOURCE_KEYS",
    "Score",
    "ScoringModel",
    "SegmentRule",
    "Segmenter",
    "compile_rule",
    "field_name_problem",
    "known_fields",
]
