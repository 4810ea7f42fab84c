"""Small flows and runs for the export tests: a few days, a few hundred leads, tiny pictures."""

from __future__ import annotations

import pytest

from flowsim.io import loads_flow
from flowsim.render.animate import run_for_animation
from tests.flows import VALID

#: One source straight into a sink: every lead arrives and moves on at the same instant.
STRAIGHT = """\
flowsim: 1
name: Straight
simulation: {days: 10, seed: 5}
nodes:
  - {id: ads, kind: source, position: [0, 0], arrivals: {per_day: 30}}
  - {id: won, kind: sink, position: [280, 0]}
edges:
  - {from: ads, to: won}
"""

#: One rep working leads one at a time: a queue forms.
QUEUE = """\
flowsim: 1
name: One rep
simulation: {days: 10, seed: 2}
nodes:
  - {id: ads, kind: source, position: [0, 0], arrivals: {per_day: 6}}
  - {id: rep, kind: handoff, position: [280, 0], capacity: 1, service: {dist: exponential, mean: 4h}}
  - {id: won, kind: sink, position: [560, 0]}
edges:
  - {from: ads, to: rep}
  - {from: rep, to: won}
"""


@pytest.fixture(scope="session")
def valid_flow():
    return loads_flow(VALID)


@pytest.fixture(scope="session")
def valid_run(valid_flow):
    """One traced run of the test flow: 10 days, ~400 arrivals, leaks and a queue."""
    return run_for_animation(valid_flow, days=10, seed=3)


@pytest.fixture(scope="session")
def straight_flow():
    return loads_flow(STRAIGHT)


@pytest.fixture(scope="session")
def straight_run(straight_flow):
    return run_for_animation(straight_flow)


@pytest.fixture(scope="session")
def queue_flow():
    return loads_flow(QUEUE)


@pytest.fixture(scope="session")
def queue_run(queue_flow):
    return run_for_animation(queue_flow)
