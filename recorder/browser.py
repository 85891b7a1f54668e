"""Launching and driving Chromium: the only module that imports Playwright (finding and
installing a Chromium to drive is :mod:`recorder.chromium`).

The async API is used throughout: with the sync API, binding calls are delivered only while Python
is inside a Playwright call, so answers would reach the recorder up to a second late
(DESIGN.md, "Facts measured").
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlparse

from playwright.async_api import Browser, BrowserContext, Dialog, Frame, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from .chromium import find_browser as find_browser  # where callers have always looked
from .chromium import has_display as has_display
from .chromium import install_browser as install_browser
from .enhancer import BINDING, enhancer_script
from .errors import BrowserError
from .origin import origin_of, own_script
from .protocol import Unproven
from .survey import Control, FrameReport, Survey, survey_of

log = logging.getLogger(__name__)

#: The driver's own error, for callers that must not import Playwright themselves.
DriverError = PlaywrightError

# Chromium on a machine with no network keeps retrying Google's services; these stop it.
QUIET_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
)
BindingHandler = Callable[[str, object, str], None]
"""Called with (source id, payload, frame url) for every call of the exposed binding."""
EventHandler = Callable[[str, str], None]
"""Called with (event, detail): page_closed, crashed, disconnected."""

DialogPolicy = Literal["accept", "learner"]
"""What becomes of a page's alert, confirm, prompt and leave-page dialogs. Playwright dismisses
every one when nobody listens, so a page that asks "Submit your answers?" was never submitted.
``accept``: answered as a learner who means it (OK; a prompt's own default text), for the
scripted learner and headless runs. ``learner``: left open in the window for the learner (a
listener that does nothing keeps Playwright from dismissing it)."""


class DialogWatch:
    """Whether a page dialog may be open now: while one is, the page answers no call, and the
    learner reading it is not a dead browser (:meth:`ExamPage.answers`)."""

    def __init__(self) -> None:
        self.open_since: float | None = None

    def opened(self) -> None:
        if self.open_since is None:
            self.open_since = asyncio.get_running_loop().time()

    def answered(self) -> None:
        """The page answered a call: no dialog of it is open any more."""
        self.open_since = None


# ---------------------------------------------------------------------------------- driving pages


def exam_frames(page: Page) -> list[Frame]:
    """Every frame of the exam: the page's, then those of the popups it opened; frames of
    another origin (an advert, a sign-up box) are not part of it and are left alone."""
    frames = list(page.frames)
    for other in page.context.pages:
        if other is not page and not other.is_closed():
            frames += other.frames
    own = origin_of(page.url)
    return [f for f in frames if origin_of(f.url) == own]


#: The values of an ordering list's items, in their present order.
ORDER_JS = """list => Array.prototype.filter.call(list.children,
  c => c.getAttribute('draggable') === 'true' || c.hasAttribute('data-value'))
  .map(c => (c.getAttribute('data-value') ?? c.textContent).trim())"""


@dataclass(frozen=True)
class LaunchOptions:
    headless: bool = True
    browser_path: str | None = None
    slowmo_ms: float = 0
    connect: str | None = None


#: How long a page that shows no questions is given before the scripted learner presses the
#: control that starts its test ("Start test"), as a learner would.
START_WAIT_S = 1.0

#: How long a disabled submit button is given to become enabled: polls, and the time between.
SUBMIT_ENABLED_POLLS = 10
SUBMIT_ENABLED_POLL_S = 0.1

#: A page's own script file larger than this is not read for a key.
MAX_SCRIPT_BYTES = 8_000_000


@dataclass
class ExamPage:
    """A page of an exam, with the recorder's enhancer in each of its frames."""

    page: Page
    #: The context's secret: each call into the page carries its signature (:func:`sign`).
    secret: str = ""
    dialogs: DialogWatch = field(default_factory=DialogWatch)
    _frames: list[Frame] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.page.url

    @property
    def closed(self) -> bool:
        return self.page.is_closed()

    async def answers(self, timeout_s: float) -> bool:
        """Whether the browser and Playwright's driver still answer (a round trip to the page).
        A closed page is not a dead driver, nor is a page holding a dialog the learner has not
        answered yet."""
        try:
            await asyncio.wait_for(self.page.evaluate("1"), timeout_s)
        except (PlaywrightError, asyncio.TimeoutError):
            return self.page.is_closed() or self.dialogs.open_since is not None
        self.dialogs.answered()
        return True

    async def goto(self, url: str, timeout_ms: float = 30_000) -> None:
        try:
            await self.page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
        except PlaywrightError as exc:
            raise BrowserError(f"could not open {url}: {exc.message.splitlines()[0]}") from None

    def _all_frames(self) -> list[Frame]:
        return exam_frames(self.page)

    def frames(self) -> int:
        """How many frames the exam has now; steps and surveys number frames in this order."""
        self._frames = self._all_frames()
        return len(self._frames)

    async def send(self, message_json: str) -> int:
        """Deliver a recorder → page message to every frame; returns how many took it."""
        taken = [
            await ExamFrame(frame, self.secret).send(message_json) for frame in self._all_frames()
        ]
        return sum(taken)

    async def own_questions(self) -> tuple[list[str], bool]:
        """A window's question ids and whether it says it is part of a test, once built."""
        with contextlib.suppress(PlaywrightError):
            await self.page.wait_for_load_state("domcontentloaded")
            found = await self.page.evaluate(
                "() => window.__ieltsRecorder ? window.__ieltsRecorder.ownQuestions() : null"
            )
            if isinstance(found, dict):
                return [str(i) for i in found.get("ids", [])], bool(found.get("partOf"))
        return [], False

    async def greet(self, message_json: str) -> Survey:
        """Deliver ``INIT_SESSION`` to every frame and survey them in the same round trip."""
        found = await self.evaluate_in_frames(
            "([m, p]) => window.__ieltsRecorder && window.__ieltsRecorder.greet"
            " ? window.__ieltsRecorder.greet(m, p) : null",
            [message_json, sign(self.secret, message_json)],
        )
        return survey_of(found)

    async def flush(self) -> int:
        """Have every frame send the answers its throttle still holds; returns how many did."""
        sent = await self.evaluate_in_frames(
            "() => window.__ieltsRecorder && window.__ieltsRecorder.flush"
            " ? window.__ieltsRecorder.flush() : 0"
        )
        return sum(int(n or 0) for _, n in sent)

    async def evaluate_in_frames(self, expression: str, arg: Any = None) -> list[tuple[int, Any]]:
        self._frames = self._all_frames()
        results = []
        for index, frame in enumerate(self._frames):
            with contextlib.suppress(PlaywrightError):
                results.append((index, await frame.evaluate(expression, arg)))
        return results

    async def describe(self) -> list[Control]:
        return list((await self.survey()).controls)

    async def survey(self) -> Survey:
        """Controls, key and submit button of every frame, in one evaluation per frame."""
        found = await self.evaluate_in_frames(
            "() => window.__ieltsRecorder ? window.__ieltsRecorder.survey() : null"
        )
        return survey_of(found)

    async def with_key(self, survey: Survey, data_files: Sequence[str] = ()) -> Survey:
        """``survey`` if a frame showed a key; else the survey taken again once the page's own
        script files (and the library's ``data_files``) were offered to it as data."""
        if survey.key or not await self.offer_scripts(data_files):
            return survey
        return await self.survey()

    async def explain(self) -> list[FrameReport]:
        """What the enhancer of each frame saw (``explain.js``), with the frame's url."""
        reports = []
        for frame in self.page.frames:
            text: object = None
            with contextlib.suppress(PlaywrightError):
                text = await frame.evaluate(
                    "() => window.__ieltsRecorder && window.__ieltsRecorder.explain"
                    " ? window.__ieltsRecorder.explain() : null"
                )
            seen: dict[str, Any] | None = None
            if isinstance(text, str):
                with contextlib.suppress(ValueError):
                    loaded = json.loads(text)
                    seen = loaded if isinstance(loaded, dict) else None
            reports.append(FrameReport(frame.url, origin_of(frame.url), seen))
        return reports

    async def offer_scripts(
        self, extra: Sequence[str] = (), limit_bytes: int = MAX_SCRIPT_BYTES
    ) -> bool:
        """Read the page's own script files (its origin only), and ``extra`` data files the
        library names, as text and hand them to the enhancer, which looks for a key in them as
        data. Returns whether a frame now has a key."""
        found = False
        for index, frame in enumerate(self._all_frames()):
            try:
                urls = await frame.evaluate(
                    "() => window.__ieltsRecorder && window.__ieltsRecorder.scripts"
                    " ? window.__ieltsRecorder.scripts() : []"
                )
            except PlaywrightError:
                continue
            wanted = [*extra] if index == 0 else []
            wanted += [u for u in (urls if isinstance(urls, list) else []) if u not in wanted]
            for url in wanted:
                if not isinstance(url, str) or (
                    url not in extra and not own_script(url, frame.url)
                ):
                    continue
                text = await self._script_text(url, limit_bytes)
                if text is None:
                    continue
                with contextlib.suppress(PlaywrightError):
                    found = (
                        bool(
                            await frame.evaluate(
                                "([t, p]) => window.__ieltsRecorder.offerScript(t, p)",
                                [text, sign(self.secret, text)],
                            )
                        )
                        or found
                    )
        return found

    async def _script_text(self, url: str, limit_bytes: int) -> str | None:
        parsed = urlparse(url)
        try:
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path))
                if not path.is_file() or path.stat().st_size > limit_bytes:
                    return None
                return await asyncio.to_thread(path.read_text, "utf-8", "replace")
            response = await self.page.context.request.get(url, timeout=10_000)
            body = await response.body() if response.ok else b""
            return body[:limit_bytes].decode("utf-8", "replace") if body else None
        except (OSError, PlaywrightError) as exc:
            log.info("could not read %s: %s", url, exc)
            return None

    def _frame(self, index: int) -> Frame:
        return self._frames[index] if index < len(self._frames) else self.page.main_frame

    async def check(self, frame: int, selector: str) -> None:
        await self._frame(frame).locator(selector).check()

    async def fill(self, frame: int, selector: str, text: str) -> None:
        box = self._frame(frame).locator(selector)
        if await box.is_editable():
            await box.fill(text)
            return
        # A box that takes no typing: the page writes into it the word of its bank the learner
        # clicks (click-to-place). The gap is chosen first, as such pages ask, then the word.
        word = self._frame(frame).get_by_role("button", name=text, exact=True)
        if not await word.count():
            raise BrowserError(
                f"the box {selector} takes no typing (the page fills it from a bank of words "
                f'to click) and no word "{text}" is there to click'
            )
        await box.click()
        await word.first.click()

    async def put_back(self, frame: int, selector: str, text: str) -> None:
        """Put an answer back into a box at once, in the page, without taking the focus."""
        await (
            self._frame(frame)
            .locator(selector)
            .evaluate("(el, v) => window.__ieltsRecorder.putBack(el, v)", text)
        )

    async def select(self, frame: int, selector: str, value: str | list[str]) -> None:
        # The pointer goes to the list first, as a learner's does: Playwright's select_option
        # fires synthetic events, which the enhancer takes only right after a real input.
        target = self._frame(frame).locator(selector)
        if await target.is_visible():
            await target.hover()
            await target.select_option(value)
            return
        # A list the page hides behind a menu of its own (a custom dropdown that sets the list):
        # the pointer goes to the question's box, and the list is set as the page's menu sets it.
        await target.locator("xpath=..").hover()
        await target.select_option(value, force=True)

    async def type_into(self, frame: int, selector: str, text: str) -> None:
        locator = self._frame(frame).locator(selector)
        await locator.click()
        await locator.press_sequentially(text)

    async def focus_question(self, question_id: str, controls: Sequence[Control]) -> None:
        """Put the cursor on a question, as the learner had it (``controls`` from a survey)."""
        for control in controls:
            if question_id in control.ids and control.options:
                with contextlib.suppress(PlaywrightError):
                    await self._frame(control.frame).locator(control.options[0][0]).focus()
                return

    async def drag(self, frame: int, item: str, target: str, value: str | None = None) -> bool:
        """Drag ``item`` onto ``target`` with the mouse (HTML drag and drop events). With
        ``value``, the item of that value nearest the target is looked up afresh (items move,
        and a pool per question group holds the same value several times). The target is first
        scrolled to the middle of its pane, so that a fixed footer cannot cover it. Returns
        False, doing nothing, when no item of that value is left to take."""
        where = self._frame(frame)
        if value is not None:
            fresh: object = item
            with contextlib.suppress(PlaywrightError):
                fresh = await where.evaluate(
                    "([z, v]) => window.__ieltsRecorder ? window.__ieltsRecorder.itemFor(z, v)"
                    " : undefined",
                    [target, value],
                )
            if fresh is None:
                return False
            item = fresh if isinstance(fresh, str) else item
        source, goal = where.locator(item), where.locator(target)
        mouse = where.page.mouse  # the frame may be a popup's
        await source.hover()
        box = await source.bounding_box()  # before the press: a page may copy the item on it
        await mouse.down()
        if box is not None:  # a first move starts the drag
            await mouse.move(box["x"] + box["width"] / 2 + 6, box["y"] + box["height"] / 2)
        # The target to the middle of its pane, after the drag has begun (the pane may scroll
        # the item away): a fixed footer over the pane's bottom edge cannot take the drop.
        await goal.evaluate("el => el.scrollIntoView({block: 'center', inline: 'center'})")
        spot = await goal.bounding_box()
        if spot is None:
            await mouse.up()
            raise BrowserError(f"the drop target {target} is not visible")
        await mouse.move(spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2, steps=4)
        await mouse.up()
        return True

    async def arrange(self, frame: int, list_selector: str, wanted: Sequence[str]) -> None:
        """Drag the items of an ordering list until they stand in the order ``wanted`` (values)."""
        where = self._frame(frame)
        items = where.locator(list_selector).locator(
            ":scope > [draggable=true], :scope > [data-value]"
        )

        async def order() -> list[str]:
            values: list[str] = await where.locator(list_selector).evaluate(ORDER_JS)
            return values

        for position, value in enumerate(wanted):
            current = await order()
            if position < len(current) and current[position] != value and value in current:
                source = items.nth(current.index(value))
                await source.drag_to(items.nth(position))
        final = await order()
        if final[: len(wanted)] != list(wanted):
            raise BrowserError(
                f"the list {list_selector} did not take the order {list(wanted)}: it shows {final}"
            )

    async def open_popups(
        self, openers: Sequence[str] | None = None, timeout_ms: float = 10_000
    ) -> int:
        """Open the windows the page opens for part of its test (as a learner would), and wait
        until the enhancer runs in each. ``openers`` from a survey, else looked up. Returns how
        many were opened."""
        if openers is None:
            openers = await self.page.main_frame.evaluate(
                "() => window.__ieltsRecorder ? window.__ieltsRecorder.popupOpeners() : []"
            )
        opened = 0
        for selector in openers or []:
            try:
                async with self.page.expect_popup(timeout=timeout_ms) as info:
                    await self.page.locator(selector).click()
                popup = await info.value
                await popup.wait_for_load_state("domcontentloaded")
                await popup.wait_for_function(
                    "() => !!window.__ieltsRecorder && window.__ieltsRecorder.state().sessionId"
                    " !== undefined",
                    timeout=timeout_ms,
                )
            except PlaywrightError as exc:
                raise BrowserError(
                    f"the popup opened by {selector} did not load: {exc.message.splitlines()[0]}"
                ) from None
            opened += 1
        return opened

    async def click(self, frame: int, selector: str) -> None:
        await self._frame(frame).locator(selector).click()

    async def pick(self, frame: int, selector: str) -> None:
        """Click a choice the page built; one it hides in a menu of its own (a dropdown with no
        ``<select>`` behind it) is shown first by clicking what opens the menu, as a learner
        does (Playwright would wait out its 30 s for the hidden choice to show)."""
        target = self._frame(frame).locator(selector)
        opener = await target.evaluate(
            "el => window.__ieltsRecorder && window.__ieltsRecorder.openerOf"
            " ? window.__ieltsRecorder.openerOf(el) : null"
        )
        if isinstance(opener, str):
            await self._frame(frame).locator(opener).click()
        await target.click()

    async def close(self) -> None:
        await self.page.close()

    async def reload(self) -> None:
        await self.page.reload(wait_until="domcontentloaded")

    async def crash(self) -> None:
        """Crash the renderer, as a fault would (tests); returns once the crash is reported."""
        async with self.page.expect_event("crash", timeout=10_000):
            with contextlib.suppress(PlaywrightError):
                await self.page.goto("chrome://crash", timeout=5000)

    async def start_control(self) -> tuple[int, str] | None:
        """The control that starts the test of a page that shows no questions yet ("Start
        test"), as (frame, selector); None when there is none."""
        for index, found in await self.evaluate_in_frames(
            "() => window.__ieltsRecorder && window.__ieltsRecorder.startControl"
            " ? window.__ieltsRecorder.startControl() : null"
        ):
            if isinstance(found, dict) and isinstance(found.get("selector"), str):
                return index, found["selector"]
        return None

    async def past_start(self, survey: Survey) -> Survey:
        """``survey``; or, where the page shows a control that starts the test and no question
        (they are hidden until then), the survey taken again once it is pressed."""
        if survey.start is None:
            return survey
        with contextlib.suppress(PlaywrightError):
            await self.click(*survey.start)
        return await self.survey()

    async def ready_or_started(
        self, ready_within: Callable[[float], Awaitable[bool]], timeout_s: float
    ) -> bool:
        """Whether the page became ready within ``timeout_s`` (``ready_within(seconds)`` waits
        and tells); one that shows no questions after START_WAIT_S has its start control
        pressed first, as a learner would."""
        first = min(START_WAIT_S, timeout_s)
        if await ready_within(first):
            return True
        with contextlib.suppress(PlaywrightError, BrowserError):
            await self.press_start()
        return await ready_within(timeout_s - first)

    async def press_start(self) -> bool:
        """Press the control that starts the test, as a learner would; whether there was one."""
        start = await self.start_control()
        if start is not None:
            await self.click(*start)
        return start is not None

    async def submit(self, target: tuple[int, str] | None = None) -> None:
        """Click the page's submit control (``target`` from a survey, else looked up)."""
        if target is not None:
            await self._press_submit(*target)
            return
        for index, selector in await self.evaluate_in_frames(
            "() => window.__ieltsRecorder ? window.__ieltsRecorder.submitTarget() : null"
        ):
            if selector:
                await self._press_submit(index, selector)
                return
        raise BrowserError("the page has no submit button the recorder can recognise")

    async def _press_submit(self, frame: int, selector: str) -> None:
        # A page may enable its button a moment after the last answer; one that keeps it
        # disabled is said so at once (Playwright would wait 30 s for it, then time out).
        button = self._frame(frame).locator(selector)
        for _ in range(SUBMIT_ENABLED_POLLS):
            if not await button.is_disabled():
                await button.click()
                return
            await asyncio.sleep(SUBMIT_ENABLED_POLL_S)
        raise BrowserError(
            "the page's submit button stays disabled: the page may want every question "
            "answered before it can be submitted"
        )

    async def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(PlaywrightError):
            await self.page.screenshot(path=str(path), full_page=True)

    async def save_trace(self, path: Path) -> None:
        """Keep the Playwright trace recorded so far (the context must have been traced)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(PlaywrightError):
            await self.page.context.tracing.stop(path=str(path))


@dataclass
class ExamFrame:
    """One frame of an exam page, greeted on its own when it loads late."""

    frame: Frame
    secret: str = ""

    @property
    def url(self) -> str:
        return self.frame.url

    async def send(self, message_json: str) -> bool:
        with contextlib.suppress(PlaywrightError):
            return bool(
                await self.frame.evaluate(
                    "([m, p]) => !!(window.__ieltsRecorder"
                    " && window.__ieltsRecorder.receive(m, p))",
                    [message_json, sign(self.secret, message_json)],
                )
            )
        return False


class BrowserSession:
    """A launched (or connected) browser with one context that carries the enhancer."""

    def __init__(
        self,
        browser: Browser,
        context: BrowserContext,
        executable: str,
        secret: str = "",
        dialogs: DialogWatch | None = None,
    ) -> None:
        self.browser = browser
        self.context = context
        self.executable = executable
        self.version = browser.version
        self.secret = secret
        self.dialogs = dialogs or DialogWatch()

    async def open(self) -> ExamPage:
        page = await self.context.new_page()
        return ExamPage(page, self.secret, self.dialogs)


@dataclass
class RunningBrowser:
    """A started browser that several sessions can share, each in a context of its own."""

    browser: Browser
    executable: str

    @property
    def version(self) -> str:
        return self.browser.version


@contextlib.asynccontextmanager
async def start_browser(options: LaunchOptions) -> AsyncIterator[RunningBrowser]:
    """Start Playwright and launch (or connect to) Chromium."""
    executable = None if options.connect else str(find_browser(options.browser_path))
    async with async_playwright() as pw:
        try:
            if options.connect:
                browser = await pw.chromium.connect(
                    options.connect,
                    slow_mo=options.slowmo_ms,
                    # A Playwright browser server launches what the client asks for.
                    headers={"x-playwright-launch-options": json.dumps({"args": list(QUIET_ARGS)})},
                )
            else:
                browser = await pw.chromium.launch(
                    executable_path=executable,
                    headless=options.headless,
                    slow_mo=options.slowmo_ms,
                    args=list(QUIET_ARGS),
                )
        except PlaywrightError as exc:
            raise BrowserError(
                f"could not start {executable or options.connect}: {exc.message.splitlines()[0]}"
            ) from None
        try:
            yield RunningBrowser(browser, executable or options.connect or "")
        finally:
            with contextlib.suppress(PlaywrightError):
                await browser.close()


def sign(secret: str, text: str) -> str:
    """HMAC-SHA-256 of ``text`` under the context's secret, as the enhancer computes it
    (enhancer_js/core.js): the secret itself never passes through the page, where a page script
    that hooks Playwright's plumbing (or a built-in) could read it; a signature it reads is good
    for that one text only. No secret (the benchmarks): no signature."""
    if not secret:
        return ""
    return hmac.new(secret.encode(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def _binding_handler(on_binding: BindingHandler, secret: str) -> Callable[..., None]:
    """The binding's handler: (frame and document, payload, url) to ``on_binding``; a payload
    whose signature is not the enhancer's (made with the context's secret over the document's
    token and the payload) is marked as not the enhancer's."""

    def binding(
        source: dict[str, Any], doc: object = None, payload: object = None, proof: object = None
    ) -> None:
        frame = source.get("frame")
        url = frame.url if frame is not None else ""
        if not (
            isinstance(payload, str)
            and isinstance(proof, str)
            and proof
            and hmac.compare_digest(proof, sign(secret, f"{doc}\n{payload}"))
        ):
            payload = Unproven(payload)
        on_binding(f"{id(frame)}:{doc}", payload, url)

    return binding


