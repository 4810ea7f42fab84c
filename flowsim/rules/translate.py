"""Check a parsed rule against the whitelist and build the AST of its fast function.

:func:`translate` takes the ``ast.Expression`` that ``ast.parse(text, mode="eval")``
returned and gives back a *new* tree, ``Expression(Lambda(lead: ...))``, built only from
nodes made here: user text reaches it as constant values (numbers, strings, field names
as the string argument of ``lead.get``), never as code. Any node or operator outside
the language raises :class:`~flowsim.errors.RuleError` with the column where it starts.

The tree it builds:

* a field ``score`` reads ``lead.get("score")``: a missing field is ``None``;
* an ordering comparison (``< <= > >=``) with an operand that may be ``None`` is guarded
  inline, ``(_t0 := lead.get("score")) is not None and _t0 >= 50``: false, not an error;
* ``+ - /`` and unary minus propagate ``None`` the same way;
* ``*`` and ``%`` are plain operators when both sides are known numbers, else the
  ``_mul``/``_mod`` guards that refuse anything but numbers at run time; a text literal
  beside them is refused here;
* ``+`` of anything that may be text goes through the ``_add`` guard, which caps the
  length of the text a rule builds;
* ``x in [...]`` tests a constant ``frozenset``; ``x in <anything else>`` goes through
  the ``_isin`` guard (text contains text);
* functions are the ``_name`` helpers of :mod:`flowsim.rules.functions`.
"""

from __future__ import annotations

import ast
import math
from typing import Any, Callable

from flowsim.errors import RuleError
from flowsim.rules.fields import CONSTANT_NAMES
from flowsim.rules.functions import FUNCTIONS

__all__ = ["translate", "MAX_DEPTH", "MAX_INT"]

#: Deepest expression tree accepted (a left-nested ``a + b + c ...`` counts one per term).
MAX_DEPTH = 64
#: Largest integer literal accepted (about 18 digits), so no rule builds giant numbers.
MAX_INT = 10**18

# A kind is (type, may_be_none); type is "num", "str", "bool", "none", "list" or "any".
Kind = tuple[str, bool]
_NUM: Kind = ("num", False)
_BOOL: Kind = ("bool", False)
_NUMERIC_TYPES = ("num", "bool")

