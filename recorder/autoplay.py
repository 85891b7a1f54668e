"""A scripted learner: plans answers (pure) and gives them through real input events.

Strategies: ``key`` answers every question from the page's answer key, ``blank`` submits with
nothing, ``random[:SEED]`` picks reproducible answers, ``answers:FILE`` gives the answers of a JSON
file (question number → answer). Answers are given with Playwright's check, fill and
select_option, typed key by key into contenteditable elements, and dragged with the mouse onto
word-bank gaps and within ordering lists, never by setting DOM values from script, so the page's
own listeners see what a learner's input causes.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from .browser import ExamPage
from .errors import SessionError
from .protocol import AnswerValue, KeyValue, PageTest, WidgetKind
from .scoring import canonical_answer
from .survey import Control

StrategyName = Literal["key", "blank", "random", "answers"]

#: Words a random learner types into completion boxes it does not answer from the key.
RANDOM_WORDS = ("river", "market", "seven", "library", "energy", "north", "winter", "glass")


@dataclass(frozen=True)
class Strategy:
    name: StrategyName
    seed: int = 0
    #: For ``answers:FILE``: question number → answer (a list for a "choose N" set).
    answers: Mapping[str, KeyValue] | None = None
    source: str = ""

    @classmethod
    def parse(cls, text: str) -> Strategy:
        """``key``, ``blank``, ``random``, ``random:SEED`` or ``answers:FILE``."""
        text = text.strip()
        if text.startswith("answers:"):
            return cls("answers", answers=_load_answers(Path(text[8:])), source=text[8:])
        match = re.fullmatch(r"(key|blank|random)(?::(-?\d+))?", text)
        if not match or (match.group(2) is not None and match.group(1) != "random"):
            raise SessionError(
                f"unknown autoplay strategy {text!r}: use key, blank, random[:SEED] or answers:FILE"
            )
        name: StrategyName = match.group(1)  # type: ignore[assignment]
        return cls(name, int(match.group(2) or 0))

    def __str__(self) -> str:
        if self.name == "random":
            return f"random:{self.seed}"
        return f"answers:{self.source}" if self.name == "answers" else self.name


def _load_answers(path: Path) -> dict[str, KeyValue]:
    """A JSON object mapping question numbers to answers, checked before the browser starts."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SessionError(f"answers file {path} does not exist") from None
    except (OSError, ValueError) as exc:
        raise SessionError(f"answers file {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SessionError(f"answers file {path} must hold a JSON object of question: answer")
    out: dict[str, KeyValue] = {}
    for qid, value in data.items():
        number = str(qid).strip().removeprefix("q")
        good = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        if not good or not number.isdigit():
            raise SessionError(
                f"answers file {path}: question {qid!r} must be a number with a text answer "
                "or a list of letters"
            )
        out[str(int(number))] = value
    return out


@dataclass(frozen=True)
class Step:
    """One input action: ``check``/``click``/``pick``/``fill``/``select``/``type`` on a control
    (``click``: a radio, pressed even where the page ticked it already, as a learner affirms a
    choice; ``pick``: an option a page built of its own elements, which Playwright cannot
    check), ``drag`` an item (``selector``, worth ``value``) onto a gap (``target``), or
    ``arrange`` a list in an order."""

    action: Literal["check", "click", "pick", "fill", "select", "type", "drag", "arrange"]
    frame: int
    selector: str
    value: str = ""
    target: str = ""
    values: tuple[str, ...] = ()


def _match_option(control: Control, wanted: str) -> tuple[str, str | None] | None:
    for selector, value in control.options:
        if value is not None and value.strip().casefold() == wanted.strip().casefold():
            return selector, value
    return None


def _key_letters(control: Control, key: Mapping[str, KeyValue]) -> list[str]:
    letters: list[str] = []
    for qid in control.ids:
        entry = key.get(qid)
        values = entry if isinstance(entry, list) else [entry] if entry else []
        for value in values:
            if value not in letters:
                letters.append(value)
    return letters[: len(control.ids)] if len(control.ids) > 1 else letters


def plan(
    controls: Sequence[Control], strategy: Strategy, key: Mapping[str, KeyValue] | None
) -> list[Step]:
    """The input actions a scripted learner performs, in page order."""
    if strategy.name == "blank":
        return []
    if strategy.name == "key" and not key:
        raise SessionError(
            "autoplay 'key' needs an answer key, and this page has none the recorder can read"
        )
    rng = random.Random(strategy.seed)
    taken: set[str] = set()  # a random learner takes each word-bank item once
    steps: list[Step] = []
    for control in controls:
        widget = WIDGETS[control.kind]
        if strategy.name == "random":
            wanted = widget.choose(control, rng, key, taken)
        else:
            source = key if strategy.name == "key" else strategy.answers
            wanted = _key_letters(control, source or {})
        given = widget.answer(control, wanted, strategy.name == "answers")
        taken.update(step.value for step in given if step.action == "drag")
        steps.extend(given)
    return steps


# ------------------------------------------------------------------ one room per widget kind
# How the scripted learner answers each kind of widget (recorder/protocol.py WidgetKind; the
# page side is enhancer_js/widgets.js): what a random learner picks, and the input actions that
# give an answer. ``exact``: an answers file's text is typed as written (a deliberate mistake
# stays one); a key's answer is typed in its canonical form.


@dataclass(frozen=True)
class Widget:
    choose: Callable[[Control, random.Random, Mapping[str, KeyValue] | None, set[str]], list[str]]
    answer: Callable[[Control, list[str], bool], list[Step]]


def _values(control: Control) -> list[str]:
    return list(control.values) or [v for _, v in control.options if v is not None]


def _one_of(control: Control, rng: random.Random, *_: object) -> list[str]:
    values = _values(control)
    return [rng.choice(values)] if values else []


def _some_of(control: Control, rng: random.Random, *_: object) -> list[str]:
    values = _values(control)
    return rng.sample(values, min(len(values), len(control.ids)))


def _a_word(
    control: Control, rng: random.Random, key: Mapping[str, KeyValue] | None, _: set[str]
) -> list[str]:
    from_key = key.get(control.ids[0]) if key else None
    choices = list(RANDOM_WORDS)
    if from_key:
        choices.append(canonical_answer(from_key, control.type))
    return [rng.choice(choices)]


def _an_item(
    control: Control, rng: random.Random, _: Mapping[str, KeyValue] | None, taken: set[str]
) -> list[str]:
    # A learner picks from the gap's own pool (the values the page lists for it), each item once.
    items = control.options[1:]
    pool = set(control.values) or {v for _, v in items if v is not None}
    free = [v for _, v in items if v is not None and v not in taken and v in pool]
    return [rng.choice(free)] if free else []


def _an_order(control: Control, rng: random.Random, *_: object) -> list[str]:
    wanted = [v for _, v in control.options[1:] if v is not None]
    rng.shuffle(wanted)
    return wanted


def _ticks(control: Control, wanted: list[str], _: bool) -> list[Step]:
    out = []
    for letter in wanted:
        found = _match_option(control, canonical_answer(letter, control.type))
        if found:
            out.append(Step("check", control.frame, found[0]))
    return out


def _pressing(action: Literal["click", "pick"]) -> Callable[[Control, list[str], bool], list[Step]]:
    """The options ``_ticks`` chooses, pressed by ``action`` instead of checked."""

    def press(control: Control, wanted: list[str], exact: bool) -> list[Step]:
        return [replace(step, action=action) for step in _ticks(control, wanted, exact)]

    return press


def _chosen(control: Control, wanted: list[str]) -> list[str]:
    """The list's own values for the answers ``wanted``, in its order."""
    texts = {canonical_answer(w, control.type).strip().casefold() for w in wanted}
    return [v for v in control.values if v.strip().casefold() in texts]


def _selection(control: Control, wanted: list[str], _: bool) -> list[Step]:
    chosen = _chosen(control, wanted[:1])
    return [Step("select", control.frame, control.options[0][0], chosen[0])] if chosen else []


def _selections(control: Control, wanted: list[str], _: bool) -> list[Step]:
    chosen = _chosen(control, wanted)
    return (
        [Step("select", control.frame, control.options[0][0], values=tuple(chosen))]
        if chosen
        else []
    )


def _typing(action: Literal["fill", "type"]) -> Callable[[Control, list[str], bool], list[Step]]:
    def answer(control: Control, wanted: list[str], exact: bool) -> list[Step]:
        if not wanted:
            return []
        text = wanted[0] if exact else canonical_answer(wanted[0], control.type)
        return [Step(action, control.frame, control.options[0][0], text)]

    return answer


def _drag(control: Control, wanted: list[str], _: bool) -> list[Step]:
    zone = control.options[0][0]
    for selector, value in control.options[1:]:
        if wanted and value is not None and value.casefold() == wanted[0].strip().casefold():
            return [Step("drag", control.frame, selector, value, target=zone)]
    return []


def _arrange(control: Control, wanted: list[str], _: bool) -> list[Step]:
    zone = control.options[0][0]
    return [Step("arrange", control.frame, zone, values=tuple(wanted))] if wanted else []


#: The actions that choose an option of a control (the others give it a text or a place).
TICKS = frozenset({"check", "click", "pick"})
#: The kinds whose answer is a list of the options ticked.
SEVERAL: frozenset[WidgetKind] = frozenset({"checkbox", "picks", "selects"})

WIDGETS: dict[WidgetKind, Widget] = {
    "order": Widget(_an_order, _arrange),
    "pick": Widget(_one_of, _pressing("pick")),
    "picks": Widget(_some_of, _pressing("pick")),
    "drop": Widget(_an_item, _drag),
    "editable": Widget(_a_word, _typing("type")),
    "selects": Widget(_some_of, _selections),
    "select": Widget(_one_of, _selection),
    "radio": Widget(_one_of, _pressing("click")),
    "checkbox": Widget(_some_of, _ticks),
    "text": Widget(_a_word, _typing("fill")),
}


def planned_answers(steps: Sequence[Step], controls: Sequence[Control]) -> dict[str, AnswerValue]:
    """What the page will report once ``steps`` are done: used to check the scorer independently."""
    by_selector = {sel: (c, val) for c in controls for sel, val in c.options}
    zones = {c.options[0][0]: c for c in controls if c.kind in ("drop", "order") and c.options}
    answers: dict[str, AnswerValue] = {
        qid: ([] if c.kind in SEVERAL else None) for c in controls for qid in c.ids
    }
    for step in steps:
        if step.action == "drag":
            # Items are only ever taken from a pool (browser.ExamPage.drag), never from another
            # gap, so no gap loses its answer; a pool that copies lets a value be used twice.
            answers[zones[step.target].ids[0]] = step.value
            continue
        if step.action == "arrange":
            for qid, placed in zip(zones[step.selector].ids, step.values, strict=False):
                answers[qid] = placed
            continue
        control, value = by_selector[step.selector]
        for qid in control.ids:
            if step.action in TICKS and control.kind in SEVERAL:
                current = answers[qid]
                assert isinstance(current, list)
                answers[qid] = [*current, value or ""]
            elif step.action in TICKS:
                answers[qid] = value
            elif step.values:  # a list that takes several
                answers[qid] = list(step.values)
            else:
                answers[qid] = step.value
    return answers


async def play(page: ExamPage, steps: Sequence[Step], *, submit: bool = True) -> list[Step]:
    """Perform ``steps`` through real input events, then press the page's submit button.
    Returns the steps performed: a drag whose item is no longer in any pool is left out."""
    done: list[Step] = []
    for step in steps:
        if step.action == "check":
            await page.check(step.frame, step.selector)
        elif step.action == "click":
            await page.click(step.frame, step.selector)
        elif step.action == "pick":
            await page.pick(step.frame, step.selector)
        elif step.action == "fill":
            await page.fill(step.frame, step.selector, step.value)
        elif step.action == "select":
            await page.select(step.frame, step.selector, list(step.values) or step.value)
        elif step.action == "drag":
            if not await page.drag(step.frame, step.selector, step.target, step.value):
                continue
        elif step.action == "arrange":
            await page.arrange(step.frame, step.selector, step.values)
        else:
            await page.type_into(step.frame, step.selector, step.value)
        done.append(step)
    if submit:
        await page.submit()
    return done


async def play_tests(
    page: ExamPage,
    tests: Sequence[tuple[int, PageTest]],
    controls: Sequence[Control],
    strategy: Strategy,
    key: Mapping[str, KeyValue] | None,
    *,
    submit: bool = True,
) -> tuple[list[Step], bool]:
    """A page holding several tests, done as a learner does each: its tab, its answers, its own
    submit button. Returns the steps performed and whether each test was submitted by its own
    button (if not, the page's submit is pressed after)."""
    done: list[Step] = []
    own_submits = True
    for frame, test in tests:
        prefix = test.id + "."
        mine = [c for c in controls if c.ids and c.ids[0].startswith(prefix)]
        if test.tab:
            await page.click(frame, test.tab)
        done += await play(page, plan(mine, strategy, key), submit=False)
        if submit and test.submit:
            await page.click(frame, test.submit)
        else:
            own_submits = False
    return done, own_submits
