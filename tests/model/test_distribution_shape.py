"""Quantiles and densities of distributions agree with their samples and their maths."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from flowsim.model.distribution import parse_distribution

CASES = [
    {"dist": "exponential", "mean": "45m"},
    {"dist": "lognormal", "mean": 2, "sd": 1},
    {"dist": "normal", "mean": 1, "sd": 0.5},
    {"dist": "uniform", "min": 1, "max": 3},
    {"dist": "triangular", "min": 1, "mode": 2, "max": 5},
    "2h",
]


@pytest.mark.parametrize("raw", CASES, ids=str)
def test_median_and_p90_match_the_samples(raw):
    d = parse_distribution(raw)
    draws = d.sample(np.random.default_rng(np.random.SeedSequence(7)), 200_000)
    for q in (0.5, 0.9):
        assert d.quantile(q) == pytest.approx(float(np.quantile(draws, q)), rel=0.02, abs=1e-6)


def test_exponential_quantiles_are_the_textbook_ones():
    d = parse_distribution({"dist": "exponential", "mean": 1})
    assert d.quantile(0.5) == pytest.approx(math.log(2))
    assert d.quantile(0.9) == pytest.approx(math.log(10))


@pytest.mark.parametrize("raw", CASES[:5], ids=str)
def test_a_density_integrates_to_the_share_above_zero(raw):
    d = parse_distribution(raw)
    xs = np.linspace(0, d.quantile(0.99999) * 1.2, 40_001)
    ys = np.array([d.density(x) for x in xs])
    area = float(np.sum((ys[1:] + ys[:-1]) / 2 * np.diff(xs)))
    # a normal's draws below zero count as zero: that share is a point at 0, not density
    below_zero = NormalDist(1, 0.5).cdf(0) if raw["dist"] == "normal" else 0.0
    assert area == pytest.approx(1 - below_zero, abs=0.01)