_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_MEMBERSHIP = (ast.In, ast.NotIn)
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%"}
_OPERATOR_NAMES = {
    ast.Pow: "** (powers)",
    ast.FloorDiv: "// (floor division)",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "& (bitwise and; write 'and')",
    ast.BitOr: "| (bitwise or; write 'or')",
    ast.BitXor: "^",
    ast.Invert: "~",
    ast.Is: "'is' (write == or !=)",
    ast.IsNot: "'is not' (write !=)",
}
_NODE_NAMES = {
    ast.Attribute: "attribute access",
    ast.Subscript: "a subscript ([...] after a value)",
    ast.Slice: "a slice",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.Dict: "a dict literal",
    ast.Set: "a set literal",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.NamedExpr: "assignment (:=)",
    ast.Starred: "a starred expression (*)",
    ast.IfExp: "a conditional expression (a if b else c)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


def translate(
    tree: ast.Expression, column: Callable[[ast.AST], int], source: Callable[[ast.AST], str]
) -> tuple[ast.Expression, dict[str, int]]:
    """Return ``(Expression(Lambda), fields)`` for a parsed rule, or raise RuleError.

    ``column(node)`` gives the 1-based column of a user node, ``source(node)`` its text;
    ``fields`` maps each field name the rule reads to the column where it first appears,
    in order of appearance.
    """
    _check_depth(tree.body, column)
    builder = _Builder(column, source)
    body, _ = builder.expr(tree.body)
    lam = ast.Lambda(
        args=ast.arguments(
            posonlyargs=[], args=[ast.arg("lead")], kwonlyargs=[], kw_defaults=[], defaults=[]
        ),
        body=body,
    )
    # Every node is new; locations only matter to the compiler, not to users.
    out = ast.fix_missing_locations(ast.Expression(lam))
    return out, builder.fields


def _check_depth(root: ast.AST, column: Callable[[ast.AST], int]) -> None:
    """Refuse trees deeper than MAX_DEPTH without recursing (so no RecursionError)."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise RuleError(
                f"the rule nests more than {MAX_DEPTH} levels deep; split it up",
                column=column(node),
            )
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                stack.append((child, depth + 1))


def _name(ident: str) -> ast.Name:
    return ast.Name(ident, ast.Load())


def _const(value: Any) -> ast.Constant:
    return ast.Constant(value)


def _is_none(expr: ast.expr) -> ast.Compare:
    return ast.Compare(expr, [ast.Is()], [_const(None)])


def _call(global_name: str, args: list[ast.expr]) -> ast.Call:
    return ast.Call(_name(global_name), args, [])


def _and(parts: list[ast.expr]) -> ast.expr:
    flat: list[ast.expr] = []
    for part in parts:
        if isinstance(part, ast.BoolOp) and isinstance(part.op, ast.And):
            flat.extend(part.values)
        else:
            flat.append(part)
    return flat[0] if len(flat) == 1 else ast.BoolOp(ast.And(), flat)


class _Builder:
    def __init__(
        self, column: Callable[[ast.AST], int], source: Callable[[ast.AST], str]
    ) -> None:
        self.column = column
        self.source = source
        self.fields: dict[str, int] = {}
        self._temps = 0

    # --- helpers -------------------------------------------------------------------

    def fail(self, message: str, node: ast.AST) -> RuleError:
        return RuleError(message, column=self.column(node))

    def snippet(self, node: ast.AST) -> str:
        text = " ".join(self.source(node).split())
        return text if len(text) <= 40 else text[:39] + "…"

    def not_allowed(self, what: str, node: ast.AST) -> RuleError:
        return self.fail(f"{what} is not allowed in rules: {self.snippet(node)}", node)

    def temp(self) -> str:
        self._temps += 1
        return f"_t{self._temps - 1}"

    def stash(self, expr: ast.expr) -> tuple[ast.expr, str]:
        """``(_tN := expr)`` and the name ``_tN`` to read it again."""
        name = self.temp()
        return ast.NamedExpr(ast.Name(name, ast.Store()), expr), name

    # --- expressions -----------------------------------------------------------------

    def expr(self, node: ast.expr) -> tuple[ast.expr, Kind]:
        kind = type(node)
        if kind is ast.Constant:
            return self.constant(node)  # type: ignore[arg-type]
        if kind is ast.Name:
            return self.name(node)  # type: ignore[arg-type]
        if kind is ast.Compare:
            return self.compare(node)  # type: ignore[arg-type]
        if kind is ast.BoolOp:
            return self.boolop(node)  # type: ignore[arg-type]
        if kind is ast.UnaryOp:
            return self.unary(node)  # type: ignore[arg-type]
        if kind is ast.BinOp:
            return self.binop(node)  # type: ignore[arg-type]
        if kind is ast.Call:
            return self.call(node)  # type: ignore[arg-type]
        if kind in (ast.List, ast.Tuple):
            raise self.fail("a list can only follow 'in' or 'not in'", node)
        what = _NODE_NAMES.get(kind, type(node).__name__)
        raise self.not_allowed(what, node)

    def constant(self, node: ast.Constant) -> tuple[ast.expr, Kind]:
        value = node.value
        if value is None:
            return _const(None), ("none", True)
        if isinstance(value, bool):
            return _const(value), _BOOL
        if isinstance(value, int):
            if abs(value) >= MAX_INT:
                raise self.fail("this number is too large for a rule", node)
            return _const(value), _NUM
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.fail("this number is too large for a rule", node)
            return _const(value), _NUM
        if isinstance(value, str):
            return _const(value), ("str", False)
        if isinstance(value, bytes):
            raise self.not_allowed("a bytes literal", node)
        if isinstance(value, complex):
            raise self.not_allowed("a complex number", node)
        raise self.not_allowed("'...'" if value is Ellipsis else f"the constant {value!r}", node)

    def spelled(self, node: ast.Name) -> None:
        """Refuse a name not written in ASCII. Python folds identifiers to NFKC, so
        fullwidth letters, ligatures (``ﬁ``) and mathematical letters would silently read
        as another name; the rule must say what it reads, as the docs spell it."""
        written = self.source(node)
        if written and written != node.id or not node.id.isascii():
            raise self.fail(
                f"names in rules are written in ASCII letters, digits and _: "
                f"{written or node.id!r} is not", node
            )

    def name(self, node: ast.Name) -> tuple[ast.expr, Kind]:
        self.spelled(node)
        ident = node.id
        if ident in CONSTANT_NAMES:
            value = CONSTANT_NAMES[ident]
            return _const(value), (("none", True) if value is None else _BOOL)
        if ident in FUNCTIONS:
            raise self.fail(f"{ident} is a function; call it, e.g. {ident}(…)", node)
        if ident.startswith("_"):
            raise self.fail(f"names starting with _ are not allowed in rules: {ident}", node)
        self.fields.setdefault(ident, self.column(node))
        get = ast.Attribute(_name("lead"), "get", ast.Load())
        return ast.Call(get, [_const(ident)], []), ("any", True)

    def boolop(self, node: ast.BoolOp) -> tuple[ast.expr, Kind]:
        parts = [self.expr(value) for value in node.values]
        types = {kind for _, (kind, _) in parts}
        nullable = any(n for _, (_, n) in parts)
        kind = types.pop() if len(types) == 1 else "any"
        op = ast.And() if isinstance(node.op, ast.And) else ast.Or()
        values: list[ast.expr] = []
        for expr, _ in parts:  # a and (b and c) is a and b and c
            if isinstance(expr, ast.BoolOp) and type(expr.op) is type(op):
                values.extend(expr.values)
            else:
                values.append(expr)
        return ast.BoolOp(op, values), (kind, nullable)

    def unary(self, node: ast.UnaryOp) -> tuple[ast.expr, Kind]:
        op = node.op
        if isinstance(op, ast.Not):
            operand, _ = self.expr(node.operand)
            return ast.UnaryOp(ast.Not(), operand), _BOOL
        if not isinstance(op, (ast.USub, ast.UAdd)):
            raise self.not_allowed(_OPERATOR_NAMES.get(type(op), "this operator"), node)
        operand, (kind, nullable) = self.expr(node.operand)
        if isinstance(operand, ast.Constant) and isinstance(operand.value, (int, float)):
            value = operand.value
            return _const(-value if isinstance(op, ast.USub) else value), _NUM
        new_op = ast.USub() if isinstance(op, ast.USub) else ast.UAdd()
        if not nullable:
            return ast.UnaryOp(new_op, operand), ("num", False)
        named, t = self.stash(operand)
        return (
            ast.IfExp(_is_none(named), _const(None), ast.UnaryOp(new_op, _name(t))),
            ("num", True),
        )

    def binop(self, node: ast.BinOp) -> tuple[ast.expr, Kind]:
        op_type = type(node.op)
        if op_type not in _ARITH:
            raise self.not_allowed(_OPERATOR_NAMES.get(op_type, "this operator"), node)
        symbol = _ARITH[op_type]
        left, (lkind, lnull) = self.expr(node.left)
        right, (rkind, rnull) = self.expr(node.right)
        nullable = lnull or rnull
        if op_type in (ast.Mult, ast.Mod):
            for side, kind in ((node.left, lkind), (node.right, rkind)):
                if kind in ("str", "list"):
                    raise self.fail(f"{symbol} works on numbers only, not on text", side)
            if lkind in _NUMERIC_TYPES and rkind in _NUMERIC_TYPES and not nullable:
                return ast.BinOp(left, type(node.op)(), right), _NUM
            guard = "_mul" if op_type is ast.Mult else "_mod"
            return _call(guard, [left, right]), ("num", nullable)
        if op_type is ast.Add and not (lkind in _NUMERIC_TYPES and rkind in _NUMERIC_TYPES):
            # Text may be joined: the guard caps its length (and passes missing values on).
            kind = "str" if lkind == rkind == "str" else "any"
            return _call("_add", [left, right]), (kind, nullable)
        kind = "num"
        if not nullable:
            return ast.BinOp(left, type(node.op)(), right), (kind, False)
        tests: list[ast.expr] = []
        if lnull:
            named, t = self.stash(left)
            tests.append(_is_none(named))
            left = _name(t)
        if rnull:
            named, t = self.stash(right)
            tests.append(_is_none(named))
            right = _name(t)
        test = tests[0] if len(tests) == 1 else ast.BoolOp(ast.Or(), tests)
        result = ast.BinOp(left, type(node.op)(), right)
        return ast.IfExp(test, _const(None), result), (kind, True)

    def call(self, node: ast.Call) -> tuple[ast.expr, Kind]:
        func = node.func
        if not isinstance(func, ast.Name):
            self.expr(func)  # names what is wrong with it (attribute, lambda, ...)
            raise self.fail("only functions such as min(…) can be called", node)
        self.spelled(func)
        function = FUNCTIONS.get(func.id)
        if function is None:
            allowed = ", ".join(FUNCTIONS)
            raise self.fail(
                f"{func.id}() is not a function rules can call; use one of: {allowed}", node
            )
        if node.keywords:
            raise self.fail(f"{func.id}() takes no keyword arguments", node.keywords[0])
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.not_allowed("a starred argument (*)", arg)
        count = len(node.args)
        low, high = function.min_args, function.max_args
        if count < low or (high is not None and count > high):
            if high is None:
                wanted = f"at least {low} values"
            elif low == high:
                wanted = f"{low} value" + ("s" if low > 1 else "")
            else:
                wanted = f"{low} to {high} values"
            raise self.fail(f"{func.id}() takes {wanted}, got {count}", node)
        args = [self.expr(arg) for arg in node.args]
        if function.fold and all(
            isinstance(a, ast.Constant) and kind == "num" for a, (kind, _) in args
        ):
            values = [a.value for a, _ in args if isinstance(a, ast.Constant)]
            return _const(function.impl(*values)), _NUM
        nullable = any(n for _, (_, n) in args)
        kind = function.result
        if func.id in ("min", "max"):
            types = {k for _, (k, _) in args}
            kind = types.pop() if len(types) == 1 else "any"
        elif func.id == "contains":
            nullable = False
        return _call(function.global_name, [a for a, _ in args]), (kind, nullable)

    # --- comparisons -----------------------------------------------------------------

    def compare(self, node: ast.Compare) -> tuple[ast.expr, Kind]:
        ops = node.ops
        for op in ops:
            if not isinstance(op, (ast.Eq, ast.NotEq, *_ORDERING, *_MEMBERSHIP)):
                raise self.not_allowed(_OPERATOR_NAMES.get(type(op), "this operator"), node)
        operands = [node.left, *node.comparators]
        last = len(ops)
        built: list[tuple[ast.expr, Kind]] = []
        for k, operand in enumerate(operands):
            if isinstance(operand, (ast.List, ast.Tuple)):
                if k != last or not isinstance(ops[-1], _MEMBERSHIP):
                    raise self.fail("a list can only follow 'in' or 'not in'", operand)
                built.append((self.literal_list(operand), ("list", False)))
            else:
                built.append(self.expr(operand))

        def ordered(k: int) -> bool:
            return (k > 0 and isinstance(ops[k - 1], _ORDERING)) or (
                k < last and isinstance(ops[k], _ORDERING)
            )

        parts: list[ast.expr] = []
        later: list[Callable[[], ast.expr]] = [lambda: _const(None)] * len(operands)

        def first_use(k: int) -> ast.expr:
            """The operand's expression where it is first used; guards go to ``parts``."""
            expr, (_, nullable) = built[k]
            if isinstance(expr, ast.Constant):
                later[k] = lambda: _const(expr.value)
                if expr.value is None and ordered(k):
                    parts.append(_const(False))  # null < x is false, like any missing value
                return expr
            guard = nullable and ordered(k)
            if guard or 0 < k < last:  # middle operands are read twice
                named, t = self.stash(expr)
                later[k] = lambda: _name(t)
                if guard:
                    parts.append(ast.Compare(named, [ast.IsNot()], [_const(None)]))
                    return _name(t)
                return named
            return expr

        left = first_use(0)
        for i, op in enumerate(ops):
            right = first_use(i + 1)
            parts.append(self.pair(left, op, right, built[i + 1][1][0] == "list"))
            left = later[i + 1]()
        return _and(parts), _BOOL

    def pair(self, left: ast.expr, op: ast.cmpop, right: ast.expr, literal: bool) -> ast.expr:
        if isinstance(op, _MEMBERSHIP) and not literal:
            test = _call("_isin", [left, right])
            return ast.UnaryOp(ast.Not(), test) if isinstance(op, ast.NotIn) else test
        return ast.Compare(left, [type(op)()], [right])

    def literal_list(self, node: ast.List | ast.Tuple) -> ast.Constant:
        values = []
        for item in node.elts:
            expr, (kind, _) = (
                self.expr(item)
                if isinstance(item, (ast.Constant, ast.Name, ast.UnaryOp))
                else (None, ("", False))
            )
            if not isinstance(expr, ast.Constant) or kind not in ("num", "str", "bool", "none"):
                raise self.fail(
                    "list items must be numbers, text, true/false or null", item
                )
            values.append(expr.value)
        return _const(frozenset(values))
