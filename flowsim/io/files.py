"""Load and save flows: the ``*.flow.yaml`` format of design.md, version 1.

>>> from flowsim.io import loads_flow, dumps_flow
>>> text = '''flowsim: 1
... name: Demo
...
... nodes:
...   - id: ads  # Google Ads
...     kind: source
...     position: [0, 0]
...     arrivals: {per_day: 40}
...
... edges: []
... '''
>>> flow = loads_flow(text)
>>> flow.node("ads").params["arrivals"]
{'per_day': 40}
>>> dumps_flow(flow) == text
True
"""

from __future__ import annotations

import os
import stat

from flowsim.errors import FlowError, FlowFileError
from flowsim.io.atomic import remove_stale_temporaries, write_atomic
from flowsim.io.comments import END, attach_comments
from flowsim.io.convert import data_from_flow, flow_from_data
from flowsim.io.emit import emit
from flowsim.io import migrate as _migrations
from flowsim.io.migrate import migrate
from flowsim.io.yamlread import read_yaml
from flowsim.model.flow import Flow

__all__ = ["load_flow", "loads_flow", "save_flow", "dumps_flow", "read_text", "MAX_FILE_BYTES"]

#: Largest flow file flowsim opens; a 5,000-node flow takes about 2 MB.
MAX_FILE_BYTES = 8 * 1024 * 1024


def read_text(path: str | os.PathLike[str]) -> str:
    """The text of a flow file, or FlowFileError: missing, too large, binary, not UTF-8."""
    name = os.fspath(path)
    try:
        info = os.stat(name)
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            # A named pipe or a device would block the read (or never end): refuse it.
            raise FlowFileError(f"is not a regular file ({_file_type(info.st_mode)}); "
                                "flowsim reads flow files only", file=name)
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise FlowFileError(
                f"the file is {size / 1e6:.1f} MB; flow files are limited to "
                f"{MAX_FILE_BYTES / 1e6:.0f} MB",
                file=name,
                line=1,
            )
        with open(name, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FlowFileError:
        raise
    except IsADirectoryError:
        raise FlowFileError("is a folder, not a flow file", file=name) from None
    except FileNotFoundError:
        raise FlowFileError("no such file", file=name) from None
    except ValueError:  # the operating system takes no NUL in a file name
        raise FlowFileError("is not a file name: it holds a NUL character", file=name.replace("\0", "\\0")) from None
    except OSError as err:
        raise FlowFileError(f"cannot read the file: {err.strerror or err}", file=name) from None
    if len(raw) > MAX_FILE_BYTES:  # it grew after the stat
        raise FlowFileError("the file is larger than flow files may be", file=name, line=1)
    return decode(raw, file=name)


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a plain file"


def decode(raw: bytes, *, file: str | None = None) -> str:
    """UTF-8 text of ``raw`` (a BOM is dropped), or FlowFileError at the first bad line."""
    nul = raw.find(b"\0")
    if nul != -1:
        line = raw.count(b"\n", 0, nul) + 1
        raise FlowFileError("this is a binary file, not a YAML flow (NUL byte)", file=file, line=line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise FlowFileError(
            f"not UTF-8 text (byte 0x{raw[err.start]:02x}); save the file as UTF-8",
            file=file,
            line=line,
        ) from None
    return text


def loads_flow(text: str, *, file: str | None = None) -> Flow:
    """Parse flow text; raise FlowFileError or FormatError naming the line at fault.

    The flow may still have problems of meaning (a missing node, a bad probability): those
    are for :func:`flowsim.model.validate`, so a flawed file can be opened and fixed.
    """
    try:
        doc = read_yaml(text)
        data = doc.data
        if isinstance(data, dict):
            data, _ = migrate(data, line=doc.lines.get(("flowsim",)))
        comments = attach_comments(text, doc) if "#" in text else {}
        return flow_from_data(data, doc.lines, comments, doc.columns)
    except FlowError as err:
        raise err.with_file(file) if file is not None else err


def load_flow(path: str | os.PathLike[str]) -> Flow:
    """Read and parse a flow file; see :func:`loads_flow` and :func:`read_text`.

    Temporary files that killed writers of ``path`` left beside it are removed.
    """
    text = read_text(path)
    remove_stale_temporaries(os.path.realpath(path))
    return loads_flow(text, file=os.fspath(path))


def dumps_flow(flow: Flow) -> str:
    """The file text of ``flow``: stable key order, comments kept, one trailing newline."""
    data, comments = data_from_flow(flow, _migrations.CURRENT)
    return emit(
        data,
        comments,
        force_block=_force_block,
        blank_before=_blank_before,
        end=END,
    )


def _force_block(path: tuple) -> bool:
    return path in (("nodes",), ("edges",), ("scenarios",)) or (len(path) == 2 and path[0] == "nodes")


def _blank_before(path: tuple) -> bool:
    if path in (("nodes",), ("edges",), ("scenarios",)):
        return True
    return len(path) == 2 and path[0] == "nodes" and path[1] > 0


def save_flow(flow: Flow, path: str | os.PathLike[str]) -> None:
    """Write ``flow`` to ``path`` atomically (see :func:`flowsim.io.atomic.write_atomic`).

    The text is made in full before the file is touched; on any failure the old file is
    left as it was. An OS failure becomes FlowFileError naming the file.
    """
    data = dumps_flow(flow).encode("utf-8")
    try:
        write_atomic(path, data)
    except OSError as err:
        raise FlowFileError(f"cannot save: {err.strerror or err}", file=os.fspath(path)) from None
