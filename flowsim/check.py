"""All checks of a flow that the app and ``flowsim validate`` run: structure and rules.

:func:`flowsim.model.validate` checks the structure; this adds what the higher layers
know: whether each rule parses, and names only fields a lead can have.
"""

from __future__ import annotations

from typing import Collection, Mapping

from flowsim.errors import RuleError
from flowsim.model import Flow, Issue, validate
from flowsim.rules import LEAD_FIELDS, compile_rule

__all__ = ["check_flow", "flow_fields", "rule_problem"]


def flow_fields(flow: Flow) -> frozenset[str]:
    """Every field a lead of ``flow`` can have: the built-in ones and what sources generate."""
    names = set(LEAD_FIELDS)
    for node in flow.nodes:
        if node.kind != "source":
            continue
        for key in ("attributes", "behaviours"):
            value = node.params.get(key)
            if isinstance(value, Mapping):
                names.update(str(name) for name in value)
    return frozenset(names)


def rule_problem(text: str, fields: Collection[str] | None = None) -> tuple[str, int | None] | None:
    """``(message, column)`` if the rule ``text`` does not compile, else None."""
    try:
        compile_rule(text, fields=fields)
    except RuleError as err:
        return err.message, err.column
    return None


def check_flow(flow: Flow) -> list[Issue]:
    """Every issue of ``flow``, errors and warnings, sorted by line."""
    fields = flow_fields(flow)

    def checker(text: str) -> None:
        compile_rule(text, fields=fields)

    return validate(flow, rule_checker=checker)
