"""A tiny synchronous signal, so views can follow the model without the model knowing them.

>>> changed = Signal()
>>> seen = []
>>> changed.connect(seen.append)
>>> changed.emit("label")
>>> seen
['label']
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["Signal"]


class Signal:
    """Calls each connected callable, in connection order, with the arguments of ``emit``.

    A callable is connected at most once. Handlers run synchronously; one that raises stops
    the emission and the exception reaches the caller of ``emit`` (a broken view must show).
    """

    __slots__ = ("_handlers",)

    def __init__(self) -> None:
        self._handlers: list[Callable[..., Any]] = []

    def connect(self, handler: Callable[..., Any]) -> None:
        if handler not in self._handlers:
            self._handlers.append(handler)

    def disconnect(self, handler: Callable[..., Any]) -> None:
        """Disconnect ``handler``; disconnecting one that is not connected does nothing."""
        try:
            self._handlers.remove(handler)
        except ValueError:
            pass

    def emit(self, *args: Any) -> None:
        # A copy, so a handler may disconnect itself while we iterate.
        for handler in tuple(self._handlers):
            handler(*args)

    def __len__(self) -> int:
        return len(self._handlers)
