"""Reading and writing flow files (YAML, format version 1); no Qt.

``load_flow``/``save_flow`` for paths, ``loads_flow``/``dumps_flow`` for text. Loading
raises :class:`~flowsim.errors.FlowFileError` or :class:`~flowsim.errors.FormatError`
with the file and line; saving is atomic and round-trip stable.
"""

from flowsim.io.files import MAX_FILE_BYTES, dumps_flow, load_flow, loads_flow, read_text, save_flow
from flowsim.io.migrate import CURRENT as FORMAT_VERSION

__all__ = ["FORMAT_VERSION", "MAX_FILE_BYTES", "dumps_flow", "load_flow", "loads_flow", "read_text", "save_flow"]
