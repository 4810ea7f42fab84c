"""Write plain data as the house style of YAML: stable, diff-friendly, with comments.

One way to write each value, so a file flowsim wrote loads and saves back to the same
bytes: block mappings and lists at the top, a node per block, short mappings and lists
inline (``{per_day: 40}``) when they fit in :data:`WIDTH` columns and hold no comments,
lists of mappings one mapping a line,
plain text where YAML reads it back as the same text, double quotes otherwise.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any, Callable, Mapping

from yaml.nodes import ScalarNode

from flowsim.io.yamlread import _Resolver
from flowsim.model.flow import Comment

__all__ = ["emit", "scalar", "WIDTH"]

#: Longest line the writer makes inline before it switches to a block.
WIDTH = 100

# Characters YAML cannot hold as they are (outside its printable set), or reads as line
# breaks or a byte-order mark: written as escapes inside double quotes.
_ESCAPE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"
_NEEDS_ESCAPE = re.compile(f"[{_ESCAPE}\\\\\"\\n\\t\\r]")
# Plain text: starts with a letter, digit or _, and holds nothing YAML would read as
# structure (": ", " #", flow brackets and commas) or that needs escaping.
_PLAIN = re.compile(f"^\\w[^{_ESCAPE}\\t\\n\\r:#,\\[\\]{{}}\"\\\\]*$")
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
#: Keys whose text values are always quoted: rules read better as one quoted unit.
QUOTED_KEYS = frozenset({"when", "exit_when"})
_resolver = _Resolver()


def scalar(value: Any, *, quote: bool = False, key_context: bool = False) -> str:
    """One scalar as YAML text that reads back as the same value and type.

    ``quote`` asks for double quotes on text even where plain text would do.
    """
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, numbers.Integral):  # numpy's integers too
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} {value!r} to a flow file")
    text = value
    if len(text) > 1000 and key_context:
        raise TypeError("keys longer than 1,000 characters cannot be written to a flow file")
    if (
        not quote
        and _PLAIN.fullmatch(text)
        and not text.endswith(" ")
        and "  " not in text
        and _resolver.resolve(ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return text
    return _double_quoted(text)


def _double_quoted(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _SHORT_ESCAPES:
            return _SHORT_ESCAPES[char]
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'



def inline(value: Any, key: Any = None) -> str:
    """``value`` in flow style on one line (``{a: 1, b: [2, 3]}``)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{scalar(k, key_context=True)}: {inline(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    return scalar(value, quote=key in QUOTED_KEYS)


class _Writer:
    def __init__(
        self,
        comments: Mapping[tuple, Comment],
        force_block: Callable[[tuple], bool],
        blank_before: Callable[[tuple], bool],
    ) -> None:
        self.comments = comments
        self.force_block = force_block
        self.blank_before = blank_before
        self.out: list[str] = []
        # Paths that have comments somewhere below them cannot be written inline.
        self.annotated: set[tuple] = set()
        for path in comments:
            for n in range(len(path)):
                self.annotated.add(tuple(path[:n]))

    def line(self, indent: int, text: str, paths: tuple[tuple, ...]) -> None:
        """Write one line, with the comments of the paths that start on it."""
        for path in paths:
            if self.blank_before(path) and self.out and self.out[-1] != "":
                self.out.append("")
        pad = " " * (indent + len(text) - len(text.lstrip(" ")))
        for path in paths:
            entry = self.comments.get(path)
            if entry is not None:
                self.out.extend(pad + c for c in entry.before)
        after = [self.comments[p].after for p in paths if p in self.comments and self.comments[p].after]
        self.out.append(" " * indent + text + ("  " + after[0] if after else ""))

    def fits_inline(self, value: Any, path: tuple, used: int) -> bool:
        if not isinstance(value, (Mapping, list)) or not value:
            return True
        if self.force_block(path) or path in self.annotated:
            return False
        if isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
            return False  # a list of records reads best one record a line
        return used + len(inline(value)) <= WIDTH

    def mapping(self, value: Mapping, path: tuple, indent: int, lead: tuple[tuple, ...] = (), dash: str = "") -> None:
        """Write a block mapping; ``dash`` and ``lead`` put its first key on a list item's line."""
        first = True
        for key, item in value.items():
            prefix = dash if first else " " * len(dash)
            paths = (lead + (path + (key,),)) if first else (path + (key,),)
            self.entry(f"{prefix}{scalar(key, key_context=True)}:", item, path + (key,), indent, paths)
            first = False

    def entry(self, head: str, value: Any, path: tuple, indent: int, paths: tuple[tuple, ...]) -> None:
        used = indent + len(head) + 1
        if self.fits_inline(value, path, used):
            self.line(indent, f"{head} {inline(value, path[-1] if path else None)}", paths)
            return
        self.line(indent, head, paths)
        inner = indent + len(head) - len(head.lstrip("- ")) + 2
        if isinstance(value, Mapping):
            self.mapping(value, path, inner)
        else:
            self.sequence(value, path, inner)

    def sequence(self, value: list, path: tuple, indent: int) -> None:
        for index, item in enumerate(value):
            item_path = path + (index,)
            if isinstance(item, Mapping) and item and not self.fits_inline(item, item_path, indent + 2):
                self.mapping(item, item_path, indent, lead=(item_path,), dash="- ")
            elif isinstance(item, list) and item and not self.fits_inline(item, item_path, indent + 2):
                self.line(indent, "-", (item_path,))
                self.sequence(item, item_path, indent + 2)
            else:
                self.line(indent, f"- {inline(item)}", (item_path,))


def emit(
    data: Mapping[str, Any],
    comments: Mapping[tuple, Comment] | None = None,
    *,
    force_block: Callable[[tuple], bool] = lambda path: False,
    blank_before: Callable[[tuple], bool] = lambda path: False,
    end: tuple | None = None,
) -> str:
    """The YAML text of the mapping ``data``, ending in one newline.

    ``comments`` maps key paths to their comments; ``force_block(path)`` keeps a value in
    block style even when it would fit inline; ``blank_before(path)`` puts an empty line
    before the line where ``path`` starts; ``end`` is the path of trailing comments.
    """
    writer = _Writer(comments or {}, force_block, blank_before)
    writer.mapping(data, (), 0)
    if end is not None and end in writer.comments:
        writer.out.extend(writer.comments[end].before)
    return "\n".join(writer.out) + "\n"
