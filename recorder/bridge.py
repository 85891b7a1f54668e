"""The receiving end of the binding: checks, validates and orders page messages for the session.

A message is accepted only if it comes from a frame of the exam's own origin, is under the size
limit, fits the flood allowance, parses as protocol version 1, carries this session's id and a
``seq`` above the last one seen from the same document. Everything else is counted and logged
with its reason, and never raises out of :meth:`Bridge.receive`.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import ProtocolError, SessionError
from .origin import origin_of
from .protocol import (
    MAX_MESSAGE_BYTES,
    PageMessage,
    SessionCompleted,
    SessionErrorMessage,
    SessionPaused,
    SessionProgress,
    SessionReady,
    SessionResumed,
    SessionStarted,
    Unproven,
    parse_message,
)
from .session import Session

log = logging.getLogger(__name__)

#: A learner produces a few messages a second; this allows bursts of scripted input and then
#: refuses a flood before it costs any parsing.
FLOOD_BURST = 2000
FLOOD_RATE_PER_S = 500.0
#: Documents (frames, reloads, popups) one session hears from before more count as a flood.
MAX_SOURCES = 1000


class _Refused(Exception):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass
class BridgeStats:
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    reasons: deque[str] = field(default_factory=lambda: deque(maxlen=20))

    @property
    def refused(self) -> int:
        """Messages refused for a reason worth telling (not those that came after the end)."""
        return sum(n for kind, n in self.rejected.items() if kind != "after_end")


class Bridge:
    """Turns binding calls into session changes."""

    def __init__(
        self,
        session: Session,
        exam_url: str,
        *,
        on_message: Callable[[PageMessage], None] | None = None,
    ) -> None:
        self.session = session
        self.origin = origin_of(exam_url)
        self.on_message = on_message
        self.stats = BridgeStats()
        self._last_seq: dict[str, int] = {}
        self._buckets: dict[str, tuple[float, float]] = {}  # source → (tokens, refilled at)
        self._closed = False

    def close(self) -> None:
        """The session has ended: what still arrives (a closing window's last words) is counted
        and dropped, so the record being made does not change under it."""
        self._closed = True

    def receive(self, raw: object, frame_url: str, source: str = "main") -> PageMessage | None:
        """Handle one binding call; returns the accepted message, or None when it was refused."""
        if self._closed:
            self.stats.rejected["after_end"] += 1
            return None
        try:
            return self._receive(raw, frame_url, source)
        except _Refused as refused:
            self._refuse(refused.kind, refused.reason)
        except Exception as exc:  # a page must never crash the recorder
            log.exception("bridge: unexpected error")
            self._refuse("internal", f"{type(exc).__name__}: {exc}")
        return None

    @property
    def documents(self) -> int:
        """How many documents (frames, popups, reloads) have spoken so far."""
        return len(self._last_seq)

    def deliver(self, source: str, raw: object, frame_url: str) -> None:
        """The binding handler's signature: (source, payload, frame url)."""
        self.receive(raw, frame_url, source)

    def _receive(self, raw: object, frame_url: str, source: str) -> PageMessage | None:
        if not self._take_token(source):
            self.stats.rejected["flood"] += 1  # counted, not logged: logging a flood is a flood
            return None
        if origin_of(frame_url) != self.origin:
            raise _Refused("foreign", f"from {frame_url}, not from {self.origin}")
        proven = not isinstance(raw, Unproven)
        if isinstance(raw, Unproven):
            raw = raw.payload
        if not isinstance(raw, str):
            raise _Refused(
                "invalid", f"binding payload must be a JSON string, not {type(raw).__name__}"
            )
        if len(raw) > MAX_MESSAGE_BYTES:
            raise _Refused(
                "oversized", f"{len(raw)} characters is over the {MAX_MESSAGE_BYTES} limit"
            )
        if not proven:
            raise _Refused("forged", "a binding call without the enhancer's secret (a page script)")
        try:
            message = parse_message(raw)
        except ProtocolError as exc:
            raise _Refused("invalid", str(exc)) from None
        if message.sessionId != self.session.session_id:
            raise _Refused(
                "other_session", f"sessionId {message.sessionId!r} is not this session's"
            )
        last = self._last_seq.get(source, -1)
        if message.seq <= last:
            raise _Refused("duplicate", f"seq {message.seq} from {source} after {last}")
        self._last_seq[source] = message.seq
        try:
            self._dispatch(message)
        except SessionError as exc:
            raise _Refused("out_of_order", str(exc)) from None
        self.stats.accepted += 1
        if self.on_message is not None:
            self.on_message(message)
        return message

    def _dispatch(self, message: PageMessage) -> None:
        session = self.session
        if isinstance(message, SessionReady):
            if message.data.questionIds or not session.question_ids:
                session.ready(message.data)
        elif isinstance(message, SessionStarted):
            session.heartbeat()
        elif isinstance(message, SessionProgress):
            session.progress(message.data)
        elif isinstance(message, SessionPaused):
            session.pause("page")
        elif isinstance(message, SessionResumed):
            session.resume("page")
        elif isinstance(message, SessionCompleted):
            session.complete(message.data)
        elif isinstance(message, SessionErrorMessage):
            log.warning(
                "page reported an error at %s: %s", message.data.where, message.data.message
            )

    def _refuse(self, kind: str, reason: str) -> None:
        self.stats.rejected[kind] += 1
        self.stats.reasons.append(f"{kind}: {reason}")
        log.info("bridge refused a message (%s): %s", kind, reason)

    def _take_token(self, source: str) -> bool:
        """One token from the bucket of ``source``'s frame: a flooding frame empties its own
        bucket only, and the exam's frames keep theirs. (The frame part of a source comes from
        the browser; its document part from the page, so it does not choose the bucket.)"""
        source = source.split(":", 1)[0]
        now = self.session.clock.monotonic()
        tokens, since = self._buckets.get(source, (float(FLOOD_BURST), now))
        tokens = min(FLOOD_BURST, tokens + (now - since) * FLOOD_RATE_PER_S)
        if len(self._buckets) >= MAX_SOURCES and source not in self._buckets:
            return False  # a page that opens frames by the thousand is a flood too
        if tokens < 1:
            self._buckets[source] = (tokens, now)
            return False
        self._buckets[source] = (tokens - 1, now)
        return True
