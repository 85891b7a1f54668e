"""Everything the terminal shows: the only module that imports rich."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .untrusted import printable

# For annotations only: a command that shows a table imports no browser, and each function
# imports the few names it runs with, so `ielts history` does not load items or mistakes.
if TYPE_CHECKING:
    from rich.live import Live
    from rich.progress import Progress

    from .audit import PageAudit
    from .catalog import Exam, Suite
    from .clickthrough import PageResult
    from .doctor import DoctorFinding
    from .exports import ImportReport
    from .history import History
    from .items import ItemStats
    from .mistakes import Mistake
    from .record import ActiveSession, PracticeRecord
    from .recording import PracticeResult
    from .session import Session
    from .sessions import SessionInfo
    from .settings import Lrs
    from .stats import Stats
    from .suite import SuiteResult
    from .sync import SyncReport

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S", bound="_Shown")

# Nothing printed is read as rich markup or emoji codes: page text such as "[/]" or ":smile:" is
# text, never a tag or a picture.
console = Console(markup=False, emoji=False)
err_console = Console(stderr=True, markup=False, emoji=False)


def _text(value: object = "", style: str = "") -> Text:
    """Text to show, with any control character a page or a file put in it removed."""
    return Text(printable(value), style=style)


class LogHandler(logging.Handler):
    """Log records on stderr through the console: a page's words in a warning are shown as
    text, never as terminal escapes."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            style = "red" if record.levelno >= logging.ERROR else "yellow"
            err_console.print(_text(f"{record.levelname.lower()}: {record.getMessage()}", style),
                              soft_wrap=True)  # fmt: skip
        except Exception:  # a log line must never break the command
            self.handleError(record)


def error(exc: BaseException) -> None:
    """``ErrorName: message`` in red on stderr; the message is shown as text, never as markup."""
    err_console.print(_text(f"{type(exc).__name__}: {exc}", style="bold red"), soft_wrap=True)


def warn(message: str) -> None:
    err_console.print(_text(message, style="yellow"), soft_wrap=True)


def orphan_notice(record: PracticeRecord) -> None:
    from .session import answered_count

    answered = answered_count({a.questionId: a.userAnswer for a in record.answers})
    warn(
        f"Session {record.sessionId} ({record.title}) was cut off with {answered} answers saved. "
        f"Resume it with: ielts resume {record.sessionId}"
    )


def session_summary(saved: ActiveSession) -> None:
    from .session import answered_count

    answered = answered_count(saved.answers)
    console.print(
        _text(
            f"{saved.title}: session {saved.sessionId}, {answered}/{len(saved.questionIds)} "
            f"answered, {_clock(saved.elapsed)} spent, last saved {saved.updatedAt:%Y-%m-%d %H:%M}"
        )
    )


def sessions_table(found: Sequence[SessionInfo]) -> None:
    if not found:
        note("No active or interrupted sessions.")
        return
    table = Table(title="Sessions")
    for column in ("session", "exam", "state", "answered", "time", "saved", "why it stopped"):
        table.add_column(column, no_wrap=column in ("session", "exam", "saved"))
    for info in found:
        saved = info.session
        reason = next((t.reason for t in reversed(saved.transitions) if t.reason), "") or ""
        table.add_row(
            _text(saved.sessionId),
            _text(saved.examId),
            info.kind,
            f"{info.answered}/{len(saved.questionIds)}",
            _clock(saved.elapsed),
            f"{saved.updatedAt:%m-%d %H:%M}",
            _text(reason),
        )
    console.print(table)
    if any(i.kind != "active" for i in found):
        note("Resume one with: ielts resume SESSION")


def doctor_table(findings: Sequence[DoctorFinding]) -> None:
    table = Table(title="Database check")
    for column in ("file", "status", "detail"):
        table.add_column(column)
    styles = {"ok": "green", "repaired": "yellow", "corrupt": "bold red", "skipped": "yellow"}
    for finding in findings:
        table.add_row(
            str(finding.path),
            _text(finding.status, style=styles[finding.status]),
            _text(finding.detail),
        )
    console.print(table)


def note(message: str) -> None:
    """Information for the person, on stderr: stdout stays clean for --json and exports."""
    err_console.print(_text(message, style="dim"), soft_wrap=True)


