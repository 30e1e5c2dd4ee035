"""Ctrl-C while runs train, for `train` and `compare` alike: the first one asks the runs to
stop after their current step, so what exists is saved and the exit status is 130; a second
one interrupts at once, for when stopping takes too long.

>>> with GracefulStop() as stop:
...     signal.raise_signal(signal.SIGINT)  # the first Ctrl-C only sets a flag
>>> stop.requested, stop.forced
(True, False)
>>> with GracefulStop() as stop:
...     signal.raise_signal(signal.SIGINT)
...     signal.raise_signal(signal.SIGINT)  # the second raises KeyboardInterrupt
...     print("not reached")
>>> stop.requested, stop.forced
(True, True)
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any


class GracefulStop:
    """A context manager that owns SIGINT for its block and gives back the previous handler
    after it. The loop inside polls `requested`; a KeyboardInterrupt from the second Ctrl-C
    ends the block and is swallowed here, leaving `forced` set for the caller to act on."""

    def __init__(self) -> None:
        self.requested = False  # a Ctrl-C came: stop after the current step
        self.forced = False  # a second one came and broke off the block
        self._previous: Any = None
        self._installed = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> GracefulStop:
        # Python runs signal handlers in the main thread only, and only it may set them;
        # elsewhere (a test's thread) Ctrl-C keeps its default and counts as forced.
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self)
            self._installed = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if self._installed:  # None: a handler set outside Python, which cannot be restored
            previous = self._previous
            signal.signal(
                signal.SIGINT, signal.default_int_handler if previous is None else previous
            )
            self._installed = False
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            self.requested = self.forced = True
            return True
        return False
