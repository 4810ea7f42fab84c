"""What a rule builds is bounded: text it joins is capped, attribute values are capped."""

from __future__ import annotations

import tracemalloc

import pytest

from flowsim.errors import RuleError
from flowsim.rules import compile_rule
from flowsim.rules.attributes import MAX_VALUE_CHARS, AttributeGenerator
from flowsim.rules.functions import MAX_TEXT_CHARS


def amplifying_rule(reads: int) -> str:
    """``((t + t) + (t + t)) + ...``: reads ``t`` ``reads`` times in nested sums."""
    terms = ["t"] * reads
    while len(terms) > 1:
        terms = [f"({a} + {b})" if b else a for a, b in zip(terms[::2], terms[1::2] + [""])]
    return f"len{terms[0]} > 0"


def test_the_amplifying_rule_stops_with_a_rule_error_in_bounded_memory():
    rule = compile_rule(amplifying_rule(128))
    assert len(rule.text) < 2000
    tracemalloc.start()
    try:
        with pytest.raises(RuleError) as info:
            rule({"t": "x" * 1_000_000})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"{MAX_TEXT_CHARS:,}" in str(info.value)
    assert peak < 200 * 1024 * 1024


def test_text_up_to_the_cap_still_joins():
    rule = compile_rule("a + b == c")
    half = "x" * (MAX_TEXT_CHARS // 2)
    assert rule({"a": half, "b": half, "c": half + half}) is True
    with pytest.raises(RuleError):
        rule({"a": half, "b": half + "y", "c": ""})


@pytest.mark.parametrize(("function", "char"), [("upper", "ß"), ("lower", "İ")])
def test_case_changes_are_capped_too(function, char):
    rule = compile_rule(f"len({function}(t)) > 0")
    assert rule({"t": char * 100}) is True
    with pytest.raises(RuleError):
        rule({"t": char * MAX_TEXT_CHARS})  # two characters for each: twice the cap


def test_numbers_and_missing_values_add_as_before():
    rule = compile_rule("fit_score + engagement_score >= 50")
    assert rule({"fit_score": 30, "engagement_score": 20}) is True
    assert rule({"fit_score": 30}) is False
    with pytest.raises(RuleError) as info:
        rule({"fit_score": "30", "engagement_score": 20})
    assert "text" in str(info.value)


def test_attribute_text_values_in_the_file_are_capped():
    long = "x" * (MAX_VALUE_CHARS + 1)
    for config in ({"attributes": {"title": long}}, {"attributes": {"title": {long: 0.5, "VP": 0.5}}}):
        with pytest.raises(RuleError) as info:
            AttributeGenerator.from_config(config, line=7)
        assert info.value.line == 7 and "too long" in str(info.value)
    ok = AttributeGenerator.from_config({"attributes": {"title": "x" * MAX_VALUE_CHARS}})
    assert ok.fields == ("title",)