#: How long a context's close may take before its pages are closed for it, and again after.
CLOSE_STALL_S = 1.5


async def close_context(context: BrowserContext, stall_s: float = CLOSE_STALL_S) -> bool:
    """Close ``context`` without ever hanging on it; returns whether it closed.

    Seen here: when a session ends as its page submits a form by navigation, Chromium's close of
    the context never finished (3 of 18 clickthroughs of such a page hung for good). Closing the
    pages lets the stalled close finish; past a second wait the context is left to the browser."""
    closing = asyncio.ensure_future(context.close())
    done, _ = await asyncio.wait({closing}, timeout=stall_s)
    if not done:
        for page in list(context.pages):
            with contextlib.suppress(PlaywrightError, asyncio.TimeoutError):
                await asyncio.wait_for(page.close(), stall_s)
        done, _ = await asyncio.wait({closing}, timeout=stall_s)
    if not done:
        closing.cancel()
        log.warning("the browser did not close a finished session's context; left to it")
        return False
    error = closing.exception()
    if error is not None and not isinstance(error, PlaywrightError):
        raise error  # the driver's own errors only are a closed context's to ignore
    return True


def _dialog_handler(policy: DialogPolicy, watch: DialogWatch) -> Callable[[Dialog], None]:
    async def accept(dialog: Dialog) -> None:
        with contextlib.suppress(PlaywrightError):  # the page went away with its dialog
            await dialog.accept(dialog.default_value if dialog.type == "prompt" else None)

    def on_dialog(dialog: Dialog) -> None:
        watch.opened()
        if policy == "accept":
            asyncio.ensure_future(accept(dialog))

    return on_dialog


