"""The ``ielts`` command: parses, calls one library function, renders. No logic lives here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import console
from .autoplay import Strategy
from .browser import find_browser, has_display, install_browser
from .catalog import Catalog
from .config import data_dir as resolve_data_dir
from .errors import RecorderError, RecordNotFound
from .practice import PracticeOptions, practice
from .store import Store

app = typer.Typer(
    name="ielts",
    help="Record, score and keep your IELTS practice attempts.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Where records are kept (default: $IELTS_RECORDER_DATA, else the platform's).",
    ),
]


@app.command("practice")
def practice_command(
    exam: Annotated[
        str,
        typer.Argument(help="An exam id from 'ielts exams', or a path or URL of a practice page."),
    ],
    headless: Annotated[bool, typer.Option("--headless", help="Hide the browser window.")] = False,
    autoplay: Annotated[
        str | None,
        typer.Option(help="Play a scripted learner: key, blank, random[:SEED] or answers:FILE."),
    ] = None,
    slowmo: Annotated[
        float,
        typer.Option(
            "--slowmo", help="Slow every browser action by MS milliseconds.", metavar="MS"
        ),
    ] = 0,
    browser: Annotated[
        str | None, typer.Option("--browser", help="Chromium or Chrome executable to drive.")
    ] = None,
    inactivity: Annotated[
        float, typer.Option(help="Minutes without activity before the session times out.")
    ] = 30,
    data_dir: DataDir = None,
) -> None:
    """Open an exam in Chromium, record the attempt, and print the score when you submit."""
    exam_info = Catalog().resolve(exam)
    strategy = Strategy.parse(autoplay) if autoplay else None
    if not headless and not has_display():
        console.note("No display found: running headless.")
        headless = True
    if not headless and strategy is None:
        console.note(
            "Answer in the browser window and press the page's submit button when you finish."
        )
    options = PracticeOptions(
        headless=headless,
        autoplay=strategy,
        slowmo_ms=slowmo,
        browser_path=browser,
        data_dir=data_dir,
        inactivity_minutes=inactivity,
    )
    with console.LiveProgress() as live:
        result = practice(exam_info, options, observer=live)
    console.result_panel(result)


@app.command("show")
def show_command(
    record_id: Annotated[str, typer.Argument(help="A record id (record_...) or session id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Show one attempt question by question, with the reason for each wrong answer."""
    record = Store(resolve_data_dir(data_dir)).get_record(record_id)
    if record is None:
        raise RecordNotFound(f"no record {record_id!r} in {resolve_data_dir(data_dir)}")
    if as_json:
        console.print_json(record.model_dump_json())
    else:
        console.review_table(record)


@app.command("exams")
def exams_command(
    type: Annotated[
        str | None, typer.Option("--type", help="Only reading or listening exams.")
    ] = None,
) -> None:
    """List the bundled exams."""
    console.exams_table(Catalog().filter(type=type))


@app.command("browser")
def browser_command(
    install: Annotated[
        bool, typer.Option("--install", help="Install a browser if none is found.")
    ] = False,
) -> None:
    """Show which browser the recorder drives (and install one with --install)."""
    path = install_browser(echo=console.note) if install else find_browser()
    console.console.print(str(path))


def run(args: list[str] | None = None) -> int:
    """Run the CLI and return its exit code: 1 with a red one-line message for a RecorderError."""
    try:
        app(args=args, standalone_mode=False)
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
    return 0


def main() -> None:
    """Console-script entry point."""
    raise SystemExit(run())
