"""Why a rule does not read, in words a marketer reads, and where.

Python's parser knows *that* a rule is broken but words it for programmers ("invalid
decimal literal") and often points at the wrong place (``score >= 60 and`` at column 1).
:func:`explain` reads the rule again with a small scanner and parser of the rule
language's own shape and names the first real fault: ``expected something after
'and'``, ``'6O' is not a number: did you mean 60?``.

It runs only after Python's parser refused the text, so valid rules never pay for it.
It is deliberately loose about what it accepts (anything the translator later refuses,
such as ``x.y``, gets its own message there); it only has to find where reading stops.

>>> explain("score >= 60 and")
("expected something after 'and'", 15)
>>> explain("score > 6O")
("'6O' is not a number: did you mean 60?", 8)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

__all__ = ["explain"]

_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else"})
_COMPARE = frozenset({"==", "!=", "<", "<=", ">", ">="})
_SUM = frozenset({"+", "-"})
_TERM = frozenset({"*", "/", "%", "//", "@"})
_OPERATORS = sorted(
    ["==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "//", "**", "@", "(", ")", "[", "]",
     "{", "}", ",", ".", ":", "~", "&", "|", "^", "<<", ">>", "="],
    key=len, reverse=True,
)
#: Other languages' spellings, and what the rule language says instead.
_INSTEAD = {
    "&&": "and", "||": "or", "=>": ">=", "=<": "<=", "<>": "!=", "===": "==", "!==": "!=",
    "≥": ">=", "≤": "<=", "≠": "!=", "‘": "'", "’": "'", "“": '"', "”": '"',
}
#: Letters people type for digits.
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})
#: Units people write after a number, and the function that says it in a rule.
_UNITS = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "weeks": "weeks",
}


@dataclass(frozen=True)
class _Token:
    kind: str  # "name", "number", "text", "op", "end"
    text: str
    at: int  # index in the rule


class _Fault(Exception):
    def __init__(self, message: str, at: int) -> None:
        super().__init__(message)
        self.message = message
        self.at = at


def explain(text: str) -> tuple[str, int] | None:
    """``(message, index)`` for the first fault in ``text`` (index 0-based), or ``None``
    when this reading finds nothing wrong with the rule's shape."""
    try:
        tokens = _scan(text)
        _Parser(tokens, text).rule()
    except _Fault as fault:
        return fault.message, fault.at
    return None


# --- scanning -------------------------------------------------------------------------

