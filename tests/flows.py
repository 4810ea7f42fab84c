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


def random_flow(seed: int, size: int):
    """A valid-looking lead flow of ``size`` nodes drawn from ``seed``: a few sources,
    steps in stages with forward edges (some skipping stages), loops back to earlier
    steps, and sinks. Positions are scattered, as a hand-drawn flow's might be."""
    import numpy as np

    from flowsim.model import Edge, Flow, Node

    rng = np.random.default_rng(np.random.SeedSequence(seed))
    flow = Flow(f"random {seed}")
    sources = int(rng.integers(1, 4))
    sinks = int(rng.integers(2, 4))
    steps = size - sources - sinks
    kinds = ["capture", "score", "segment", "nurture", "handoff", "sales"]
    stage = {}
    for i in range(sources):
        flow.add_node(Node(f"src_{i}", "source", position=(0, 0)))
        stage[f"src_{i}"] = 0
    for i in range(steps):
        node_id = f"step_{i}"
        flow.add_node(Node(node_id, kinds[i % len(kinds)], position=(0, 0)))
        stage[node_id] = 1 + i * 8 // max(steps, 1)
    for i in range(sinks):
        flow.add_node(Node(f"sink_{i}", "sink", position=(0, 0)))
        stage[f"sink_{i}"] = 10
    ids = [n.id for n in flow.nodes]
    for node in flow.nodes:
        x, y = rng.integers(0, 2000), rng.integers(0, 1200)
        node.position = [int(x) // 20 * 20, int(y) // 20 * 20]
    for node_id in ids:
        if stage[node_id] == 10:
            continue
        later = [m for m in ids if stage[m] > stage[node_id]]
        nearest = min(stage[m] for m in later)
        near = [m for m in later if stage[m] <= nearest + 1]
        for target in rng.choice(near, size=min(len(near), int(rng.integers(1, 3))), replace=False):
            flow.add_edge(Edge(node_id, str(target)))
        if rng.random() < 0.25:  # a stage skipped
            flow.add_edge(Edge(node_id, str(rng.choice(later))))
        earlier = [m for m in ids if 0 < stage[m] < stage[node_id]]
        if earlier and rng.random() < 0.15:  # a loop back (recycling)
            flow.add_edge(Edge(node_id, str(rng.choice(earlier))))
    for node_id in ids:  # every step is fed by something earlier
        if 0 < stage[node_id] and not any(e.target == node_id for e in flow.edges):
            feeders = [m for m in ids if stage[m] < stage[node_id]]
            flow.add_edge(Edge(str(rng.choice(feeders)), node_id))
    return flow
