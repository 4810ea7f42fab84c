"""Random streams: one ``numpy.random.SeedSequence(seed)``, children per replication and
per purpose, never global state.

The stream of replication ``r`` for purpose ``k`` of the node with id ``node_id`` is
``SeedSequence(seed, spawn_key=(r, crc32(node_id), k))`` — the child that
``SeedSequence(seed).spawn`` would give at that key. Keying by the node's *id* (not its
position in the file) gives common random numbers: changing one node's parameters, or
reordering the file, leaves every other node's draws as they were, which makes
what-if comparisons (one more rep) far less noisy. ``crc32`` is fixed by its definition,
so nothing depends on ``PYTHONHASHSEED``.

Draws are made in blocks (``numpy`` is fast per block, slow per scalar) and handed out
one at a time by a plain iterator's ``__next__``.
"""

from __future__ import annotations

import zlib
from typing import Any, Callable, Iterator

import numpy as np

from flowsim.model.distribution import Distribution

__all__ = ["BLOCK", "generator", "uniform_draws", "dist_draws", "Purpose", "blocks_of"]

#: Draws made at once for each buffered stream.
BLOCK = 512


class Purpose:
    """The purposes a node draws random numbers for; each gets its own stream."""

    ARRIVALS = 0  # arrival times (sources)
    ATTRIBUTES = 1  # lead attributes and behaviours (sources)
    VISITS = 2  # bulk conversion and delay of visits that abandon (sources)
    DELAY = 3
    SERVICE = 4
    PATIENCE = 5
    CHOICE = 6  # conversion, acceptance, leak, routing, engagement, unsubscribe
    ASSIGN = 7
    VALUE = 8  # deal values of won customers (won sinks)


def generator(seed: int, replication: int, node_id: str, purpose: int) -> np.random.Generator:
    """The generator of one node's stream for one purpose in one replication."""
    key = zlib.crc32(node_id.encode("utf-8"))
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, key, purpose))
    return np.random.Generator(np.random.PCG64(sequence))


def _blocks(make: Callable[[], list[float]]) -> Iterator[float]:
    while True:
        yield from make()


def uniform_draws(rng: np.random.Generator) -> Callable[[], float]:
    """A function returning the next uniform draw in [0, 1) from ``rng``."""
    return _blocks(lambda: rng.random(BLOCK).tolist()).__next__


def dist_draws(dist: Distribution, rng: np.random.Generator) -> Callable[[], float]:
    """A function returning the next draw of ``dist`` (in days, never negative)."""
    if dist.kind == "fixed":
        value = float(dist["value"])
        return lambda: value
    sample: Any = dist.sample
    return _blocks(lambda: np.asarray(sample(rng, BLOCK), dtype=float).tolist()).__next__


def blocks_of(make: Callable[[], list[dict[str, Any]]]) -> Callable[[], dict[str, Any]]:
    """One item at a time from blocks that ``make()`` draws as they run out."""

    def items():
        while True:
            yield from make()

    return items().__next__
