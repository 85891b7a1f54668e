"""The ``ielts`` command: parses, calls one library function, renders. No logic lives here."""

from __future__ import annotations

import logging
import sys
import webbrowser
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import console
from .catalog import Catalog, Exam, select_exams, shard
from .config import data_dir as resolve_data_dir
from .errors import LrsError, RecorderError, RecordNotFound, StoreError
from .exports import export, import_records
from .history import HistoryFilter, history, parse_day
from .items import MIN_ATTEMPTS, analyse
from .library import LibrarySource, open_library
from .lrs import Client, endpoint
from .mistakes import ANKI_DECK, mistakes, to_anki
from .mistakes import to_csv as mistakes_csv
from .scoring import MARKING_MODES
from .sessions import clear_sessions, exam_of, find_resumable, list_sessions, recover_orphans
from .settings import (
    DEFAULT_HOME_PAGE,
    actor_of,
    configure_lrs,
    library_paths,
    lrs_of,
    marking_of,
    remember_library,
)
from .stats import compute_stats
from .store import Store
from .sync import BATCH, SentLog, SyncReport, sync
from .xapi import account_actor

# The browser, the recorder's session machinery and the charts are imported by the commands that
# use them, inside those commands: `ielts history` or `ielts exams` never load Playwright or
# matplotlib (bench/cli_latency.py).
if TYPE_CHECKING:
    from .clickthrough import PageResult
    from .practice import PracticeOptions

app = typer.Typer(
    name="ielts",
    help="Record, score and keep your IELTS practice attempts.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
sessions_app = typer.Typer(
    help="Sessions that did not end with a submit.", invoke_without_command=True
)
app.add_typer(sessions_app, name="sessions")
exams_app = typer.Typer(help="The exam library.", invoke_without_command=True)
app.add_typer(exams_app, name="exams")

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Where records are kept (default: $IELTS_RECORDER_DATA, else the platform's).",
    ),
]
Headless = Annotated[bool, typer.Option("--headless", help="Hide the browser window.")]
Autoplay = Annotated[
    str | None,
    typer.Option(help="Play a scripted learner: key, blank, random[:SEED] or answers:FILE."),
]
NoSubmit = Annotated[
    bool,
    typer.Option("--no-submit", help="With --autoplay: answer, then wait instead of submitting."),
]
Slowmo = Annotated[
    float,
    typer.Option("--slowmo", help="Slow every browser action by MS milliseconds.", metavar="MS"),
]
BrowserPath = Annotated[
    str | None, typer.Option("--browser", help="Chromium or Chrome executable to drive.")
]
Inactivity = Annotated[
    float, typer.Option(help="Minutes without activity before the session times out.")
]
Autosave = Annotated[float, typer.Option(help="Seconds between periodic autosaves.")]
Marking = Annotated[
    str | None,
    typer.Option(
        help="Marking rules: lenient (T/F/NG accepted) or strict (words in full). "
        "Default: the settings' 'marking', else lenient.",
    ),
]


def _record_session(exam: Exam, options: PracticeOptions, *, send: bool = False) -> None:
    from .practice import practice

    limit = exam.timeLimit * 60.0 if exam.timeLimit else None
    with console.LiveProgress(time_limit_s=limit) as live:
        result = practice(exam, options, observer=live)
    console.result_panel(result)
    if send:  # the record is stored already: a failure here costs nothing but a retry later
        _send_to_lrs(Store(resolve_data_dir(options.data_dir)), None, quiet=True)


def _send_to_lrs(
    store: Store, url: str | None, *, dry_run: bool = False, batch: int = BATCH, quiet: bool = False
) -> SyncReport | None:
    """Send what the LRS lacks; with ``quiet`` (after a session) a failure is a warning."""
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
            batch=batch, dry_run=dry_run, progress=advance,
        ),
        "Sending statements",
    )  # fmt: skip
    console.sync_summary(report)
    return report


def open_catalog(
    data_dir: Path | None = None, extra: LibrarySource | None = None, extra_at: Path | None = None
) -> Catalog:
    """Our library, the libraries remembered in the settings and ``extra`` (opened already from
    ``extra_at``: the remembered path of it is not opened a second time)."""
    paths = library_paths(resolve_data_dir(data_dir))
    if extra_at is not None:
        paths = [p for p in paths if p.expanduser().resolve() != extra_at.expanduser().resolve()]
    libraries: list[Path | LibrarySource] = [*paths]
    return Catalog(libraries=[*libraries, extra] if extra is not None else libraries)


