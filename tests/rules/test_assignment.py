"""Assignment of leads to reps: round-robin, weighted, territory, skipping absent reps."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from flowsim.errors import RuleError
from flowsim.rules import Assigner


def assigner(**config) -> Assigner:
    return Assigner.from_config({"reps": ["Ana", "Bo", "Cy"], **config})


def test_round_robin_cycles_through_the_reps_in_order():
    a = assigner()
    assert [a.assign({}) for _ in range(7)] == ["Ana", "Bo", "Cy", "Ana", "Bo", "Cy", "Ana"]


def test_round_robin_is_the_default_policy():
    assert assigner().policy == "round_robin"


def test_round_robin_skips_unavailable_reps():
    a = assigner()
    assert a.assign({}) == "Ana"
    assert a.assign({}, unavailable={"Bo"}) == "Cy"
    assert a.assign({}) == "Ana"
    assert a.assign({}) == "Bo"


def test_reps_marked_unavailable_in_the_config_never_get_leads():
    a = Assigner.from_config({"reps": ["Ana", {"name": "Bo", "available": False}, "Cy"]})
    assert [a.assign({}) for _ in range(4)] == ["Ana", "Cy", "Ana", "Cy"]


def test_no_available_rep_gives_none():
    assert assigner().assign({}, unavailable={"Ana", "Bo", "Cy"}) is None


def test_reset_starts_the_rotation_again():
    a = assigner()
    a.assign({})
    a.reset()
    assert a.assign({}) == "Ana"


def test_weighted_draws_in_proportion_to_the_weights():
    a = Assigner.from_config(
        {"policy": "weighted", "reps": [{"name": "Ana", "weight": 2}, "Bo", {"name": "Cy", "weight": 1}]}
    )
    rng = np.random.default_rng(11)
    n = 40_000
    counts = Counter(a.assign({}, rng) for _ in range(n))
    for name, share in (("Ana", 0.5), ("Bo", 0.25), ("Cy", 0.25)):
        sigma = (share * (1 - share) / n) ** 0.5
        assert abs(counts[name] / n - share) < 4 * sigma


def test_weighted_is_deterministic_for_a_seed():
    a = Assigner.from_config({"policy": "weighted", "reps": [{"name": "Ana", "weight": 3}, "Bo"]})
    first = [a.assign({}, np.random.default_rng(5)) for _ in range(1)]
    runs = []
    for _ in range(2):
        rng = np.random.default_rng(5)
        runs.append([a.assign({}, rng) for _ in range(50)])
    assert runs[0] == runs[1] and first[0] == runs[0][0]


def test_weighted_skips_unavailable_reps():
    a = Assigner.from_config({"policy": "weighted", "reps": [{"name": "Ana", "weight": 100}, "Bo"]})
    rng = np.random.default_rng(1)
    assert {a.assign({}, rng, unavailable={"Ana"}) for _ in range(20)} == {"Bo"}


def test_weighted_needs_a_generator():
    a = Assigner.from_config({"policy": "weighted", "reps": ["Ana"]})
    with pytest.raises(ValueError):
        a.assign({})


TERRITORY = {
    "policy": "territory",
    "reps": [
        {"name": "Ana", "territory": "enterprise"},
        {"name": "Bo", "territory": ["enterprise", "mid_market"]},
        {"name": "Cy", "territory": "smb"},
        "Dee",
    ],
}


def test_territory_assigns_within_the_leads_segment_round_robin():
    a = Assigner.from_config(TERRITORY)
    enterprise = [a.assign({"segment": "enterprise"}) for _ in range(3)]
    assert enterprise == ["Ana", "Bo", "Ana"]
    assert a.assign({"segment": "mid_market"}) == "Bo"
    assert a.assign({"segment": "smb"}) == "Cy"


def test_territory_falls_back_to_every_rep_for_an_uncovered_segment():
    a = Assigner.from_config(TERRITORY)
    assert [a.assign({"segment": "public"}) for _ in range(5)] == ["Ana", "Bo", "Cy", "Dee", "Ana"]
    assert a.assign({}) == "Bo"


def test_territory_falls_back_when_the_territory_is_away():
    a = Assigner.from_config({**TERRITORY, "fallback": ["Dee"]})
    assert a.assign({"segment": "smb"}, unavailable={"Cy"}) == "Dee"


def test_an_empty_fallback_leaves_uncovered_leads_unassigned():
    a = Assigner.from_config({**TERRITORY, "fallback": []})
    assert a.assign({"segment": "public"}) is None


def test_territories_can_be_a_mapping_on_any_field():
    a = Assigner.from_config(
        {
            "policy": "territory",
            "by": "region",
            "reps": ["Ana", "Bo"],
            "territories": {"emea": ["Ana"], "amer": "Bo"},
        }
    )
    assert a.assign({"region": "amer", "segment": "emea"}) == "Bo"
    assert a.assign({"region": "emea"}) == "Ana"


def test_territory_can_draw_by_weight_inside_a_territory():
    a = Assigner.from_config(
        {
            "policy": "territory",
            "within": "weighted",
            "reps": [
                {"name": "Ana", "territory": "x", "weight": 1},
                {"name": "Bo", "territory": "x", "weight": 1e9},
            ],
        }
    )
    assert a.assign({"segment": "x"}, np.random.default_rng(0)) == "Bo"


def test_an_unhashable_territory_value_falls_back():
    a = Assigner.from_config({**TERRITORY, "fallback": ["Dee"]})
    assert a.assign({"segment": ["enterprise"]}) == "Dee"


@pytest.mark.parametrize(
    "config, where",
    [
        ({"reps": ["Ana"], "policy": "random"}, "assignment.policy: unknown policy 'random'"),
        ({}, "assignment: 'reps' is missing"),
        ({"reps": []}, "assignment.reps: list at least one rep"),
        ({"reps": ["Ana", "Ana"]}, "assignment.reps[1].name: rep 'Ana' is listed twice"),
        ({"reps": [{"name": "Ana", "weight": 0}]}, "assignment.reps[0].weight"),
        ({"reps": [{"name": "Ana", "weight": "x"}]}, "assignment.reps[0].weight"),
        ({"reps": [{"name": "Ana", "available": "no"}]}, "assignment.reps[0].available"),
        ({"reps": [{"nom": "Ana"}]}, "assignment.reps[0].nom: unknown key"),
        ({"reps": [5]}, "assignment.reps[0]: expected a rep"),
        ({"reps": ["Ana"], "policy": "territory"}, "policy territory needs"),
        (
            {"reps": ["Ana"], "territories": {"x": ["Bo"]}},
            "assignment.territories.x: 'Bo' is not one of the reps",
        ),
        (
            {"reps": [{"name": "Ana", "territory": "x"}], "territories": {"x": ["Ana"]}},
            "not both",
        ),
        ({"reps": ["Ana"], "fallback": ["Zed"]}, "assignment.fallback: 'Zed'"),
        ({"reps": ["Ana"], "by": "job title"}, "assignment.by"),
        ({"reps": ["Ana"], "within": "random"}, "assignment.within"),
        ({"reps": ["Ana"], "owner": "x"}, "assignment.owner: unknown key"),
    ],
)
def test_config_errors_name_the_key(config, where):
    with pytest.raises(RuleError) as caught:
        Assigner.from_config(config)
    assert where in caught.value.message


def test_by_must_be_a_known_field_when_fields_are_known():
    with pytest.raises(RuleError, match="leads have no field 'region'"):
        Assigner.from_config(
            {**TERRITORY, "by": "region"}, fields={"segment"}, line=4
        )


def test_an_assigner_pickles_with_its_rotation():
    import pickle

    a = assigner()
    a.assign({})
    assert pickle.loads(pickle.dumps(a)).assign({}) == "Bo"
