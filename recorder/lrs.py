"""A Learning Record Store, spoken to over HTTP as the xAPI 1.0.3 communication part says.

Statements go to ``<base>/statements`` (part three, 2.1): a batch by POST, one by PUT with
``statementId``. Every request carries ``X-Experience-API-Version: 1.0.3`` and HTTP Basic
credentials (part three, 4.1). An LRS answers 409 Conflict to a POST whose batch holds an id it
already stores (part three, 2.1.2; Ralph rejects the whole batch then), and 204 or 409 to a PUT of
an id it has: our ids are deterministic (recorder/xapi.py), so a known id was sent before.

Only the standard library speaks HTTP here: a sync is a few requests, and ``ielts`` commands that
never sync should not pay for importing an HTTP client.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from .errors import LrsError
from .untrusted import printable

VERSION = "1.0.3"
#: Waits before the second, third and fourth try of a request that failed for a passing reason
#: (the LRS unreachable, 5xx, 429).
BACKOFF_S = (0.5, 1.0, 2.0)
TIMEOUT_S = 15.0
RETRYABLE = frozenset({"unreachable", "server"})


@dataclass(frozen=True)
class Endpoint:
    """An LRS's xAPI base URL and its credentials."""

    url: str
    username: str | None = None
    password: str | None = None

    @property
    def statements(self) -> str:
        return self.url.rstrip("/") + "/statements"

    @property
    def display(self) -> str:
        """The URL without anything secret in it, for messages and for the sent log."""
        return self.url.rstrip("/")


def endpoint(url: str | None, username: str | None, password: str | None) -> Endpoint:
    """Check an endpoint before anything is sent; every problem is said in one sentence."""
    if not url:
        raise LrsError(
            "config",
            "no LRS is set: give --lrs URL (the xAPI base, such as http://host:8100/xAPI), set "
            "IELTS_LRS_URL, or run `ielts lrs --url URL`",
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LrsError("config", f"the LRS URL {printable(url)!r} is not an http(s) URL")
    if parts.password is not None:
        raise LrsError(
            "config",
            "the LRS URL holds a password: remove it and set IELTS_LRS_PASSWORD (or `ielts lrs`)",
        )
    return Endpoint(url, username, password)


class Client:
    """Sends statements; retries what may pass, says exactly what will not."""

    def __init__(
        self,
        where: Endpoint,
        *,
        backoff: Sequence[float] = BACKOFF_S,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = TIMEOUT_S,
    ) -> None:
        self.where = where
        self.backoff = tuple(backoff)
        self.sleep = sleep
        self.timeout = timeout
        self.requests = 0

    def _headers(self) -> dict[str, str]:
        headers = {"X-Experience-API-Version": VERSION, "Content-Type": "application/json"}
        if self.where.username is not None:
            pair = f"{self.where.username}:{self.where.password or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        return headers

    def _once(self, method: str, url: str, body: bytes | None) -> tuple[int, bytes]:
        import urllib.error  # (with http, ssl and email: 18 ms that no other command pays)
        import urllib.request

        request = urllib.request.Request(url, data=body, method=method, headers=self._headers())
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise LrsError(
                "unreachable", f"the LRS at {self.where.display} is unreachable ({reason})"
            ) from None

    def request(self, method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
        """One request, tried again after each backoff while it fails for a passing reason.
        Returns the status and body of any answer that is not worth a retry."""
        for attempt in range(len(self.backoff) + 1):
            try:
                status, data = self._once(method, url, body)
            except LrsError:
                if attempt == len(self.backoff):
                    raise
            else:
                if status < 500 and status != 429:
                    return status, data
                if attempt == len(self.backoff):
                    raise _failure(status, data, self.where)
            self.sleep(self.backoff[attempt])
        raise AssertionError("unreachable")  # pragma: no cover

    def post(self, statements: Sequence[dict[str, Any]]) -> bool:
        """POST a batch; True when stored (200; Ralph answers 204 when it held every one of
        them already), False on 409 (some id in it is stored, with a difference)."""
        status, data = self.request("POST", self.where.statements, _json(statements))
        if status == 409:
            return False
        if status not in (200, 204):
            raise _failure(status, data, self.where)
        return True

    def put(self, statement: dict[str, Any]) -> None:
        """PUT one statement; 204 and 409 (its id is stored) both mean the LRS has it."""
        url = f"{self.where.statements}?{urlencode({'statementId': statement['id']})}"
        status, data = self.request("PUT", url, _json(statement))
        if status not in (204, 409):
            raise _failure(status, data, self.where)

    def send(self, statements: Sequence[dict[str, Any]]) -> None:
        """Store a batch: one POST, or a PUT each when the LRS has some of them already."""
        if statements and not self.post(statements):
            for statement in statements:
                self.put(statement)

    def fetch(self, **params: str) -> list[dict[str, Any]]:
        """GET statements matching ``params``, following ``more`` links to the end."""
        url: str | None = f"{self.where.statements}?{urlencode(params)}"
        found: list[dict[str, Any]] = []
        base = urlsplit(self.where.url)
        while url:
            status, data = self.request("GET", url)
            if status != 200:
                raise _failure(status, data, self.where)
            page = json.loads(data)
            found += page.get("statements", [])
            more = page.get("more") or ""
            url = f"{base.scheme}://{base.netloc}{more}" if more.startswith("/") else more or None
        return found


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def _reason(data: bytes) -> str:
    """The LRS's own words for a refusal (its JSON ``detail``/``message``, else its text)."""
    try:
        body = json.loads(data)
    except ValueError:
        return printable(data.decode("utf-8", "replace"))[:300]
    detail = body.get("detail", body.get("message", body)) if isinstance(body, dict) else body
    if isinstance(detail, list):  # a list of validation errors: the first ones say enough
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg', e)}"
            if isinstance(e, dict)
            else str(e)
            for e in detail[:3]
        )
    return printable(str(detail))[:300]


def _failure(status: int, data: bytes, where: Endpoint) -> LrsError:
    reason = _reason(data)
    if status in (401, 403):
        return LrsError(
            "unauthorized",
            f"the LRS at {where.display} refused the credentials ({status}: {reason}); set "
            "IELTS_LRS_USERNAME and IELTS_LRS_PASSWORD, or run `ielts lrs --username NAME`",
        )
    if status == 404:
        return LrsError(
            "rejected",
            f"{where.statements} does not exist (404): the LRS URL is the xAPI base, such as "
            "http://host:8100/xAPI",
        )
    if status >= 500 or status == 429:
        return LrsError("server", f"the LRS at {where.display} failed ({status}: {reason})")
    return LrsError(
        "rejected", f"the LRS at {where.display} refused the statements ({status}: {reason})"
    )
