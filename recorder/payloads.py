"""What a listing command prints with ``--json``: plain data for scripts, shaped and written
without the console. Written as it is, byte for byte: text a page or a learner gave (a title,
an answer) reaches a script unchanged (rich's console would turn ``:smile:`` into an emoji), and
`ielts history --json` never loads rich (bench/cli_latency.py)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .audit import PageAudit
    from .catalog import Exam, Suite
    from .doctor import DoctorFinding
    from .history import History
    from .items import ItemStats
    from .mistakes import Mistake
    from .sessions import SessionInfo
    from .stats import Stats


def write(payload: object, *, ensure_ascii: bool = True) -> None:
    """One JSON document on stdout, as it is."""
    write_text(json.dumps(payload, ensure_ascii=ensure_ascii))


def write_text(text: str) -> None:
    """JSON text made elsewhere (a record's own serialization) on stdout, as it is."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def sessions(found: Sequence[SessionInfo]) -> list[dict[str, object]]:
    return [{"kind": i.kind, **i.session.model_dump(mode="json")} for i in found]


def doctor(findings: Sequence[DoctorFinding]) -> list[dict[str, object]]:
    return [{"file": str(f.path), "status": f.status, "detail": f.detail} for f in findings]


def exams(found: Sequence[Exam], suites: Sequence[Suite]) -> dict[str, object]:
    return {
        "exams": [exam.model_dump(mode="json") for exam in found],
        "tests": [suite.model_dump(mode="json") for suite in suites],
    }


def history(found: History) -> dict[str, object]:
    return {
        "completed": [r.model_dump(mode="json") for r in found.completed],
        "interrupted": [r.model_dump(mode="json") for r in found.interrupted],
    }


def stats(stats: Stats) -> dict[str, object]:
    return {
        "attempts": stats.attempts, "interrupted": stats.interrupted,
        "secondsPractised": round(stats.seconds_practised, 1),
        "currentStreak": stats.current_streak, "longestStreak": stats.longest_streak,
        "byExamType": {
            t: {"attempts": s.attempts, "earned": s.earned, "possible": s.possible,
                "accuracy": s.accuracy, "bestBand": s.best_band, "latestBand": s.latest_band}
            for t, s in stats.by_exam_type.items()
        },
        "questionTypes": {
            q: {"earned": e, "possible": p} for q, (e, p) in stats.question_types.items()
        },
        "timeline": [
            {"day": p.day.isoformat(), "type": p.examType, "accuracy": p.accuracy,
             "band": p.band, "bandEstimated": p.bandEstimated}
            for p in stats.timeline
        ],
        "best": [b.__dict__ for b in stats.best],
        "focus": stats.focus.__dict__ if stats.focus else None,
    }  # fmt: skip


def mistakes(found: Sequence[Mistake]) -> list[dict[str, object]]:
    return [dict(m.__dict__, when=m.when.isoformat(), explanation=m.explanation) for m in found]


def items(found: Sequence[ItemStats]) -> list[dict[str, object]]:
    return [asdict(item) for item in found]


def audit(results: Sequence[PageAudit]) -> list[dict[str, object]]:
    return [
        {"exam": r.exam.label, "declared": r.exam.questions, "found": r.found,
         "keySource": r.key_source, "types": dict(r.types), "problems": r.problems}
        for r in results
    ]  # fmt: skip
