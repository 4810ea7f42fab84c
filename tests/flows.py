"""Small flows for tests, as file text, and ways to break them."""

VALID = """\
flowsim: 1
name: Test flow
simulation: {days: 30, replications: 2, seed: 1}

nodes:
  - id: ads
    kind: source
    position: [0, 0]
    arrivals: {per_day: 40}
    cost_per_lead: 35

  - id: form
    kind: capture
    position: [280, 0]
    conversion: 0.5

  - id: sdrs
    kind: handoff
    position: [560, 0]
    capacity: 2
    service: {dist: exponential, mean: 30m}
    patience: 2d

  - id: won
    kind: sink
    position: [840, 0]

  - id: lost
    kind: sink
    position: [840, 100]

edges:
  - {from: ads, to: form}
  - {from: form, to: sdrs}
  - {from: sdrs, to: won, probability: 0.3}
  - {from: sdrs, to: lost}
"""


def broken(old: str, new: str) -> str:
    """VALID with ``old`` replaced by ``new`` (which must be there exactly once)."""
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """The 1-based line where ``needle`` (which may span lines) first starts in ``text``."""
    assert needle in text, needle
    return text[: text.index(needle)].count("\n") + 1
