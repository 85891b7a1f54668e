"""The ``ielts`` command line: reads it, and hands each command to ``recorder/commands.py``.

Only light modules are imported here: `ielts --help` loads typer and little else; each command
loads what it uses when it runs (bench/cli_latency.py).
"""

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import commands
from .config import ANKI_DECK, BATCH, DEFAULT_HOME_PAGE, MIN_ATTEMPTS
from .errors import RecorderError, UsageError

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


F = TypeVar("F", bound=Callable[..., Any])


def _confirm(question: str, default: bool) -> bool:
    return typer.confirm(question, default=default)


def _checked(command: F) -> F:
    """A command whose :class:`UsageError` is said as typer says a bad parameter (with the usage
    line, exit 2), and whose non-zero return is its exit code."""

    @functools.wraps(command)
    def run_command(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except UsageError as exc:
            raise typer.BadParameter(str(exc)) from None
        if code:
            raise typer.Exit(code)

    return run_command  # type: ignore[return-value]


@app.command("practice")
@_checked
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
    commands.practice(
        exam, suite, data_dir,
        lambda: commands.practice_options(
            headless=headless, autoplay=autoplay, no_submit=no_submit, slowmo=slowmo,
            browser=browser, inactivity=inactivity, autosave=autosave, data_dir=data_dir,
            marking=marking, verbose=verbose,
        ),
        send=send,
    )  # fmt: skip


@app.command("resume")
@_checked
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
) -> int | None:
    """Reopen an interrupted session with every answer put back, and go on recording it."""
    return commands.resume(
        session, data_dir, None if yes else _confirm,
        lambda: commands.practice_options(
            headless=headless, autoplay=autoplay, no_submit=no_submit, slowmo=slowmo,
            browser=browser, inactivity=inactivity, autosave=autosave, data_dir=data_dir,
            marking=marking,
        ),
    )  # fmt: skip


@sessions_app.callback()
@_checked
def sessions_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sessions as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """List active and interrupted sessions."""
    if ctx.invoked_subcommand is None:
        commands.sessions(as_json, data_dir)


@sessions_app.command("clear")
@_checked
def sessions_clear_command(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    data_dir: DataDir = None,
) -> int | None:
    """Forget interrupted sessions (their records stay in your history)."""
    return commands.clear_sessions(data_dir, None if yes else _confirm)


@app.command("doctor")
@_checked
def doctor_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    data_dir: DataDir = None,
) -> int | None:
    """Check the database files and repair corrupt ones from their backups."""
    return commands.doctor(as_json, data_dir)


@app.command("history")
@_checked
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
    commands.history(
        type=type, exam=exam, status=status, since=since, until=until, limit=limit,
        as_json=as_json, data_dir=data_dir,
    )  # fmt: skip


@app.command("stats")
@_checked
def stats_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the statistics as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Attempts, time, accuracy and band per type, marks per question type, best, streaks."""
    commands.stats(as_json, data_dir)


@app.command("items")
@_checked
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
    commands.items(exam, min_attempts, as_json, data_dir)


@app.command("mistakes")
@_checked
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
    commands.mistakes(
        csv_file=csv_file, anki_file=anki_file, deck=deck, limit=limit, as_json=as_json,
        data_dir=data_dir,
    )  # fmt: skip


@app.command("report")
@_checked
def report_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write the HTML file.")
    ] = None,
    open_it: Annotated[bool, typer.Option("--open", help="Open it in your web browser.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Write one self-contained HTML report with charts; it works offline."""
    commands.report(output, open_it, data_dir)


@app.command("export")
@_checked
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
    commands.export(format, output, name, home_page, data_dir)


@app.command("sync")
@_checked
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
) -> int | None:
    """Send every attempt the LRS has not acknowledged, as xAPI statements (a statement per
    question and one per attempt). Safe to stop and run again: nothing is stored twice.

    Credentials come from $IELTS_LRS_USERNAME and $IELTS_LRS_PASSWORD or from 'ielts lrs',
    never from the command line."""
    return commands.sync(lrs, dry_run, batch, data_dir)


@app.command("lrs")
@_checked
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
    commands.configure_lrs(
        url=url, username=username, password_stdin=password_stdin, mbox=mbox, account=account,
        home_page=home_page, name=name, data_dir=data_dir,
    )  # fmt: skip


@app.command("import")
@_checked
def import_command(
    file: Annotated[Path, typer.Argument(help="A JSON export (or a JSON list of records).")],
    data_dir: DataDir = None,
) -> int | None:
    """Import records: each is validated, merged by id without duplicates, and reported."""
    return commands.import_file(file, data_dir)


@app.command("clickthrough")
@_checked
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
) -> int | None:
    """Run every page of the library (or the ones named) headless and check each one."""
    return commands.clickthrough(
        targets or [], strategy=strategy, workers=workers, processes=processes, trace=trace,
        screenshot=screenshot, artifacts=artifacts, db=db, shard=shard_spec, connect=connect,
        browser=browser, library=library, verbose=verbose, marking=marking, junit=junit,
        html_file=html_file,
    )  # fmt: skip


@app.command("show")
@_checked
def show_command(
    record_id: Annotated[str, typer.Argument(help="A record id (record_...) or session id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Show one attempt question by question, with the reason for each wrong answer."""
    commands.show(record_id, as_json, data_dir)


@exams_app.callback()
@_checked
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
    commands.exams(
        type=type, module=module, as_json=as_json, library=library, data_dir=data_dir,
        listing=ctx.invoked_subcommand is None,
    )  # fmt: skip


@exams_app.command("check")
@_checked
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
) -> int | None:
    """Open each page headless and show what the recorder finds on it; exit 1 on any problem."""
    return commands.check_exams(exams or [], as_json, browser, explain)


@app.command("browser")
@_checked
def browser_command(
    install: Annotated[
        bool, typer.Option("--install", help="Install a browser if none is found.")
    ] = False,
) -> None:
    """Show which browser the recorder drives (and install one with --install)."""
    commands.browser(install)


def run(args: list[str] | None = None) -> int:
    """Run the CLI and return its exit code: 1 with a red one-line message for a RecorderError."""
    try:
        # Without standalone mode typer returns the code of a typer.Exit instead of raising it.
        code = app(args=args, standalone_mode=False)
    except RecorderError as exc:
        _say(exc)
        return 1
    except (typer.Abort, KeyboardInterrupt):
        _say(KeyboardInterrupt("aborted"))
        return 130
    except typer.Exit as exc:
        return exc.exit_code
    except typer.TyperException as exc:  # usage errors: typer prints them with the usage line
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _say(exc)
        return exc.exit_code
    return code if isinstance(code, int) else 0


def _say(exc: BaseException) -> None:
    from . import console

    console.error(exc)


class _LogHandler(logging.Handler):
    """The console's log handler, loaded with the first log line (most commands log none)."""

    def __init__(self) -> None:
        super().__init__()
        self._console: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._console is None:  # made once, not a new handler for every line
            from . import console

            self._console = console.LogHandler()
        self._console.emit(record)


def main() -> None:
    """Console-script entry point: warnings go through the console (a page's words in them are
    shown as text, never as terminal escapes)."""
    # The recorder uses no pydantic plugin; looking for them reads every installed package's
    # metadata on the first model built (about 16 ms of each command).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    logging.getLogger("recorder").addHandler(_LogHandler())
    logging.getLogger("recorder").propagate = False
    raise SystemExit(run())
