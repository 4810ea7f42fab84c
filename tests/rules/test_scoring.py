"""Scoring: fit and engagement points, negative points, caps, decay over time, threshold."""

from __future__ import annotations

import pytest

from flowsim.errors import RuleError
from flowsim.rules import Score, ScoringModel

CONFIG = {
    "kind": "score",
    "fit": [
        {"when": "job_title in ['VP', 'Director']", "points": 20},
        {"when": "company_size >= 1000", "points": 15},
        {"when": "job_title == 'Student'", "points": -10},
    ],
    "engagement": [
        {"when": "pricing_page", "points": 15},
        {"when": "webinar", "points": 10},
    ],
    "caps": {"fit": 60, "engagement": 60, "total": 100},
    "decay": {"half_life": "30d"},
    "threshold": 40,
}


def model(**changes) -> ScoringModel:
    config = {**CONFIG, **changes}
    return ScoringModel.from_config({k: v for k, v in config.items() if v is not None})


def test_every_rule_that_holds_adds_its_points():
    score = model().score({"job_title": "VP", "company_size": 5000, "pricing_page": True})
    assert score == Score(fit=35, engagement=15, total=50, is_mql=True)


def test_rules_that_do_not_hold_add_nothing():
    assert model().score({}) == Score(0, 0, 0, False)


def test_negative_points_subtract():
    score = model().score({"job_title": "Student", "pricing_page": True, "webinar": True})
    assert (score.fit, score.engagement, score.total) == (-10, 25, 15)


def test_a_negative_total_clamps_at_zero_but_the_group_stays_negative():
    score = model().score({"job_title": "Student"})
    assert score.fit == -10 and score.total == 0


def test_each_group_is_capped():
    scoring = ScoringModel.from_config(
        {
            "fit": [{"when": "true", "points": 50}, {"when": "true", "points": 50}],
            "engagement": [{"when": "true", "points": 70}],
            "caps": {"fit": 60, "engagement": 30},
        }
    )
    score = scoring.score({})
    assert (score.fit, score.engagement, score.total) == (60, 30, 90)


def test_the_total_is_capped():
    scoring = ScoringModel.from_config(
        {
            "fit": [{"when": "true", "points": 80}],
            "engagement": [{"when": "true", "points": 80}],
            "caps": {"total": 100},
        }
    )
    assert scoring.score({}).total == 100


def test_without_caps_points_are_unbounded():
    scoring = ScoringModel.from_config({"fit": [{"when": "true", "points": 1000}]})
    assert scoring.score({}).total == 1000


def test_the_threshold_makes_an_mql_at_or_above_it():
    scoring = model(threshold=35)
    assert scoring.score({"job_title": "VP", "pricing_page": True}).is_mql  # 35
    assert not scoring.score({"job_title": "VP", "webinar": True}).is_mql  # 30


def test_without_a_threshold_no_lead_is_an_mql():
    assert not model(threshold=None).score({"job_title": "VP"}).is_mql


def test_rules_can_read_the_built_in_fields():
    scoring = ScoringModel.from_config(
        {"engagement": [{"when": "touches >= 3 and waited < hours(1)", "points": 5}]}
    )
    assert scoring.score({"touches": 3, "waited": 0.01}).engagement == 5


def test_as_fields_gives_the_lead_fields_to_set():
    assert Score(10, 5, 15, False).as_fields() == {
        "score": 15,
        "fit_score": 10,
        "engagement_score": 5,
    }


def test_an_empty_config_scores_zero():
    assert ScoringModel.from_config({"kind": "score"}).score({"x": 1}) == Score(0, 0, 0, False)


# --- decay ---------------------------------------------------------------------------------


def test_half_life_halves_engagement_each_period_and_leaves_fit():
    scoring = model()
    earned = scoring.score({"job_title": "VP", "pricing_page": True, "webinar": True})
    assert (earned.fit, earned.engagement) == (20, 25)
    assert scoring.decay(earned, 10.0, 40.0).engagement == pytest.approx(12.5)
    later = scoring.decay(earned, 10.0, 70.0)
    assert later.engagement == pytest.approx(6.25)
    assert later.fit == 20 and later.total == pytest.approx(26.25)


def test_half_life_decays_continuously():
    scoring = model()
    assert scoring.decay_factor(15) == pytest.approx(2**-0.5)


def test_decay_recomputes_the_mql_status():
    scoring = model()
    earned = scoring.score({"job_title": "VP", "pricing_page": True, "webinar": True})
    assert earned.is_mql  # 45 >= 40
    assert not scoring.decay(earned, 0, 30).is_mql  # 20 + 12.5


@pytest.mark.parametrize(
    "elapsed, factor",
    [(0, 1.0), (29.9, 1.0), (30, 0.75), (59, 0.75), (60, 0.5625), (90, 0.421875)],
)
def test_percent_decay_steps_at_the_end_of_each_period(elapsed, factor):
    scoring = model(decay={"percent": 25, "every": "30d"})
    assert scoring.decay_factor(elapsed) == pytest.approx(factor)


def test_percent_decay_counts_a_period_despite_float_rounding():
    scoring = model(decay={"percent": 50, "every": 0.1})
    assert scoring.decay_factor(0.1 + 0.2) == pytest.approx(0.125)


