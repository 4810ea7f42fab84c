"""Property tests: whatever text or syntax tree comes in, the result is a Rule or a
RuleError, and a Rule run on any lead gives a value or a RuleError; never anything else."""

from __future__ import annotations

import ast
import operator

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flowsim.errors import RuleError
from flowsim.rules import compile_rule

SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

NAMES = ["score", "x", "y", "job_title", "company_size", "pricing_page", "true", "null",
         "min", "max", "abs", "round", "lower", "upper", "contains", "len", "days", "hours",
         "_x", "__import__", "__builtins__", "eval", "open", "getattr", "lead", "_t0", "_mul"]

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(-5, 5), max_size=3),
)
LEADS = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=8)


def outcome(text: object, leads: list[dict]) -> None:
    """Compile and run ``text``; fail on any exception other than RuleError."""
    try:
        rule = compile_rule(text)  # type: ignore[arg-type]
    except RuleError:
        return
    except BaseException as err:  # noqa: BLE001
        pytest.fail(f"compile_rule({text!r}) raised {type(err).__name__}: {err}")
    for lead in leads:
        try:
            rule(lead)
        except RuleError:
            pass
        except BaseException as err:  # noqa: BLE001
            pytest.fail(f"{text!r} on {lead!r} raised {type(err).__name__}: {err}")


# --- random text ---------------------------------------------------------------------------

TOKENS = ["score", "x", "job_title", "'VP'", '"a"', "1", "0", "-", "2.5", "1e308", "(", ")",
          "[", "]", "{", "}", ",", ":", ".", "*", "**", "%", "/", "//", "+", "<", "<=", ">=",
          "==", "!=", "=", ":=", "and", "or", "not", "in", "not in", "is", "if", "else",
          "lambda", "for", "min", "round", "lower", "contains", "days", "__class__",
          "__import__", "'%d'", "f'{x}'", "\\", "\n", "#", "@", "~", "yield", "await"]


@SETTINGS
@given(st.text(max_size=200), st.lists(LEADS, max_size=3))
def test_random_text_gives_a_rule_or_a_rule_error(text, leads):
    outcome(text, leads)


@SETTINGS
@given(
    st.lists(st.sampled_from(TOKENS), max_size=30),
    st.sampled_from([" ", ""]),
    st.lists(LEADS, max_size=3),
)
def test_random_token_soup_gives_a_rule_or_a_rule_error(tokens, sep, leads):
    outcome(sep.join(tokens), leads)


# --- random syntax trees --------------------------------------------------------------------

CONSTANTS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=True),
    st.text(max_size=8),
    st.binary(max_size=4),
    st.just(...),
    st.complex_numbers(max_magnitude=10, allow_nan=False, allow_infinity=False),
).map(ast.Constant)
NAME_NODES = st.sampled_from(NAMES).map(lambda n: ast.Name(n, ast.Load()))
LEAVES = st.one_of(CONSTANTS, NAME_NODES)

BINOPS = [ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Mod, ast.Pow, ast.FloorDiv, ast.LShift,
          ast.BitAnd, ast.BitOr, ast.MatMult]
UNARYOPS = [ast.Not, ast.USub, ast.UAdd, ast.Invert]
CMPOPS = [ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is,
          ast.IsNot]


def _nodes(children: st.SearchStrategy) -> st.SearchStrategy:
    small = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        st.builds(lambda a, op, b: ast.BinOp(a, op(), b), children, st.sampled_from(BINOPS),
                  children),
        st.builds(lambda op, a: ast.UnaryOp(op(), a), st.sampled_from(UNARYOPS), children),
        st.builds(
            lambda op, vs: ast.BoolOp(op(), vs),
            st.sampled_from([ast.And, ast.Or]),
            st.lists(children, min_size=2, max_size=3),
        ),
        st.builds(
            lambda a, pairs: ast.Compare(a, [op() for op, _ in pairs], [b for _, b in pairs]),
            children,
            st.lists(st.tuples(st.sampled_from(CMPOPS), children), min_size=1, max_size=3),
        ),
        st.builds(
            lambda f, args, kw: ast.Call(f, args, [ast.keyword("k", kw)] if kw else []),
            st.one_of(NAME_NODES, children),
            st.lists(children, max_size=3),
            st.one_of(st.none(), children),
        ),
        st.builds(lambda v, a: ast.Attribute(v, a, ast.Load()), children,
                  st.sampled_from(["__class__", "lower", "real", "__globals__"])),
        st.builds(lambda v, i: ast.Subscript(v, i, ast.Load()), children, children),
        small.map(lambda vs: ast.List(vs, ast.Load())),
        small.map(lambda vs: ast.Tuple(vs, ast.Load())),
        small.map(ast.Set),
        st.builds(lambda ks, v: ast.Dict(ks, [v] * len(ks)), small, children),
        st.builds(ast.IfExp, children, children, children),
        children.map(lambda b: ast.Lambda(
            ast.arguments([], [], None, [], [], None, []), b)),
        st.builds(
            lambda elt, it: ast.ListComp(
                elt, [ast.comprehension(ast.Name("v", ast.Store()), it, [], 0)]),
            children, children),
        children.map(lambda v: ast.NamedExpr(ast.Name("x", ast.Store()), v)),
        children.map(lambda v: ast.Call(ast.Name("max", ast.Load()),
                                        [ast.Starred(v, ast.Load())], [])),
        children.map(lambda v: ast.JoinedStr([ast.FormattedValue(v, -1, None)])),
    )


TREES = st.recursive(LEAVES, _nodes, max_leaves=25)


@SETTINGS
@given(TREES, st.lists(LEADS, max_size=3))
def test_random_syntax_trees_give_a_rule_or_a_rule_error(tree, leads):
    try:
        text = ast.unparse(ast.fix_missing_locations(ast.Expression(tree)))
    except Exception:  # a tree unparse cannot print says nothing about rules
        assume(False)
    outcome(text, leads)


# --- the language agrees with arithmetic -----------------------------------------------------

ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
         "==": operator.eq, "!=": operator.ne}
NUMBERS = st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False))


@SETTINGS
@given(NUMBERS, st.sampled_from(sorted(ORDER)), NUMBERS)
def test_comparisons_agree_with_python(a, op, b):
    assert compile_rule(f"x {op} y")({"x": a, "y": b}) is ORDER[op](a, b)


@SETTINGS
@given(st.sampled_from(["<", "<=", ">", ">="]), NUMBERS)
def test_an_ordering_with_a_missing_side_is_false(op, b):
    assert compile_rule(f"x {op} y")({"y": b}) is False
    assert compile_rule(f"x {op} y")({"x": b}) is False


@SETTINGS
@given(st.integers(-1000, 1000), st.integers(-1000, 1000), st.integers(1, 1000),
       st.integers(-1000, 1000))
def test_arithmetic_agrees_with_python(a, b, c, d):
    lead = {"a": a, "b": b, "c": c, "d": d}
    assert compile_rule("a + b * c - d % c")(lead) == a + b * c - d % c
    assert compile_rule("-(a - b) / c")(lead) == pytest.approx(-(a - b) / c)