def exams_table(exams: Sequence[Exam], suites: Sequence[Suite] = ()) -> None:
    table = Table(title="Bundled exams")
    for column in ("id", "title", "type", "part", "questions", "minutes", "key"):
        table.add_column(
            column,
            justify="right" if column in ("questions", "minutes") else "left",
            no_wrap=column == "id",
        )
    for exam in exams:
        table.add_row(
            exam.id,
            _text(exam.title),
            exam.type,
            exam.part,
            str(exam.questions),
            str(exam.timeLimit or ""),
            exam.keySource,
        )
    console.print(table)
    if suites:
        tests = Table(title="Whole tests (ielts practice --suite ID)")
        for column in ("id", "title", "parts", "minutes"):
            tests.add_column(column, no_wrap=column == "id")
        for suite in suites:
            tests.add_row(
                suite.id, _text(suite.title), "\n".join(suite.parts), str(suite.timeLimit)
            )
        console.print(tests)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class _Shown:
    """A live rich display that is on screen inside a ``with`` block."""

    _display: Live | Progress

    def __enter__(self: S) -> S:
        self._display.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._display.__exit__(exc_type, exc, tb)


class LiveProgress(_Shown):
    """A one-line live view of the running session: answered, elapsed, last save."""

    def __init__(self, target: Console | None = None, time_limit_s: float | None = None) -> None:
        self.console = target or console
        self.time_limit_s = time_limit_s
        from rich.live import Live  # (only while something is shown live)

        self._live = Live(_text(""), console=self.console, refresh_per_second=4, transient=True)
        self._display = self._live

    def status(self, message: str) -> None:
        self.console.print(_text(message, style="cyan"))

    def explained(self, lines: list[str]) -> None:
        for line in lines:
            self.console.print(_text(line, style="dim"))

    def progress(self, session: Session, last_saved: float | None) -> None:
        total = len(session.question_ids)
        saved = f"saved {time.time() - last_saved:.1f} s ago" if last_saved else "not saved yet"
        clock = f"elapsed {_clock(session.elapsed())}"
        if self.time_limit_s:
            clock = f"{_clock(max(0.0, self.time_limit_s - session.elapsed()))} left"
        line = f"{session.state} · answered {session.answered()}/{total} · {clock} · {saved}"
        self._live.update(_text(line, style="bold"))


def review_table(record: PracticeRecord, *, only_wrong: bool = False) -> None:
    """Question by question: your answer, the accepted answer, and why a wrong one is wrong."""
    from .answers import joined
    from .scoring import REASONS

    table = Table(title=_text(f"Review: {record.title}"), title_justify="left")
    for column in ("Q", "your answer", "accepted", "", "why", "type", "time"):
        table.add_column(column, overflow="fold")
    for answer in record.answers:
        if only_wrong and answer.isCorrect is not False:
            continue
        mark = {True: ("✓", "green"), False: ("✗", "red"), None: ("·", "dim")}[answer.isCorrect]
        table.add_row(
            _text(answer.questionId),
            _text(joined(answer.userAnswer, ", ") or "—"),
            _text(joined(answer.correctAnswer, " / ") or "—"),
            _text(mark[0], style=mark[1]),
            _text(REASONS.get(answer.reason or "", answer.reason or "")),
            _text(answer.questionType.replace("_", " ")),
            "" if answer.timeSpent is None else f"{answer.timeSpent:.0f}s",
        )
    if table.row_count:
        console.print(table)
    per_type = Table(title="By question type", title_justify="left")
    for column in ("type", "marks", "accuracy"):
        per_type.add_column(column)
    for qtype, perf in sorted(record.questionTypePerformance.items()):
        per_type.add_row(
            qtype.replace("_", " "), f"{perf.correct}/{perf.total}", f"{perf.accuracy:.0%}"
        )
    if per_type.row_count:
        console.print(per_type)


