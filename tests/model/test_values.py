"""Durations and distributions, as users write them in files."""

import numpy as np
import pytest

from flowsim.model import ValueProblem, format_duration, parse_distribution, parse_duration


@pytest.mark.parametrize(
    ("text", "days"),
    [(2, 2.0), (0.5, 0.5), ("30m", 30 / 1440), ("2h", 2 / 24), ("3d", 3.0), ("1w", 7.0),
     ("1.5h", 1.5 / 24), ("45 min", 45 / 1440), ("90s", 90 / 86400)],
)
def test_durations_are_days_or_numbers_with_a_unit(text, days):
    assert parse_duration(text) == pytest.approx(days)


@pytest.mark.parametrize("bad", ["30", "2 hours", "-1d", -3, "h", True, None, [1], float("nan")])
def test_a_bad_duration_is_refused_with_a_reason(bad):
    with pytest.raises(ValueProblem):
        parse_duration(bad)


@pytest.mark.parametrize("days", [1, 7, 14, 0.5, 1 / 24, 30 / 1440, 0.1])
def test_formatted_durations_parse_back(days):
    assert parse_duration(format_duration(days)) == pytest.approx(days)


def test_format_prefers_the_clearest_unit():
    assert format_duration(14) == "2w"
    assert format_duration(3) == 3
    assert format_duration(0.5) == "12h"
    assert format_duration(30 / 1440) == "30m"


def test_a_bare_duration_is_a_fixed_distribution():
    dist = parse_distribution("2h")
    assert dist.kind == "fixed"
    assert dist.mean == pytest.approx(2 / 24)
    assert dist.sample(np.random.default_rng(0)) == pytest.approx(2 / 24)


@pytest.mark.parametrize(
    ("raw", "mean"),
    [
        ({"dist": "exponential", "mean": "30m"}, 30 / 1440),
        ({"dist": "uniform", "min": 1, "max": 3}, 2),
        ({"dist": "triangular", "min": 1, "mode": 2, "max": 6}, 3),
        ({"dist": "lognormal", "mean": "21d", "sd": "10d"}, 21),
        ({"dist": "normal", "mean": 5, "sd": 1}, 5),
        ({"dist": "fixed", "value": "1w"}, 7),
    ],
)
def test_samples_of_each_distribution_average_to_its_mean(raw, mean):
    dist = parse_distribution(raw)
    draws = dist.sample(np.random.default_rng(7), 200_000)
    assert dist.mean == pytest.approx(mean)
    assert draws.mean() == pytest.approx(mean, rel=0.02)
    assert (draws >= 0).all()


def test_lognormal_matches_the_mean_and_sd_users_give():
    dist = parse_distribution({"dist": "lognormal", "mean": 250, "sd": 400}, durations=False)
    draws = dist.sample(np.random.default_rng(1), 400_000)
    assert draws.mean() == pytest.approx(250, rel=0.03)
    assert draws.std() == pytest.approx(400, rel=0.08)


def test_the_same_seed_gives_the_same_draws():
    dist = parse_distribution({"dist": "exponential", "mean": 2})
    a = dist.sample(np.random.default_rng(42), 10)
    b = dist.sample(np.random.default_rng(42), 10)
    assert (a == b).all()


@pytest.mark.parametrize(
    ("raw", "key", "words"),
    [
        ({"dist": "weibull", "mean": 1}, "dist", "unknown distribution 'weibull'"),
        ({"mean": 1}, "dist", "needs 'dist'"),
        ({"dist": "uniform", "min": 1}, "max", "'max' is missing"),
        ({"dist": "uniform", "min": 3, "max": 1}, "max", "min ≤ max"),
        ({"dist": "triangular", "min": 1, "mode": 9, "max": 3}, "mode", "min ≤ mode ≤ max"),
        ({"dist": "normal", "mean": 1, "sd": -1}, "sd", "negative"),
        ({"dist": "exponential", "mean": "soon"}, "mean", "not a duration"),
        ({"dist": "exponential", "mean": 1, "sd": 2}, "sd", "not 'sd'"),
    ],
)
def test_a_bad_distribution_names_the_part_at_fault(raw, key, words):
    with pytest.raises(ValueProblem) as caught:
        parse_distribution(raw)
    assert caught.value.key == key
    assert words in str(caught.value)


def test_numeric_distributions_refuse_units():
    with pytest.raises(ValueProblem):
        parse_distribution({"dist": "lognormal", "mean": "250d", "sd": 400}, durations=False)


def test_parallel_edges_are_numbered_in_file_order_per_source_and_target():
    from flowsim.model.graph import parallel_ordinals

    pairs = [("a", "b"), ("a", "c"), ("a", "b"), ("b", "a"), ("a", "b")]
    assert parallel_ordinals(pairs) == [0, 0, 1, 0, 2]


def test_a_gamma_distribution_has_the_mean_and_sd_it_was_given():
    dist = parse_distribution({"dist": "gamma", "mean": "2d", "sd": "1d"})
    draws = dist.sample(np.random.default_rng(1), 200_000)
    assert dist.mean == 2.0
    assert abs(draws.mean() - 2.0) < 0.01 and abs(draws.std() - 1.0) < 0.01
