"""The exceptions flowsim raises on bad input.

Every message names what is wrong and where: the file, the line (and column for rules),
the node or edge and the field. The command line and the app show ``str(error)`` as it is,
never a traceback.
"""

from __future__ import annotations


class FlowError(Exception):
    """Base of every error caused by what a user gave flowsim.

    ``str(error)`` is one line: ``FILE:LINE:COL: message`` with the parts that are known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def where(self) -> str:
        """``FILE:LINE:COL`` (or ``line N, column C`` without a file); empty when unknown."""
        if self.file is None:
            if self.line is None:
                return "" if self.column is None else f"column {self.column}"
            col = f", column {self.column}" if self.column is not None else ""
            return f"line {self.line}{col}"
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        from flowsim.safetext import for_terminal  # names and keys come from files

        where = self.where()
        text = " ".join(self.message.split())  # always a single line
        return for_terminal(f"{where}: {text}" if where else text)

    def __reduce__(self):
        # Errors cross process boundaries (simulation workers): keep where they point.
        return (_rebuild, (type(self), self.message, self.file, self.line, self.column))

    def with_file(self, file: str) -> "FlowError":
        """Return this error, now naming ``file`` (errors are raised before it is known)."""
        self.file = file
        return self


class FlowFileError(FlowError):
    """The file cannot be read as a flow: too large, binary, malformed YAML, unsafe tags."""


class FormatError(FlowError):
    """The YAML is fine but is not a flow of a version this flowsim knows."""


class RuleError(FlowError):
    """A rule (expression) that does not parse, names an unknown field, or fails to run.

    ``column`` is 1-based within the rule text; ``line`` is the file line when known.
    """


class SimulationError(FlowError):
    """A flow that cannot be simulated as configured (names the node at fault)."""


class ExportError(FlowError):
    """An export that cannot be made with the options given."""


def _rebuild(cls: type, message: str, file: str | None, line: int | None, column: int | None) -> FlowError:
    return cls(message, file=file, line=line, column=column)
