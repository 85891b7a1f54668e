from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recorder.bridge import FLOOD_BURST, Bridge
from recorder.errors import ProtocolError
from recorder.origin import origin_of
from recorder.protocol import MAX_MESSAGE_BYTES, SessionProgress, parse_message
from recorder.session import Session

from .helpers import FakeClock

URL = "file:///exams/reading/page.html"


def envelope(type_: str, data: dict[str, Any], **over: Any) -> str:
    message = {"v": 1, "type": type_, "sessionId": "s1", "seq": 1, "ts": 5, "data": data}
    message.update(over)
    return json.dumps(message)


PROGRESS = {"answers": {"1": "A"}, "answeredQuestions": 1, "totalQuestions": 13, "elapsed": 2.5}


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("", "not JSON: Input is a zero-length, empty document: line 1 column 1 (char 0)"),
        ("{", "not JSON: unexpected end of data: line 1 column 2 (char 1)"),
        ("[1, 2]", "message must be a JSON object, not list"),
        ("{}", "type: Field required"),
        (
            envelope("bogus", {}),
            "message: Input tag 'bogus' found using 'type' does not match any of the expected tags: "
            "'SESSION_READY', 'session_started', 'session_progress', 'session_paused', "
            "'session_resumed', 'session_completed', 'session_error'",
        ),
        (envelope("session_progress", PROGRESS, v=2), "v: Input should be 1"),
        (
            envelope("session_progress", PROGRESS, seq=-1),
            "seq: Input should be greater than or equal to 0",
        ),
        (
            envelope("session_progress", PROGRESS, sessionId="a b"),
            "sessionId: String should match pattern '^[A-Za-z0-9_-]+$'",
        ),
        (
            envelope("session_progress", {**PROGRESS, "answers": {"1": 5}}),
            "data.answers.1: Input should be text, a list of text, or null",
        ),
        (
            envelope("session_progress", {**PROGRESS, "elapsed": -1}),
            "data.elapsed: Input should be greater than or equal to 0",
        ),
        (
            envelope("session_progress", {**PROGRESS, "extra": 1}),
            "data.extra: Extra inputs are not permitted",
        ),
        (
            envelope("session_progress", {"answers": {}}),
            "data.answeredQuestions: Field required; data.totalQuestions: Field required; "
            "data.elapsed: Field required",
        ),
        (
            envelope("session_progress", {**PROGRESS, "answers": {"<script>": "A"}}),
            "data.answers.<script>.[key]: String should match pattern '^[A-Za-z0-9_.-]+$'",
        ),
        (
            envelope("session_paused", {"examId": "x"}),
            "data.elapsed: Field required",
        ),
        (
            envelope(
                "session_completed",
                {"answers": {}, "elapsed": 1, "pageScore": {"score": 3, "total": 0}},
            ),
            "data.pageScore.total: Input should be greater than 0",
        ),
        (
            envelope(
                "SESSION_READY",
                {"sessionId": "s1", "examId": "e", "url": "u", "title": "t", "questionIds": []},
            ),
            "data.keyFound: Field required",
        ),
        (
            "x" * (MAX_MESSAGE_BYTES + 1),
            f"message of {MAX_MESSAGE_BYTES + 1} bytes is over the {MAX_MESSAGE_BYTES} byte limit",
        ),
    ],
)
def test_bad_messages_are_rejected_with_a_readable_reason(raw: str, expected: str) -> None:
    with pytest.raises(ProtocolError) as exc:
        parse_message(raw)
    assert str(exc.value) == expected


def test_a_good_message_parses_to_its_type() -> None:
    message = parse_message(envelope("session_progress", PROGRESS))
    assert isinstance(message, SessionProgress)
    assert message.data.answers == {"1": "A"}


def make_bridge() -> tuple[Bridge, Session, FakeClock]:
    clock = FakeClock()
    session = Session("s1", exam_id="e", title="t", url=URL, clock=clock)
    return Bridge(session, URL), session, clock


