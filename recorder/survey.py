"""What the recorder saw on a page: each question's controls, the key, the submit button, the
tests of a page holding several, as every frame's enhancer reported them (no browser here:
:mod:`recorder.browser` asks the frames, this module reads their answers)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ProtocolError
from .protocol import PageTest, WidgetKind, parse_survey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Control:
    """One question's controls as the enhancer described them, in a given frame."""

    frame: int
    ids: tuple[str, ...]
    kind: WidgetKind
    type: str
    options: tuple[tuple[str, str | None], ...]  # (selector, value) of each control
    values: tuple[str, ...] = ()  # every value it can take (a select's options)


@dataclass(frozen=True)
class Survey:
    """What the page holds once it is ready: its controls, its key and its submit button."""

    controls: tuple[Control, ...]
    key: dict[str, Any] | None
    key_source: str | None
    submit: tuple[int, str] | None  # (frame, selector)
    popups: tuple[str, ...] = ()  # controls of the main frame that open a window of the test
    #: A page holding several tests: (frame, test), each with its tab and its submit button.
    tests: tuple[tuple[int, PageTest], ...] = ()
    #: While no question is shown: the control that starts the test ("Start test").
    start: tuple[int, str] | None = None


@dataclass(frozen=True)
class FrameReport:
    """One frame of a page as the diagnosis shows it: where it is from and what the enhancer
    there saw (None: no enhancer answered in that frame)."""

    url: str
    origin: str
    seen: dict[str, Any] | None


def survey_of(found: Sequence[tuple[int, Any]]) -> Survey:
    """A survey from what each frame's enhancer reported as JSON text (frames without one, or
    one that has not taken the session, report None)."""
    controls: list[Control] = []
    key: dict[str, Any] | None = None
    source: str | None = None
    submit: tuple[int, str] | None = None
    start: tuple[int, str] | None = None
    popups: tuple[str, ...] = ()
    tests: list[tuple[int, PageTest]] = []
    for index, text in found:
        if not isinstance(text, str):
            continue
        try:
            surveyed = parse_survey(text)
        except ProtocolError as exc:
            log.warning("frame %d: its survey is not the enhancer's: %s", index, exc)
            continue  # a page replaced the enhancer's answer: that frame has no say
        controls += [
            Control(
                frame=index,
                ids=tuple(item.ids),
                kind=item.kind,
                type=item.type,
                options=tuple((o.selector, o.value) for o in item.options),
                values=tuple(item.values),
            )
            for item in surveyed.controls
        ]
        if key is None and surveyed.key:
            key, source = dict(surveyed.key), surveyed.source
        if submit is None and surveyed.submit:
            submit = (index, surveyed.submit)
        if start is None and surveyed.start:
            start = (index, surveyed.start)
        if index == 0:
            popups = tuple(surveyed.popups)
        tests += [(index, test) for test in surveyed.tests]
    return Survey(tuple(controls), key, source, submit, popups, tuple(tests), start)