@pytest.mark.parametrize(
    "decay", [{"half_life": "30d"}, {"percent": 25, "every": "30d"}, {"percent": 50, "every": 0.1}, {"window": "1w"}]
)
def test_the_hot_loop_curve_gives_exactly_the_decay_factor(decay):
    rule = model(decay=decay).decay_rule
    curve = rule.curve()
    for elapsed in [0.0, 0.1 + 0.2, 6.99, 7.0, 15.0, 29.999999, 30.0, 59.0, 60.0, 90.0, 365.25]:
        assert curve(elapsed) == rule.factor(elapsed)


def test_a_window_keeps_points_then_drops_them():
    scoring = model(decay={"window": "1w"})
    assert scoring.decay_factor(6.99) == 1.0
    assert scoring.decay_factor(7) == 0.0


def test_without_decay_a_score_never_changes():
    scoring = model(decay=None)
    earned = scoring.score({"pricing_page": True})
    assert scoring.decay(earned, 0, 1000) is earned


def test_decay_depends_only_on_elapsed_time():
    scoring = model()
    earned = scoring.score({"pricing_page": True})
    assert scoring.decay(earned, 5, 35) == scoring.decay(earned, 100, 130)
    assert scoring.decay(earned, 5, 35) == scoring.decay(earned, 5, 35)


def test_negative_elapsed_time_is_a_programming_error():
    with pytest.raises(ValueError):
        model().decay(Score(0, 10, 10, False), 5, 4)
    with pytest.raises(ValueError):
        model(decay=None).decay_factor(-1)


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, where",
    [
        ({"fit": [{"when": "true", "points": 1}, {"when": "x >", "points": 1}]}, "fit[1].when"),
        ({"fit": [{"when": "true", "points": "ten"}]}, "fit[0].points"),
        ({"fit": [{"when": "true", "points": True}]}, "fit[0].points"),
        ({"fit": [{"when": "true"}]}, "fit[0]: 'points' is missing"),
        ({"fit": [{"when": "true", "points": 1, "pts": 2}]}, "fit[0].pts: unknown key"),
        ({"fit": [{"when": 5, "points": 1}]}, "fit[0].when: a rule must be text"),
        ({"fit": {"when": "x", "points": 1}}, "fit: expected a list"),
        ({"engagement": ["pricing_page"]}, "engagement[0]: expected {when"),
        ({"caps": {"fit": -1}}, "caps.fit: must be at least 0"),
        ({"caps": {"overall": 1}}, "caps.overall: unknown key"),
        ({"decay": {"half_life": "soon"}}, "decay.half_life"),
        ({"decay": {"half_life": 0}}, "decay.half_life: must be longer than zero"),
        ({"decay": {"percent": 25}}, "decay: 'percent' needs 'every'"),
        ({"decay": {"percent": 125, "every": "30d"}}, "decay.percent: must be at most 100"),
        ({"decay": {"half_life": "30d", "window": "30d"}}, "decay: give one of"),
        ({"decay": {"half_life": "30d", "every": "30d"}}, "decay.every"),
        ({"threshold": "high"}, "threshold: expected a number"),
    ],
)
def test_config_errors_name_the_rule_index_and_key(changes, where):
    with pytest.raises(RuleError) as caught:
        model(**changes)
    assert where in caught.value.message


def test_a_bad_rule_keeps_its_column_and_gets_the_line():
    lines = {("fit", 1, "when"): 12}
    with pytest.raises(RuleError) as caught:
        ScoringModel.from_config(
            {"fit": [{"when": "true", "points": 1}, {"when": "score > 1 and x.y", "points": 1}]},
            line=3,
            line_of=lambda path: lines.get(path),
        )
    err = caught.value
    assert (err.line, err.column) == (12, 15)
    assert str(err).startswith("line 12, column 15: fit[1].when: attribute access")


def test_errors_fall_back_to_the_node_line():
    with pytest.raises(RuleError) as caught:
        ScoringModel.from_config({"threshold": "x"}, line=3)
    assert caught.value.line == 3


def test_unknown_fields_are_refused_when_fields_are_known():
    with pytest.raises(RuleError, match=r"engagement\[0\]\.when: unknown field 'pricing'"):
        ScoringModel.from_config(
            {"engagement": [{"when": "pricing", "points": 5}]}, fields={"pricing_page"}
        )


def test_a_rule_failing_at_run_time_raises_a_rule_error_naming_it():
    scoring = ScoringModel.from_config({"fit": [{"when": "company_size > 10", "points": 5}]})
    with pytest.raises(RuleError, match="company_size > 10"):
        scoring.score({"company_size": "big"})


def test_rules_lists_fit_then_engagement_rules():
    assert [r.text for r in model().rules()] == [
        "job_title in ['VP', 'Director']",
        "company_size >= 1000",
        "job_title == 'Student'",
        "pricing_page",
        "webinar",
    ]


def test_a_scoring_model_pickles_for_the_replication_pool():
    import pickle

    scoring = model()
    again = pickle.loads(pickle.dumps(scoring))
    lead = {"job_title": "VP", "pricing_page": True}
    assert again.score(lead) == scoring.score(lead)
    assert again.decay_factor(30) == pytest.approx(0.5)
