"""Find the faults a rule has whatever lead it meets, before any simulation runs.

A rule that compiles can still be unable to work: ``score / 0``, ``abs('x')``,
``'a' + 1``, ``job_title > 5`` (a text attribute), ``round(score, 1000000000)``. The
simulation would stop at the first lead that reaches it, or, for a comparison that can
never hold (``job_title == 5``), route every lead the same way without a word. The fields
a lead can have and the types of their values are known from the flow (the built-in
fields and each source's attributes, docs/rules.md), so these faults are found when the
file is checked.

The check is an abstract evaluation of the rule: each part of it gets the set of types
its value may have (``num``, ``str``, ``bool``, ``none``, ``list``) and, for literals and
what is computed from literals alone, the value itself. A fault is reported only when it
happens for *every* lead: an operation is a fault when no combination of its operands'
possible types (leaving out missing values, which rules pass on quietly) works. A rule
that fails for some leads only is not a fault here; it stops the run with a RuleError
naming the lead's values, as before.

>>> types = FieldTypes({"score": {"num"}, "job_title": {"str", "none"}})
>>> check_types("score / (2 - 2) > 1", types)
Traceback (most recent call last):
...
flowsim.errors.RuleError: column 10: division by zero: the divisor is always 0
>>> check_types("job_title > 5", types)
Traceback (most recent call last):
...
flowsim.errors.RuleError: column 1: cannot compare text (job_title) with a number using >: this fails for every lead
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from flowsim.errors import RuleError
from flowsim.rules.fields import CONSTANT_NAMES, LEAD_FIELDS
from flowsim.rules.functions import MAX_ROUND_DIGITS, MAX_TEXT_CHARS

__all__ = ["FieldTypes", "check_types", "rule_faults", "value_types", "LEAD_FIELD_TYPES", "TYPES"]

#: The types a value in a rule can have.
TYPES = frozenset({"num", "str", "bool", "none", "list"})
_NUMERIC = frozenset({"num", "bool"})  # true/false count as 1/0, as in Python
_ANY = frozenset({"num", "str", "bool", "none"})

#: The types of the built-in lead fields (docs/rules.md, "Fields").
LEAD_FIELD_TYPES: Mapping[str, frozenset[str]] = {
    "score": frozenset({"num"}),
    "fit_score": frozenset({"num"}),
    "engagement_score": frozenset({"num"}),
    "segment": frozenset({"str", "none"}),
    "channel": frozenset({"str"}),
    "touches": frozenset({"num"}),
    "age": frozenset({"num"}),
    "waited": frozenset({"num"}),
    "accepted": frozenset({"bool", "none"}),
}
assert set(LEAD_FIELD_TYPES) == set(LEAD_FIELDS)

_WORDS = {"num": "a number", "str": "text", "bool": "true/false", "none": "a missing value", "list": "a list"}


class FieldTypes(dict):
    """Field name → the set of types its value may have, for one flow.

    Pass it as ``fields`` to :func:`flowsim.rules.compile_rule` (it is a mapping of the
    field names, as ``fields`` expects) and every rule compiled with it is also type
    checked: :func:`check_types` runs after the rule compiles.
    """

    def __init__(self, types: Mapping[str, Iterable[str]] | None = None) -> None:
        super().__init__({name: frozenset(kinds) for name, kinds in (types or {}).items()})


def value_types(value: Any) -> frozenset[str]:
    """The type of a plain value as rules see it (``"VP"`` is ``str``, ``0.5`` is ``num``)."""
    if value is None:
        return frozenset({"none"})
    if isinstance(value, bool):
        return frozenset({"bool"})
    if isinstance(value, (int, float)):
        return frozenset({"num"})
    if isinstance(value, str):
        return frozenset({"str"})
    return _ANY


_UNKNOWN = object()


@dataclass(frozen=True)
class _Value:
    types: frozenset[str]
    const: Any = _UNKNOWN
    name: str | None = None  # the field it reads, for messages
    inner: frozenset[str] | None = None  # a list literal: the types of its items

    @property
    def known(self) -> bool:
        return self.const is not _UNKNOWN

    def described(self) -> str:
        present = sorted(self.types - {"none"}) or ["none"]
        words = " or ".join(_WORDS[t] for t in present)
        return f"{words} ({self.name})" if self.name else words


_NONE = _Value(frozenset({"none"}), None)


def _of(const: Any) -> _Value:
    return _Value(value_types(const), const)


class _Fault(Exception):
    def __init__(self, message: str, node: ast.AST) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


def check_types(text: str, types: Mapping[str, Iterable[str]], *, line: int | None = None) -> None:
    """Raise :class:`RuleError` (with the column) for the first fault of the rule ``text``.

    ``types`` maps each field a lead can have to the types of its value; a field it lacks
    may hold anything. ``text`` must be a rule that compiles (see
    :func:`flowsim.rules.compile_rule`); text that does not parse is left to it.
    """
    faults = rule_faults(text, types)
    if faults:
        message, column = faults[0]
        raise RuleError(message, line=line, column=column)


def rule_faults(text: str, types: Mapping[str, Iterable[str]]) -> list[tuple[str, int]]:
    """Every fault of the rule ``text`` as ``(message, column)``, in the order found
    (the evaluation stops at the first fault of each operand chain)."""
    flat = text.replace("\r", " ").replace("\n", " ")
    body = flat.lstrip()
    shift = len(flat) - len(body)
    try:
        tree = ast.parse(body, mode="eval")
    except Exception:  # noqa: BLE001 - compile_rule words every parse error
        return []
    encoded = body.encode("utf-8")

    def column(node: ast.AST) -> int:
        offset = getattr(node, "col_offset", 0)
        return shift + len(encoded[:offset].decode("utf-8", "ignore")) + 1

    checker = _Checker({k: frozenset(v) for k, v in types.items()})
    try:
        checker.value(tree.body)
    except _Fault as fault:
        return [(fault.message, column(fault.node))]
    except RecursionError:  # compile_rule bounds the depth; this is only a second guard
        return []
    return []


class _Checker:
    def __init__(self, types: Mapping[str, frozenset[str]]) -> None:
        self.types = types

    def lazy(self, node: ast.AST) -> tuple[_Value | None, _Fault | None]:
        """The value of ``node``, or the fault it has (kept, not raised, for the caller to
        raise only if the compiled rule would evaluate ``node`` at all)."""
        try:
            return self.value(node), None
        except _Fault as fault:
            return None, fault

    def value(self, node: ast.AST) -> _Value:
        method = getattr(self, "v_" + type(node).__name__, None)
        if method is None:  # not in the language: compile_rule refuses it with its words
            return _Value(_ANY)
        return method(node)

    # --- leaves ----------------------------------------------------------------------
    def v_Constant(self, node: ast.Constant) -> _Value:
        return _of(node.value)

    def v_Name(self, node: ast.Name) -> _Value:
        if node.id in CONSTANT_NAMES:
            return _of(CONSTANT_NAMES[node.id])
        kinds = self.types.get(node.id)
        if kinds is None:
            return _Value(_ANY, name=node.id)
        return _Value(kinds or _ANY, name=node.id)

    def v_List(self, node: ast.List | ast.Tuple) -> _Value:
        items = [self.value(item) for item in node.elts]
        inner = frozenset().union(*(v.types for v in items)) if items else frozenset()
        const = frozenset(v.const for v in items) if all(v.known for v in items) else _UNKNOWN
        return _Value(frozenset({"list"}), const, inner=inner)

    v_Tuple = v_List

    # --- operators -------------------------------------------------------------------
    def v_UnaryOp(self, node: ast.UnaryOp) -> _Value:
        operand = self.value(node.operand)
        if isinstance(node.op, ast.Not):
            if operand.known:
                return _of(not operand.const)
            return _Value(frozenset({"bool"}))
        present = operand.types - {"none"}
        if not present:
            return _NONE
        if not present & _NUMERIC:
            symbol = "-" if isinstance(node.op, ast.USub) else "+"
            raise _Fault(f"{symbol} needs a number, but this is {operand.described()}: "
                         "this fails for every lead", node)
        if operand.known and not isinstance(operand.const, str) and operand.const is not None:
            return _of(-operand.const if isinstance(node.op, ast.USub) else +operand.const)
        return _Value(frozenset({"num"}) | (operand.types & {"none"}))

    def v_BinOp(self, node: ast.BinOp) -> _Value:
        # The compiled rule skips the other side when one side is missing: so must we.
        left, left_fault = self.lazy(node.left)
        if left is not None and left.types == {"none"}:
            return _NONE
        right, right_fault = self.lazy(node.right)
        if right is not None and right.types == {"none"}:
            return _NONE
        if left_fault is not None:
            raise left_fault
        if right_fault is not None:
            raise right_fault
        assert left is not None and right is not None
        symbol = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%"}.get(type(node.op))
        if symbol is None:
            return _Value(_ANY)
        lt, rt = left.types - {"none"}, right.types - {"none"}
        if not lt or not rt:  # a side that is always missing: so is the result
            return _NONE
        text_ok = symbol == "+"
        works = (lt & _NUMERIC and rt & _NUMERIC) or (text_ok and "str" in lt and "str" in rt)
        if lt and rt and not works:
            raise _Fault(f"cannot use {symbol} on {left.described()} and {right.described()}: "
                         "this fails for every lead", node)
        if symbol in ("/", "%") and right.known and not isinstance(right.const, str) and right.const == 0:
            raise _Fault("division by zero: the divisor is always 0", node.right)
        nullable = (left.types | right.types) & {"none"}
        if left.known and right.known and left.const is not None and right.const is not None:
            try:
                result = _apply(symbol, left.const, right.const)
            except ZeroDivisionError:
                raise _Fault("division by zero: the divisor is always 0", node.right) from None
            except OverflowError:
                raise _Fault("a number in this rule is too large", node) from None
            except TypeError:
                return _Value(_ANY)
            if isinstance(result, str) and len(result) > MAX_TEXT_CHARS:
                raise _Fault(f"this builds a text longer than {MAX_TEXT_CHARS:,} characters", node)
            return _of(result)
        if symbol == "+" and "str" in lt and "str" in rt and not (lt & _NUMERIC and rt & _NUMERIC):
            result = frozenset({"str"})
        elif symbol == "+" and "str" in lt and "str" in rt:
            result = frozenset({"str", "num"})
        else:
            result = frozenset({"num"})
        return _Value(result | nullable)

    def v_BoolOp(self, node: ast.BoolOp) -> _Value:
        values = [self.value(v) for v in node.values]
        return _Value(frozenset().union(*(v.types for v in values)))

    def v_Compare(self, node: ast.Compare) -> _Value:
        operands = [node.left, *node.comparators]
        found = [self.lazy(o) for o in operands]
        ordering = any(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in node.ops)
        if ordering and any(v is not None and v.known and v.const is None for v, _ in found):
            return _of(False)  # null < x is false at once: nothing else is evaluated
        for _, fault in found:
            if fault is not None:
                raise fault
        values = [v for v, _ in found if v is not None]
        for op, left, right, right_node in zip(node.ops, values, values[1:], operands[1:]):
            lt, rt = left.types - {"none"}, right.types - {"none"}
            if isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
                works = (lt & _NUMERIC and rt & _NUMERIC) or ("str" in lt and "str" in rt)
                if lt and rt and not works:
                    symbol = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}[type(op)]
                    raise _Fault(f"cannot compare {left.described()} with {right.described()} "
                                 f"using {symbol}: this fails for every lead", node)
            elif isinstance(op, (ast.Eq, ast.NotEq)):
                if lt and rt and not _comparable(lt, rt) and not (left.types & right.types & {"none"}):
                    always = "false" if isinstance(op, ast.Eq) else "true"
                    raise _Fault(f"{left.described()} is never equal to {right.described()}, "
                                 f"so this comparison is always {always}", node)
            elif isinstance(op, (ast.In, ast.NotIn)):
                self.membership(node, op, left, right, right_node)
        if all(v.known for v in values) and len(values) == 2 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            equal = values[0].const == values[1].const
            return _of(equal if isinstance(node.ops[0], ast.Eq) else not equal)
        return _Value(frozenset({"bool"}))

    def membership(self, node: ast.Compare, op: ast.cmpop, item: _Value, container: _Value,
                   container_node: ast.AST) -> None:
        it = item.types - {"none"}
        if not it:
            return  # a missing value is in nothing: false, never an error
        word = "in" if isinstance(op, ast.In) else "not in"
        if container.inner is not None:
            inner = container.inner - {"none"}
            if it and container.const and inner and not _comparable(it, inner):
                always = "false" if isinstance(op, ast.In) else "true"
                raise _Fault(f"{item.described()} is never one of the list's values, "
                             f"so '{word}' is always {always}", node)
            return
        ct = container.types - {"none"}
        if ct and not ct & {"str", "list"}:
            raise _Fault(f"'{word}' needs a list or text on the right, but this is "
                         f"{container.described()}: this fails for every lead", container_node)
        if ct == {"str"} and it and "str" not in it:
            raise _Fault(f"'{word}' text needs text on the left, but this is {item.described()}: "
                         "this fails for every lead", node)

    # --- functions -------------------------------------------------------------------
    def v_Call(self, node: ast.Call) -> _Value:
        if not isinstance(node.func, ast.Name):
            return _Value(_ANY)
        name = node.func.id
        args = [self.value(a) for a in node.args]
        nullable = frozenset({"none"}) if any("none" in a.types for a in args) else frozenset()
        if name != "contains" and any(a.types == {"none"} for a in args):
            return _NONE  # a missing value in: a missing value out
        if name in ("abs", "round", "days", "hours", "minutes", "weeks") and args:
            self.needs(node, name, args[0], node.args[0], _NUMERIC, "a number")
            if name == "round" and len(args) > 1:
                self.digits(node.args[1], args[1])
            if args[0].known and args[0].const is not None and name != "round" and len(args) == 1:
                try:
                    return _of(_FOLD[name](args[0].const))
                except (TypeError, OverflowError):
                    return _Value(_ANY)
            return _Value(frozenset({"num"}) | nullable)
        if name in ("lower", "upper") and args:
            self.needs(node, name, args[0], node.args[0], frozenset({"str"}), "text")
            return _Value(frozenset({"str"}) | nullable)
        if name == "contains" and len(args) == 2:
            if any(a.types == {"none"} for a in args):
                return _of(False)  # contains() of a missing value is false, never an error
            for arg, arg_node in zip(args, node.args):
                self.needs(node, name, arg, arg_node, frozenset({"str"}), "text")
            return _Value(frozenset({"bool"}))
        if name == "len" and args:
            self.needs(node, name, args[0], node.args[0], frozenset({"str", "list"}), "text")
            return _Value(frozenset({"num"}) | nullable)
        if name in ("min", "max") and len(args) >= 2:
            present = [a for a in args if a.types - {"none"}]
            numeric = all((a.types - {"none"}) & _NUMERIC for a in present)
            textual = all("str" in a.types for a in present)
            if present and not numeric and not textual:
                raise _Fault(f"{name}() cannot order {', '.join(a.described() for a in present)} "
                             "together: this fails for every lead", node)
            return _Value(frozenset().union(*(a.types for a in args)))
        return _Value(_ANY)

    def needs(self, call: ast.Call, name: str, arg: _Value, arg_node: ast.AST,
              wanted: frozenset[str], words: str) -> None:
        present = arg.types - {"none"}
        if present and not present & wanted:
            raise _Fault(f"{name}() needs {words}, but this is {arg.described()}: "
                         "this fails for every lead", arg_node)

    def digits(self, node: ast.AST, digits: _Value) -> None:
        present = digits.types - {"none"}
        bad = present and not present & _NUMERIC
        if digits.known and digits.const is not None:
            value = digits.const
            bad = bad or isinstance(value, bool) or not isinstance(value, int) or \
                not -MAX_ROUND_DIGITS <= value <= MAX_ROUND_DIGITS
        if bad:
            raise _Fault(f"round() takes a whole number of digits from {-MAX_ROUND_DIGITS} to "
                         f"{MAX_ROUND_DIGITS}, got {_short(digits)}", node)


def _comparable(left: frozenset[str], right: frozenset[str]) -> bool:
    """Whether a value of one of ``left`` can equal a value of one of ``right``."""
    return bool((left & _NUMERIC and right & _NUMERIC) or left & right - _NUMERIC)


def _short(value: _Value) -> str:
    if value.known:
        text = repr(value.const)
        return text if len(text) <= 30 else text[:29] + "…"
    return value.described()


def _apply(symbol: str, a: Any, b: Any) -> Any:
    if symbol == "+":
        return a + b
    if symbol == "-":
        return a - b
    if symbol == "*":
        if isinstance(a, str) or isinstance(b, str):
            raise TypeError("text repetition")
        return a * b
    if symbol == "/":
        return a / b
    if isinstance(a, str) or isinstance(b, str):
        raise TypeError("text formatting")
    return a % b


_FOLD = {
    "abs": abs,
    "days": lambda n: n * 1.0,
    "hours": lambda n: n / 24,
    "minutes": lambda n: n / 1440,
    "weeks": lambda n: n * 7.0,
}
