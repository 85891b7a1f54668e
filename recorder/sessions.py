"""Sessions that did not end with a submit: listing, recovering orphans, preparing a resume.

An *active* session belongs to a running recorder (its pid is alive). An *orphan* is an active
session whose recorder died without cleaning up (SIGKILL, power loss): the next ``ielts`` command
turns it into an interrupted record, answers included, and says how to resume it. *Interrupted*
sessions are kept until they are resumed or cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import CatalogError, ExamNotFound, SessionError
from .liveness import owner_alive
from .record import ActiveSession, PracticeRecord
from .session import Session, answered_count
from .store import Store

# Every command looks for orphans, and there rarely is one: what recording one takes (the
# catalog, marking, the record builder) is imported when there is.
if TYPE_CHECKING:
    from .catalog import Catalog, Exam
    from .scoring import MarkingRules


@dataclass(frozen=True)
class SessionInfo:
    session: ActiveSession
    kind: str  # "active", "orphan" or "interrupted"

    @property
    def answered(self) -> int:
        return answered_count(self.session.answers)


def list_sessions(store: Store) -> list[SessionInfo]:
    """Active, orphaned and interrupted sessions, newest first within each kind."""
    found = [
        SessionInfo(s, "active" if owner_alive(s.pid, s.pidStart, s.updatedAt) else "orphan")
        for s in store.active_sessions()
    ]
    found += [SessionInfo(s, "interrupted") for s in store.interrupted_sessions()]
    order = {"active": 0, "orphan": 1, "interrupted": 2}
    return sorted(found, key=lambda i: (order[i.kind], -i.session.updatedAt.timestamp()))


def exam_of(saved: ActiveSession, catalog: Catalog) -> Exam:
    """The exam a saved session was on: from the library, else from its URL."""
    try:
        return catalog.get(saved.examId)
    except ExamNotFound:
        return catalog.resolve(saved.url)


def _chosen_rules(store: Store) -> MarkingRules:
    """The marking the settings choose; lenient where they cannot be read (recovery never
    fails for want of a setting)."""
    from .scoring import LENIENT, marking_rules
    from .settings import marking_of

    try:
        return marking_rules(marking_of(store.root))
    except (CatalogError, ValueError):
        return LENIENT


def recover_orphans(store: Store, catalog: Catalog | Callable[[], Catalog]) -> list[PracticeRecord]:
    """Turn every orphaned session into an interrupted record and a resumable session. A
    session whose page has moved or gone is recorded too (under the title and address it had):
    its answers are the learner's, whatever became of the page. ``catalog`` may be a function
    that opens it: it is called only when there is an orphan (every command checks)."""
    records = []
    for info in list_sessions(store):
        if info.kind != "orphan":
            continue
        if callable(catalog):
            catalog = catalog()
        saved = info.session
        session = _revived(saved)
        session.interrupt("the recorder was killed or crashed")
        records += _write_up(store, catalog, saved, session)
        store.mark_interrupted(session.snapshot().model_copy(update={"pid": None}))
    return records


def _revived(saved: ActiveSession) -> Session:
    return Session(
        saved.sessionId, exam_id=saved.examId, title=saved.title, url=saved.url,
        resume_from=saved, resumed_now=False,
    )  # fmt: skip


def _write_up(
    store: Store, catalog: Catalog, saved: ActiveSession, session: Session
) -> list[PracticeRecord]:
    """The records of a session that ended without its recorder."""
    from .attempt import build_records
    from .exam import standin_exam

    try:
        exam = exam_of(saved, catalog)
    except (ExamNotFound, CatalogError):
        exam = standin_exam(saved.examId, saved.title, saved.url)
    # a test of a page holding several that was submitted is stored already
    records = build_records(
        session, exam, key=saved.answerKey, key_source=saved.keySource,
        done=saved.submittedTests, rules=_chosen_rules(store),
    )  # fmt: skip
    for record in records:
        store.save_record(record)
    return records


def find_resumable(store: Store, session_id: str | None) -> ActiveSession:
    """The interrupted session to resume: the one named, or the newest."""
    interrupted = [i.session for i in list_sessions(store) if i.kind in ("interrupted", "orphan")]
    if session_id is None:
        if not interrupted:
            raise SessionError("there is no interrupted session to resume")
        return interrupted[0]
    for saved in interrupted:
        if saved.sessionId == session_id or saved.sessionId.startswith(session_id):
            return saved
    known = ", ".join(s.sessionId for s in interrupted) or "none"
    raise SessionError(f"no interrupted session {session_id!r}; interrupted sessions: {known}")


def clear_sessions(store: Store, catalog: Catalog) -> int:
    """Forget every interrupted and orphaned session, once each is a record: an orphan becomes
    an interrupted record first, and an interrupted session whose record is missing gets one."""
    recover_orphans(store, catalog)
    for saved in store.interrupted_sessions():
        if store.get_record(saved.sessionId) is None and not saved.submittedTests:
            session = _revived(saved)
            session.interrupt(saved.transitions[-1].reason or "interrupted")
            _write_up(store, catalog, saved, session)
    return store.clear_sessions(keep_pids_alive=True)
