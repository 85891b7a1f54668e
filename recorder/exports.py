"""Exports (JSON, CSV, xAPI) and imports of practice records.

A JSON export is a backup: it carries a SHA-256 of its records so that an import can tell a
damaged or edited file. An import validates every record, merges by id without duplicates, and
reports what it added, skipped and rejected (with the reason).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from .answers import joined
from .errors import ImportFailed
from .protocol import readable_errors
from .record import PracticeRecord
from .store import Store
from .untrusted import csv_cell
from .xapi import statements

FORMAT = "ielts-practice-recorder/records"
VERSION = 1


def _checksum(docs: Sequence[dict[str, Any]]) -> str:
    import hashlib  # here, not above: its OpenSSL costs every command 7 ms at start

    return hashlib.sha256(orjson.dumps(docs, option=orjson.OPT_SORT_KEYS)).hexdigest()


def to_json(records: Iterable[PracticeRecord]) -> bytes:
    docs = [record.model_dump(mode="json") for record in records]
    return orjson.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "exportedAt": datetime.now(timezone.utc).isoformat(),
            "count": len(docs),
            "sha256": _checksum(docs),
            "records": docs,
        },
        option=orjson.OPT_INDENT_2,
    )


CSV_FIELDS = (
    "recordId", "examId", "title", "type", "startTime", "status", "band", "questionId",
    "questionType", "userAnswer", "correctAnswer", "isCorrect", "reason", "timeSpent",
)  # fmt: skip


def to_csv(records: Iterable[PracticeRecord]) -> str:
    """One row per question, ready for a spreadsheet."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for record in records:
        for answer in record.answers:
            writer.writerow(
                {
                    key: csv_cell(value)
                    for key, value in {
                        "recordId": record.id,
                        "examId": record.examId,
                        "title": record.title,
                        "type": record.type,
                        "startTime": record.startTime.isoformat(),
                        "status": record.status,
                        "band": record.band,
                        "questionId": answer.questionId,
                        "questionType": answer.questionType,
                        "userAnswer": joined(answer.userAnswer, ", "),
                        "correctAnswer": joined(answer.correctAnswer, " / "),
                        "isCorrect": answer.isCorrect,
                        "reason": answer.reason or "",
                        "timeSpent": answer.timeSpent,
                    }.items()
                }  # fmt: skip
            )
    return out.getvalue()


def export(records: Iterable[PracticeRecord], format: str, *, actor: dict[str, Any]) -> bytes:
    """Records in one of the export formats: json, csv or xapi."""
    if format == "json":
        return to_json(records)
    if format == "csv":
        return to_csv(records).encode()
    if format == "xapi":
        return orjson.dumps(list(statements(records, actor)), option=orjson.OPT_INDENT_2)
    raise ImportFailed(f"unknown export format {format!r}: use json, csv or xapi")


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (which, why)


def read_records_file(path: Path) -> list[Any]:
    """The record documents in an export (or a bare JSON list), after checking its checksum."""
    try:
        # A UTF-8 byte order mark (Windows editors write one) is not part of the JSON text.
        data = orjson.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except FileNotFoundError:
        raise ImportFailed(f"{path} does not exist") from None
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    except orjson.JSONDecodeError as exc:
        raise ImportFailed(f"{path} is not valid JSON: {exc}") from None
    if isinstance(data, list):
        return data
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise ImportFailed(f"{path} holds neither an export of this tool nor a list of records")
    if data.get("format") != FORMAT:
        raise ImportFailed(
            f"{path}: its format is {data.get('format')!r}, not {FORMAT!r}; nothing imported"
        )
    if data.get("version") != VERSION:
        raise ImportFailed(
            f"{path}: version {data.get('version')!r} of the format; this recorder reads version "
            f"{VERSION}; nothing imported"
        )
    docs: list[Any] = data["records"]
    expected = data.get("sha256")
    if expected is not None and _checksum(docs) != expected:
        raise ImportFailed(
            f"{path}: its checksum does not match its records (damaged or edited); nothing imported"
        )
    return docs


#: How far ahead of this machine's clock an imported time may be (another machine's clock may
#: run a little fast; a record from next year is not an attempt anyone made).
FUTURE_SLACK = timedelta(days=1)


def _implausible(record: PracticeRecord) -> str | None:
    """Why an imported record cannot be an attempt as it says, or None. Only imports are held
    to this: a record the recorder makes is stored even when the clock jumped during it."""
    if record.id != f"record_{record.sessionId}":
        return "id: must be record_ followed by the sessionId"
    if record.endTime < record.startTime:
        return (f"endTime {record.endTime.isoformat()} is before startTime "
                f"{record.startTime.isoformat()}")  # fmt: skip
    latest = datetime.now(timezone.utc) + FUTURE_SLACK
    for name in ("startTime", "endTime", "createdAt"):
        when: datetime = getattr(record, name)
        if when > latest:
            return f"{name} {when.isoformat()} is in the future"
    return None


def import_records(
    path: Path, store: Store, progress: Callable[[int], None] | None = None
) -> ImportReport:
    report = ImportReport()
    existing = {summary.id for summary in store.summaries()}
    for number, doc in enumerate(read_records_file(path), start=1):
        label = doc.get("id", f"#{number}") if isinstance(doc, dict) else f"#{number}"
        try:
            record = PracticeRecord.model_validate(doc)
        except ValidationError as exc:
            report.rejected.append((str(label), readable_errors(exc)))
        else:
            problem = _implausible(record)
            if record.id in existing:
                report.skipped.append(record.id)
            elif problem:
                report.rejected.append((record.id, problem))
            else:
                store.save_record(record)
                existing.add(record.id)
                report.added.append(record.id)
        if progress is not None:
            progress(number)
    return report
