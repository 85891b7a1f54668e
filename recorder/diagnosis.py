"""What the recorder saw on a page, in plain words: the ``--explain`` report, and the exact
reason a page could not be recorded (instead of "did not answer INIT_SESSION").

Pure functions over what the enhancer of each frame reported (``explain.js``, carried as
:class:`~recorder.browser.FrameReport`) and the messages the page sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol


class Frame(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def seen(self) -> dict[str, Any] | None: ...


def _questions(seen: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for q in seen.get("questions") or [] if isinstance(q, dict)]


def not_ready_reason(url: str, frames: Sequence[Frame], waited_s: float) -> str:
    """Why a page did not become ready within ``waited_s`` seconds: the most specific reason."""
    own = [f for f in frames if f.seen is not None]
    if not frames:
        return f"{url}: the page did not load (no frame to look at)"
    if not own:
        return (
            f"{url}: the recorder's script never ran in the page ({len(frames)} frame(s), none "
            "answered): it may not be an HTML page, or it failed to load"
        )
    greeted = [f for f in own if f.seen and f.seen.get("session", {}).get("greeted")]
    if not greeted:
        return f"{url}: the page never took the recorder's session (INIT_SESSION not received)"
    rejected: list[dict[str, Any]] = []
    for frame in own:
        assert frame.seen is not None
        rejected += [r for r in frame.seen.get("rejected") or [] if isinstance(r, dict)]
    controls = len(rejected)
    detail = ""
    if rejected:
        reasons = Counter(str(r.get("reason")) for r in rejected)
        top = "; ".join(f"{n} × {why}" for why, n in reasons.most_common(3))
        detail = f" It has {controls} answer control(s) the recorder could not number: {top}."
    else:
        detail = " It has no answer controls (inputs, selects, drop zones) at all."
    starts = [f.seen.get("startControl") for f in own if f.seen]
    start = next((s for s in starts if isinstance(s, dict)), None)
    if start is not None:
        detail += (
            f' It shows a control that may start the test ("{start.get("words")}"): its '
            "questions may appear once it is pressed."
        )
    return (
        f"{url}: no numbered questions appeared within {waited_s:g} s (the page may render "
        f"them later, or not as form controls).{detail}"
    )


def explain_lines(frames: Sequence[Frame], messages: Sequence[str] = ()) -> list[str]:
    """The ``--explain`` report of one page, a line per fact."""
    lines = [f"{len(frames)} frame(s):"]
    for n, frame in enumerate(frames):
        seen = frame.seen
        where = f"  [{n}] {frame.url[:120]} (origin {frame.origin or 'none'})"
        if seen is None:
            lines.append(where + ": no recorder script answered here")
            continue
        lines.append(where)
        lines += ["      " + line for line in _frame_lines(seen)]
    if messages:
        counted = Counter(messages)
        lines.append(
            "protocol messages from the page: "
            + ", ".join(f"{kind} × {n}" for kind, n in counted.items())
        )
    return lines


def _test_line(test: dict[str, Any]) -> str:
    ids = test.get("questionIds") or []
    tab = "a tab to show it" if test.get("tab") else "no tab found"
    submit = "its own submit button" if test.get("submit") else "no submit button of its own"
    return f'{test.get("id")} "{test.get("title")}": {len(ids)} question(s), {tab}, {submit}'


def _frame_lines(seen: dict[str, Any]) -> list[str]:
    session = seen.get("session") or {}
    questions = _questions(seen)
    lines = []
    if session.get("ready"):
        after = session.get("readyAfterMs")
        lines.append(
            "ready: its questions existed"
            + (f" {after} ms after the recorder greeted it" if after is not None else "")
        )
    elif session.get("waitingForQuestions"):
        lines.append("not ready: greeted, still waiting for questions to appear")
    else:
        lines.append("not greeted by the recorder" if not session.get("greeted") else "greeted")
    kinds = Counter(str(q.get("kind")) for q in questions)
    ids = [str(i) for q in questions for i in q.get("ids") or []]
    if questions:
        lines.append(
            f"questions: {len(ids)} ({_span(ids)}), by kind: "
            + ", ".join(f"{k} {n}" for k, n in kinds.items())
        )
        printed = [q for q in questions if q.get("numbering") == "printed"]
        if printed:
            lines.append(
                f"numbering: {len(printed)} question(s) take the number printed on the page, "
                "not their element's (" + _examples(printed) + ")"
            )
    else:
        lines.append("questions: none found")
    start = seen.get("startControl")
    if isinstance(start, dict):
        lines.append(
            f'start: the page shows "{start.get("words")}" and none of its questions; they '
            "may appear once it is pressed (the scripted learner presses it)"
        )
    for rejected in (seen.get("rejected") or [])[:10]:
        lines.append(f"not taken: {rejected.get('control')} ({rejected.get('kind')}): "
                     f"{rejected.get('reason')}")  # fmt: skip
    lines.append(f"key: {_key_line(seen)}")
    tests = [t for t in seen.get("tests") or [] if isinstance(t, dict)]
    if tests:
        lines.append(f"tests: {len(tests)} on this page, each submitted is a record of its own")
        lines += [f"  {_test_line(t)}" for t in tests]
    if seen.get("draggableItems") or seen.get("dropListeners"):
        lines.append(
            f"drag and drop: {seen.get('draggableItems')} draggable item(s), "
            f"{seen.get('dropListeners')} element(s) with a drop listener"
        )
    return lines


def _key_line(seen: dict[str, Any]) -> str:
    tried = []
    for trial in seen.get("keyTrials") or []:
        if trial.get("found"):
            tried.append(f"{trial['source']}: {trial.get('questions')} question(s)")
        elif trial.get("error"):
            tried.append(f"{trial['source']}: failed ({trial['error']})")
        else:
            tried.append(f"{trial['source']}: nothing")
    head = f"found by {seen['keySource']}" if seen.get("keySource") else "none found"
    return head + " — tried " + "; ".join(tried)


def _span(ids: Sequence[str]) -> str:
    numbers = sorted(int(i) for i in ids if i.isdigit())
    if numbers and len(numbers) == len(ids):
        return f"{numbers[0]}–{numbers[-1]}"
    return ", ".join(ids[:6]) + ("…" if len(ids) > 6 else "")


def _examples(questions: Sequence[dict[str, Any]]) -> str:
    shown = [
        f"{q.get('element') or 'no name'} → {','.join(q.get('ids') or [])}" for q in questions[:3]
    ]
    return "; ".join(shown)
