"""The rule language: compile a rule's text once into a fast, safe function of a lead.

>>> rule = compile_rule("score >= 50 and industry == 'SaaS'")
>>> rule({"score": 72, "industry": "SaaS"})
True
>>> rule({"industry": "SaaS"})        # a missing field is None; None >= 50 is false
False
>>> rule.fields
('score', 'industry')

How a rule is made safe (docs/rules.md explains the choices):

1. cheap checks on the raw text before any parser sees it: its length
   (:data:`MAX_RULE_CHARS`), bracket nesting (:data:`MAX_NESTING`), signs in a row
   (:data:`MAX_SIGNS`), operator chains (:data:`MAX_CHAIN`) and the length of number
   literals (:data:`MAX_NUMBER_CHARS`);
2. ``ast.parse(mode="eval")``, every exception of which becomes a RuleError;
3. :func:`flowsim.rules.translate.translate` accepts only whitelisted nodes and builds a
   new ``lambda lead: ...`` tree from them;
4. ``compile()`` of that tree, and ``types.FunctionType`` on the lambda's code object
   with globals holding only the helper functions and empty ``__builtins__``.

No ``eval`` or ``exec`` runs, ever. Compiling is cached by text.
"""

from __future__ import annotations

import ast
import difflib
import functools
import keyword
import re
import threading
import types
import warnings
from typing import Any, Callable, Collection, Mapping

from flowsim.errors import RuleError
from flowsim.rules.diagnose import explain
from flowsim.rules.functions import RuleTypeError, rule_globals
from flowsim.rules.translate import MAX_DEPTH, translate
from flowsim.rules.typecheck import FieldTypes, check_types

__all__ = [
    "Rule",
    "compile_rule",
    "MAX_RULE_CHARS",
    "MAX_NESTING",
    "MAX_NUMBER_CHARS",
    "MAX_SIGNS",
]

#: Longest rule accepted, in characters.
MAX_RULE_CHARS = 2000
#: Deepest nesting of brackets ``( [ {`` accepted.
MAX_NESTING = 32
#: Longest number literal accepted, in characters (``1_000_000.5`` is 11).
MAX_NUMBER_CHARS = 30
#: Most operators in a row (``- -x``, ``not not x``): each unary one nests the tree deeper.
MAX_SIGNS = 8
#: Most arithmetic operators in one chain (``a + b - c ...``): twice the deepest tree, so
#: only chains the tree-depth limit would refuse anyway are refused before parsing.
MAX_CHAIN = 2 * MAX_DEPTH

_ARITHMETIC = frozenset("+-*/%@&|^~")
_CHAIN_WORDS = frozenset({"and", "or", "in", "is", "if", "else", "for", "lambda"})

_PARSING = threading.Lock()

LeadFn = Callable[[Mapping[str, Any]], Any]


class Rule:
    """A compiled rule: call it with a lead (a mapping of field → value).

    ``rule(lead)`` returns the rule's value (usually a bool) or raises
    :class:`RuleError` naming the rule when it cannot be evaluated for that lead
    (division by zero, text compared with a number...). ``rule.fn`` is the same
    function without that wrapper, for hot loops: it raises plain Python exceptions,
    which :meth:`failure` turns into the RuleError.

    ``fields`` lists the fields the rule reads, in order of first appearance; ``python``
    is the source of the generated function (for debugging and docs). A Rule pickles
    as its text and compiles again when unpickled.
    """

    __slots__ = ("text", "fn", "fields", "line", "python")

    def __init__(
        self, text: str, fn: LeadFn, fields: tuple[str, ...], line: int | None, python: str
    ) -> None:
        self.text = text
        self.fn = fn
        self.fields = fields
        self.line = line
        self.python = python

    def __call__(self, lead: Mapping[str, Any]) -> Any:
        try:
            return self.fn(lead)
        except Exception as exc:
            raise self.failure(lead, exc) from exc

    def test(self, lead: Mapping[str, Any]) -> bool:
        """The rule's truth for ``lead`` (a condition holds or not)."""
        return bool(self(lead))

    def failure(self, lead: Mapping[str, Any], exc: BaseException) -> RuleError:
        """The RuleError to raise when ``self.fn(lead)`` raised ``exc``."""
        try:
            values = ", ".join(f"{name}={_short(repr(lead.get(name)))}" for name in self.fields)
        except Exception:  # a lead that is not a mapping: say so through the reason
            values = ""
        where = f" (with {values})" if values else ""
        return RuleError(
            f"rule {_short(repr(self.text))} cannot be evaluated: {_reason(exc)}{where}",
            line=self.line,
        )

    def __repr__(self) -> str:
        return f"Rule({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rule) and (self.text, self.line) == (other.text, other.line)

    def __hash__(self) -> int:
        return hash((self.text, self.line))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.text, self.line))


