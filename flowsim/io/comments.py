"""Find the comments in YAML text and attach each to the key or list item it annotates.

A comment on a line of its own belongs to the next key or item ("before"); a comment at
the end of a line belongs to the outermost key or item that starts on that line ("after").
Comments after the last key belong to :data:`END`. The writer puts them back in the same
places, so comments survive a load and save: users keep sources and reasons in them.
"""

from __future__ import annotations

import bisect
from typing import Iterable

from flowsim.io.yamlread import YamlDocument
from flowsim.model.flow import Comment

__all__ = ["attach_comments", "END"]

#: The path of comments that follow everything else in the file.
END: tuple = ("#end",)


def _comment_spans(text_lines: list[str], doc: YamlDocument) -> Iterable[tuple[int, int]]:
    """Yield ``(line, column)`` (0-based) of every comment in the text."""
    covered: dict[int, list[tuple[int, int]]] = {}
    inside: set[int] = set()
    for first_line, first_col, last_line, last_col in doc.scalar_spans:
        if first_line == last_line:
            covered.setdefault(first_line, []).append((first_col, last_col))
            continue
        covered.setdefault(first_line, []).append((first_col, 1 << 30))
        inside.update(range(first_line + 1, last_line))
        covered.setdefault(last_line, []).append((0, last_col))
    for number, line in enumerate(text_lines):
        if number in inside or "#" not in line:
            continue
        spans = sorted(covered.get(number, ()))
        starts = [s for s, _ in spans]
        column = line.find("#")
        while column != -1:
            if column == 0 or line[column - 1] in " \t":
                k = bisect.bisect_right(starts, column) - 1
                if k < 0 or not spans[k][0] <= column < spans[k][1]:
                    yield number, column
                    break
            column = line.find("#", column + 1)


def attach_comments(text: str, doc: YamlDocument) -> dict[tuple, Comment]:
    """Map key paths of ``doc`` to the comments around them in ``text``."""
    text_lines = text.splitlines()
    found = list(_comment_spans(text_lines, doc))
    if not found:
        return {}
    first_path_on: dict[int, tuple] = {}
    for line, path in doc.starts:
        first_path_on.setdefault(line - 1, path)
    start_lines = sorted(first_path_on)
    before: dict[tuple, list[str]] = {}
    after: dict[tuple, list[str]] = {}
    for number, column in found:
        body = text_lines[number][column:].rstrip()
        if not text_lines[number][:column].strip():  # a comment line of its own
            k = bisect.bisect_right(start_lines, number)
            target = first_path_on[start_lines[k]] if k < len(start_lines) else END
            before.setdefault(target, []).append(body)
        else:
            k = bisect.bisect_right(start_lines, number) - 1
            target = first_path_on[start_lines[k]] if k >= 0 else END
            after.setdefault(target, []).append(body)
    comments: dict[tuple, Comment] = {}
    for target in {**before, **after}:
        trailing = after.get(target)
        joined = None
        if trailing:  # two end-of-line comments for one key (a wrapped flow mapping): one
            joined = " ".join([trailing[0]] + [t.lstrip("#").strip() for t in trailing[1:]])
        comments[target] = Comment(tuple(before.get(target, ())), joined)
    return comments
