"""What each ``ielts`` command does, once ``recorder/cli.py`` has read its command line.

Each function imports what it uses when it runs: `ielts --help` loads none of it, `ielts
history` loads the store and the console but never the browser, the catalog or the charts
(bench/cli_latency.py). A function returns the command's exit code (0 or None for success) and
raises :class:`UsageError` for a value the command line should not have held.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .config import data_dir as resolve_data_dir
from .errors import UsageError

if TYPE_CHECKING:
    from .catalog import Catalog
    from .clickthrough import PageResult
    from .exam import Exam
    from .library import LibrarySource
    from .practice import PracticeOptions
    from .store import Store
    from .sync import SyncReport

#: How a command asks the learner to confirm (typer's prompt, given by the CLI).
Confirm = Callable[[str, bool], bool]


# ------------------------------------------------------------------------------ shared
def open_catalog(
    data_dir: Path | None = None, extra: LibrarySource | None = None, extra_at: Path | None = None
) -> Catalog:
    """Our library, the libraries remembered in the settings and ``extra`` (opened already from
    ``extra_at``: the remembered path of it is not opened a second time)."""
    from .catalog import Catalog
    from .settings import library_paths

    paths = library_paths(resolve_data_dir(data_dir))
    if extra_at is not None:
        paths = [p for p in paths if p.expanduser().resolve() != extra_at.expanduser().resolve()]
    libraries: list[Path | LibrarySource] = [*paths]
    return Catalog(libraries=[*libraries, extra] if extra is not None else libraries)


def _store(data_dir: Path | None) -> Store:
    """The store as it is: no orphan recovery (doctor, and the LRS after a session)."""
    from .store import Store

    return Store(resolve_data_dir(data_dir))


def open_store(data_dir: Path | None) -> Store:
    """The store, after turning sessions whose recorder died into resumable interrupted ones."""
    from .errors import StoreError
    from .sessions import recover_orphans

    store = _store(data_dir)
    try:
        recovered = recover_orphans(store, lambda: open_catalog(data_dir))
    except StoreError as exc:  # a full disk: reads go on, and the orphans wait for the next run
        from . import console

        console.warn(f"Sessions of a recorder that died could not be recorded yet: {exc}")
        return store
    if recovered:  # the console only when there is something to say
        from . import console

        for record in recovered:
            console.orphan_notice(record)
    return store


def chosen_marking(marking: str | None, data_dir: Path | None) -> str:
    """The marking chosen on the command line or in the settings, checked."""
    from .scoring import MARKING_MODES
    from .settings import marking_of

    chosen = marking_of(resolve_data_dir(data_dir), marking)
    if chosen not in MARKING_MODES:
        where = (
            "--marking" if marking else f"'marking' in {resolve_data_dir(data_dir)}/settings.json"
        )
        raise UsageError(f"{where} is {chosen!r}: use {' or '.join(MARKING_MODES)}")
    return chosen


def practice_options(
    *,
    headless: bool,
    autoplay: str | None,
    no_submit: bool,
    slowmo: float,
    browser: str | None,
    inactivity: float,
    autosave: float,
    data_dir: Path | None,
    marking: str | None = None,
    verbose: bool = False,
) -> PracticeOptions:
    from . import console
    from .autoplay import Strategy
    from .chromium import has_display
    from .practice import PracticeOptions

    strategy = Strategy.parse(autoplay) if autoplay else None
    chosen = chosen_marking(marking, data_dir)
    if not headless and not has_display():
        console.note("No display found: running headless.")
        headless = True
    if not headless and strategy is None:
        console.note("Answer in the browser and press the page's submit button when you finish.")
        console.note("Press p here to pause and resume.")
    return PracticeOptions(
        headless=headless,
        autoplay=strategy,
        submit=not no_submit,
        slowmo_ms=slowmo,
        browser_path=browser,
        data_dir=data_dir,
        inactivity_minutes=inactivity,
        autosave_seconds=autosave,
        pause_key=sys.stdin.isatty(),
        marking=chosen,
        verbose=verbose,
    )


# ------------------------------------------------------------------------- practising
def practice(
    exam: str | None,
    suite: str | None,
    data_dir: Path | None,
    options: Callable[[], PracticeOptions],
    *,
    send: bool,
) -> None:
    """Record one exam, or a whole test; the options are made once the exam is found."""
    from . import console
    from .suite import run_suite

    if (exam is None) == (suite is None):
        raise UsageError("give an exam, or a whole test with --suite TEST_ID (not both)")
    catalog = open_catalog(data_dir)
    whole = catalog.suite(suite) if suite is not None else None
    exam_info = catalog.resolve(exam) if exam is not None else None
    open_store(data_dir)
    if whole is not None:
        with console.LiveProgress(time_limit_s=whole.timeLimit * 60.0) as live:
            result = run_suite(whole, catalog, options(), observer=live)
        console.suite_panel(result)
        if send:
            send_to_lrs(_store(data_dir), None, quiet=True)
    elif exam_info is not None:
        record_session(exam_info, options(), send=send)


def resume(
    session: str | None,
    data_dir: Path | None,
    confirm: Confirm | None,
    options: Callable[[], PracticeOptions],
) -> int:
    """Resume the session named (or the newest), once the learner said yes; 1 if they said no."""
    from dataclasses import replace

    from . import console
    from .sessions import exam_of, find_resumable

    store = open_store(data_dir)
    saved = find_resumable(store, session)
    exam = exam_of(saved, open_catalog(data_dir))
    console.session_summary(saved)
    if confirm is not None and not confirm("Resume this session?", True):
        return 1
    record_session(exam, replace(options(), resume=saved))
    return 0


def record_session(exam: Exam, options: PracticeOptions, *, send: bool = False) -> None:
    from . import console
    from .practice import practice

    limit = exam.timeLimit * 60.0 if exam.timeLimit else None
    with console.LiveProgress(time_limit_s=limit) as live:
        result = practice(exam, options, observer=live)
    console.result_panel(result)
    if send:  # the record is stored already: a failure here costs nothing but a retry later
        send_to_lrs(_store(options.data_dir), None, quiet=True)


def sessions(as_json: bool, data_dir: Path | None) -> None:
    from .sessions import list_sessions

    found = list_sessions(open_store(data_dir))
    if as_json:
        from . import payloads

        payloads.write(payloads.sessions(found))
        return
    from . import console

    console.sessions_table(found)


def clear_sessions(data_dir: Path | None, confirm: Confirm | None) -> int:
    from . import console
    from .sessions import clear_sessions, list_sessions

    store = open_store(data_dir)
    found = [i for i in list_sessions(store) if i.kind != "active"]
    if not found:
        console.note("No interrupted sessions.")
        return 0
    if confirm is not None and not confirm(f"Forget {len(found)} interrupted session(s)?", False):
        return 1
    console.note(f"Cleared {clear_sessions(store, open_catalog(data_dir))} session(s).")
    return 0


def browser(install: bool) -> None:
    from . import console
    from .chromium import find_browser, install_browser

    path = install_browser(echo=console.note) if install else find_browser()
    console.console.print(str(path))


# --------------------------------------------------------------------------- records
def doctor(as_json: bool, data_dir: Path | None) -> int:
    findings = _store(data_dir).doctor()
    if as_json:
        from . import payloads

        payloads.write(payloads.doctor(findings))
    else:
        from . import console

        console.doctor_table(findings)
    return 1 if any(f.status == "corrupt" for f in findings) else 0


def history(
    *, type: str | None, exam: str | None, status: str | None, since: str | None,
    until: str | None, limit: int, as_json: bool, data_dir: Path | None,
) -> None:  # fmt: skip
    from .history import HistoryFilter, history, parse_day

    try:
        wanted = HistoryFilter(
            type=type, exam=exam, status=status, since=parse_day(since), until=parse_day(until),
            limit=limit,
        )  # fmt: skip
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    found = history(open_store(data_dir).summaries(), wanted)
    if as_json:
        from . import payloads

        payloads.write(payloads.history(found))
        return
    from . import console

    console.history_tables(found)


def stats(as_json: bool, data_dir: Path | None) -> None:
    from datetime import date

    from .stats import compute_stats

    stats = compute_stats(open_store(data_dir).records(), today=date.today())
    if as_json:
        from . import payloads

        payloads.write(payloads.stats(stats))
        return
    from . import console

    console.stats_tables(stats)


def items(exam: str | None, min_attempts: int, as_json: bool, data_dir: Path | None) -> None:
    from .items import analyse

    found = analyse(open_store(data_dir).records(), exam=exam, min_attempts=min_attempts)
    if as_json:
        from . import payloads

        payloads.write(payloads.items(found), ensure_ascii=False)
        return
    from . import console

    console.items_table(found)


def mistakes(
    *, csv_file: Path | None, anki_file: Path | None, deck: str, limit: int, as_json: bool,
    data_dir: Path | None,
) -> None:  # fmt: skip
    from . import console
    from .mistakes import mistakes, to_anki
    from .mistakes import to_csv as mistakes_csv

    found = mistakes(open_store(data_dir).records())
    if csv_file is not None:
        csv_file.write_text(mistakes_csv(found), encoding="utf-8")
        console.note(f"Wrote {len(found)} mistakes to {csv_file}")
    if anki_file is not None:
        text = to_anki(found, deck=deck)
        anki_file.write_text(text, encoding="utf-8")
        cards = sum(1 for line in text.splitlines() if not line.startswith("#"))
        console.note(
            f"Wrote {cards} cards to {anki_file} (Anki: File > Import; importing again "
            "updates these cards)"
        )
    if as_json:
        from . import payloads

        payloads.write(payloads.mistakes(found))
        return
    console.mistakes_tables(found, limit=limit)


def report(output: Path | None, open_it: bool, data_dir: Path | None) -> None:
    import webbrowser
    from datetime import date, datetime

    from . import console
    from .report import write_report

    store = open_store(data_dir)
    records = console.with_progress(store.records(), store.count_records(), "Reading attempts")
    target = output or store.root / "reports" / f"report-{datetime.now():%Y%m%d-%H%M%S}.html"
    written = write_report(records, target, today=date.today())
    console.note(f"Report written to {written}")
    if open_it:
        webbrowser.open(written.resolve().as_uri())


def show(record_id: str, as_json: bool, data_dir: Path | None) -> None:
    from .errors import RecordNotFound

    record = open_store(data_dir).get_record(record_id)
    if record is None:
        raise RecordNotFound(f"no record {record_id!r} in {resolve_data_dir(data_dir)}")
    if as_json:
        from . import payloads

        payloads.write_text(record.model_dump_json())
        return
    from . import console

    console.review_table(record)


def export(
    format: str, output: Path | None, name: str | None, home_page: str, data_dir: Path | None
) -> None:
    from . import console
    from .exports import export
    from .settings import actor_of
    from .xapi import account_actor

    store = open_store(data_dir)
    records = console.with_progress(
        store.records(), store.count_records(), "Exporting", quiet=output is None
    )
    actor = account_actor(name, home_page) if name else actor_of(store.root)
    data = export(records, format, actor=actor)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        console.note(f"Wrote {output}")


def import_file(file: Path, data_dir: Path | None) -> int:
    from . import console
    from .exports import import_records

    store = open_store(data_dir)
    report = console.run_with_progress(
        lambda advance: import_records(file, store, progress=advance), "Importing"
    )
    console.import_summary(report)
    return 1 if report.rejected else 0


# -------------------------------------------------------------------------------- LRS
def send_to_lrs(
    store: Store, url: str | None, *, dry_run: bool = False, batch: int | None = None,
    quiet: bool = False,
) -> SyncReport | None:  # fmt: skip
    """Send what the LRS lacks; with ``quiet`` (after a session) a failure is a warning."""
    from . import console
    from .config import BATCH
    from .errors import LrsError
    from .lrs import Client, endpoint
    from .settings import actor_of, lrs_of
    from .sync import SentLog, sync

    config = lrs_of(store.root, url)
    try:
        client = Client(endpoint(config.url, config.username, config.password))
    except LrsError as exc:
        if not quiet:
            raise
        console.warn(f"Not sent to an LRS: {exc}")
        return None
    report = console.run_with_progress(
        lambda advance: sync(
            store.records(), SentLog(store.root), client, actor_of(store.root),
            batch=batch or BATCH, dry_run=dry_run, progress=advance,
        ),
        "Sending statements",
    )  # fmt: skip
    console.sync_summary(report)
    return report


def sync(lrs: str | None, dry_run: bool, batch: int, data_dir: Path | None) -> int:
    report = send_to_lrs(open_store(data_dir), lrs, dry_run=dry_run, batch=batch)
    return 1 if report is not None and report.error is not None else 0


def configure_lrs(
    *, url: str | None, username: str | None, password_stdin: bool, mbox: str | None,
    account: str | None, home_page: str, name: str | None, data_dir: Path | None,
) -> None:  # fmt: skip
    from . import console
    from .settings import actor_of, configure_lrs, lrs_of

    root = resolve_data_dir(data_dir)
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        configured = configure_lrs(
            root, url=url, username=username, password=password,
            mbox=mbox, account=account, home_page=home_page, name=name,
        )  # fmt: skip
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    console.lrs_settings(lrs_of(root), actor_of(root), changed=configured)


# ----------------------------------------------------------------------- the library
def exams(
    *, type: str | None, module: str | None, as_json: bool, library: Path | None,
    data_dir: Path | None, listing: bool,
) -> None:  # fmt: skip
    from .library import open_library
    from .settings import remember_library

    source = None
    if library is not None:
        source = open_library(library)  # checked before it is remembered
        if remember_library(resolve_data_dir(data_dir), library):
            from . import console

            console.note(f"Library added: {source.name} ({len(source.exams())} exams)")
    if listing:
        catalog = open_catalog(data_dir, source, library)
        chosen = catalog.filter(type=type, module=module)
        suites = [
            s for s in catalog.suites if type in (None, s.type) and module in (None, s.module)
        ]
        if as_json:
            from . import payloads

            payloads.write(payloads.exams(chosen, suites))
        else:
            from . import console

            console.exams_table(chosen, suites)


def check_exams(exams: list[str], as_json: bool, browser: str | None, explain: bool) -> int:
    from . import console
    from .audit import audit
    from .browser import LaunchOptions
    from .catalog import select_exams

    chosen = select_exams(exams, open_catalog())
    results = audit(chosen, LaunchOptions(headless=True, browser_path=browser), explain=explain)
    if as_json:
        from . import payloads

        payloads.write(payloads.audit(results))
    else:
        console.audit_table(results)
        if explain:
            for result in results:
                console.explanation(result)
    return 1 if any(not r.ok for r in results) else 0


def clickthrough(
    targets: list[str], *, strategy: str, workers: int, processes: int, trace: str,
    screenshot: str, artifacts: Path, db: Path | None, shard: str | None, connect: str | None,
    browser: str | None, library: Path | None, verbose: bool, marking: str | None,
    junit: Path | None, html_file: Path | None,
) -> int:  # fmt: skip
    """Run the pages named (or the library's) headless and check each; 1 when any fails."""
    from . import console
    from .autoplay import Strategy
    from .catalog import select_exams
    from .catalog import shard as slice_of
    from .clickthrough import ClickOptions, run_clickthrough
    from .library import open_library

    _check_click_options(trace, screenshot, processes, workers)
    source = open_library(library) if library is not None else None
    catalog = open_catalog(extra=source)
    exams = catalog.library(source) if source is not None and not targets else None
    exams = exams if exams is not None else select_exams(targets, catalog)
    if shard:
        exams = slice_of(exams, shard)
    options = ClickOptions(
        strategy=Strategy.parse(strategy), db=db or resolve_data_dir(None) / "clickthrough",
        workers=workers, processes=processes, trace=trace, screenshot=screenshot,  # type: ignore[arg-type]
        artifacts=artifacts, connect=connect, browser_path=browser, verbose=verbose,
        marking=chosen_marking(marking, None),
    )  # fmt: skip
    with console.PageProgress(len(exams)) as progress:
        results = run_clickthrough(exams, options, on_result=progress.advance)
    return _report_pages(results, verbose=verbose, junit=junit, html_file=html_file)


def _check_click_options(trace: str, screenshot: str, processes: int, workers: int) -> None:
    if trace not in ("off", "on", "retain-on-failure"):
        raise UsageError("--trace takes off, on or retain-on-failure")
    if screenshot not in ("off", "on", "only-on-failure"):
        raise UsageError("--screenshot takes off, on or only-on-failure")
    if processes > workers:
        raise UsageError(
            f"--processes {processes} is more than --workers {workers}: each process runs at "
            "least one page at a time"
        )


def _report_pages(
    results: list[PageResult], *, verbose: bool, junit: Path | None, html_file: Path | None
) -> int:
    """A QA run's results: the table, what was seen (-v), JUnit XML and HTML; 1 on a fail."""
    from . import console
    from .qa_report import html_report, junit_xml

    console.clickthrough_table(results)
    if verbose:
        console.explained_pages(results)
    if junit is not None:
        junit.parent.mkdir(parents=True, exist_ok=True)
        junit.write_text(junit_xml(results), encoding="utf-8")
        console.note(f"JUnit XML: {junit}")
    if html_file is not None:
        html_file.parent.mkdir(parents=True, exist_ok=True)
        html_file.write_text(html_report(results, html_file), encoding="utf-8")
        console.note(f"HTML report: {html_file}")
    return 1 if not results or any(not r.ok for r in results) else 0