@contextlib.asynccontextmanager
async def open_context(
    running: RunningBrowser,
    on_binding: BindingHandler,
    on_event: EventHandler,
    enhancer_config: dict[str, Any],
    on_navigated: Callable[[], Awaitable[None]] | None = None,
    trace: bool = False,
    on_popup: Callable[[ExamPage], Awaitable[None]] | None = None,
    on_frame: Callable[[ExamFrame], Awaitable[None]] | None = None,
    dialogs: DialogPolicy = "accept",
) -> AsyncIterator[BrowserSession]:
    """A fresh context with the enhancer in every frame and the binding, on a running browser."""
    browser = running.browser
    # The context's secret: the enhancer keeps it where page scripts cannot read it, and a
    # message without it is not the enhancer's (a page script forging one is refused).
    secret = secrets.token_hex(16)
    script = enhancer_script({**enhancer_config, "secret": secret})
    context = await browser.new_context()
    if trace:
        await context.tracing.start(screenshots=True, snapshots=True, sources=False)

    def disconnected(_browser: Browser) -> None:
        on_event("disconnected", "the browser went away")

    browser.on("disconnected", disconnected)

    binding = _binding_handler(on_binding, secret)
    # Both before the first page; they do not depend on each other.
    await asyncio.gather(
        context.add_init_script(script=script), context.expose_binding(BINDING, binding)
    )

    pages: list[Page] = []
    dialog_watch = DialogWatch()
    context.on("dialog", _dialog_handler(dialogs, dialog_watch))

    def watch(page: Page) -> None:
        page.on("close", lambda _p: on_event("page_closed", page.url))
        page.on("crash", lambda _p: on_event("crashed", page.url))
        if on_navigated is not None:
            page.on("domcontentloaded", lambda _p: asyncio.ensure_future(on_navigated()))
        if on_frame is not None:
            # A frame that loads after its page was greeted (file:// frames cannot reach their
            # parent's session from script) is greeted on its own.
            page.on(
                "framenavigated",
                lambda frame: (
                    asyncio.ensure_future(on_frame(ExamFrame(frame, secret)))
                    if frame.parent_frame is not None
                    else None
                ),
            )

    async def popup_loaded(page: Page) -> None:
        # A same-origin popup that keeps its opener does not run context init scripts
        # (DESIGN.md, "Popups"); inject by hand. The enhancer is idempotent per document.
        with contextlib.suppress(PlaywrightError):
            if await page.opener() is not None:
                await page.evaluate(script)
        if on_popup is not None:
            await on_popup(ExamPage(page, secret))

    def on_page(page: Page) -> None:
        pages.append(page)
        if len(pages) == 1:
            watch(page)  # the exam itself: closing it or its crash ends the session
            return
        # A window the exam opened for part of its test: it may close without ending anything.
        page.on("crash", lambda _p: on_event("crashed", page.url))
        page.on("domcontentloaded", lambda _p: asyncio.ensure_future(popup_loaded(page)))

    context.on("page", on_page)
    try:
        yield BrowserSession(browser, context, running.executable, secret, dialog_watch)
    finally:
        browser.remove_listener("disconnected", disconnected)
        if trace:
            with contextlib.suppress(PlaywrightError):
                await context.tracing.stop()  # not kept unless saved before (save_trace)
        await close_context(context)
