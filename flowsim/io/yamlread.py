"""Read YAML text that strangers wrote, safely, keeping the line of every key.

Only YAML's plain data types are built (mappings, lists, text, numbers, booleans, null),
as ``yaml.safe_load`` would, but from the parser's event stream with limits checked as the
events arrive: nesting depth, the size that aliases expand to (a "billion laughs" file is
refused after a few thousand values, not expanded), duplicate keys, and tags. Nothing in a
file can make flowsim construct an object or run code.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from flowsim.errors import FlowFileError

__all__ = [
    "YamlDocument", "read_yaml", "MAX_DEPTH", "MAX_VALUES", "MAX_ALIAS_VALUES", "MAX_ALIAS_CHARS",
]

#: Deepest nesting of mappings and lists; a flow needs about six levels.
MAX_DEPTH = 48
#: Most values a document may hold: a 5,000-node flow holds about 100,000.
MAX_VALUES = 300_000
#: Most values that aliases may add: enough to share an attribute mix between channels,
#: too few for a "billion laughs" file to cost more than a few milliseconds.
MAX_ALIAS_VALUES = 20_000
#: Most characters of text that aliases may add. Counting values alone lets a few
#: thousand aliases of one 1 MB string through, which then cost gigabytes to save; with
#: this, a flow in memory holds at most the file's own text plus this much.
MAX_ALIAS_CHARS = 1_000_000

#: What YAML calls non-printable (PyYAML's reader refuses it, but names no line): C0
#: controls but tab and line breaks, DEL, C1 controls but NEL, surrogates, U+FFFE/FFFF.
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}

Path = tuple


@dataclass
class YamlDocument:
    """The data of one YAML document, and where things were in its text.

    ``lines`` maps key paths (``("nodes", 0, "capacity")``) to 1-based lines; ``starts``
    lists ``(line, path)`` in document order for every key and list item; ``scalar_spans``
    holds ``(first_line, first_col, last_line, last_col)`` of each scalar (0-based), which
    tells comments from ``#`` inside text.
    """

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    #: Where each text value starts (0-based column, after an opening quote).
    columns: dict[Path, int] = field(default_factory=dict)
    starts: list[tuple[int, Path]] = field(default_factory=list)
    scalar_spans: list[tuple[int, int, int, int]] = field(default_factory=list)


class _Resolver(Resolver):
    """YAML 1.1 resolution, plus floats written without a dot (``1e5``), as in YAML 1.2."""


_Resolver.add_implicit_resolver(
    _STD + "float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)$"),
    list("-+0123456789"),
)


class _Frame:
    __slots__ = ("value", "path", "key", "anchor", "size", "chars")

    def __init__(self, value: Any, path: Path, anchor: str | None) -> None:
        self.value = value
        self.path = path
        self.key: Any = _NO_KEY
        self.anchor = anchor
        self.size = 1
        self.chars = 0


_NO_KEY = object()


class _Builder:
    def __init__(self) -> None:
        self.resolver = _Resolver()
        self.constructor = SafeConstructor()
        self.doc = YamlDocument(None)
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.total = 0
        self.aliased = 0
        self.aliased_chars = 0
        self.documents = 0

    # -- values --------------------------------------------------------------------------
    def scalar(self, event: events.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(ScalarNode, event.value, event.implicit)
        self.check_tag(tag, event)
        start, end = event.start_mark, event.end_mark
        self.doc.scalar_spans.append((start.line, start.column, end.line, end.column))
        if tag == _STD + "str" or tag == _STD + "timestamp":
            return event.value  # dates stay text: no field of a flow is a date
        if tag == _STD + "merge":
            raise _error("merge keys (<<) are not supported in flow files", event)
        node = ScalarNode(tag, event.value, start, end, event.style)
        try:
            if tag == _STD + "null":
                return None
            if tag == _STD + "bool":
                return self.constructor.construct_yaml_bool(node)
            if tag == _STD + "int":
                return self.constructor.construct_yaml_int(node)
            if tag == _STD + "float":
                return self.constructor.construct_yaml_float(node)
        except Exception as err:  # noqa: BLE001 - PyYAML's constructors raise all sorts
            kind = tag[len(_STD):] if tag.startswith(_STD) else tag
            raise _error(f"{event.value[:40]!r} is not a valid {kind} ({type(err).__name__})", event) from None
        return event.value

    def check_tag(self, tag: str | None, event: events.Event) -> None:
        if tag is not None and tag not in _ALLOWED_TAGS and tag != _STD + "timestamp" and tag != _STD + "merge":
            shown = "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag
            raise _error(f"the tag {shown} is not allowed: flow files hold plain data only", event)

    def count(self, n: int, event: events.Event) -> None:
        self.total += n
        if self.stack:
            self.stack[-1].size += n
        if self.total > MAX_VALUES:
            raise _error(
                f"the document holds more than {MAX_VALUES:,} values",
                event,
            )

    def place(self, value: Any, event: events.Event, *, recorded: bool = False) -> None:
        """Put a finished value into its parent, or make it the document.

        ``recorded``: a list item whose line was recorded when it started (a container).
        """
        if not self.stack:
            self.doc.data = value
            return
        top = self.stack[-1]
        line = event.start_mark.line + 1
        if isinstance(top.value, list):
            path = top.path + (len(top.value),)
            top.value.append(value)
            if not recorded:
                self.record(path, line)
        elif top.key is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise _error("mapping keys must be plain text or numbers", event)
            if value in top.value:
                first = self.doc.lines.get(top.path + (value,))
                also = f" (first on line {first})" if first else ""
                raise _error(f"duplicate key {value!r}{also}", event)
            top.key = value
            self.record(top.path + (value,), line)
        else:
            top.value[top.key] = value
            if isinstance(value, str) and isinstance(event, events.ScalarEvent):
                quoted = 1 if event.style in ("'", '"') else 0
                self.doc.columns[top.path + (top.key,)] = event.start_mark.column + quoted
            top.key = _NO_KEY

    def record(self, path: Path, line: int) -> None:
        self.doc.lines[path] = line
        self.doc.starts.append((line, path))

    def child_path(self) -> Path:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return top.path + (len(top.value),)
        return top.path + (top.key,)

    # -- the event loop ------------------------------------------------------------------
    def feed(self, event: events.Event) -> None:
        if isinstance(event, events.ScalarEvent):
            self.count(1, event)
            value = self.scalar(event)
            if self.stack:
                self.stack[-1].chars += len(event.value)
            self.remember(event.anchor, value, 1, len(event.value))
            self.place(value, event)
        elif isinstance(event, (events.MappingStartEvent, events.SequenceStartEvent)):
            if len(self.stack) >= MAX_DEPTH:
                raise _error(f"nesting deeper than {MAX_DEPTH} levels", event)
            self.check_tag(event.tag if not event.implicit else None, event)
            if self.stack and isinstance(self.stack[-1].value, dict) and self.stack[-1].key is _NO_KEY:
                raise _error("mapping keys must be plain text or numbers", event)
            self.count(1, event)
            path = self.child_path()
            container: Any = {} if isinstance(event, events.MappingStartEvent) else []
            if self.stack and isinstance(self.stack[-1].value, list):
                self.record(path, event.start_mark.line + 1)
            self.stack.append(_Frame(container, path, event.anchor))
        elif isinstance(event, (events.MappingEndEvent, events.SequenceEndEvent)):
            frame = self.stack.pop()
            self.remember(frame.anchor, frame.value, frame.size, frame.chars)
            if self.stack:
                self.stack[-1].size += frame.size
                self.stack[-1].chars += frame.chars
            self.place(frame.value, event, recorded=True)
        elif isinstance(event, events.AliasEvent):
            if event.anchor not in self.anchors:
                raise _error(f"unknown alias *{event.anchor}", event)
            value, size, chars = self.anchors[event.anchor]
            self.aliased += size
            self.aliased_chars += chars
            if self.aliased > MAX_ALIAS_VALUES:
                raise _error(
                    f"aliases expand to more than {MAX_ALIAS_VALUES:,} values "
                    "(a 'billion laughs' file?)",
                    event,
                )
            if self.aliased_chars > MAX_ALIAS_CHARS:
                raise _error(
                    f"aliases expand to more than {MAX_ALIAS_CHARS:,} characters of text; "
                    "write the text out where it is used",
                    event,
                )
            self.count(size, event)
            if self.stack:
                self.stack[-1].chars += chars
            self.place(copy.deepcopy(value), event)
        elif isinstance(event, events.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _error("a flow file holds one YAML document; remove the second '---'", event)

    def remember(self, anchor: str | None, value: Any, size: int, chars: int) -> None:
        if anchor is not None:
            self.anchors[anchor] = (value, size, chars)


def _error(message: str, event: events.Event | None) -> FlowFileError:
    line = event.start_mark.line + 1 if event is not None and event.start_mark else None
    return FlowFileError(message, line=line)


def read_yaml(text: str) -> YamlDocument:
    """Parse ``text`` (one YAML document) into plain data with its line map.

    Raises :class:`~flowsim.errors.FlowFileError` with the line at fault for malformed
    YAML, tags other than YAML's plain types, duplicate keys, nesting deeper than
    :data:`MAX_DEPTH`, more than :data:`MAX_VALUES` values after alias expansion, aliases
    adding more than :data:`MAX_ALIAS_CHARS` characters, and characters YAML does not
    allow in a file (control characters: line and column).
    """
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        at = bad.start()
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise FlowFileError(
            f"control character U+{ord(bad.group()):04X} in the text; flow files hold "
            "printable text only (write it as an escape such as \\x1b in double quotes)",
            line=line,
            column=column,
        )
    builder = _Builder()
    try:
        for event in yaml.parse(text, Loader=_Parser):
            builder.feed(event)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = err.problem or err.context or "malformed YAML"
        raise FlowFileError(f"YAML syntax error: {problem}", line=line) from None
    except yaml.YAMLError as err:
        raise FlowFileError(f"YAML syntax error: {err}") from None
    return builder.doc
