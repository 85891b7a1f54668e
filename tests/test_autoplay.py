"""The scripted learner's plan (pure logic): the input actions it takes for each widget kind, and
what it then expects the page to report."""

from __future__ import annotations

import pytest

from recorder.autoplay import Step, Strategy, plan, planned_answers
from recorder.protocol import WidgetKind
from recorder.survey import Control

LETTERS = ("A", "B", "C", "D")


def _control(kind: WidgetKind, ids: tuple[str, ...]) -> Control:
    if kind in ("radio", "checkbox"):
        options = tuple((f"#{kind}-{v}", v) for v in LETTERS)
        return Control(0, ids, kind, "multiple_choice", options)
    return Control(0, ids, kind, "multiple_choice", (("#list", None),), LETTERS)


#: (kind, question ids, key, the steps planned, the answers the page should then report).
PLANS = [
    ("select", ("5",), {"5": "C"}, [Step("select", 0, "#list", "C")], {"5": "C"}),
    (
        "selects",
        ("21", "22"),
        {"21": ["D", "B"], "22": ["D", "B"]},
        [Step("select", 0, "#list", values=("B", "D"))],  # in the list's own order
        {"21": ["B", "D"], "22": ["B", "D"]},
    ),
    (
        "checkbox",
        ("21", "22"),
        {"21": ["D", "B"], "22": ["D", "B"]},
        [Step("check", 0, "#checkbox-D"), Step("check", 0, "#checkbox-B")],
        {"21": ["D", "B"], "22": ["D", "B"]},
    ),
    ("radio", ("3",), {"3": "a"}, [Step("click", 0, "#radio-A")], {"3": "A"}),
    # a key value the list does not hold: nothing chosen, nothing expected
    ("selects", ("7", "8"), {"7": ["X"], "8": ["X"]}, [], {"7": [], "8": []}),
]


@pytest.mark.parametrize("kind,ids,key,steps,expected", PLANS)
def test_the_learner_answers_each_kind_from_the_key(
    kind: WidgetKind,
    ids: tuple[str, ...],
    key: dict[str, str | list[str]],
    steps: list[Step],
    expected: dict[str, object],
) -> None:
    control = _control(kind, ids)
    planned = plan([control], Strategy.parse("key"), key)
    assert planned == steps
    assert planned_answers(planned, [control]) == expected


@pytest.mark.parametrize("seed", range(20))
def test_a_random_learner_chooses_as_many_as_a_set_has_questions(seed: int) -> None:
    control = _control("selects", ("23", "24"))
    planned = plan([control], Strategy.parse(f"random:{seed}"), None)
    answers = planned_answers(planned, [control])
    chosen = answers["23"]
    assert isinstance(chosen, list) and len(chosen) == 2 and set(chosen) <= set(LETTERS)
    assert answers["24"] == chosen