@pytest.mark.parametrize(
    "url,origin",
    [
        ("file:///exams/reading/page.html", "file:///exams/reading"),
        ("http://127.0.0.1:8000/a/b.html?x=1", "http://127.0.0.1:8000"),
        ("https://example.org/x", "https://example.org"),
        ("about:blank", "about:"),
    ],
)
def test_origin_of(url: str, origin: str) -> None:
    assert origin_of(url) == origin


def test_bridge_refuses_foreign_frames_duplicates_and_other_sessions() -> None:
    bridge, session, _ = make_bridge()
    good = envelope("session_progress", PROGRESS)
    assert bridge.receive(good, "https://ads.example.com/frame.html") is None
    assert bridge.receive(good, URL) is not None
    assert bridge.receive(good, URL) is None  # same seq again
    assert (
        bridge.receive(envelope("session_progress", PROGRESS, seq=2, sessionId="other"), URL)
        is None
    )
    assert bridge.receive({"not": "a string"}, URL) is None
    assert dict(bridge.stats.rejected) == {
        "foreign": 1,
        "duplicate": 1,
        "other_session": 1,
        "invalid": 1,
    }
    assert bridge.stats.accepted == 1
    assert session.answers == {"1": "A"}


def test_bridge_orders_each_document_separately() -> None:
    bridge, session, _ = make_bridge()
    assert bridge.receive(envelope("session_progress", PROGRESS, seq=4), URL, "doc-a")
    # A reloaded page (a new document) starts counting again and is not a duplicate.
    second = {**PROGRESS, "answers": {"2": "B"}}
    assert bridge.receive(envelope("session_progress", second, seq=0), URL, "doc-b")
    assert session.answers == {"1": "A", "2": "B"}


def test_a_flood_is_refused_without_parsing() -> None:
    bridge, _, _ = make_bridge()
    for seq in range(FLOOD_BURST + 500):
        bridge.receive(envelope("session_progress", PROGRESS, seq=seq), URL)
    assert bridge.stats.rejected["flood"] == 500
    assert bridge.stats.accepted == FLOOD_BURST
    assert len(bridge.stats.reasons) == 0  # a flood is counted, not logged message by message


def test_a_flooding_frame_does_not_silence_the_exam() -> None:
    bridge, session, _ = make_bridge()
    for n in range(FLOOD_BURST + 500):  # another document each time does not buy more tokens
        bridge.receive("{}", URL, f"frame-2:doc-{n}")
    assert bridge.stats.rejected["flood"] == 500
    assert bridge.receive(envelope("session_progress", PROGRESS, seq=1), URL, "frame-1:doc")
    assert session.answers["1"] == "A"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
types = st.sampled_from(
    ["SESSION_READY", "session_started", "session_progress", "session_paused", "session_resumed",
     "session_completed", "session_error", "INIT_SESSION", "x"]
)  # fmt: skip
messages = st.fixed_dictionaries(
    {},
    optional={
        "v": st.sampled_from([1, 2, "1", None]),
        "type": types,
        "sessionId": st.sampled_from(["s1", "s2", "", "x" * 80]),
        "seq": st.integers(min_value=-2, max_value=50),
        "ts": st.integers(min_value=-1, max_value=2**40),
        "data": st.dictionaries(
            st.sampled_from(["answers", "elapsed", "answeredQuestions", "totalQuestions", "questionIds",
                             "keyFound", "sessionId", "examId", "url", "title", "answerKey", "message"]),
            json_values,
            max_size=6,
        ),
    },
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(payload=st.one_of(messages.map(json.dumps), st.text(max_size=50), json_values))
def test_fuzz_the_bridge_never_raises(payload: object) -> None:
    bridge, session, _ = make_bridge()
    bridge.receive(payload, URL)
    assert bridge.stats.accepted + bridge.stats.refused == 1
    assert session.state in {"started", "active", "paused", "completed"}