def open_store(data_dir: Path | None) -> Store:
    """The store, after turning sessions whose recorder died into resumable interrupted ones."""
    store = Store(resolve_data_dir(data_dir))
    try:
        recovered = recover_orphans(store, lambda: open_catalog(data_dir))
    except StoreError as exc:  # a full disk: reads go on, and the orphans wait for the next run
        console.warn(f"Sessions of a recorder that died could not be recorded yet: {exc}")
        recovered = []
    for record in recovered:
        console.orphan_notice(record)
    return store


def _options(
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
) -> PracticeOptions:
    from .autoplay import Strategy
    from .chromium import has_display
    from .practice import PracticeOptions

    strategy = Strategy.parse(autoplay) if autoplay else None
    chosen = _marking(marking, data_dir)
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
    )


def _marking(marking: str | None, data_dir: Path | None) -> str:
    """The marking chosen on the command line or in the settings, checked."""
    chosen = marking_of(resolve_data_dir(data_dir), marking)
    if chosen not in MARKING_MODES:
        where = (
            "--marking" if marking else f"'marking' in {resolve_data_dir(data_dir)}/settings.json"
        )
        raise typer.BadParameter(f"{where} is {chosen!r}: use {' or '.join(MARKING_MODES)}")
    return chosen


@app.command("practice")
def practice_command(
    exam: Annotated[
        str | None,
        typer.Argument(help="An exam id from 'ielts exams', or a path or URL of a practice page."),
    ] = None,
    suite: Annotated[
        str | None,
        typer.Option(
            "--suite",
            help="A whole test from 'ielts exams' (its parts in one window, one countdown).",
        ),
    ] = None,
    headless: Headless = False,
    autoplay: Autoplay = None,
    no_submit: NoSubmit = False,
    slowmo: Slowmo = 0,
    browser: BrowserPath = None,
    inactivity: Inactivity = 30,
    autosave: Autosave = 30,
    data_dir: DataDir = None,
    marking: Marking = None,
    verbose: Annotated[
        bool,
        typer.Option("-v", "--verbose", help="Say what the recorder saw on the page once ready."),
    ] = False,
    send: Annotated[
        bool,
        typer.Option("--sync", help="Send the attempt to the LRS (see 'ielts sync') once it ends."),
    ] = False,
) -> None:
    """Open an exam in Chromium, record the attempt, and print the score when you submit."""
    from .suite import run_suite

    if (exam is None) == (suite is None):
        raise typer.BadParameter("give an exam, or a whole test with --suite TEST_ID (not both)")
    catalog = open_catalog(data_dir)
    whole = catalog.suite(suite) if suite is not None else None
    exam_info = catalog.resolve(exam) if exam is not None else None
    open_store(data_dir)
    options = _options(
        headless=headless, autoplay=autoplay, no_submit=no_submit, slowmo=slowmo, browser=browser,
        inactivity=inactivity, autosave=autosave, data_dir=data_dir, marking=marking,
    )  # fmt: skip
    options = replace(options, verbose=verbose)
    if whole is not None:
        with console.LiveProgress(time_limit_s=whole.timeLimit * 60.0) as live:
            result = run_suite(whole, catalog, options, observer=live)
        console.suite_panel(result)
        if send:
            _send_to_lrs(Store(resolve_data_dir(data_dir)), None, quiet=True)
    elif exam_info is not None:
        _record_session(exam_info, options, send=send)


