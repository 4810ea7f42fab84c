"""Lead attributes from sources: categorical mixes, distributions, behaviour probabilities."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from flowsim.errors import RuleError
from flowsim.rules import AttributeGenerator, compile_rule, known_fields

SOURCE = {
    "kind": "source",
    "attributes": {
        "job_title": {"VP": 0.1, "Director": 0.2, "Manager": 0.4, "Individual": 0.3},
        "company_size": {"dist": "lognormal", "mean": 250, "sd": 400},
        "industry": "SaaS",
        "budget": 5000,
    },
    "behaviours": {"pricing_page": 0.3, "webinar": 0.1},
}


def generator() -> AttributeGenerator:
    return AttributeGenerator.from_config(SOURCE)


def within(observed: float, p: float, n: int) -> bool:
    return abs(observed - p) <= 4 * (p * (1 - p) / n) ** 0.5


def test_fields_lists_attributes_then_behaviours():
    assert generator().fields == (
        "job_title", "company_size", "industry", "budget", "pricing_page", "webinar"
    )


def test_a_drawn_lead_has_every_field_as_plain_python_values():
    lead = generator().draw(np.random.default_rng(1))
    assert set(lead) == set(generator().fields)
    assert type(lead["job_title"]) is str
    assert type(lead["company_size"]) is float
    assert type(lead["pricing_page"]) is bool
    assert lead["industry"] == "SaaS" and lead["budget"] == 5000.0


@pytest.mark.parametrize("many", [False, True])
def test_a_categorical_mix_follows_its_weights(many):
    rng = np.random.default_rng(3)
    n = 40_000
    gen = generator()
    leads = gen.draw_many(rng, n) if many else [gen.draw(rng) for _ in range(n)]
    counts = Counter(lead["job_title"] for lead in leads)
    for value, p in SOURCE["attributes"]["job_title"].items():
        assert within(counts[value] / n, p, n), value


@pytest.mark.parametrize("many", [False, True])
def test_behaviours_are_true_with_their_probability(many):
    rng = np.random.default_rng(4)
    n = 40_000
    gen = generator()
    leads = gen.draw_many(rng, n) if many else [gen.draw(rng) for _ in range(n)]
    assert within(sum(lead["pricing_page"] for lead in leads) / n, 0.3, n)
    assert within(sum(lead["webinar"] for lead in leads) / n, 0.1, n)
    assert all(type(lead["webinar"]) is bool for lead in leads[:100])


def test_a_distribution_attribute_has_its_mean():
    leads = generator().draw_many(np.random.default_rng(5), 200_000)
    sizes = np.array([lead["company_size"] for lead in leads])
    assert sizes.mean() == pytest.approx(250, rel=0.05)
    assert sizes.min() > 0


def test_the_same_seed_draws_the_same_leads():
    gen = generator()
    a = [gen.draw(np.random.default_rng(9)) for _ in range(3)]
    b = [gen.draw(np.random.default_rng(9)) for _ in range(3)]
    assert a == b
    assert gen.draw_many(np.random.default_rng(9), 50) == gen.draw_many(
        np.random.default_rng(9), 50
    )


def test_a_value_of_weight_zero_is_never_drawn():
    gen = AttributeGenerator.from_config(
        {"attributes": {"tier": {"gold": 0.0, "silver": 1.0, "bronze": 0.0}}}
    )
    assert {lead["tier"] for lead in gen.draw_many(np.random.default_rng(0), 5000)} == {"silver"}
    assert gen.draw(np.random.default_rng(0))["tier"] == "silver"


def test_mix_values_keep_their_yaml_types():
    gen = AttributeGenerator.from_config({"attributes": {"authority": {True: 0.5, False: 0.5}}})
    assert {lead["authority"] for lead in gen.draw_many(np.random.default_rng(0), 100)} == {
        True,
        False,
    }


def test_weights_summing_to_one_within_a_millionth_are_accepted():
    AttributeGenerator.from_config({"attributes": {"t": {"a": 0.3333333, "b": 0.6666666}}})


def test_an_empty_source_draws_empty_leads():
    gen = AttributeGenerator.from_config({"kind": "source"})
    assert gen.draw(np.random.default_rng(0)) == {}
    assert gen.draw_many(np.random.default_rng(0), 2) == [{}, {}]


def test_rules_compile_against_the_fields_a_source_gives():
    fields = known_fields(generator().fields)
    compile_rule("pricing_page and company_size >= 1000 and score > 0", fields=fields)
    with pytest.raises(RuleError, match="did you mean 'job_title'"):
        compile_rule("job_titel == 'VP'", fields=fields)


@pytest.mark.parametrize(
    "config, where",
    [
        ({"attributes": {"job_title": {"VP": 0.5, "Director": 0.2}}}, "attributes.job_title: the weights sum to 0.7"),
        ({"attributes": {"job_title": {"VP": -0.5, "CEO": 1.5}}}, "attributes.job_title.VP"),
        ({"attributes": {"job_title": {"VP": "half"}}}, "attributes.job_title.VP"),
        ({"attributes": {"job_title": {}}}, "attributes.job_title: a mix needs"),
        ({"attributes": {"size": {"dist": "pareto"}}}, "attributes.size.dist"),
        ({"attributes": {"size": {"dist": "normal", "mean": 5}}}, "attributes.size.sd"),
        ({"attributes": {"size": {"dist": "normal", "mean": "5d", "sd": 1}}}, "attributes.size.mean"),
        ({"attributes": {"size": [1, 2]}}, "attributes.size: expected a mix"),
        ({"attributes": {"job title": {"VP": 1}}}, "no spaces"),
        ({"attributes": {"_x": {"VP": 1}}}, "cannot start with _"),
        ({"attributes": {"score": 5}}, "attributes.score: 'score' is a built-in lead field"),
        ({"attributes": {"min": 5}}, "reserved word"),
        ({"attributes": ["job_title"]}, "attributes: expected a mapping"),
        ({"behaviours": {"webinar": 1.5}}, "behaviours.webinar: must be at most 1"),
        ({"behaviours": {"webinar": "often"}}, "behaviours.webinar: expected a number"),
        ({"attributes": {"webinar": "yes"}, "behaviours": {"webinar": 0.5}}, "behaviours.webinar: 'webinar' is already"),
    ],
)
def test_config_errors_name_the_attribute(config, where):
    with pytest.raises(RuleError) as caught:
        AttributeGenerator.from_config(config)
    assert where in caught.value.message


def test_errors_get_the_line_of_the_attribute():
    with pytest.raises(RuleError) as caught:
        AttributeGenerator.from_config(
            {"attributes": {"t": {"a": 0.5}}},
            line=2,
            line_of=lambda path: 14 if path == ("attributes", "t") else None,
        )
    assert caught.value.line == 14


def test_a_generator_pickles_and_draws_the_same_leads():
    import pickle

    gen = generator()
    again = pickle.loads(pickle.dumps(gen))
    assert again.draw_many(np.random.default_rng(2), 20) == gen.draw_many(
        np.random.default_rng(2), 20
    )
