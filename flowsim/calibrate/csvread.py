"""Reading a CRM export: the encoding, the separator and the header, found rather than assumed.

Exports come from HubSpot, Salesforce and spreadsheets saved on any machine, so the text
may be UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode text"), or a
Windows code page; the separator a comma, a semicolon (European Excel) or a tab.
:func:`read_table` returns the header and every row with its line number in the file, so
each problem later can name the line it is on.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from flowsim.errors import FlowFileError

__all__ = ["Table", "read_table", "decode", "MAX_BYTES"]

#: The largest export read: a million-row CRM export is a few hundred megabytes.
MAX_BYTES = 512 * 1024 * 1024

_SEPARATORS = ",;\t|"


@dataclass(frozen=True)
class Table:
    """The header and the rows of a CSV file; ``lines[i]`` is the file line of ``rows[i]``."""

    path: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    encoding: str
    separator: str


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was in (a BOM wins, then UTF-8, then
    Windows-1252, which maps every byte)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _separator(first_lines: str) -> str:
    """The separator that splits the header and the next lines into the same, largest
    number of fields."""
    best, best_score = ",", (0, 0)
    lines = [line for line in first_lines.splitlines() if line.strip()][:20]
    for sep in _SEPARATORS:
        counts = [len(row) for row in csv.reader(lines, delimiter=sep)]
        if not counts or counts[0] < 2:
            continue
        agree = sum(1 for c in counts if c == counts[0])
        score = (agree, counts[0])
        if score > best_score:
            best, best_score = sep, score
    return best


def read_table(path: str | os.PathLike[str]) -> Table:
    """Read ``path`` as a table; :class:`FlowFileError` for a file that is not one."""
    name = str(path)
    p = Path(path)
    try:
        info = p.stat()
    except OSError as err:
        raise FlowFileError(f"cannot read it: {err.strerror or err}", file=name) from None
    if not stat.S_ISREG(info.st_mode):
        raise FlowFileError("cannot read it: not a regular file", file=name)
    if info.st_size > MAX_BYTES:
        raise FlowFileError(f"it is {info.st_size / 1e6:.0f} MB; exports up to {MAX_BYTES // 2**20} MB are read",
                            file=name)
    text, encoding = decode(p.read_bytes())
    if "\x00" in text:
        raise FlowFileError("not a text file (it holds NUL bytes)", file=name)
    sep = _separator(text[:20000])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []
    header: tuple[str, ...] | None = None
    try:
        start = 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = tuple(cell.strip() for cell in row)
                continue
            rows.append(tuple(row))
            lines.append(line)
    except csv.Error as err:
        raise FlowFileError(f"not a readable CSV file: {err}", file=name, line=reader.line_num) from None
    if header is None:
        raise FlowFileError("empty: a CRM export needs a header row and a row a lead", file=name)
    return Table(name, header, tuple(rows), tuple(lines), encoding, sep)