@app.command("resume")
def resume_command(
    session: Annotated[
        str | None, typer.Argument(help="The session to resume (default: the newest).")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    headless: Headless = False,
    autoplay: Autoplay = None,
    no_submit: NoSubmit = False,
    slowmo: Slowmo = 0,
    browser: BrowserPath = None,
    inactivity: Inactivity = 30,
    autosave: Autosave = 30,
    data_dir: DataDir = None,
    marking: Marking = None,
) -> None:
    """Reopen an interrupted session with every answer put back, and go on recording it."""
    store = open_store(data_dir)
    saved = find_resumable(store, session)
    exam = exam_of(saved, open_catalog(data_dir))
    console.session_summary(saved)
    if not yes and not typer.confirm("Resume this session?", default=True):
        raise typer.Exit(1)
    options = _options(
        headless=headless, autoplay=autoplay, no_submit=no_submit, slowmo=slowmo, browser=browser,
        inactivity=inactivity, autosave=autosave, data_dir=data_dir, marking=marking,
    )  # fmt: skip
    _record_session(exam, replace(options, resume=saved))


@sessions_app.callback()
def sessions_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sessions as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """List active and interrupted sessions."""
    if ctx.invoked_subcommand is not None:
        return
    console.sessions_table(list_sessions(open_store(data_dir)), as_json=as_json)


@sessions_app.command("clear")
def sessions_clear_command(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Forget interrupted sessions (their records stay in your history)."""
    store = open_store(data_dir)
    found = [i for i in list_sessions(store) if i.kind != "active"]
    if not found:
        console.note("No interrupted sessions.")
        return
    if not yes and not typer.confirm(f"Forget {len(found)} interrupted session(s)?", default=False):
        raise typer.Exit(1)
    console.note(f"Cleared {clear_sessions(store, open_catalog(data_dir))} session(s).")


@app.command("doctor")
def doctor_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Check the database files and repair corrupt ones from their backups."""
    findings = Store(resolve_data_dir(data_dir)).doctor()
    console.doctor_table(findings, as_json=as_json)
    if any(f.status == "corrupt" for f in findings):
        raise typer.Exit(1)


@app.command("history")
def history_command(
    type: Annotated[str | None, typer.Option("--type", help="reading or listening.")] = None,
    exam: Annotated[str | None, typer.Option(help="Only exams whose id contains this.")] = None,
    status: Annotated[
        str | None, typer.Option(help="completed, interrupted, timeout or error.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this day (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many attempts of each kind.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the attempts as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Your recent attempts, newest first; interrupted attempts are listed apart."""
    try:
        wanted = HistoryFilter(
            type=type, exam=exam, status=status, since=parse_day(since), until=parse_day(until),
            limit=limit,
        )  # fmt: skip
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    found = history(open_store(data_dir).summaries(), wanted)
    console.history_tables(found, as_json=as_json)


@app.command("stats")
def stats_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the statistics as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Attempts, time, accuracy and band per type, marks per question type, best, streaks."""
    stats = compute_stats(open_store(data_dir).records(), today=date.today())
    console.stats_tables(stats, as_json=as_json)


@app.command("items")
def items_command(
    exam: Annotated[str | None, typer.Argument(help="Only this exam id.")] = None,
    min_attempts: Annotated[
        int, typer.Option(help="Attempts a question needs before it is flagged.", min=1)
    ] = MIN_ATTEMPTS,
    as_json: Annotated[bool, typer.Option("--json", help="Print the analysis as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Item analysis across all attempts: facility, discrimination, common wrong answers, and
    flags for a suspect key or a question everyone gets right."""
    store = open_store(data_dir)
    console.items_table(
        analyse(store.records(), exam=exam, min_attempts=min_attempts), as_json=as_json
    )


@app.command("mistakes")
def mistakes_command(
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write them to a CSV file.")
    ] = None,
    anki_file: Annotated[
        Path | None, typer.Option("--anki", help="Also write an Anki import file (tab-separated).")
    ] = None,
    deck: Annotated[str, typer.Option(help="The Anki deck the cards go to.")] = ANKI_DECK,
    limit: Annotated[int, typer.Option(help="Show at most this many per group.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the mistakes as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Your wrong-answer book across all attempts, grouped by question type and reason."""
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
    console.mistakes_tables(found, limit=limit, as_json=as_json)


@app.command("report")
def report_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write the HTML file.")
    ] = None,
    open_it: Annotated[bool, typer.Option("--open", help="Open it in your web browser.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Write one self-contained HTML report with charts; it works offline."""
    from .report import write_report

    store = open_store(data_dir)
    records = console.with_progress(store.records(), store.count_records(), "Reading attempts")
    target = output or store.root / "reports" / f"report-{datetime.now():%Y%m%d-%H%M%S}.html"
    written = write_report(records, target, today=date.today())
    console.note(f"Report written to {written}")
    if open_it:
        webbrowser.open(written.resolve().as_uri())


@app.command("export")
def export_command(
    format: Annotated[str, typer.Option("--format", "-f", help="json, csv or xapi.")] = "json",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: standard output)."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(help="The learner's account name in xAPI statements (default: settings)."),
    ] = None,
    home_page: Annotated[
        str, typer.Option(help="The account's home page, with --name.")
    ] = DEFAULT_HOME_PAGE,
    data_dir: DataDir = None,
) -> None:
    """Export every record: json (a checksummed backup), csv (a row per question) or xapi
    (a statement per question and one per attempt)."""
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


@app.command("sync")
def sync_command(
    lrs: Annotated[
        str | None,
        typer.Option(
            "--lrs", help="The LRS's xAPI base URL (default: $IELTS_LRS_URL, then the settings)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be sent; send nothing.")
    ] = False,
    batch: Annotated[int, typer.Option(help="Statements per request.", min=1)] = BATCH,
    data_dir: DataDir = None,
) -> None:
    """Send every attempt the LRS has not acknowledged, as xAPI statements (a statement per
    question and one per attempt). Safe to stop and run again: nothing is stored twice.

    Credentials come from $IELTS_LRS_USERNAME and $IELTS_LRS_PASSWORD or from 'ielts lrs',
    never from the command line."""
    report = _send_to_lrs(open_store(data_dir), lrs, dry_run=dry_run, batch=batch)
    if report is not None and report.error is not None:
        raise typer.Exit(1)


@app.command("lrs")
def lrs_command(
    url: Annotated[str | None, typer.Option(help="The LRS's xAPI base URL.")] = None,
    username: Annotated[str | None, typer.Option(help="The HTTP Basic user name.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    mbox: Annotated[
        str | None, typer.Option(help="The learner as an e-mail address (the xAPI actor).")
    ] = None,
    account: Annotated[
        str | None,
        typer.Option(help="The learner as an account name on --home-page (the xAPI actor)."),
    ] = None,
    home_page: Annotated[
        str, typer.Option(help="The home page of --account's system.")
    ] = DEFAULT_HOME_PAGE,
    name: Annotated[str | None, typer.Option(help="The learner's display name.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Set (or show) the LRS that 'ielts sync' sends to and who the learner is in it."""
    root = resolve_data_dir(data_dir)
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        configured = configure_lrs(
            root, url=url, username=username, password=password,
            mbox=mbox, account=account, home_page=home_page, name=name,
        )  # fmt: skip
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    console.lrs_settings(lrs_of(root), actor_of(root), changed=configured)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A JSON export (or a JSON list of records).")],
    data_dir: DataDir = None,
) -> None:
    """Import records: each is validated, merged by id without duplicates, and reported."""
    store = open_store(data_dir)
    report = console.run_with_progress(
        lambda advance: import_records(file, store, progress=advance), "Importing"
    )
    console.import_summary(report)
    if report.rejected:
        raise typer.Exit(1)


@app.command("clickthrough")
def clickthrough_command(
    targets: Annotated[
        list[str] | None,
        typer.Argument(help="Exam ids, paths, URLs or globs (default: the whole library)."),
    ] = None,
    strategy: Annotated[str, typer.Option(help="key, blank, random:SEED or answers:FILE.")] = "key",
    workers: Annotated[int, typer.Option(help="Pages run at the same time.", min=1)] = 1,
    processes: Annotated[
        int,
        typer.Option(
            help="Spread the workers over this many processes, each with its own browser "
            "(for machines with many cores).",
            min=1,
        ),
    ] = 1,
    junit: Annotated[Path | None, typer.Option(help="Write JUnit XML here (for CI).")] = None,
    html_file: Annotated[
        Path | None, typer.Option("--html", help="Write an HTML report here.")
    ] = None,
    trace: Annotated[str, typer.Option(help="off, on or retain-on-failure.")] = "off",
    screenshot: Annotated[str, typer.Option(help="off, on or only-on-failure.")] = "off",
    artifacts: Annotated[Path, typer.Option(help="Where traces and screenshots go.")] = Path(
        "test-artifacts/clickthrough"
    ),
    db: Annotated[
        Path | None,
        typer.Option(help="A database of its own, so QA runs never mix with a learner's history."),
    ] = None,
    shard_spec: Annotated[
        str | None, typer.Option("--shard", help="I/N: run only the I-th of N slices.")
    ] = None,
    connect: Annotated[
        str | None, typer.Option(help="A Playwright browser server's ws:// endpoint.")
    ] = None,
    browser: BrowserPath = None,
    library: Annotated[
        Path | None,
        typer.Option(help="Run every exam of this library (another app's, or a folder of pages)."),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("-v", "--verbose", help="Say what the recorder saw on each page."),
    ] = False,
    marking: Marking = None,
) -> None:
    """Run every page of the library (or the ones named) headless and check each one."""
    from .autoplay import Strategy
    from .clickthrough import ClickOptions, run_clickthrough

    _check_click_options(trace, screenshot, processes, workers)
    source = open_library(library) if library is not None else None
    catalog = open_catalog(extra=source)
    if source is not None and not targets:
        exams = catalog.library(source)
    else:
        exams = select_exams(targets or [], catalog)
    if shard_spec:
        exams = shard(exams, shard_spec)
    options = ClickOptions(
        strategy=Strategy.parse(strategy),
        db=db or resolve_data_dir(None) / "clickthrough",
        workers=workers,
        processes=processes,
        trace=trace,  # type: ignore[arg-type]
        screenshot=screenshot,  # type: ignore[arg-type]
        artifacts=artifacts,
        connect=connect,
        browser_path=browser,
        verbose=verbose,
        marking=_marking(marking, None),
    )
    with console.PageProgress(len(exams)) as progress:
        results = run_clickthrough(exams, options, on_result=progress.advance)
    _report_pages(results, verbose=verbose, junit=junit, html_file=html_file)


def _check_click_options(trace: str, screenshot: str, processes: int, workers: int) -> None:
    if trace not in ("off", "on", "retain-on-failure"):
        raise typer.BadParameter("--trace takes off, on or retain-on-failure")
    if screenshot not in ("off", "on", "only-on-failure"):
        raise typer.BadParameter("--screenshot takes off, on or only-on-failure")
    if processes > workers:
        raise typer.BadParameter(
            f"--processes {processes} is more than --workers {workers}: each process runs at "
            "least one page at a time"
        )


def _report_pages(
    results: list[PageResult], *, verbose: bool, junit: Path | None, html_file: Path | None
) -> None:
    """A QA run's results: the table, what was seen (-v), JUnit XML and HTML; exit 1 on a fail."""
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
    if not results or any(not r.ok for r in results):
        raise typer.Exit(1)


@app.command("show")
def show_command(
    record_id: Annotated[str, typer.Argument(help="A record id (record_...) or session id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Show one attempt question by question, with the reason for each wrong answer."""
    record = open_store(data_dir).get_record(record_id)
    if record is None:
        raise RecordNotFound(f"no record {record_id!r} in {resolve_data_dir(data_dir)}")
    if as_json:
        console.print_json(record.model_dump_json())
    else:
        console.review_table(record)


@exams_app.callback()
def exams_command(
    ctx: typer.Context,
    type: Annotated[
        str | None, typer.Option("--type", help="Only reading or listening exams.")
    ] = None,
    module: Annotated[
        str | None,
        typer.Option("--module", help="Only academic, general or listening exams."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the exams as JSON.")] = False,
    library: Annotated[
        Path | None,
        typer.Option(
            help="Add a library (another app's manifest, or a folder of pages); remembered.",
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """List the exams of every library, and the whole tests."""
    source = None
    if library is not None:
        source = open_library(library)  # checked before it is remembered
        if remember_library(resolve_data_dir(data_dir), library):
            console.note(f"Library added: {source.name} ({len(source.exams())} exams)")
    if ctx.invoked_subcommand is None:
        catalog = open_catalog(data_dir, source, library)
        console.exams_table(
            catalog.filter(type=type, module=module),
            [s for s in catalog.suites if type in (None, s.type) and module in (None, s.module)],
            as_json=as_json,
        )


@exams_app.command("check")
def exams_check_command(
    exams: Annotated[
        list[str] | None,
        typer.Argument(help="Exam ids, paths, URLs or globs (default: the whole library)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    browser: BrowserPath = None,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Say in plain words what was seen on each page, and why."),
    ] = False,
) -> None:
    """Open each page headless and show what the recorder finds on it; exit 1 on any problem."""
    from .audit import audit
    from .browser import LaunchOptions

    chosen = select_exams(exams or [], open_catalog())
    results = audit(chosen, LaunchOptions(headless=True, browser_path=browser), explain=explain)
    console.audit_table(results, as_json=as_json)
    if explain and not as_json:
        for result in results:
            console.explanation(result)
    if any(not r.ok for r in results):
        raise typer.Exit(1)


@app.command("browser")
def browser_command(
    install: Annotated[
        bool, typer.Option("--install", help="Install a browser if none is found.")
    ] = False,
) -> None:
    """Show which browser the recorder drives (and install one with --install)."""
    from .chromium import find_browser, install_browser

    path = install_browser(echo=console.note) if install else find_browser()
    console.console.print(str(path))


def run(args: list[str] | None = None) -> int:
    """Run the CLI and return its exit code: 1 with a red one-line message for a RecorderError."""
    try:
        # Without standalone mode typer returns the code of a typer.Exit instead of raising it.
        code = app(args=args, standalone_mode=False)
    except RecorderError as exc:
        console.error(exc)
        return 1
    except (typer.Abort, KeyboardInterrupt):
        console.error(KeyboardInterrupt("aborted"))
        return 130
    except typer.Exit as exc:
        return exc.exit_code
    except typer.TyperException as exc:  # usage errors: typer prints them with the usage line
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            console.error(exc)
        return exc.exit_code
    return code if isinstance(code, int) else 0


def main() -> None:
    """Console-script entry point: warnings go through the console (a page's words in them are
    shown as text, never as terminal escapes)."""
    logging.getLogger("recorder").addHandler(console.LogHandler())
    logging.getLogger("recorder").propagate = False
    raise SystemExit(run())
