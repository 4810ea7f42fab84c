"""A broken rule says what is wrong in the user's words, at the column of the fault."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowsim.errors import RuleError
from flowsim.rules import compile_rule


def error_of(text: str) -> RuleError:
    with pytest.raises(RuleError) as caught:
        compile_rule(text)
    return caught.value


@pytest.mark.parametrize(
    "text, fault, words",
    [
        # something missing at the end: the column just past the operator
        ("score >= 60 and", "", "expected something after 'and'"),
        ("score >= 60 or", "", "expected something after 'or'"),
        ("score >=", "", "expected something after '>='"),
        ("not", "", "expected something after 'not'"),
        ("score >= 50 and and x", "and x", "expected something after 'and'"),
        ("industry == 'SaaS' or or x", "or x", "expected something after 'or'"),
        ("max(1,,2)", ",2)", "expected something after ','"),
        # numbers that are not numbers
        ("score > 6O", "6O", "'6O' is not a number: did you mean 60?"),
        ("score > 1O0", "1O0", "did you mean 100?"),
        ("waited > 4h", "4h", "hours(4)"),
        ("age > 3d and score > 5", "3d", "days(3)"),
        ("score > 1and x", "1and", "put a space between 1 and 'and'"),
        ("score >= 1.2.3", "1.2.3", "'1.2.3' is not a number"),
        # brackets
        ("score >= (50", "(50", "never closed"),
        ("score >= 50)", ")", "no opening bracket"),
        ("job_title in ['VP', 'CEO'", "['VP'", "never closed"),
        ("max(score, 5]", "]", "does not match"),
        # other languages' spellings
        ("score = 60", "= 60", "write == to compare"),
        ("score => 60", "=> 60", "write >= instead of =>"),
        ("score ≥ 60", "≥", "write >= instead of ≥"),
        ("score > 5 && webinar", "&&", "write and instead of &&"),
        ("score > 5 || webinar", "||", "write or instead of ||"),
        ("!webinar", "!", "write 'not'"),
        ("score > 5 AND webinar", "AND", "write 'and' in lower case"),
        ("job_title == ‘VP’", "‘", "write ' instead of ‘"),
        # values side by side
        ("score 60", "60", "'60' follows 'score' with nothing to join them"),
        ("max(score 5)", "5)", "follows 'score'"),
        ("score >= 60 andd webinar", "andd", "did you mean 'and'?"),
        ("job_title not", "not", "'not' goes before a condition"),
        ("score > 5 if webinar", "if", "'if' cannot be used"),
        # text and characters
        ("industry == 'SaaS", "'SaaS", "no closing '"),
        ("score > $5", "$5", "'$' cannot be used"),
        ("score >= 60 ; x", ";", "';' cannot be used"),
    ],
)
def test_a_broken_rule_names_the_fault_where_it_is(text, fault, words):
    err = error_of(text)
    assert words in err.message
    expected = len(text) + 1 if fault == "" else text.index(fault) + 1
    assert err.column == expected, err.message


@pytest.mark.parametrize("text", ["score >= 60 and", "score > 6O", "(score", "score 60 60", "'a\\d'", "1_000_"])
def test_never_pythons_own_words(text):
    message = error_of(text).message.lower()
    for python_says in ("invalid syntax", "decimal literal", "eof", "was never closed", "perhaps", "unexpected",
                        "syntax error", "unterminated", "token"):
        assert python_says not in message


def test_a_rule_over_several_lines_points_into_the_right_line_part():
    text = "score >= 60\n  and"
    assert error_of(text).column == len(text) + 1


def test_leading_spaces_count_in_the_column():
    text = "   score > 6O"
    assert error_of(text).column == text.index("6O") + 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="score 6O0and()[],'=<>!&|+-*/.x", max_size=24))
def test_any_broken_text_gets_a_column_inside_the_rule_and_plain_words(text):
    try:
        compile_rule(text)
    except RuleError as err:
        assert err.column is not None and 1 <= err.column <= len(text) + 1
        assert "invalid syntax" not in err.message and "literal" not in err.message