def history_tables(found: History) -> None:
    if not found.completed and not found.interrupted:
        note("No attempts yet: start one with 'ielts practice EXAM'.")
        return
    for title, records in (
        ("Attempts", found.completed),
        ("Interrupted (not counted)", found.interrupted),
    ):
        if not records:
            continue
        table = Table(title=title, title_justify="left")
        for column in ("when", "exam", "score", "band", "time", "record"):
            table.add_column(column, no_wrap=column in ("when", "record"))
        for record in records:
            score = "—" if record.score is None else f"{record.score}/{record.totalQuestions}"
            band = (
                ""
                if record.band is None
                else f"{record.band:.1f}" + ("*" if record.metadata.bandEstimated else "")
            )
            table.add_row(
                f"{record.startTime.astimezone():%Y-%m-%d %H:%M}",
                _text(record.title),
                score if record.status == "completed" else f"{score} ({record.status})",
                band,
                _clock(record.duration),
                record.id,
            )
        console.print(table)
    note("* band estimated from a part test")


def with_progress(
    items: Iterable[T], total: int, description: str, *, quiet: bool = False
) -> list[T]:
    """Collect ``items`` behind a progress bar (on stderr, so exports to stdout stay clean)."""
    if quiet or total < 200:
        return list(items)
    out = []
    from rich.progress import Progress  # (only while something is shown live)

    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            out.append(item)
            bar.advance(task)
    return out


def run_with_progress(work: Callable[[Callable[[int], None]], R], description: str) -> R:
    """Run ``work(advance)``, showing how far it got."""
    from rich.progress import Progress  # (only while something is shown live)

    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=None)
        return work(lambda done: bar.update(task, completed=done))


def sync_summary(report: SyncReport) -> None:
    where = printable(report.endpoint)
    if report.dry_run:
        note(
            f"Would send {report.pending_statements} statement(s) of {report.pending_records} "
            f"attempt(s) to {where}; {report.already} attempt(s) were sent before."
        )
        return
    if report.sent_records or not report.error:
        note(
            f"Sent {report.sent_statements} statement(s) of {report.sent_records} attempt(s) to "
            f"{where}; {report.already} attempt(s) were sent before."
        )
    if report.error is not None:
        left = report.pending_records - report.sent_records
        warn(
            f"{printable(report.error)}. {left} attempt(s) are not sent yet; they stay recorded "
            "here and 'ielts sync' sends them when it can."
        )


def lrs_settings(lrs: Lrs, actor: dict[str, object], *, changed: bool) -> None:
    if changed:
        note("Saved.")
    table = Table(show_header=False, box=None)
    table.add_row("LRS", _text(lrs.url or "(none: ielts lrs --url URL, or IELTS_LRS_URL)"))
    table.add_row("user", _text(lrs.username or "(none)"))
    table.add_row("password", _text("(set)" if lrs.password else "(none)"))
    table.add_row("actor", _text(json.dumps(actor, ensure_ascii=False)))
    console.print(table)


def stats_tables(stats: Stats) -> None:
    from .scoring import REASONS

    console.print(
        _text(
            f"{stats.attempts} attempts ({stats.interrupted} interrupted, not counted) · "
            f"{_clock(stats.seconds_practised)} practised · streak {stats.current_streak} day(s), "
            f"longest {stats.longest_streak}"
        )
    )
    if stats.focus is not None:
        f = stats.focus
        console.print(
            _text(
                f"Work on next: {f.questionType.replace('_', ' ')} "
                f"({f.earned}/{f.possible} marks); "
                f"most often: {REASONS.get(f.reason, f.reason)} ({f.count}x). "
                "See 'ielts mistakes' for each one.",
                style="bold",
            )
        )
    by_type = Table(title="By exam type", title_justify="left")
    for column in ("type", "attempts", "marks", "accuracy", "best band", "latest band"):
        by_type.add_column(column)
    for exam_type, s in sorted(stats.by_exam_type.items()):
        by_type.add_row(
            exam_type, str(s.attempts), f"{s.earned}/{s.possible}",
            "" if s.accuracy is None else f"{s.accuracy:.0%}",
            "" if s.best_band is None else f"{s.best_band:.1f}",
            "" if s.latest_band is None else f"{s.latest_band:.1f}",
        )  # fmt: skip
    console.print(by_type)
    qtypes = Table(title="By question type (weakest first)", title_justify="left")
    for column in ("question type", "marks", "accuracy"):
        qtypes.add_column(column)
    for qtype, (earned, possible) in sorted(
        stats.question_types.items(), key=lambda kv: kv[1][0] / max(1, kv[1][1])
    ):
        qtypes.add_row(
            _text(qtype.replace("_", " ")),
            f"{earned}/{possible}",
            f"{earned / max(1, possible):.0%}",
        )
    console.print(qtypes)
    best = Table(title="Best results", title_justify="left")
    for column in ("exam", "score", "band", "record"):
        best.add_column(column)
    for b in stats.best[:5]:
        best.add_row(
            _text(b.title),
            f"{b.score}/{b.total}",
            "" if b.band is None else f"{b.band:.1f}",
            b.recordId,
        )
    console.print(best)
    over_time = Table(title="Over time", title_justify="left")
    for column in ("day", "type", "accuracy", "band"):
        over_time.add_column(column)
    for p in stats.timeline[-10:]:
        over_time.add_row(
            p.day.isoformat(), p.examType, "" if p.accuracy is None else f"{p.accuracy:.0%}",
            "" if p.band is None else f"{p.band:.1f}" + ("*" if p.bandEstimated else ""),
        )  # fmt: skip
    console.print(over_time)