_NUMBER = re.compile(r"([0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)([eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _scan(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if "0" <= c <= "9" or (c == "." and "0" <= text[i + 1 : i + 2] <= "9" and i + 1 < n):
            match = _NUMBER.match(text, i)
            end = match.end()
            tail = _WORD.match(text, end)
            more = re.match(r"\.[\d.]*", text[end:]) if text[end : end + 1] == "." else None
            if more or match.group(0).endswith("_") or "__" in match.group(0):
                whole = text[i : end + (more.end() if more else 0)]
                raise _Fault(f"'{whole}' is not a number", i)
            if tail:
                raise _Fault(_not_a_number(match.group(0), tail.group(0)), i)
            tokens.append(_Token("number", text[i:end], i))
            i = end
            continue
        if c.isalpha() or c == "_":
            match = _WORD.match(text, i)
            word = match.group(0) if match else c
            if not match:  # a letter outside ASCII
                raise _Fault(f"'{c}' cannot be used in a name; use letters a–z, digits and _", i)
            tokens.append(_Token("name", word, i))
            i += len(word)
            continue
        if c in "'\"":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise _Fault(f"the text that starts here has no closing {c}", i)
            tokens.append(_Token("text", text[i : j + len(quote)], i))
            i = j + len(quote)
            continue
        for wrong, right in _INSTEAD.items():
            if text.startswith(wrong, i):
                raise _Fault(f"write {right} instead of {wrong}", i)
        if c == "!" and not text.startswith("!=", i):
            raise _Fault("write 'not' instead of !", i)
        for op in _OPERATORS:
            if text.startswith(op, i):
                if op == "=":
                    raise _Fault("write == to compare; a single = is not allowed in rules", i)
                tokens.append(_Token("op", op, i))
                i += len(op)
                break
        else:
            raise _Fault(f"'{c}' cannot be used in a rule", i)
    tokens.append(_Token("end", "", n))
    return tokens


def _not_a_number(digits: str, tail: str) -> str:
    said = f"'{digits}{tail}' is not a number"
    if tail.lower() in _KEYWORDS:
        return f"{said}: put a space between {digits} and '{tail}'"
    guess = (digits + tail).translate(_LOOKALIKE)
    if re.fullmatch(r"\d[\d_]*\.?\d*", guess):
        return f"{said}: did you mean {guess}?"
    unit = _UNITS.get(tail.lower())
    if unit:
        return f"{said}: for a duration write {unit}({digits})"
    return said


# --- reading the shape ----------------------------------------------------------------


def _shown(token: _Token) -> str:
    return "the end of the rule" if token.kind == "end" else f"'{token.text}'"


class _Parser:
    """Recursive descent over the rule language's grammar (see docs/rules.md), loosest
    operator first; raises :class:`_Fault` at the first token that cannot follow."""

    def __init__(self, tokens: list[_Token], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.i = 0
        self.open: list[_Token] = []

    @property
    def now(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def is_op(self, *ops: str) -> bool:
        return self.now.kind == "op" and self.now.text in ops

    def is_word(self, *words: str) -> bool:
        return self.now.kind == "name" and self.now.text in words

    def rule(self) -> None:
        self.expression()
        token = self.now
        if token.kind == "end":
            return
        if token.kind == "op" and token.text in ")]}":
            raise _Fault(f"'{token.text}' has no opening bracket to match", token.at)
        if token.kind == "op" and token.text == ",":
            raise _Fault("a comma only separates the values of a list or a function", token.at)
        before = self.tokens[self.i - 1]
        if token.kind == "name" and token.text == "not":
            raise _Fault("'not' goes before a condition (not webinar) or before 'in' (x not in [...])", token.at)
        if token.kind == "name" and token.text.lower() in ("and", "or", "not", "in"):
            raise _Fault(f"write '{token.text.lower()}' in lower case", token.at)
        said = f"{_shown(token)} follows '{before.text}' with nothing to join them (and, or, ==, +…)"
        if token.kind == "name":
            close = difflib.get_close_matches(token.text.lower(), ["and", "or", "not", "in"], n=1, cutoff=0.6)
            if close:
                said += f"; did you mean '{close[0]}'?"
        raise _Fault(said, token.at)

    def operand(self, after: _Token | None) -> None:
        """Where a value must come: say what came instead."""
        token = self.now
        if token.kind == "end" or (token.kind == "op" and token.text in ")]},:") or (
            token.kind == "name" and token.text in ("and", "or", "in", "is", "else", "if")
        ):
            if after is None:
                raise _Fault(f"expected a value, found {_shown(token)}", token.at)
            found = "" if token.kind == "end" else f", found {_shown(token)}"
            at = token.at if token.kind != "end" else after.at + len(after.text)
            raise _Fault(f"expected something after '{after.text}'{found}", at)
        if token.kind == "op" and token.text in _COMPARE | _TERM | {"**", "&", "|", "^", "<<", ">>", "."}:
            raise _Fault(f"'{token.text}' needs a value on its left", token.at)

    def expression(self, after: _Token | None = None) -> None:
        self.conjunction(after)
        while self.is_word("or"):
            self.conjunction(self.take())
        if self.is_word("if"):
            raise _Fault("'if' cannot be used in a rule; join conditions with and / or", self.now.at)

    def conjunction(self, after: _Token | None) -> None:
        self.negation(after)
        while self.is_word("and"):
            self.negation(self.take())

    def negation(self, after: _Token | None) -> None:
        if self.is_word("not"):
            self.negation(self.take())
            return
        self.comparison(after)

    def comparison(self, after: _Token | None) -> None:
        self.sum(after)
        while True:
            if self.now.kind == "op" and self.now.text in _COMPARE:
                self.sum(self.take())
            elif self.is_word("in", "is"):
                op = self.take()
                if self.is_word("not"):
                    op = self.take()
                self.sum(op)
            elif self.is_word("not") and self.tokens[self.i + 1].text == "in":
                self.take()
                self.sum(self.take())
            else:
                return

    def sum(self, after: _Token | None) -> None:
        self.term(after)
        while self.is_op(*_SUM, "&", "|", "^", "<<", ">>"):
            self.term(self.take())

    def term(self, after: _Token | None) -> None:
        self.unary(after)
        while self.is_op(*_TERM):
            self.unary(self.take())

    def unary(self, after: _Token | None) -> None:
        if self.is_op("-", "+", "~"):
            self.unary(self.take())
            return
        self.power(after)

    def power(self, after: _Token | None) -> None:
        self.primary(after)
        if self.is_op("**"):
            self.unary(self.take())

    def primary(self, after: _Token | None) -> None:
        self.operand(after)
        token = self.take()
        if token.kind == "name" and token.text == "not":  # only reached after an operator
            self.negation(token)
        elif token.kind == "op" and token.text in "([{":
            self.bracket(token)
        elif token.kind == "text":
            while self.now.kind == "text":  # 'a' 'b' joins, as in Python
                self.take()
        elif token.kind == "op":
            raise _Fault(f"expected a value, found '{token.text}'", token.at)
        while True:  # what may follow a value directly
            if self.is_op("("):
                self.bracket(self.take())
            elif self.is_op("["):
                self.bracket(self.take())
            elif self.is_op("."):
                dot = self.take()
                if self.now.kind != "name":
                    raise _Fault("expected a name after '.'", dot.at + 1)
                self.take()
            else:
                return

    def bracket(self, opening: _Token) -> None:
        closing = {"(": ")", "[": "]", "{": "}"}[opening.text]
        if self.is_op(closing):
            self.take()
            return
        after: _Token | None = None
        while True:
            if self.now.kind == "end":
                raise _Fault(f"the '{opening.text}' here is never closed", opening.at)
            self.expression(after if after is not None else None)
            if self.is_op(":") and opening.text in "[{":
                self.expression(self.take())
            if self.is_op(closing):
                self.take()
                return
            if self.is_op(","):
                after = self.take()
                if self.is_op(closing):  # a trailing comma is fine
                    self.take()
                    return
                continue
            token = self.now
            if token.kind == "end":
                raise _Fault(f"the '{opening.text}' here is never closed", opening.at)
            if token.kind == "op" and token.text in ")]}":
                raise _Fault(
                    f"'{token.text}' does not match the '{opening.text}' it closes", token.at
                )
            before = self.tokens[self.i - 1]
            raise _Fault(
                f"{_shown(token)} follows '{before.text}' with nothing to join them "
                "(a comma, and, or, ==, +…)",
                token.at,
            )
