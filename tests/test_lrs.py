"""Records to a Learning Record Store: real attempts in Chromium, a real Ralph started by the
fixture (tests/conftest.py ``ralph``), statements read back from it and compared."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import jsonschema
import pytest

from recorder.autoplay import Strategy
from recorder.catalog import Catalog
from recorder.cli import run
from recorder.errors import LrsError
from recorder.lrs import Client, endpoint
from recorder.practice import PracticeOptions
from recorder.record import PracticeRecord
from recorder.store import Store
from recorder.sync import LOG_NAME, SentLog, record_key, sync
from recorder.xapi import INTERACTION, NAMESPACE, exam_iri, record_statements

from .conftest import RalphLrs, SharedBrowser

SCHEMA = json.loads((Path(__file__).parent / "data" / "xapi-statement.schema.json").read_text())
ACTOR = {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.org"}
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def attempts(tmp_path_factory: pytest.TempPathFactory, shared_browser: SharedBrowser) -> Path:
    """Three real attempts: a reading exam by the key, a listening one at random, one closed."""
    root = tmp_path_factory.mktemp("lrs-attempts") / "data"
    catalog = Catalog()

    async def close(page: object) -> None:
        await page.close()  # type: ignore[attr-defined]

    for exam_id, strategy, extra in [
        ("academic-reef-soundscapes", "key", {}),
        ("listening-community-centre", "random:5", {}),
        ("academic-reef-soundscapes", "random:6", {"after_answers": close}),
    ]:
        options = PracticeOptions(
            headless=True, autoplay=Strategy.parse(strategy), data_dir=root, **extra
        )  # type: ignore[arg-type]
        shared_browser.practice(catalog.get(exam_id), options)
    return root


def fresh_copy(attempts: Path, target: Path, tag: str) -> Store:
    """The attempts under new ids (as another learner's records would be): statements the LRS
    has never seen, so each test starts from an LRS without them."""
    store = Store(target)
    for record in Store(attempts).records():
        store.save_record(
            record.model_copy(
                update={"id": f"{record.id}-{tag}", "sessionId": f"{record.sessionId}-{tag}"}
            )
        )
    return store


def client_for(ralph: RalphLrs, **options: object) -> Client:
    return Client(endpoint(ralph.url, ralph.username, ralph.password), **options)  # type: ignore[arg-type]


def stored(client: Client, record: PracticeRecord) -> list[dict[str, object]]:
    registration = str(uuid.uuid5(NAMESPACE, record.sessionId))
    return client.fetch(registration=registration, limit="500")


def test_a_synced_attempt_reads_back_from_ralph_statement_for_statement(
    attempts: Path, tmp_path: Path, ralph: RalphLrs
) -> None:
    store = fresh_copy(attempts, tmp_path / "data", "readback")
    client = client_for(ralph)
    records = list(store.records())
    report = sync(store.records(), SentLog(store.root), client, ACTOR)
    assert report.error is None and report.sent_records == 3
    assert report.sent_statements == sum(len(r.answers) + 1 for r in records)
    for record in records:
        sent = record_statements(record, ACTOR)
        back = {s["id"]: s for s in stored(client, record)}
        assert set(back) == {s["id"] for s in sent}
        for statement in sent:
            jsonschema.validate(statement, SCHEMA)
            kept = back[statement["id"]]
            for key in ("actor", "verb", "object", "result", "context"):
                assert kept[key] == statement[key], (key, statement["id"])
        questions = [s for s in sent if s["verb"]["id"].endswith("/answered")]
        assert len(questions) == len(record.answers)
        assert all(s["object"]["definition"]["type"] == INTERACTION for s in questions)
        parent = [{"objectType": "Activity", "id": exam_iri(record.examId)}]
        assert all(s["context"]["contextActivities"]["parent"] == parent for s in questions)
        assert [s["result"].get("success") for s in questions] == [
            a.isCorrect for a in record.answers
        ]
        verdict = sent[-1]
        if record.score is not None:
            assert verdict["result"]["score"] == {
                "raw": record.score, "min": 0, "max": record.totalQuestions,
                "scaled": round(record.score / record.totalQuestions, 4),
            }  # fmt: skip
        assert verdict["verb"]["id"].rsplit("/", 1)[1] == (
            "completed" if record.status == "completed" else "suspended"
        )


def test_a_second_sync_sends_nothing(attempts: Path, tmp_path: Path, ralph: RalphLrs) -> None:
    store = fresh_copy(attempts, tmp_path / "data", "twice")
    first = sync(store.records(), SentLog(store.root), client_for(ralph), ACTOR)
    assert first.sent_records == 3
    again = client_for(ralph)
    second = sync(store.records(), SentLog(store.root), again, ACTOR)
    assert (second.sent_records, second.already, again.requests) == (0, 3, 0)


def test_a_lost_acknowledgement_resends_without_storing_twice(
    attempts: Path, tmp_path: Path, ralph: RalphLrs
) -> None:
    """The LRS stored a batch, then the sync died before writing it down: the LRS answers 409,
    each statement is PUT, and every statement is stored once."""
    store = fresh_copy(attempts, tmp_path / "data", "lostack")
    sync(store.records(), SentLog(store.root), client_for(ralph), ACTOR)
    (store.root / LOG_NAME).write_text("")  # forget every acknowledgement
    client = client_for(ralph)
    report = sync(store.records(), SentLog(store.root), client, ACTOR)
    assert report.error is None and report.sent_records == 3
    for record in store.records():
        ids = [s["id"] for s in stored(client, record)]
        assert len(ids) == len(set(ids)) == len(record.answers) + 1


def test_a_sync_killed_midway_and_run_again_stores_every_statement_once(
    attempts: Path, tmp_path: Path, ralph: RalphLrs
) -> None:
    store = fresh_copy(attempts, tmp_path / "data", "killed")
    log = store.root / LOG_NAME
    command = [
        sys.executable,
        "-m",
        "recorder",
        "sync",
        "--batch",
        "1",
        "--data-dir",
        str(store.root),
    ]
    env = {**os.environ, **ralph.env()}
    said = tmp_path / "victim.err"
    with said.open("w") as err:
        victim = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 60
    while not (log.exists() and log.read_text().count("\n") >= 1):
        assert victim.poll() is None and time.monotonic() < deadline, said.read_text()
        time.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    acknowledged = SentLog(store.root).acknowledged(ralph.url)
    assert 1 <= len(acknowledged) < 3  # killed after the first attempt, before the last
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "Sent" in again.stderr and "were sent before" in again.stderr
    client = client_for(ralph)
    for record in store.records():
        ids = [s["id"] for s in stored(client, record)]
        assert sorted(ids) == sorted(s["id"] for s in record_statements(record, ACTOR))
    assert SentLog(store.root).acknowledged(ralph.url) == {record_key(r) for r in store.records()}


def test_dry_run_says_what_it_would_send_and_sends_nothing(
    attempts: Path, tmp_path: Path, ralph: RalphLrs, capsys: pytest.CaptureFixture[str]
) -> None:
    store = fresh_copy(attempts, tmp_path / "data", "dry")
    statements = sum(len(r.answers) + 1 for r in store.records())
    os.environ.update(ralph.env())
    try:
        assert run(["sync", "--dry-run", "--data-dir", str(store.root)]) == 0
    finally:
        for name in ralph.env():
            os.environ.pop(name)
    assert f"Would send {statements} statement(s) of 3 attempt(s)" in capsys.readouterr().err
    assert not (store.root / LOG_NAME).exists()
    assert all(stored(client_for(ralph), r) == [] for r in store.records())


@pytest.mark.parametrize(
    "change,kind,words",
    [
        ({"password": "wrong"}, "unauthorized", "refused the credentials (401"),
        ({"url": "http://127.0.0.1:9/xAPI"}, "unreachable", "is unreachable"),
        ({"url": "{base}/nowhere"}, "rejected", "does not exist (404)"),
    ],
)
def test_each_failure_class_has_its_own_message_and_keeps_records_pending(
    attempts: Path, tmp_path: Path, ralph: RalphLrs, change: dict[str, str], kind: str, words: str
) -> None:
    store = fresh_copy(attempts, tmp_path / "data", f"fail-{kind}")
    where = {"url": ralph.url, "username": ralph.username, "password": ralph.password}
    where.update({k: v.format(base=ralph.url) for k, v in change.items()})
    client = Client(endpoint(**where), backoff=(0.01, 0.01), sleep=time.sleep)
    report = sync(store.records(), SentLog(store.root), client, ACTOR)
    assert report.error is not None and report.error.kind == kind
    assert words in str(report.error)
    assert report.sent_records == 0 and not (store.root / LOG_NAME).exists()
    if kind == "unreachable":
        assert client.requests == 3  # tried, then again after each backoff


def test_a_statement_the_lrs_refuses_reports_the_lrs_reason(ralph: RalphLrs) -> None:
    bad = {"id": str(uuid.uuid4()), "actor": {"name": "no identifier"}, "verb": {"id": "x"}}
    with pytest.raises(LrsError) as refused:
        client_for(ralph).send([bad])
    assert refused.value.kind == "rejected"
    assert re.search(r"refused the statements \((400|422): ", str(refused.value))  # Ralph: 422
    assert "actor" in str(refused.value)  # the LRS's own words about what is wrong


@pytest.mark.parametrize(
    "url,words",
    [
        (None, "no LRS is set"),
        ("ftp://host/xAPI", "is not an http(s) URL"),
        ("http://u:pw@host/xAPI", "the LRS URL holds a password"),
    ],
)
def test_a_bad_endpoint_is_refused_before_anything_is_sent(url: str | None, words: str) -> None:
    with pytest.raises(LrsError, match=words.replace("(", r"\(").replace(")", r"\)")):
        endpoint(url, "u", "p")


def test_practice_with_sync_sends_the_attempt_and_a_failure_keeps_it_local(
    tmp_path: Path, ralph: RalphLrs
) -> None:
    data = tmp_path / "data"
    base = [sys.executable, "-m", "recorder", "practice", "academic-reef-soundscapes"]
    command = [*base, "--headless", "--autoplay", "key", "--sync", "--data-dir", str(data)]
    sent = subprocess.run(
        command, env={**os.environ, **ralph.env()}, capture_output=True, text=True, timeout=180
    )
    assert sent.returncode == 0, sent.stderr
    (record,) = Store(data).records()
    assert f"Sent {len(record.answers) + 1} statement(s) of 1 attempt(s)" in sent.stderr
    assert len(stored(client_for(ralph), record)) == len(record.answers) + 1
    down = {**os.environ, **ralph.env(), "IELTS_LRS_URL": "http://127.0.0.1:9/xAPI"}
    failed = subprocess.run(command, env=down, capture_output=True, text=True, timeout=180)
    assert failed.returncode == 0, failed.stderr  # the attempt is recorded; sending waits
    assert "is unreachable" in failed.stderr and "not sent yet" in failed.stderr
    assert len(list(Store(data).records())) == 2


def test_the_sent_log_ends_a_torn_line_before_its_own(tmp_path: Path) -> None:
    """A sync killed mid-append leaves a torn last line: the next append starts on a line of its
    own, so the torn one never swallows an acknowledgement (and names no real attempt)."""
    (tmp_path / LOG_NAME).write_bytes(b"http://lrs/xAPI record_s1@2026-11-0")
    SentLog(tmp_path).add("http://lrs/xAPI", ["record_s2@2026-11-02T10:00:00+00:00"])
    acknowledged = SentLog(tmp_path).acknowledged("http://lrs/xAPI")
    assert "record_s2@2026-11-02T10:00:00+00:00" in acknowledged
    assert SentLog(tmp_path).acknowledged("http://other/xAPI") == set()
