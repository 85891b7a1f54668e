from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from recorder.autoplay import Strategy
from recorder.browser import ExamPage, LaunchOptions, RunningBrowser, open_context, start_browser
from recorder.catalog import Catalog, Exam
from recorder.practice import PracticeOptions, PracticeResult, practice, practice_async

CATALOG = Catalog()
T = TypeVar("T")
#: What the enhancer sent through the binding: (frame and document, payload).
Calls = list[tuple[str, object]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return CATALOG


Play = Callable[..., PracticeResult]


class SharedBrowser:
    """One Playwright driver and one Chromium for the whole test run, on one event loop kept
    between tests: each session opens a context of its own in it (as the clickthrough does), so
    a test pays for a context, not for a driver and a browser (about 0.7 s each time here)."""

    def __init__(self) -> None:
        self.runner = asyncio.Runner()
        self.stack = contextlib.AsyncExitStack()
        self.running: RunningBrowser | None = None

    def practice(self, exam: Exam, options: PracticeOptions) -> PracticeResult:
        """A session as :func:`recorder.practice.practice` runs it, in the shared browser
        (relaunched if a test took it down); in a browser of its own when the options ask for
        another one (a path, slow motion, a server to connect to)."""
        if options.launch() != LaunchOptions(headless=True):
            return practice(exam, options)
        return self.runner.run(practice_async(exam, options, browser=self._running()))

    def _running(self) -> RunningBrowser:
        """The shared browser, launched (again, if a test took it down)."""
        if self.running is None or not self.runner.run(_alive(self.running)):
            self.running = self.runner.run(
                self.stack.enter_async_context(start_browser(LaunchOptions(headless=True)))
            )
        return self.running

    def enhanced(self, html: str, check: Callable[[ExamPage, Calls], Awaitable[T]]) -> T:
        """``check`` run on a page of ``html`` in a fresh context that carries the enhancer as
        the recorder's does (init script, binding, secret), with the binding calls received so
        far: a behaviour of the enhancer tested without a recorded session."""
        running = self._running()

        async def run() -> T:
            calls: Calls = []
            async with open_context(
                running,
                on_binding=lambda source, payload, _url: calls.append((source, payload)),
                on_event=lambda _event, _detail: None,
                enhancer_config={"version": "test"},
            ) as session:
                page = await session.open()
                # A document of its own: the enhancer leaves a new tab's first one alone.
                await page.page.goto("data:text/html,")
                await page.page.set_content(html)
                return await check(page, calls)

        return self.runner.run(run())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.runner.run(self.stack.aclose())
        self.runner.close()


async def _alive(running: RunningBrowser) -> bool:
    """Whether the shared browser still answers (a test may have killed it or its driver; its
    is_connected() stays true until the event loop, idle between tests, reads the pipe's end).
    A browser-level CDP session is the cheapest round trip: 3 ms, against 16 ms for a context
    opened and closed."""
    try:
        probe = await asyncio.wait_for(running.browser.new_browser_cdp_session(), 10)
        await probe.detach()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def shared_browser() -> Iterator[SharedBrowser]:
    shared = SharedBrowser()
    yield shared
    shared.close()


@pytest.fixture
def play(data_dir: Path, shared_browser: SharedBrowser) -> Play:
    """Run a real, headless, recorded session with a scripted learner, in the shared browser;
    ``own_browser=True`` for a test that kills the browser or the driver."""

    def run(
        exam: Exam | str, strategy: str, own_browser: bool = False, **options: object
    ) -> PracticeResult:
        chosen = CATALOG.resolve(exam) if isinstance(exam, str) else exam
        settings = PracticeOptions(
            headless=True,
            autoplay=Strategy.parse(strategy),
            data_dir=data_dir,
            **options,  # type: ignore[arg-type]
        )
        if own_browser:
            return practice(chosen, settings)
        return shared_browser.practice(chosen, settings)

    return run


pytest_plugins = ["pytester"]

#: What starts a real Chromium: a fixture among these (directly or through another fixture),
#: or a test body that calls one of the recorder's browser entry points. Such tests get the
#: ``browser`` mark, so `pytest -m "not browser"` is the fast loop of pure tests.
BROWSER_FIXTURES = frozenset(
    {
        "play",
        "shared_browser",
        "recorded",
        "attempts",
        "audits",
        "wrong_key_store",
        "hostile_store",
        "keys",
    }
)
BROWSER_CALLS = re.compile(
    r"\b(practice|practice_async|play|run_clickthrough|run_suite|run_suite_async|audit"
    r"|async_playwright|start_browser|start_controller|record_of|_explained"
    r"|runpytest_subprocess)\("
    r"|\[\s*\"(practice|resume|clickthrough)\"|\"exams\",\s*\"check\""
    r"|\"recorder\", \"(practice|sync)\""
)


def _starts_a_browser(item: pytest.Item) -> bool:
    if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    function = getattr(item, "function", None)
    try:
        source = inspect.getsource(function) if function is not None else ""
    except (OSError, TypeError):
        return False
    return bool(BROWSER_CALLS.search(source))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") is None and _starts_a_browser(item):
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class RalphLrs:
    """A running Ralph: its xAPI base URL and the credentials it accepts."""

    url: str
    username: str
    password: str
    directory: Path

    def env(self) -> dict[str, str]:
        return {
            "IELTS_LRS_URL": self.url,
            "IELTS_LRS_USERNAME": self.username,
            "IELTS_LRS_PASSWORD": self.password,
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphLrs]:
    """A real Ralph LRS process (tests/ralph_lrs.py), one per test run."""
    root = tmp_path_factory.mktemp("ralph")
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(root / "app"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(root / "lrs"),
        "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(root / "data"),
    }
    for name in ("app", "lrs", "data"):
        (root / name).mkdir()
    ralph_cli = Path(sys.executable).with_name("ralph")
    subprocess.run(
        [str(ralph_cli), "auth", "-u", "teacher", "-p", "s3cret", "-s", "all",
         "-M", "mailto:teacher@example.org", "-w"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    port = _free_port()
    log = (root / "ralph.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.ralph_lrs", str(port)],
        env=env, cwd=Path(__file__).resolve().parent.parent, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(
                    f"Ralph did not start: {(root / 'ralph.log').read_text()}"
                ) from None
            time.sleep(0.05)
    try:
        yield RalphLrs(f"http://127.0.0.1:{port}/xAPI", "teacher", "s3cret", root)
    finally:
        server.terminate()
        server.wait(10)
        log.close()
