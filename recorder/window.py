"""One browser window that several sessions use in turn: the parts of a suite, one after another.

The context (with its enhancer and binding) and its page are opened once. Each session routes
the window's callbacks to its own handlers while it runs, so the page's messages, its closing
and its navigations reach the session that is current.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from .browser import DialogPolicy, ExamFrame, ExamPage, RunningBrowser, open_context


class Window:
    """A shared window; :meth:`route` points its callbacks at the session now running in it."""

    def __init__(self) -> None:
        self._stack = contextlib.AsyncExitStack()
        self._page: ExamPage | None = None
        self._binding: Callable[[str, object, str], None] = _ignore
        self._event: Callable[[str, str], None] = _ignore
        self._navigated: Callable[[], Awaitable[None]] = _nothing
        self._popup: Callable[[ExamPage], Awaitable[None]] = _nothing
        self._frame: Callable[[ExamFrame], Awaitable[None]] = _nothing

    def route(
        self,
        *,
        binding: Callable[[str, object, str], None],
        event: Callable[[str, str], None],
        navigated: Callable[[], Awaitable[None]],
        popup: Callable[[ExamPage], Awaitable[None]],
        frame: Callable[[ExamFrame], Awaitable[None]],
    ) -> None:
        self._binding, self._event, self._navigated = binding, event, navigated
        self._popup, self._frame = popup, frame

    async def page(
        self,
        running: RunningBrowser,
        enhancer_config: dict[str, Any],
        dialogs: DialogPolicy = "accept",
    ) -> ExamPage:
        """The window's page, opened on first use."""
        if self._page is None or self._page.closed:
            context = await self._stack.enter_async_context(
                open_context(
                    running,
                    on_binding=lambda *a: self._binding(*a),
                    on_event=lambda *a: self._event(*a),
                    enhancer_config=enhancer_config,
                    on_navigated=lambda: self._navigated(),
                    on_popup=lambda p: self._popup(p),
                    on_frame=lambda f: self._frame(f),
                    dialogs=dialogs,
                )
            )
            self._page = await context.open()
        return self._page

    def release(self) -> None:
        """Between sessions: nothing is routed until the next one starts."""
        self.route(
            binding=_ignore, event=_ignore, navigated=_nothing, popup=_nothing, frame=_nothing
        )

    async def close(self) -> None:
        self.release()
        await self._stack.aclose()


def _ignore(*_args: object) -> None:
    pass


async def _nothing(*_args: object) -> None:
    pass
