"""All checks of a flow that the app and ``flowsim validate`` run: structure and rules.

:func:`flowsim.model.validate` checks the structure; this adds what the higher layers
know, such as whether each rule parses.
"""

from __future__ import annotations

from flowsim.model import Flow, Issue, validate

__all__ = ["check_flow"]


def check_flow(flow: Flow) -> list[Issue]:
    """Every issue of ``flow``, errors and warnings, sorted by line."""
    return validate(flow)