def _rebuild(text: str, line: int | None) -> Rule:
    return compile_rule(text, line=line)


def compile_rule(
    text: str, *, fields: Collection[str] | None = None, line: int | None = None
) -> Rule:
    """Compile ``text`` into a :class:`Rule`, or raise :class:`RuleError`.

    ``fields``, when given, is every field name a lead can have: a rule naming another
    is refused with the column of the name and a close match, if any. ``line`` is the
    line of the rule in its file; errors carry it, and columns count characters in
    ``text`` from 1 (every compile error has one). When ``fields`` is a
    :class:`~flowsim.rules.typecheck.FieldTypes`, the rule is also type checked: a fault
    it has for every lead (``score / 0``, ``abs('x')``) is a RuleError too.
    """
    if not isinstance(text, str):
        raise RuleError(
            f"a rule must be text (in quotes), got {_short(repr(text))}", line=line
        )
    if len(text) > MAX_RULE_CHARS:  # before hashing the text for the cache
        raise RuleError(
            f"the rule is {len(text):,} characters long; the limit is {MAX_RULE_CHARS:,}",
            line=line,
            column=MAX_RULE_CHARS + 1,
        )
    try:
        code, found, python = _compile(text)
    except RuleError as err:
        raise RuleError(err.message, line=line, column=err.column) from None
    if fields is not None:
        known = fields if isinstance(fields, (set, frozenset, dict)) else set(fields)
        for name, column in found.items():
            if name not in known:
                raise RuleError(_unknown_field(name, known), line=line, column=column)
    if isinstance(fields, FieldTypes):  # the field types are known: find sure faults too
        check_types(text, fields, line=line)
    fn = types.FunctionType(code, rule_globals(), "rule")
    return Rule(text, fn, tuple(found), line, python)


