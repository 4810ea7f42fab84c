"""The rule language: every operator and function, missing fields, errors with columns."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from flowsim.errors import RuleError
from flowsim.rules import FUNCTION_NAMES, LEAD_FIELDS, compile_rule
from flowsim.rules.functions import FUNCTIONS

LEAD = {
    "score": 72,
    "fit_score": 40,
    "engagement_score": 32.5,
    "segment": "enterprise",
    "channel": "paid_search",
    "touches": 3,
    "age": 12.5,
    "waited": 0.25,
    "job_title": "VP",
    "company_size": 1200,
    "industry": "SaaS",
    "pricing_page": True,
    "webinar": False,
}


def run(text: str, lead: dict | None = None):
    return compile_rule(text)(LEAD if lead is None else lead)


# --- literals and fields --------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("42", 42),
        ("-3.5", -3.5),
        ("1_000", 1000),
        ("'text'", "text"),
        ('"double"', "double"),
        ("True", True),
        ("true", True),
        ("False", False),
        ("false", False),
        ("None", None),
        ("null", None),
        ("none", None),
    ],
)
def test_literals_evaluate_to_their_value(text, expected):
    assert run(text) == expected


def test_a_field_name_reads_the_lead_field():
    assert run("industry") == "SaaS"
    assert run("company_size") == 1200


def test_rule_fields_lists_each_field_read_once_in_order():
    rule = compile_rule("score >= 50 and (industry == 'SaaS' or score > 90) and not webinar")
    assert rule.fields == ("score", "industry", "webinar")


def test_constants_and_functions_are_not_fields():
    assert compile_rule("lower(job_title) == 'vp' or true").fields == ("job_title",)


def test_built_in_field_names_are_exported():
    assert LEAD_FIELDS == (
        "score", "fit_score", "engagement_score", "segment", "channel", "touches", "age",
        "waited", "accepted",
    )


# --- comparisons ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("score == 72", True),
        ("score == 71", False),
        ("score != 71", True),
        ("score != 72", False),
        ("score < 73", True),
        ("score < 72", False),
        ("score <= 72", True),
        ("score <= 71", False),
        ("score > 71", True),
        ("score > 72", False),
        ("score >= 72", True),
        ("score >= 73", False),
        ("industry == 'SaaS'", True),
        ("industry < 'Tech'", True),
        ("50 <= score", True),
    ],
)
def test_each_comparison_operator(text, expected):
    assert run(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("50 <= score < 80", True),
        ("50 <= score < 60", False),
        ("0 < touches <= 3 < score", True),
        ("score == 72 < company_size", True),
        ("1 < 2 < 3 < 4", True),
        ("1 < 3 < 2", False),
    ],
)
def test_chained_comparisons_hold_pairwise(text, expected):
    assert run(text) is expected


def test_chained_comparison_reads_a_middle_field_once():
    reads = []

    class Lead(dict):
        def get(self, key, default=None):
            reads.append(key)
            return super().get(key, default)

    assert compile_rule("10 < score < 100")(Lead(score=50)) is True
    assert reads == ["score"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("job_title in ['VP', 'Director']", True),
        ("job_title in ['Manager']", False),
        ("job_title not in ['Manager', 'Student']", True),
        ("job_title not in ['VP']", False),
        ("company_size in (1200, 5000)", True),
        ("touches in [1, 2, -3]", False),
        ("'Saa' in industry", True),
        ("'saa' in industry", False),
        ("'x' not in industry", True),
        ("pricing_page in [true]", True),
        ("score in []", False),
    ],
)
def test_in_and_not_in(text, expected):
    assert run(text) is expected


# --- boolean logic ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pricing_page and not webinar", True),
        ("pricing_page and webinar", False),
        ("webinar or pricing_page", True),
        ("webinar or false", False),
        ("not webinar", True),
        ("not (score > 50 and webinar)", True),
        ("score > 50 and industry == 'SaaS' or webinar", True),
        ("webinar and score > 50 or industry == 'Retail'", False),
    ],
)
def test_and_or_not(text, expected):
    assert bool(run(text)) is expected


def test_and_short_circuits_before_a_division_by_zero():
    assert run("touches != 0 and 10 / touches > 1", {"touches": 0}) is False


def test_or_short_circuits():
    assert run("touches == 0 or 10 / touches > 1", {"touches": 0}) is True


# --- arithmetic ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("score + 8", 80),
        ("score - 2", 70),
        ("score * 2", 144),
        ("score / 8", 9.0),
        ("score % 10", 2),
        ("-score", -72),
        ("+score", 72),
        ("2 + 3 * 4", 14),
        ("(2 + 3) * 4", 20),
        ("10 - 4 - 3", 3),
        ("-(fit_score - engagement_score)", -7.5),
        ("fit_score + engagement_score * 2 >= 100", True),
        ("job_title + ' of Sales'", "VP of Sales"),
        ("company_size / 1000 > 1", True),
        ("7.5 % 2", 1.5),
    ],
)
def test_arithmetic_operators_and_precedence(text, expected):
    assert run(text) == expected


# --- functions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("min(score, 50)", 50),
        ("min(3, 1, 2)", 1),
        ("max(score, 100)", 100),
        ("max('a', 'b')", "b"),
        ("abs(-4)", 4),
        ("abs(fit_score - score)", 32),
        ("round(2.6)", 3),
        ("round(engagement_score)", 32),
        ("round(2.345, 2)", 2.35),
        ("round(1234, -2)", 1200),
        ("lower(industry)", "saas"),
        ("upper(job_title + 'p')", "VPP"),
        ("contains(industry, 'aa')", True),
        ("contains(industry, 'AA')", False),
        ("contains(lower(industry), 'saas')", True),
        ("len(industry)", 4),
        ("days(2)", 2.0),
        ("hours(12)", 0.5),
        ("minutes(90)", 90 / 1440),
        ("weeks(2)", 14.0),
        ("waited < hours(8)", True),
        ("age > days(10) and age < weeks(2)", True),
        ("days(touches)", 3),
        ("hours(touches * 8)", 1.0),
    ],
)
def test_each_function(text, expected):
    result = run(text)
    if isinstance(expected, float):
        assert result == pytest.approx(expected)
    else:
        assert result == expected


def test_function_table_matches_the_exported_names():
    assert tuple(FUNCTIONS) == FUNCTION_NAMES


def test_duration_helpers_on_literals_fold_to_constants():
    assert "0.5" in compile_rule("waited > hours(12)").python


# --- missing fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "budget >= 50",
        "budget > 50",
        "budget < 50",
        "budget <= 50",
        "50 <= budget",
        "0 < budget < 100",
        "budget + 10 > 5",
        "budget * 2 > 5",
        "-budget < 0",
        "abs(budget) >= 0",
        "max(budget, 1) >= 1",
        "len(region) > 0",
        "lower(region) == 'emea'",
        "budget == 1",
        "budget in [1, 2]",
        "'x' in region",
        "contains(region, 'E')",
        "budget",
        "budget < None",
        "None >= budget",
    ],
)
def test_a_missing_field_makes_a_condition_false_not_an_error(text):
    assert not run(text, {})


@pytest.mark.parametrize(
    "text",
    ["budget == None", "budget == null", "not budget", "budget not in [1]", "budget != 1"],
)
def test_a_missing_field_is_none(text):
    assert run(text, {}) is True


def test_an_explicit_none_value_reads_like_a_missing_field():
    assert run("budget >= 50", {"budget": None}) is False


def test_arithmetic_on_a_missing_field_is_missing():
    assert run("budget + 10", {}) is None
    assert run("budget * 2", {}) is None
    assert run("10 % budget", {}) is None
    assert run("round(budget, 1)", {}) is None


# --- run-time errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lead, words",
    [
        ("score / touches > 1", {"score": 1, "touches": 0}, "division by zero"),
        ("score % touches", {"score": 1, "touches": 0}, "division by zero"),
        ("industry < 3", {"industry": "abc"}, "cannot compare text with a number"),
        ("job_title * 3", {"job_title": "VP"}, "* works on numbers only"),
        ("job_title % 3", {"job_title": "%d"}, "% works on numbers only"),
        ("industry + 1", {"industry": "SaaS"}, "text"),
        ("-industry", {"industry": "SaaS"}, "text"),
        ("lower(score)", {"score": 5}, "lower() needs text"),
        ("abs(industry)", {"industry": "x"}, "abs() needs a number"),
        ("round(score, 99)", {"score": 1.5}, "round()"),
        ("round(score, digits)", {"score": 1.5, "digits": 1.5}, "round()"),
        ("days(industry)", {"industry": "x"}, "days() needs a number"),
        ("1 in industry", {"industry": "x"}, "'in' text needs text"),
        ("'a' in score", {"score": 5}, "'in' needs a list or text"),
        ("min(score, industry)", {"score": 1, "industry": "x"}, "cannot compare"),
    ],
)
def test_run_time_errors_are_rule_errors_naming_the_rule(text, lead, words):
    rule = compile_rule(text)
    with pytest.raises(RuleError) as caught:
        rule(lead)
    message = str(caught.value)
    assert words in message
    assert repr(text) in message


def test_a_run_time_error_shows_the_values_the_rule_read():
    with pytest.raises(RuleError, match=r"with score='abc'"):
        compile_rule("score > 1")({"score": "abc"})


def test_a_run_time_error_carries_the_file_line():
    rule = compile_rule("score / touches > 1", line=7)
    with pytest.raises(RuleError) as caught:
        rule({"score": 1, "touches": 0})
    assert caught.value.line == 7
    assert str(caught.value).startswith("line 7: ")


def test_the_raw_function_raises_python_errors_and_failure_words_them():
    rule = compile_rule("score / touches > 1")
    lead = {"score": 1, "touches": 0}
    with pytest.raises(ZeroDivisionError) as caught:
        rule.fn(lead)
    err = rule.failure(lead, caught.value)
    assert isinstance(err, RuleError) and "division by zero" in err.message


def test_test_gives_the_truth_of_the_rule():
    assert compile_rule("score")({"score": 5}) == 5
    assert compile_rule("score").test({"score": 5}) is True
    assert compile_rule("score").test({}) is False


# --- compile errors: columns, lines and unknown fields ------------------------------------


@pytest.mark.parametrize(
    "text, column",
    [
        ("score >= 50 and and x", 17),
        ("score >= 'é' +* 1", 15),
        ("score >= (50", 10),
        ("score >= 50)", 12),
        ("x.y > 1", 1),
        ("score > 1 and x.y", 15),
        ("score ** 2 > 1", 1),
        ("  score[0]", 3),
        ("'é' + x.y", 7),
        ("score > 5 and foo(1)", 15),
        ("min > 3", 1),
        ("score > 1 and _x", 15),
    ],
)
def test_compile_errors_point_at_the_column(text, column):
    with pytest.raises(RuleError) as caught:
        compile_rule(text)
    assert caught.value.column == column, str(caught.value)


def test_a_syntax_error_with_a_line_names_line_and_column():
    with pytest.raises(RuleError) as caught:
        compile_rule("score >= 50 and and x", line=7)
    assert str(caught.value).startswith("line 7, column 17: ")


def test_an_error_with_a_file_reads_file_line_column():
    with pytest.raises(RuleError) as caught:
        compile_rule("score >=", line=7)
    assert str(caught.value.with_file("flow.yaml")).startswith("flow.yaml:7:")


def test_an_unknown_field_is_refused_with_its_column_and_a_suggestion():
    with pytest.raises(RuleError) as caught:
        compile_rule("score >= 50 and industy == 'SaaS'", fields={"score", "industry"}, line=7)
    err = caught.value
    assert (err.line, err.column) == (7, 17)
    assert "unknown field 'industy'" in err.message
    assert "did you mean 'industry'" in err.message


def test_an_unknown_field_without_a_close_match_lists_the_known_ones():
    with pytest.raises(RuleError, match="leads here have: industry, score"):
        compile_rule("zzz > 1", fields=["score", "industry"])


def test_known_fields_compile():
    rule = compile_rule("score >= 50 and industry == 'SaaS'", fields=("score", "industry"))
    assert rule.fields == ("score", "industry")


def test_columns_count_characters_across_line_breaks():
    text = "score >= 50\n  and x.y"
    with pytest.raises(RuleError) as caught:
        compile_rule(text)
    assert caught.value.column == text.index("x.y") + 1


def test_a_rule_may_span_lines_like_a_yaml_block():
    assert compile_rule("score >= 50\nand industry == 'SaaS'\n")(LEAD) is True


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_an_empty_rule_is_refused(text):
    with pytest.raises(RuleError, match="empty"):
        compile_rule(text)


@pytest.mark.parametrize("value", [None, 5, b"score", ["score"]])
def test_a_rule_that_is_not_text_is_refused(value):
    with pytest.raises(RuleError, match="must be text"):
        compile_rule(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["1 - -1 == 2", "not not true", "x not in [1] and - - 3 == 3",
                                  "1e-5 < 1", "- - - - - - - - 1 == 1"])
def test_a_few_signs_in_a_row_are_fine(text):
    assert compile_rule(text)({"x": 2}) is True


def test_text_beside_star_or_percent_is_refused_at_compile_time():
    for text in ("'ab' * 3", "3 * 'ab'", "'%d' % 1", "lower(x) * 2"):
        with pytest.raises(RuleError, match="numbers only"):
            compile_rule(text)


def test_star_and_percent_on_known_numbers_compile_to_plain_operators():
    assert compile_rule("2 * 3 % 4").python == "lambda lead: 2 * 3 % 4"
    assert "_mul" in compile_rule("score * 2").python


# --- what the compiled function can reach ------------------------------------------------


def test_the_compiled_function_has_no_builtins_and_only_private_helpers():
    rule = compile_rule("max(score, 1) > 0")
    scope = rule.fn.__globals__
    assert scope["__builtins__"] == {}
    assert all(name.startswith("_") for name in scope)


def test_no_eval_or_exec_call_appears_in_flowsim():
    root = Path(__file__).resolve().parents[2] / "flowsim"
    offenders = []
    for path in root.rglob("*.py"):
        tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline))
        for before, token, after in zip(tokens, tokens[1:], tokens[2:]):
            if (
                token.type == tokenize.NAME
                and token.string in ("eval", "exec")
                and after.string == "("
                and before.string != "."
            ):
                offenders.append(f"{path}:{token.start[0]}")
    assert offenders == []


def test_a_rule_pickles_as_its_text_and_still_works():
    rule = compile_rule("score >= 50 and industry == 'SaaS'", line=3)
    again = pickle.loads(pickle.dumps(rule))
    assert again == rule and again.line == 3
    assert again(LEAD) is True


def test_compiling_the_same_text_twice_gives_equal_independent_rules():
    a, b = compile_rule("score > 1"), compile_rule("score > 1")
    assert a == b and a.fn is not b.fn and a.fn.__globals__ is not b.fn.__globals__


def test_importing_rules_pulls_in_no_qt_simpy_or_higher_layers():
    code = (
        "import sys, flowsim.rules; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'simpy')"
        " or m.startswith(('flowsim.io', 'flowsim.sim', 'flowsim.gui', 'flowsim.render'))]; "
        "print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]"
