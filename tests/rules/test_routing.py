"""Leaving a node: when edges first-match in file order, then probabilities, then default."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from flowsim.errors import RuleError
from flowsim.rules import Router


def edges(*specs: dict) -> list[dict]:
    return [{"from": "scoring", "to": f"n{i}", **spec} for i, spec in enumerate(specs)]


def test_the_first_when_edge_that_holds_wins_in_file_order():
    router = Router.from_edges(
        edges({"when": "score >= 80"}, {"when": "score >= 60"}, {"when": "score >= 0"})
    )
    assert router.route({"score": 90}, 0.0) == 0
    assert router.route({"score": 70}, 0.0) == 1
    assert router.route({"score": 10}, 0.0) == 2


def test_when_edges_come_before_probability_and_default_edges_whatever_the_order():
    router = Router.from_edges(edges({}, {"probability": 1.0}, {"when": "score >= 60"}))
    assert router.route({"score": 75}, 0.5) == 2
    assert router.route({"score": 10}, 0.5) == 1


def test_a_probability_edge_is_drawn_by_u():
    router = Router.from_edges(edges({"probability": 0.25}, {"probability": 0.5}, {}))
    assert router.route({}, 0.0) == 0
    assert router.route({}, 0.2499) == 0
    assert router.route({}, 0.25) == 1
    assert router.route({}, 0.7499) == 1
    assert router.route({}, 0.75) == 2
    assert router.route({}, 0.9999) == 2


def test_the_remainder_leaks_without_a_default_edge():
    router = Router.from_edges(edges({"probability": 0.3}))
    assert router.route({}, 0.1) == 0
    assert router.route({}, 0.5) is None
    assert router.leak_probability == pytest.approx(0.7)


def test_a_lead_no_when_edge_takes_leaks_without_other_edges():
    router = Router.from_edges(edges({"when": "score >= 60"}))
    assert router.route({"score": 10}, 0.5) is None
    assert router.leak_probability == 1.0


def test_a_default_edge_takes_every_remaining_lead():
    router = Router.from_edges(edges({"when": "score >= 60"}, {}))
    assert router.route({"score": 10}, 0.99) == 1
    assert router.leak_probability == 0.0 and router.default == 1


def test_a_node_without_edges_routes_nowhere():
    assert Router.from_edges([]).route({}, 0.5) is None


def test_probabilities_that_sum_to_one_leave_nothing_for_the_default():
    router = Router.from_edges(edges({"probability": 0.1}, {"probability": 0.9}, {}))
    assert router.route({}, 0.999999) == 1


def test_probabilities_summing_to_one_with_float_rounding_are_accepted():
    router = Router.from_edges(edges(*[{"probability": 0.1}] * 10))
    assert router.route({}, 0.95) == 9


def test_needs_random_only_with_probability_edges():
    assert not Router.from_edges(edges({"when": "true"}, {})).needs_random
    assert Router.from_edges(edges({"probability": 0.5}, {})).needs_random


def test_probability_routing_matches_the_probabilities_statistically():
    router = Router.from_edges(
        edges({"when": "vip"}, {"probability": 0.2}, {"probability": 0.5}, {})
    )
    rng = np.random.default_rng(20240601)
    n = 200_000
    counts = np.zeros(4)
    for u in rng.random(n):
        counts[router.route({"vip": False}, u)] += 1
    expected = np.array([0.0, 0.2, 0.5, 0.3])
    sigma = np.sqrt(expected * (1 - expected) / n)
    assert np.all(np.abs(counts / n - expected) <= 4 * sigma + 1e-12)


def test_probability_routing_is_deterministic_for_a_seed():
    router = Router.from_edges(edges({"probability": 0.3}, {"probability": 0.3}))
    draws = [np.random.default_rng(7).random(100) for _ in range(2)]
    assert [router.route({}, u) for u in draws[0]] == [router.route({}, u) for u in draws[1]]


@dataclass
class Edge:
    source: str
    target: str
    when: str | None = None
    probability: float | None = None


def test_edges_may_be_objects_with_when_and_probability():
    router = Router.from_edges([Edge("a", "b", when="score > 1"), Edge("a", "c")])
    assert router.route({"score": 2}, 0.5) == 0 and router.route({}, 0.5) == 1


# --- errors --------------------------------------------------------------------------------


def refusal(specs: list, **kwargs) -> RuleError:
    with pytest.raises(RuleError) as caught:
        Router.from_edges(specs, **kwargs)
    return caught.value


def test_probabilities_above_one_are_refused_naming_the_edge_that_tips_it():
    err = refusal(edges({"probability": 0.6}, {"probability": 0.3}, {"probability": 0.2}))
    assert err.message.startswith("edge scoring → n2: ")
    assert "sum to 1.1, above 1" in err.message


def test_both_when_and_probability_on_one_edge_is_refused():
    err = refusal(edges({}, {"when": "true", "probability": 0.5}))
    assert "edge scoring → n1 has both 'when' and 'probability'" in err.message


def test_two_default_edges_are_refused_naming_both():
    err = refusal(edges({}, {"when": "x"}, {}))
    assert "edge scoring → n2 is a second default edge" in err.message
    assert "edge scoring → n0" in err.message


@pytest.mark.parametrize("p", [-0.1, 1.5, "half", True, float("nan")])
def test_a_probability_outside_zero_to_one_is_refused(p):
    err = refusal(edges({"probability": p}))
    assert "probability must be a number from 0 to 1" in err.message


def test_a_bad_when_names_the_edge_its_line_and_the_column():
    err = refusal(
        edges({"when": "score >= 60 and scroe < 90"}),
        fields={"score"},
        line_of=lambda path: {(0,): 20, (0, "when"): 21}.get(path),
    )
    assert (err.line, err.column) == (21, 17)
    assert err.message == "edge scoring → n0: unknown field 'scroe'; did you mean 'score'?"


def test_a_when_that_is_not_text_is_refused():
    assert "must be a rule in quotes" in refusal(edges({"when": 60})).message


def test_errors_use_given_edge_names():
    err = refusal([{"probability": 2}], names=["edge 4 (a → b)"])
    assert err.message.startswith("edge 4 (a → b): ")


def test_a_when_failing_at_run_time_raises_a_rule_error():
    router = Router.from_edges(edges({"when": "score > 'x'"}))
    with pytest.raises(RuleError, match="cannot compare"):
        router.route({"score": 1}, 0.5)


def test_a_router_pickles_for_the_replication_pool():
    import pickle

    router = Router.from_edges(edges({"when": "score >= 60"}, {"probability": 0.5}, {}))
    again = pickle.loads(pickle.dumps(router))
    assert [again.route({"score": s}, u) for s, u in ((70, 0.9), (1, 0.2), (1, 0.7))] == [0, 1, 2]
