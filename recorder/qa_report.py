"""Clickthrough results as JUnit XML (for CI) and as one self-contained HTML page."""

from __future__ import annotations

import html
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from .clickthrough import PageResult
from .untrusted import markup_text


def junit_xml(results: Sequence[PageResult], suite: str = "ielts clickthrough") -> str:
    """One testcase per page; a failing page carries every problem in its failure element."""
    failures = sum(1 for r in results if not r.ok)
    root = ET.Element(
        "testsuite",
        name=suite,
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
        time=f"{sum(r.seconds for r in results):.3f}",
        timestamp=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    for result in results:
        case = ET.SubElement(
            root,
            "testcase",
            classname=f"clickthrough.{result.exam.type}",
            name=markup_text(result.exam.label),
            time=f"{result.seconds:.3f}",
        )
        if not result.ok:
            problems = [markup_text(p) for p in result.problems]  # a page's words are in them
            failure = ET.SubElement(case, "failure", message=problems[0], type="PageCheck")
            failure.text = "\n".join(problems)
        attached = [p for p in (result.screenshot, result.trace) if p is not None]
        if attached:
            out = ET.SubElement(case, "system-out")
            out.text = markup_text("\n".join(f"[[ATTACHMENT|{p}]]" for p in attached))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _html(text: str) -> str:
    return html.escape(markup_text(text))


STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
    "td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}"
    ".ok{color:#176b2c}.fail{color:#9b1c1c;font-weight:bold}ul{margin:0;padding-left:1.1rem}"
)


def html_report(results: Sequence[PageResult], where: Path) -> str:
    """A row per page with the failure details; links to traces and screenshots stay relative."""

    def link(path: Path | None, label: str) -> str:
        if path is None:
            return ""
        href = os.path.relpath(path.resolve(), where.parent.resolve())
        return f'<a href="{html.escape(href)}">{label}</a> '

    rows = []
    for r in results:
        status = '<span class="ok">pass</span>' if r.ok else '<span class="fail">FAIL</span>'
        problems = "".join(f"<li>{_html(p)}</li>" for p in r.problems)
        score = "—" if r.score is None else f"{r.score}/{r.total}"
        cells = [
            status,
            _html(r.exam.label),
            _html(r.exam.title),
            f"{'' if r.exam.questions is None else r.exam.questions} / {r.found}",
            _html(r.key_source or "none"),
            f"{score} (expected {'—' if r.expected is None else r.expected})",
            "" if r.page_score is None else f"{r.page_score:g}",
            f"{r.seconds:.1f}s",
            f"<ul>{problems}</ul>" + link(r.screenshot, "screenshot") + link(r.trace, "trace"),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    failed = sum(1 for r in results if not r.ok)
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "",
            "exam",
            "title",
            "declared / found",
            "key",
            "score",
            "page",
            "time",
            "problems",
        )
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>Clickthrough: {len(results) - failed} passed, {failed} failed</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>Clickthrough: {len(results) - failed} passed, {failed} failed</h1>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "</body></html>\n"
    )
