r"""Text from a file, made harmless where it is shown: terminals and spreadsheets.

A flow file is written by anyone. Its names, ids and keys reach a terminal in messages
and tables, and a spreadsheet through ``--csv``; neither may be steered by them.

>>> print(for_terminal("Q3 \x1b[2J plan\n"))
Q3 \x1b[2J plan\n
>>> print(csv_cell('=HYPERLINK("http://x")'))
'=HYPERLINK("http://x")
"""

from __future__ import annotations

import re

__all__ = ["for_terminal", "csv_cell", "CSV_TRIGGERS"]

# C0 and C1 controls and DEL (escape sequences, bells, line breaks, carriage returns),
# the Unicode line and paragraph separators, and the bidirectional overrides and
# isolates that make text read in another order than it runs ("Trojan Source").
_UNSAFE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]")

#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
#: Injection"): = + - @, and tab and carriage return, which some programs skip first.
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\n``,
    ``\\u202e``), so printing it can neither move the cursor, retitle the window, start a
    new line nor reorder what follows. Other characters, accents and emoji, stay as they
    are."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def csv_cell(text: str) -> str:
    """``text`` for a CSV cell that a spreadsheet shows as text, never runs as a formula.

    As OWASP recommends, a cell starting with one of :data:`CSV_TRIGGERS` gets a single
    quote in front (the csv writer then quotes the cell as it needs to). Numbers that
    flowsim computes are written as they are; this is for text that came from a file.
    """
    if text and text.startswith(CSV_TRIGGERS):
        return "'" + text
    return text
