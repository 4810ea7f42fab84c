"""Segmentation: ordered rules, the first that holds wins, else the default."""

from __future__ import annotations

import pytest

from flowsim.errors import RuleError
from flowsim.rules import Segmenter

CONFIG = {
    "kind": "segment",
    "segments": [
        {"when": "company_size >= 1000", "segment": "enterprise"},
        {"when": "company_size >= 100", "segment": "mid_market"},
        {"when": "industry == 'SaaS'", "segment": "saas"},
    ],
    "default": "smb",
}


@pytest.mark.parametrize(
    "lead, segment",
    [
        ({"company_size": 5000}, "enterprise"),
        ({"company_size": 5000, "industry": "SaaS"}, "enterprise"),
        ({"company_size": 200}, "mid_market"),
        ({"company_size": 20, "industry": "SaaS"}, "saas"),
        ({"company_size": 20}, "smb"),
        ({}, "smb"),
    ],
)
def test_the_first_rule_that_holds_wins_else_the_default(lead, segment):
    assert Segmenter.from_config(CONFIG).segment_of(lead) == segment


def test_without_a_default_an_unmatched_lead_gets_none():
    segmenter = Segmenter.from_config({"segments": CONFIG["segments"]})
    assert segmenter.segment_of({"company_size": 5}) is None


def test_segments_lists_every_segment_once_with_the_default_last():
    config = {**CONFIG, "default": "mid_market"}
    assert Segmenter.from_config(config).segments == ("enterprise", "mid_market", "saas")


def test_no_rules_give_the_default():
    assert Segmenter.from_config({"default": "all"}).segment_of({"x": 1}) == "all"


@pytest.mark.parametrize(
    "config, where",
    [
        ({"segments": [{"when": "x >", "segment": "a"}]}, "segments[0].when"),
        ({"segments": [{"when": "true"}]}, "segments[0]: 'segment' is missing"),
        ({"segments": [{"when": "true", "segment": ""}]}, "segments[0].segment"),
        ({"segments": [{"when": "true", "segment": "a", "if": 1}]}, "segments[0].if"),
        ({"segments": "enterprise"}, "segments: expected a list"),
        ({"default": 5}, "default: expected a segment name"),
    ],
)
def test_config_errors_name_the_rule_and_key(config, where):
    with pytest.raises(RuleError) as caught:
        Segmenter.from_config(config)
    assert where in caught.value.message


def test_a_rule_error_gets_the_line_of_its_rule_and_the_column():
    with pytest.raises(RuleError) as caught:
        Segmenter.from_config(
            {"segments": [{"when": "size >= 10", "segment": "a"}]},
            fields={"company_size"},
            line_of=lambda path: 9 if path == ("segments", 0, "when") else None,
        )
    assert (caught.value.line, caught.value.column) == (9, 1)
    assert "unknown field 'size'" in caught.value.message


def test_a_rule_failing_at_run_time_raises_a_rule_error():
    segmenter = Segmenter.from_config({"segments": [{"when": "size / 0 > 1", "segment": "a"}]})
    with pytest.raises(RuleError, match="division by zero"):
        segmenter.segment_of({"size": 1})


def test_a_segmenter_pickles_for_the_replication_pool():
    import pickle

    again = pickle.loads(pickle.dumps(Segmenter.from_config(CONFIG)))
    assert again.segment_of({"company_size": 200}) == "mid_market"
