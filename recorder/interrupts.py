"""The ways a learner stops a session from the terminal: the pause key and signals.

Ctrl-C, SIGTERM and SIGHUP become one clean "finish with a reason" (DESIGN.md, "Faults"), so
every answer given ends up in a record; "p" pauses and resumes when stdin is a terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def pause_key(
    loop: asyncio.AbstractEventLoop, toggle: Callable[[], None], enabled: bool
) -> Iterator[None]:
    """'p' in the terminal calls ``toggle``; the terminal is restored on the way out."""
    if not enabled or not sys.stdin.isatty():
        yield
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)

    def on_key() -> None:
        if sys.stdin.read(1).lower() == "p":
            toggle()

    try:
        tty.setcbreak(fd)
        loop.add_reader(fd, on_key)
        yield
    finally:
        loop.remove_reader(fd)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def install_signal_handlers(
    loop: asyncio.AbstractEventLoop, finish: Callable[[str], None]
) -> list[int]:
    """Ctrl-C, SIGTERM and SIGHUP call ``finish`` with a reason; returns the signals handled."""
    installed = []
    names = {
        "SIGINT": "interrupted by Ctrl-C",
        "SIGTERM": "stopped by SIGTERM",
        "SIGHUP": "terminal closed (SIGHUP)",
    }
    for name, reason in names.items():
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            loop.add_signal_handler(sig, finish, reason)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # not the main thread, or a platform without it
        installed.append(sig)
    return installed