def mistakes_tables(found: Sequence[Mistake], *, limit: int) -> None:
    from .mistakes import grouped
    from .scoring import REASONS

    if not found:
        note("No mistakes recorded yet.")
        return
    for (qtype, reason), group in grouped(found).items():
        table = Table(
            title=_text(f"{qtype.replace('_', ' ')}: {REASONS.get(reason, reason)} ({len(group)})"),
            title_justify="left",
        )
        for column in ("exam", "Q", "question", "you", "accepted"):
            table.add_column(column, overflow="fold")
        for m in group[:limit]:
            table.add_row(
                _text(m.examTitle),
                _text(m.questionId),
                _text(m.questionText),
                _text(m.yourAnswer or "—"),
                _text(m.accepted),
            )
        console.print(table)


def items_table(found: Sequence[ItemStats]) -> None:
    from .items import FLAG_TEXT

    if not found:
        note("No completed, marked attempts yet: item analysis needs some.")
        return
    table = Table(title=_text("Item analysis (facility: share right; discr.: r with the rest)"))
    for column in ("exam", "Q", "n", "facility", "discr.", "upper/lower", "common wrong", "flag"):
        table.add_column(column, overflow="fold")
    for item in found:
        wrong = ", ".join(f"{answer} ×{count}" for answer, count in item.wrongAnswers)
        table.add_row(
            _text(item.examTitle),
            _text(item.questionId),
            _text(str(item.attempts)),
            _text(f"{item.facility:.2f}"),
            _text("—" if item.discrimination is None else f"{item.discrimination:+.2f}"),
            _text(f"{item.upperFacility:.2f}/{item.lowerFacility:.2f}"),
            _text(wrong or "—"),
            _text("; ".join(item.flags), style="bold red" if item.flags else ""),
        )
    console.print(table)
    for item in found:
        for flag in item.flags:
            given = ", ".join(answer for answer, _ in item.upperWrongAnswers)
            extra = f" (key {item.key!r}; strong attempts wrote {given})" if given else ""
            warn(f"{item.examTitle} Q{item.questionId}: {FLAG_TEXT[flag]}{extra}")


def import_summary(report: ImportReport) -> None:
    console.print(
        _text(f"added {len(report.added)}, skipped {len(report.skipped)} (already there), "
             f"rejected {len(report.rejected)}")
    )  # fmt: skip
    for which, why in report.rejected:
        err_console.print(_text(f"rejected {which}: {why}", style="red"), soft_wrap=True)


class PageProgress(_Shown):
    """A progress bar over the pages of a clickthrough (on stderr)."""

    def __init__(self, total: int) -> None:
        from rich.progress import Progress  # (only while something is shown live)

        self._progress = Progress(console=err_console, transient=True)
        self._task = self._progress.add_task("Clickthrough", total=total)
        self._display = self._progress

    def advance(self, result: PageResult) -> None:
        mark = "pass" if result.ok else "FAIL"
        label = result.exam.label
        self._progress.update(self._task, advance=1, description=f"{mark} {label}")


