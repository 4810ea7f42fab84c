"""Rules that can only fail, and names that only look right, fail `validate` with a column."""

from __future__ import annotations

import pytest

from flowsim.check import check_flow, flow_field_types
from flowsim.cli import main
from flowsim.io import loads_flow
from flowsim.rules import compile_rule
from flowsim.rules.typecheck import FieldTypes, rule_faults

FLOW = """\
flowsim: 1
name: Types
nodes:
  - id: ads
    kind: source
    arrivals: {{per_day: 5}}
    attributes:
      job_title: {{VP: 0.5, Manager: 0.5}}
      company_size: {{dist: lognormal, mean: 250, sd: 400}}
    behaviours: {{pricing_page: 0.3}}
  - {{id: scoring, kind: score, fit: [{{when: "company_size > 100", points: 10}}]}}
  - {{id: won, kind: sink}}
  - {{id: lost, kind: sink}}
edges:
  - {{from: ads, to: scoring}}
  - {{from: scoring, to: won, when: "{rule}"}}
  - {{from: scoring, to: lost}}
"""
RULE_LINE = 16
RULE_START = len('  - {from: scoring, to: won, when: "')  # the rule's first column is this + 1


def validate_rule(tmp_path, capsys, rule: str) -> tuple[int, str]:
    path = tmp_path / "types.flow.yaml"
    path.write_text(FLOW.format(rule=rule), encoding="utf-8")
    status = main(["validate", str(path)])
    return status, capsys.readouterr().out


@pytest.mark.parametrize(
    ("rule", "column", "words"),
    [
        ("score / 0 > 1", 9, "division by zero"),
        ("score % (2 - 2) > 1", 10, "division by zero"),
        ("abs('x') > 1", 5, "abs() needs a number"),
        ("'a' + 1 == 2", 1, "cannot use +"),
        ("job_title > 5", 1, "cannot compare text"),
        ("round(score, 1000000000) > 1", 14, "round()"),
        ("round(score, 0.5) > 1", 14, "round()"),
        ("job_title == 5", 1, "never equal"),
        ("company_size in ['big', 'small']", 1, "never one of"),
        ("score in 5", 10, "'in' needs a list or text"),
        ("lower(score) == 'x'", 7, "lower() needs text"),
        ("len(company_size) > 2", 5, "len() needs text"),
        ("contains(job_title, 5)", 21, "contains() needs text"),
        ("-job_title < 0", 1, "needs a number"),
        ("min(score, job_title) > 1", 1, "min()"),
        ("days('x') > age", 6, "days() needs a number"),
    ],
)
def test_a_rule_that_can_only_fail_fails_validate_with_its_column(tmp_path, capsys, rule, column, words):
    status, out = validate_rule(tmp_path, capsys, rule)
    assert status == 1
    assert f":{RULE_LINE}:{RULE_START + column}: " in out, out
    assert words in out


@pytest.mark.parametrize(
    "rule",
    ["ｓｃｏｒｅ >= 1", "ﬁt_score > 3", "𝐬𝐜𝐨𝐫𝐞 > 1", "scоre > 1", "ａｂｓ(score) > 1", "score > 1 and ｔｒｕｅ"],
    ids=["fullwidth", "ligature", "math bold", "cyrillic o", "fullwidth function", "fullwidth constant"],
)
def test_a_name_that_only_looks_ascii_fails_validate_with_its_column(tmp_path, capsys, rule):
    status, out = validate_rule(tmp_path, capsys, rule)
    assert status == 1
    first_odd = next(i for i, c in enumerate(rule) if not c.isascii())
    word_start = max(rule.rfind(" ", 0, first_odd) + 1, rule.rfind("(", 0, first_odd) + 1)
    assert f":{RULE_LINE}:{RULE_START + word_start + 1}: " in out, out
    assert "ASCII" in out


@pytest.mark.parametrize(
    "rule",
    [
        "score >= 50 and job_title == 'VP'",
        "company_size > 100 or pricing_page",
        "segment == null",
        "accepted == 1",
        "lower(job_title) in ['vp', 'manager']",
        "contains(channel, 'ads')",
        "round(score / 3, 2) > 1",
        "score / (1 + touches) > 0.5",
        "max(score, fit_score) > 10",
        "job_title + ' team' == 'VP team'",
        "missing_field > 1",
    ],
)
def test_rules_that_can_work_pass(tmp_path, capsys, rule):
    status, out = validate_rule(tmp_path, capsys, rule)
    if rule.startswith("missing_field"):
        assert status == 1 and "unknown field" in out  # not a type fault: the old check
        return
    assert status == 0, out


def test_rules_in_scoring_lists_are_type_checked_too():
    text = FLOW.format(rule="score > 1").replace('"company_size > 100"', '"job_title > 100"')
    issues = check_flow(loads_flow(text))
    (issue,) = [i for i in issues if i.is_error]
    assert issue.line == 11 and "cannot compare" in issue.message and issue.column is not None


def test_field_types_come_from_every_source():
    text = FLOW.format(rule="score > 1").replace(
        "  - {id: won, kind: sink}",
        "  - {id: other, kind: source, attributes: {job_title: {3: 1.0}}}\n  - {id: won, kind: sink}",
    )
    types = flow_field_types(loads_flow(text))
    assert types["job_title"] == {"str", "num"}
    assert types["company_size"] == {"num", "none"}  # the other source lacks it
    assert types["pricing_page"] == {"bool", "none"}
    # text or number: comparing with 5 works for some leads, so it is no fault
    assert rule_faults("job_title > 5", types) == []


def test_compile_rule_checks_types_only_when_given_them():
    compile_rule("score / 0 > 1")  # no types: a run-time error, as before
    with pytest.raises(Exception) as info:
        compile_rule("score / 0 > 1", fields=FieldTypes({"score": {"num"}}), line=4)
    assert info.value.line == 4 and info.value.column == 9


def test_the_templates_have_no_type_faults(template_files):
    for path in template_files:
        issues = check_flow(loads_flow(path.read_text(encoding="utf-8")))
        assert not [i for i in issues if i.is_error], path.name
