"""One self-contained HTML report that works offline: the only module that imports matplotlib.

Charts are drawn by matplotlib as SVG and embedded inline (text drawn as paths, so no fonts or
files are needed). Every piece of learner-supplied text is escaped, and the page's Content
Security Policy forbids scripts altogether, so an answer such as ``<script>`` is shown as text.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .items import FLAG_TEXT, ItemStats, analyse  # noqa: E402
from .mistakes import Mistake, mistakes  # noqa: E402
from .record import PracticeRecord  # noqa: E402
from .stats import Stats, compute_stats  # noqa: E402

plt.rcParams.update({"svg.hashsalt": "ielts-report", "font.size": 9})
#: No scripts, no network: the report can only show itself.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
COLOURS = {"reading": "#2f6f8f", "listening": "#c0772b"}


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and doctype: inline SVG


def _label(text: str) -> str:
    # Chart labels come from page data (question types): keep them to plain words.
    return re.sub(r"[^A-Za-z0-9 ]+", " ", text.replace("_", " ")).strip()[:40] or "other"


def band_chart(stats: Stats) -> str:
    figure, (bands, accuracy) = plt.subplots(1, 2, figsize=(9, 3))
    for exam_type, colour in COLOURS.items():
        points = [p for p in stats.timeline if p.examType == exam_type]
        if not points:
            continue
        xs = list(range(1, len(points) + 1))
        bands.plot(xs, [p.band for p in points], "o-", color=colour, label=exam_type)
        accuracy.plot(
            xs, [100 * (p.accuracy or 0) for p in points], "o-", color=colour, label=exam_type
        )
    bands.set(title="Band over time", xlabel="attempt", ylim=(0, 9.5))
    accuracy.set(title="Accuracy over time (%)", xlabel="attempt", ylim=(0, 105))
    for axes in (bands, accuracy):
        axes.grid(alpha=0.3)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        if axes.get_legend_handles_labels()[0]:
            axes.legend()
    return _svg(figure)


def question_type_chart(stats: Stats) -> str:
    items = sorted(stats.question_types.items(), key=lambda kv: kv[1][0] / max(1, kv[1][1]))
    figure, axes = plt.subplots(figsize=(9, 0.45 * max(3, len(items)) + 0.8))
    labels = [_label(qtype) for qtype, _ in items]
    values = [100 * earned / max(1, possible) for _, (earned, possible) in items]
    bars = axes.barh(labels, values, color="#2f6f8f")
    for bar, (_, (earned, possible)) in zip(bars, items, strict=True):
        axes.text(
            bar.get_width() + 1,
            bar.get_y() + bar.get_height() / 2,
            f"{earned}/{possible}",
            va="center",
        )
    axes.set(title="Marks by question type (%)", xlim=(0, 110))
    return _svg(figure)


def time_chart(records: Sequence[PracticeRecord]) -> str:
    spent: dict[str, list[float]] = {}
    for record in records:
        for answer in record.answers:
            if answer.timeSpent:
                spent.setdefault(_label(answer.questionType), []).append(answer.timeSpent)
    figure, axes = plt.subplots(figsize=(9, 3))
    names = sorted(spent)
    axes.bar(names, [sum(spent[n]) / len(spent[n]) for n in names], color="#c0772b")
    axes.set(title="Average seconds per question, by question type")
    axes.tick_params(axis="x", labelrotation=20)
    return _svg(figure)


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem}
.card b{display:block;font-size:1.4rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border-bottom:1px solid #eee;padding:.3rem .4rem;text-align:left;vertical-align:top}
figure{margin:1rem 0}svg{max-width:100%;height:auto}
"""


def write_report(records: Iterable[PracticeRecord], target: Path, *, today: date) -> Path:
    """Build the report from ``records`` and write it to ``target``."""
    kept = list(records)
    page = render(kept, compute_stats(kept, today=today), mistakes(kept))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target