def audit_table(results: Sequence[PageAudit]) -> None:
    table = Table(title="Exam pages", title_justify="left")
    for column in ("", "exam", "declared", "found", "key", "question types", "problems"):
        table.add_column(column, overflow="fold")
    for r in results:
        types = ", ".join(f"{t.replace('_', ' ')} {n}" for t, n in sorted(r.types.items()))
        table.add_row(
            _text("ok", style="green") if r.ok else _text("FAIL", style="bold red"),
            _text(r.exam.label),
            "?" if r.exam.questions is None else str(r.exam.questions),
            str(r.found),
            r.key_source or "none",
            _text(types),
            _text("\n".join(r.problems)),
        )
    console.print(table)


def explanation(result: PageAudit) -> None:
    """What the recorder saw on one page (``--explain``), as plain lines under its name."""
    console.print(_text(f"\n{result.exam.label}", style="bold"))
    for line in result.explained:
        console.print(_text("  " + line))


def clickthrough_table(results: Sequence[PageResult]) -> None:
    table = Table(title="Clickthrough", title_justify="left")
    for column in ("", "exam", "found", "key", "score", "page", "time", "problems"):
        table.add_column(column, overflow="fold")
    for r in results:
        table.add_row(
            _text("pass", style="green") if r.ok else _text("FAIL", style="bold red"),
            _text(r.exam.label),
            f"{r.found}/{'?' if r.exam.questions is None else r.exam.questions}",
            r.key_source or "none",
            "—" if r.score is None else f"{r.score}/{r.total}",
            "" if r.page_score is None else f"{r.page_score:g}",
            f"{r.seconds:.1f}s",
            _text("\n".join(r.problems)).append(
                "\n".join(["", *r.notes]) if r.notes else "", style="dim"
            ),
        )
    console.print(table)
    failed = sum(1 for r in results if not r.ok)
    style = "bold red" if failed else "bold green"
    console.print(_text(f"{len(results) - failed} passed, {failed} failed", style=style))


def explained_pages(results: Sequence[PageResult]) -> None:
    """``clickthrough -v``: what the recorder saw on each page, page by page."""
    for r in results:
        console.print(_text(r.exam.label, style="bold"))
        for line in r.explained or ["(the page never became ready: see its problems)"]:
            console.print(_text("  " + line, style="dim"))


def suite_panel(result: SuiteResult) -> None:
    """A whole test: a line per part, then the test's own result."""
    record = result.record
    table = Table(title=_text(f"{record.title}: parts"))
    for column in ("part", "status", "score", "time"):
        table.add_column(column)
    for part in record.parts or []:
        score = "unscored" if part.score is None else f"{part.score}/{part.totalQuestions}"
        table.add_row(_text(part.title), part.status, score, _clock(part.duration))
    console.print(table)
    if result.parts:
        result_panel(replace(result.parts[-1], record=record, records=[record]))


def result_panel(result: PracticeResult) -> None:
    """The attempt: its record, or on a page holding several tests each test's record."""
    for record in result.records or [result.record]:
        _record_panel(result, record)
    refused = result.stats.refused
    if refused:
        note(f"{refused} page message(s) refused: {dict(result.stats.rejected)}")


def _status_line(record: PracticeRecord) -> str:
    """The record's status, with why it was interrupted, or that the page's clock ended it."""
    line: str = record.status
    if record.metadata.interruptionReason:
        line += f": {record.metadata.interruptionReason}"
    if record.metadata.endedBy == "time_up":
        line += " (the page ended it: time ran out)"
    return line


def _record_panel(result: PracticeResult, record: PracticeRecord) -> None:
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    score = (
        "unscored (no answer key)"
        if record.score is None
        else f"{record.score}/{record.totalQuestions}"
    )
    accuracy = "" if record.accuracy is None else f"{record.accuracy:.0%}"
    band = ""
    if record.band is not None:
        band = f"{record.band:.1f}" + (
            " (estimate from a part test)" if record.metadata.bandEstimated else ""
        )
    rows: Iterable[tuple[str, str]] = (
        ("Exam", record.title),
        ("Status", _status_line(record)),
        ("Score", score),
        ("Accuracy", accuracy),
        ("Band", band),
        ("Time", _clock(record.duration)),
        ("Record", record.id),
        ("Stored in", str(result.data_dir)),
    )
    for label, value in rows:
        if value:
            table.add_row(label, _text(value))
    console.print(table)
    review_table(record, only_wrong=True)