def _unknown_field(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    if close:
        return f"unknown field '{name}'; did you mean '{close[0]}'?"
    listed = sorted(known)
    if not listed:
        return f"unknown field '{name}'; leads here have no fields to read"
    more = ", …" if len(listed) > 12 else ""
    return f"unknown field '{name}'; leads here have: {', '.join(listed[:12])}{more}"


@functools.lru_cache(maxsize=1024)
def _compile(text: str) -> tuple[types.CodeType, dict[str, int], str]:
    """``(code of the lambda, {field: column}, generated source)`` for ``text``."""
    # A rule is one logical line: line breaks (YAML block scalars) count as spaces, which
    # keeps every column equal to the character's position in ``text``.
    flat = text.replace("\r", " ").replace("\n", " ")
    body = flat.lstrip()
    shift = len(flat) - len(body)
    if not body.strip():
        raise RuleError("the rule is empty", column=1)
    if "\0" in body:
        at = shift + body.index("\0") + 1
        raise RuleError("a rule cannot contain a null character", column=at)
    _prescan(body, shift)
    try:
        with _PARSING, warnings.catch_warnings():
            # Sloppy text the parser only warns about (``1and x``, ``'\d'``) is refused,
            # and nothing is printed to stderr. The lock keeps the global filters sane.
            warnings.simplefilter("error", SyntaxWarning)
            warnings.simplefilter("error", DeprecationWarning)
            tree = ast.parse(body, mode="eval")
    except SyntaxError as err:
        raise _syntax_error(err, body, shift) from None
    except Exception:  # anything else the parser refuses is still the user's text
        found = explain(body)
        message, index = found if found is not None else ("the rule cannot be read", 0)
        raise RuleError(message, column=shift + index + 1) from None

    encoded = body.encode("utf-8")

    def column(node: ast.AST) -> int:
        offset = getattr(node, "col_offset", 0)
        return shift + len(encoded[:offset].decode("utf-8", "ignore")) + 1

    def source(node: ast.AST) -> str:
        return ast.get_source_segment(body, node) or ""

    lam, fields = translate(tree, column, source)
    try:
        code = compile(lam, "<rule>", "eval")
    except Exception as err:  # only the limits of CPython's compiler can get here
        raise RuleError(f"the rule is too complex to compile ({err})", column=shift + 1) from None
    (fn_code,) = [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return fn_code, fields, ast.unparse(lam.body)


def _prescan(body: str, shift: int) -> None:
    """Refuse deep nesting, long runs of signs and giant numbers before parsing.

    Linear in the text, so a hostile rule dies before the parser builds thousands of
    nodes. Strings are skipped (their brackets and digits are data). The scan is
    conservative: anything it misreads the parser refuses anyway.
    """
    depth = 0
    signs = 0  # operators in a row, only spaces between: each unary one nests a level
    # Arithmetic operators in one chain (``1 + 1 + 1 ...``) per bracket level: the parser
    # nests a chain one level per operator; comparisons, and/or and commas end a chain.
    chain = [0]
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c in _ARITHMETIC:
            chain[-1] += 1
            if chain[-1] > MAX_CHAIN:
                raise RuleError(
                    f"more than {MAX_CHAIN} arithmetic operators in one chain; split the rule",
                    column=shift + i + 1,
                )
        if c in "-+~":
            signs += 1
            if signs > MAX_SIGNS:
                raise RuleError(
                    f"more than {MAX_SIGNS} signs or 'not's in a row", column=shift + i + 1
                )
            i += 1
            continue
        if c.isspace():
            i += 1
            continue
        if c.isalpha() or c == "_":
            j = i + 1
            while j < n and (body[j].isalnum() or body[j] == "_"):
                j += 1
            word = body[i:j]
            if word in _CHAIN_WORDS:
                chain[-1] = 0
            if word == "not":
                signs += 1
                if signs > MAX_SIGNS:
                    raise RuleError(
                        f"more than {MAX_SIGNS} signs or 'not's in a row",
                        column=shift + i + 1,
                    )
            else:
                signs = 0
            i = j
            continue
        signs = 0
        if c == "'" or c == '"':
            quote = c * 3 if body.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not body.startswith(quote, j):
                j += 2 if body[j] == "\\" else 1
            i = j + len(quote)
        elif c in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise RuleError(
                    f"brackets nest more than {MAX_NESTING} deep", column=shift + i + 1
                )
            chain.append(0)
            i += 1
        elif c in ")]}":
            depth = max(depth - 1, 0)
            if len(chain) > 1:
                chain.pop()
            i += 1
        elif c.isdigit():
            j = i
            while j < n and (body[j].isalnum() or body[j] in "._"):
                j += 1
            if j - i > MAX_NUMBER_CHARS:
                raise RuleError(
                    f"a number of {j - i} characters is too long for a rule",
                    column=shift + i + 1,
                )
            i = j
        else:
            if c in "<>=!,:":
                chain[-1] = 0
            i += 1


def _syntax_error(err: SyntaxError, body: str, shift: int) -> RuleError:
    """The parser's refusal in the rule language's words: the fault and its column come
    from :func:`flowsim.rules.diagnose.explain`, never Python's message."""
    first = re.match(r"[A-Za-z_]+", body)
    word = first.group(0) if first else ""
    if keyword.iskeyword(word) and word not in ("not", "True", "False", "None", "lambda"):
        return RuleError(
            f"'{word}' statements are not allowed; a rule is a single expression", column=shift + 1
        )
    found = explain(body)
    if found is not None:
        message, index = found
        return RuleError(message, column=shift + min(index, len(body)) + 1)
    column = shift + 1  # the rule as a whole, when the parser cannot say where
    if err.offset is not None and (err.lineno or 1) == 1:
        column = min(max(err.offset, 1), len(body) + 1) + shift
    if "escape" in (err.msg or ""):
        return RuleError("a \\ in text starts an escape it does not know; write \\\\ for a backslash", column=column)
    return RuleError("the rule cannot be read from here", column=column)


# --- run-time errors, worded for users ----------------------------------------------------

_TYPE_WORDS = {
    "str": "text",
    "int": "a number",
    "float": "a number",
    "NoneType": "a missing value",
    "bool": "true/false",
}
_QUOTED_TYPE = re.compile(r"'(str|int|float|NoneType|bool)'|\"(str|int|float)\"")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RuleTypeError):
        return str(exc)
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, OverflowError):
        return "a number is too large"
    if isinstance(exc, TypeError):
        text = str(exc)
        match = re.match(r"'(.+)' not supported between instances of '(\w+)' and '(\w+)'", text)
        if match:
            op, a, b = match.groups()
            return f"cannot compare {_word(a)} with {_word(b)} using {op}"
        match = re.match(r"unsupported operand type\(s\) for (.+): '(\w+)' and '(\w+)'", text)
        if match:
            op, a, b = match.groups()
            return f"cannot use {op} on {_word(a)} and {_word(b)}"
        match = re.match(r'can only concatenate str \(not "(\w+)"\) to str', text)
        if match:
            return f"cannot add text and {_word(match.group(1))}"
        match = re.match(r"bad operand type for unary (.): '(\w+)'", text)
        if match:
            return f"{match.group(1)} needs a number, got {_word(match.group(2))}"
        return _QUOTED_TYPE.sub(lambda m: _word(m.group(1) or m.group(2)), text)
    return f"{type(exc).__name__}: {exc}"


def _word(type_name: str) -> str:
    return _TYPE_WORDS.get(type_name, type_name)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