def item_chart(items: Sequence[ItemStats]) -> str:
    """Facility against discrimination, one point per question; flagged ones marked."""
    figure, axes = plt.subplots(figsize=(9, 4))
    plain = [i for i in items if not i.flags and i.discrimination is not None]
    axes.scatter(
        [i.facility for i in plain], [i.discrimination or 0 for i in plain],
        color="#2f6f8f", label="question",
    )  # fmt: skip
    flagged = [i for i in items if i.flags]
    axes.scatter(
        [i.facility for i in flagged], [i.discrimination or 0 for i in flagged],
        color="#c0392b", marker="x", s=80, label="flagged",
    )  # fmt: skip
    for item in flagged:
        axes.annotate(f"Q{item.questionId}", (item.facility, item.discrimination or 0))
    axes.axhline(0, color="#999", linewidth=0.8)
    axes.set(
        title="Questions: facility vs discrimination", xlabel="facility (share right)",
        ylabel="discrimination (r)", xlim=(-0.05, 1.05), ylim=(-1.05, 1.05),
    )  # fmt: skip
    axes.grid(alpha=0.3)
    if items:
        axes.legend()
    return _svg(figure)


def _items_section(items: Sequence[ItemStats]) -> str:
    if not items:
        return "<p>No completed, marked attempts yet.</p>"
    flagged = _table(
        ("exam", "Q", "attempts", "facility", "flag", "key", "strong attempts wrote"),
        [
            (i.examTitle, i.questionId, str(i.attempts), f"{i.facility:.2f}",
             "; ".join(FLAG_TEXT[f] for f in i.flags), i.key,
             ", ".join(a for a, _ in i.upperWrongAnswers))
            for i in items if i.flags
        ],
    )  # fmt: skip
    return f'<figure data-chart="items">{item_chart(items)}</figure>{flagged}'


def render(records: Sequence[PracticeRecord], stats: Stats, found: Sequence[Mistake]) -> str:
    completed = [r for r in records if r.status == "completed"]
    cards = [
        ("attempts", str(stats.attempts)),
        ("time practised", _hours(stats.seconds_practised)),
        ("current streak", f"{stats.current_streak} d"),
        ("longest streak", f"{stats.longest_streak} d"),
    ]
    for exam_type, summary in sorted(stats.by_exam_type.items()):
        if summary.latest_band is not None:
            cards.append((f"latest {exam_type} band", f"{summary.latest_band:.1f}"))
    card_html = "".join(
        f'<div class="card">{html.escape(label)}<b>{html.escape(value)}</b></div>'
        for label, value in cards
    )
    charts = ""
    if completed:
        charts = (
            f'<figure data-chart="bands">{band_chart(stats)}</figure>'
            f'<figure data-chart="question-types">{question_type_chart(stats)}</figure>'
            f'<figure data-chart="time">{time_chart(completed)}</figure>'
        )
    recent = _table(
        ("when", "exam", "Q", "your answer", "accepted", "why", "question"),
        [
            (f"{m.when.astimezone():%Y-%m-%d}", m.examTitle, m.questionId, m.yourAnswer or "—",
             m.accepted, m.explanation, m.questionText)
            for m in found[:30]
        ],
    )  # fmt: skip
    attempts = _table(
        ("when", "exam", "status", "score", "band"),
        [
            (f"{r.startTime.astimezone():%Y-%m-%d %H:%M}", r.title, r.status,
             "—" if r.score is None else f"{r.score}/{r.totalQuestions}",
             "" if r.band is None else f"{r.band:.1f}")
            for r in sorted(records, key=lambda r: r.startTime, reverse=True)[:30]
        ],
    )  # fmt: skip
    made = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>IELTS practice report</title><style>{STYLE}</style></head>
<body><h1>IELTS practice report</h1><p>Made {html.escape(made)} from {len(records)} attempts.
Interrupted attempts count as practice time, never in scores.</p>
<div class="cards">{card_html}</div>
<h2>Progress</h2>{charts or "<p>No completed attempts yet.</p>"}
<h2>Recent mistakes</h2>{recent}
<h2>Questions across attempts</h2>{_items_section(analyse(records))}
<h2>Recent attempts</h2>{attempts}
</body></html>
"""
