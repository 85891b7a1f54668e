"""The enhancer's own behaviours, each on a page set into a fresh context that carries it as the
recorder's does (tests/conftest.py, SharedBrowser.enhanced): no recorded session, no learner."""

from __future__ import annotations

import asyncio
import json

import pytest

from recorder.browser import ExamPage, open_context, sign
from recorder.protocol import ReadyData, parse_message

from .conftest import Calls, SharedBrowser

TEXTS = ["plain words", "東京の港 と 船", "an emoji 🙂 and a skin tone 👍🏽", "a – dash ©"]


#: The recorder's call into the page with a message and its signature.
RECEIVE = "([m, p]) => window.__ieltsRecorder.receive(m, p)"


def _init(session_id: str, text: str) -> str:
    data = {"sessionId": session_id, "examId": f"exam {text}", "parentOrigin": "recorder"}
    return json.dumps({"v": 1, "type": "INIT_SESSION", "data": data}, ensure_ascii=False)


def _ready(calls: Calls) -> list[str]:
    """The SESSION_READY messages the page sent (signed: a payload that is text)."""
    return [p for _, p in calls if isinstance(p, str) and "SESSION_READY" in p]


async def _greet(page: ExamPage, calls: Calls, raw: str) -> bool:
    """``raw`` delivered with the recorder's signature; once taken, until SESSION_READY came."""
    taken = bool(await page.page.evaluate(RECEIVE, [raw, sign(page.secret, raw)]))
    for _ in range(200):
        if not taken or _ready(calls):
            break
        await asyncio.sleep(0.01)
    return taken


@pytest.mark.parametrize("text", TEXTS)
def test_the_enhancer_signs_and_checks_as_the_recorder_does(
    shared_browser: SharedBrowser, text: str
) -> None:
    """HMAC-SHA-256 written in the page (enhancer_js/core.js) agrees with Python's on UTF-8 of
    every plane: a call signed by the recorder is taken, a signature of another text is not,
    and every message the page sends is signed (none comes to Python unproven)."""

    async def check(page: ExamPage, calls: Calls) -> tuple[bool, bool, Calls]:
        raw = _init("signed", text)
        other = _init("other", text)
        refused = await page.page.evaluate(RECEIVE, [other, sign(page.secret, raw)])
        taken = await _greet(page, calls, raw)  # SESSION_READY carries the question's text
        return taken, refused, list(calls)

    html = f"<title>{text}</title><p>1. {text} <input name='q1'></p>"
    taken, refused, calls = shared_browser.enhanced(html, check)
    assert taken is True and refused is False
    assert calls, "the page sent nothing"
    assert all(isinstance(payload, str) for _, payload in calls), calls  # all signed
    ready = [json.loads(p) for p in _ready(calls)]
    assert (
        ready
        and ready[0]["sessionId"] == "signed"
        and text in json.dumps(ready[0], ensure_ascii=False)
    )


def test_signatures_agree_at_every_length_across_sha256_blocks(
    shared_browser: SharedBrowser,
) -> None:
    """The page's HMAC pads its message itself (after the keyed block: 0x80, zeros, the length
    in bits): messages of every length over three blocks, one to four UTF-8 bytes a character,
    are signed by the page as by Python (one function signs the page's messages and checks the
    recorder's), and a signature one character off is refused at every length."""
    texts = [f"{'x' * n}{tail}" for n in range(0, 200, 4) for tail in ("", "é", "港", "🙂")] + [
        "x" * n for n in range(100, 200)
    ]

    async def check(page: ExamPage, calls: Calls) -> tuple[list[bool], list[bool]]:
        taken, forged = [], []
        for text in texts:
            raw = _init("s", text)
            proof = sign(page.secret, raw)
            bad = proof[:-1] + ("0" if proof[-1] != "0" else "1")
            forged.append(bool(await page.page.evaluate(RECEIVE, [raw, bad])))
            taken.append(bool(await page.page.evaluate(RECEIVE, [raw, proof])))
        return taken, forged

    taken, forged = shared_browser.enhanced("<p>1. <input name='q1'></p>", check)
    assert all(taken), [t for t, ok in zip(texts, taken, strict=True) if not ok][:3]
    assert not any(forged)


def test_the_enhancers_way_in_cannot_be_replaced(shared_browser: SharedBrowser) -> None:
    """A page script cannot put its own function where the recorder calls in with a signature,
    nor replace the enhancer's namespace or its parts (they were plain writable globals)."""
    attempt = """() => {
      const api = window.__ieltsRecorder, ns = window.__ieltsRecorderNS;
      const greet = api.greet, readAnswers = ns.readAnswers;
      try { api.greet = () => 'mine'; } catch (e) {}
      try { ns.readAnswers = () => ({ '1': 'forged' }); } catch (e) {}
      try { window.__ieltsRecorder = { greet: () => 'mine' }; } catch (e) {}
      try { delete window.__ieltsRecorder; } catch (e) {}
      return [window.__ieltsRecorder === api, api.greet === greet, ns.readAnswers === readAnswers,
              Object.isFrozen(api), Object.isFrozen(ns)];
    }"""

    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate(attempt)

    assert shared_browser.enhanced("<p>1. <input name='q1'></p>", check) == [True] * 5


LITERALS = [
    ('{"1": "viii", q2: \'B\', q3: `C`, 4: 1790}', {"1": "viii", "q2": "B", "q3": "C", "4": 1790}),
    ("[1, 2.5, -3, true, false, null,]", [1, 2.5, -3, True, False, None]),
    (
        "{a: {b: [\"x\", 'y']}, /* note */ c: 'line\\nbreak' // end\n}",
        {"a": {"b": ["x", "y"]}, "c": "line\nbreak"},
    ),
    ("{'\\u00e9t\\u00e9': 'summer'}", {"été": "summer"}),
]
NOT_LITERALS = ["{a: answer()}", "{a: someVariable}", "[`${x}`]", "{a: 1", "{a 1}"]


@pytest.mark.parametrize("text,expected", LITERALS)
def test_the_key_reader_reads_literals_as_data(
    shared_browser: SharedBrowser, text: str, expected: object
) -> None:
    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate("t => window.__ieltsRecorderNS.parseLiteral(t)", text)

    assert shared_browser.enhanced("<p>a page</p>", check) == expected


@pytest.mark.parametrize("text", NOT_LITERALS)
def test_the_key_reader_gives_up_on_code(shared_browser: SharedBrowser, text: str) -> None:
    """Anything but data (a call, a variable, a template with ${}) is refused, never run."""
    reads = """t => { try { window.__ieltsRecorderNS.parseLiteral(t); return 'read'; }
                      catch (e) { return e.message; } }"""

    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate(reads, text)

    assert shared_browser.enhanced("<p>a page</p>", check) == "not a literal"


def _numbered_page(first: int, count: int, script: str, script_tag: str = "<script>") -> str:
    """A page of ``count`` gaps printed from ``first`` (ids answer14, ...), with ``script``."""
    gaps = "".join(
        f'<p>{n}. <input type="text" id="answer{n}"></p>' for n in range(first, first + count)
    )
    return f"<form>{gaps}<button>Submit</button></form>{script_tag}{script}</script>"


def _key_of(shared_browser: SharedBrowser, html: str) -> object:
    """What the enhancer's key reader finds on a page of ``html``: {key, source}."""

    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate("() => window.__ieltsRecorderNS.extractKey()")

    return shared_browser.enhanced(html, check)


#: (first printed number, questions, the page's script, the key read: {id: answer} or None).
LOOSE_KEYS = [
    (1, 3, 'var answers = ["TRUE", "FALSE", "B"];', {"1": "TRUE", "2": "FALSE", "3": "B"}),
    # a list is the page's questions in page order where its numbers are not the printed ones
    (14, 3, 'var answers = ["TRUE", "FALSE", "B"];', {"14": "TRUE", "15": "FALSE", "16": "B"}),
    (14, 2, 'const correctAnswers = ["x", "y"];', {"14": "x", "15": "y"}),
    (1, 2, "let answers = {q1: 'north', q2: ['ten', '10']};", {"1": "north", "2": ["ten", "10"]}),
    # the learner's answers, as the page starts them: no key
    (1, 3, "var answers = {}; function save(n, v) { answers[n] = v; }", None),
    (1, 3, 'var answers = ["", "", ""];', None),
    # a list that does not fit the page: too short, or naming a question the page has not got
    (1, 6, 'var answers = ["A", "B"];', None),
    (1, 3, 'var answers = {q1: "A", q2: "B", q9: "C"};', None),
    # a list longer or shorter than the page is not read in page order
    (14, 3, 'var answers = ["A", "B"];', None),
    # a key under a short name, and questions that carry their answers (by number, or in order)
    (1, 2, 'const KEY = {1: "A", 2: "B"};', {"1": "A", "2": "B"}),
    (
        21,
        2,
        'const questions = [{number: 22, text: "t", answer: "C"}, {number: 21, answer: "A"}];',
        {"22": "C", "21": "A"},
    ),
    (
        14,
        2,
        'var quiz = [{text: "a", answer: "x"}, {text: "b", correct: ["y", "z"]}];',
        {"14": "x", "15": ["y", "z"]},
    ),  # fmt: skip
    # (question number, answer) pairs: each answer for its number (not ['1', 'mules'] for 1)
    (
        1,
        3,
        "var key = [['1', 'mules'], ['2', '1881'], [3, 'A']];",
        {"1": "mules", "2": "1881", "3": "A"},
    ),
    # options that say which is right are no key: a question's answer is not a true or false
    (1, 2, "var questions = [{options: [{t: 'A', correct: true}]}, {correct: false}];", None),
]


@pytest.mark.parametrize("first,count,script,key", LOOSE_KEYS)
def test_a_key_under_a_loose_name_is_taken_only_where_it_fits_the_page(
    shared_browser: SharedBrowser, first: int, count: int, script: str, key: object
) -> None:
    found = _key_of(shared_browser, _numbered_page(first, count, script))
    assert found == {"key": key, "source": "script_literal" if key else None}


def _next_data(questions: object) -> str:
    """A framework's page data (Next.js's __NEXT_DATA__ shape) holding ``questions`` deep."""
    page = {"props": {"pageProps": {"test": {"id": "t-77", "sections": [questions]}}}}
    return json.dumps({**page, "page": "/test/[id]", "buildId": "b1"})


NEXT_DATA = '<script id="__NEXT_DATA__" type="application/json">'
#: (questions printed from 1, the page's JSON data block, the key read: {id: answer} or None).
JSON_BLOCKS = [
    (
        3,
        _next_data(
            {
                "questions": [
                    {"questionNumber": 1, "prompt": "x", "correctAnswer": "harbour"},
                    {"questionNumber": 2, "correctAnswer": ["7", "seven"]},
                    {"questionNumber": 3, "correctAnswer": "C"},
                ]
            }
        ),
        {"1": "harbour", "2": ["7", "seven"], "3": "C"},
    ),  # fmt: skip
    (
        2,
        _next_data({"meta": {"answerKey": {"q1": "north", "q2": "east"}}}),
        {"1": "north", "2": "east"},
    ),
    # the right answer's field before a plain `answer` (the learner's, on a review page)
    (
        2,
        _next_data(
            {
                "questions": [
                    {"no": 1, "answer": "mine", "correctAnswer": "right"},
                    {"no": 2, "answer": "", "correctAnswer": "too"},
                ]
            }
        ),
        {"1": "right", "2": "too"},
    ),  # fmt: skip
    # a list under any name whose items carry their right answers; a plain `answer` there is not
    (
        2,
        _next_data(
            {
                "parts": [
                    {
                        "items": [
                            {"qNo": "1", "correct_answer": "tower"},
                            {"qNo": "2", "correct_answer": "B"},
                        ]
                    }
                ]
            }
        ),
        {"1": "tower", "2": "B"},
    ),  # fmt: skip
    (
        2,
        _next_data({"items": [{"qNo": "1", "answer": "mine"}, {"qNo": "2", "answer": "too"}]}),
        None,
    ),
    # the learner's saved answers are no key, nor is a key of other questions
    (2, _next_data({"answers": {"1": "mine", "2": "also mine"}}), None),
    (2, _next_data({"answerKey": {"q7": "x", "q8": "y"}}), None),
]


@pytest.mark.parametrize("count,block,key", JSON_BLOCKS)
def test_a_key_deep_in_a_pages_json_data_is_read_where_it_fits(
    shared_browser: SharedBrowser, count: int, block: str, key: object
) -> None:
    found = _key_of(shared_browser, _numbered_page(1, count, block, NEXT_DATA))
    assert found == {"key": key, "source": "json_script" if key else None}


def _radios(name: str, choices: list[tuple[str, str]]) -> str:
    return "".join(
        f'<label><input type="radio" name="{name}" value="{value}"> {label}</label>'
        for value, label in choices
    )


HARBOUR = [("the old pier", "A the old pier"), ("the new harbour", "B the new harbour")]
#: (a page's choices, its key as written (by letter or by words), the key as recorded: on the
#: values the page reports).
LETTERED = [
    (_radios("q1", HARBOUR), '{1: "B"}', {"1": "the new harbour"}),
    (_radios("q1", [("1", "A £5"), ("2", "B £8"), ("3", "(C) £10")]), '{1: "C"}', {"1": "3"}),
    (
        '<select name="q1"><option value=""></option><option value="1">A. north</option>'
        '<option value="2">B. south</option></select>',
        '{1: "b"}',
        {"1": "2"},
    ),  # fmt: skip
    (
        "".join(
            f'<label><input type="checkbox" name="q1-2" value="{v}"> {v[0].upper()} {v}</label>'
            for v in ("apples", "bread", "cheese", "dates")
        ),
        '{"1-2": ["A", "C"]}',
        {"1": ["apples", "cheese"], "2": ["apples", "cheese"]},
    ),  # fmt: skip
    (
        '<select name="q1"><option value="h1">i. Old ways</option><option value="h2">ii. New ways'
        "</option></select>",
        '{1: "ii"}',
        {"1": "h2"},
    ),  # fmt: skip
    # headings printed with capital roman numerals, keyed in small ones (and the other way)
    (
        '<select name="q1"><option value="h3">III. Old ways</option><option value="h4">IV. New'
        " ways</option></select>",
        '{1: "iv"}',
        {"1": "h4"},
    ),  # fmt: skip
    (
        '<select name="q1"><option value="h6">vi. Old ways</option><option value="h9">ix. New'
        " ways</option></select>",
        '{1: "IX"}',
        {"1": "h9"},
    ),  # fmt: skip
    # a key that names a choice by its words where the values are letters
    (
        _radios("q1", [("A", "A the old pier"), ("B", "B the new harbour")]),
        '{1: "The new  harbour"}',
        {"1": "B"},
    ),  # fmt: skip
    (
        '<select name="q1"><option value="x1">north</option><option value="x2">south</option>'
        "</select>",
        '{1: "south"}',
        {"1": "x2"},
    ),  # fmt: skip
    # a key that names the value already, and choices that print no letter: as written
    (_radios("q1", HARBOUR), '{1: "the old pier"}', {"1": "the old pier"}),
    (_radios("q1", [("x", "north"), ("y", "south")]), '{1: "B"}', {"1": "B"}),
]


@pytest.mark.parametrize("choices,written,recorded", LETTERED)
def test_a_key_that_names_a_choice_by_its_letter_or_words_is_put_on_its_value(
    shared_browser: SharedBrowser, choices: str, written: str, recorded: object
) -> None:
    html = f"<p>1. Choose.</p>{choices}<script>var answerKey = {written};</script>"
    found = _key_of(shared_browser, html)
    assert isinstance(found, dict) and found["key"] == recorded


#: (a page's answer boxes with neither name nor id, the question ids read from it).
UNNAMED = [
    ('<ol start="7"><li>a <input></li><li>b <input></li></ol>', ["7", "8"]),
    (
        '<ol><li><input></li><li value="10"><select><option>x</option></select></li></ol>',
        ["1", "10"],
    ),
    (
        "<table><tr><td>21</td><td><input></td></tr><tr><td>22</td><td><input></td></tr></table>",
        ["21", "22"],
    ),  # fmt: skip
    ("<p>3. The river is <input> long.</p><p>4) <textarea></textarea></p>", ["3", "4"]),
    # no number shown: a list without markers, a reversed list, a box of the page's own
    ('<ol style="list-style: none"><li><input></li></ol>', []),
    ("<ol reversed><li><input></li></ol>", []),
    ("<p>Your name: <input></p>", []),
    # choices with no name cannot be told apart as one question's options
    ("<p>5. Pick one <input type=radio value=A> <input type=radio value=B></p>", []),
    # two boxes under one printed number: which one answers it cannot be told, so neither
    ("<p>6. <input> and <input></p>", []),
    # boxes with no number of their own under an instruction that names their range
    (
        "<h3>Questions 27–30</h3><p>a <input> b <input> c <input> d <input></p>",
        ["27", "28", "29", "30"],
    ),
    (
        "<p>Questions 1-2</p><p><input> <input></p><p>Questions 3 to 4</p><p><input> <input></p>",
        ["1", "2", "3", "4"],
    ),
    # as many boxes as the range holds, or none is numbered by it
    ("<h3>Questions 5-7</h3><p><input> and <input></p>", []),
    # a section that mixes numbered and unnumbered boxes is left as it is
    ("<h3>Questions 1-3</h3><p>1. <input></p><p><input> <input></p>", ["1"]),
    # a range in a script is not an instruction
    ("<script>// questions 1-2</script><p><input> <input></p>", []),
    # several boxes in one paragraph, each after its number: bracketed, or an element of its own
    ("<p>It began in (14) <input> and ended in [15] <input>.</p>", ["14", "15"]),
    (
        "<p>Built in <b>16</b> <input> with walls of <span>17.</span><span><input></span>.</p>",
        ["16", "17"],
    ),  # fmt: skip
    # a box named for its question (accessible name, title), or numbered on itself
    (
        '<p><input aria-label="Question 5"> <input aria-label="Answer for question 6"></p>',
        ["5", "6"],
    ),
    ('<p><input title="Q7"> <input data-number="8"> <input data-qnum="9"></p>', ["7", "8", "9"]),
    # a number attribute on a container numbers a passage, not its boxes
    ('<section data-number="2"><p><input> <input></p></section>', []),
    # a box typed into is one, whatever its class ("gap") says
    (
        '<p>15. <span contenteditable="true" class="gap"></span></p><p>16. <span contenteditable="true" class="blank"></span></p>',
        ["15", "16"],
    ),  # fmt: skip
    # each box's block after a heading of its own, all in one container
    (
        "<div><h4>Question 5</h4><div><input></div><h4>Question 6</h4><div><input></div></div>",
        ["5", "6"],
    ),
    # a box, list or set of choices alone in a block whose id names its question
    (
        '<div id="question-14"><p>Built by <input></p></div><div id="question-15"><p>Paid by '
        '<input></p></div><div id="q16"><select><option value="">-</option><option>A</option>'
        '</select></div><div id="q17"><label><input type=radio name=x value=A>A</label>'
        "<label><input type=radio name=x value=B>B</label></div>",
        ["14", "15", "16", "17"],
    ),
    # a bare number in the sentence may be the sentence's own: not taken
    ("<p>It has 12 <input> and 14 <input> rooms.</p>", []),
    ("<p>Room 5 <input></p>", []),
    ("<p>Cost £2 <input></p><p>£3 <input></p>", []),
    # unless the numbers before boxes run in sequence, as printed papers lay out a form
    ("<p>Name: Mrs 1 <input></p><p>Day: 2 <input> at 3 … <input></p>", ["1", "2", "3"]),
    # the run taking in a box numbered otherwise
    ("<table><tr><td>Mr 7 <input></td></tr><tr><td>8 <input></td></tr></table>", ["7", "8"]),
    # a gap's number as its placeholder, bracketed, on a box typed into
    (
        '<p>It began in <span contenteditable="true" data-placeholder="(1)"></span> and '
        'lasted <span contenteditable="true" data-placeholder="(2)"></span>.</p>',
        ["1", "2"],
    ),
    # choices grouped by a name that holds no number take the number printed before them
    (
        "<div><b>7</b> Pick one <label><input type=radio name=r1 value=A> A</label>"
        "<label><input type=radio name=r1 value=B> B</label></div>"
        "<div><b>8</b> Pick two <label><input type=checkbox name=colour value=A> A</label>"
        "<label><input type=checkbox name=colour value=B> B</label></div>",
        ["7", "8"],
    ),
    (
        "<h3>Questions 3-4</h3><p><input type=radio name=x value=A><input type=radio name=x value=B>"
        "</p><p><input type=radio name=y value=A><input type=radio name=y value=B></p>",
        ["3", "4"],
    ),
    # and with none printed, are not questions
    ("<p>Mode: <input type=radio name=mode value=a> <input type=radio name=mode value=b></p>", []),
]


def _question_ids(shared_browser: SharedBrowser, html: str) -> object:
    """The question ids the enhancer reads on a page of ``html``, in page order."""

    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate(
            "() => window.__ieltsRecorderNS.findQuestions().map(q => q.ids).flat()"
        )

    return shared_browser.enhanced(html, check)


@pytest.mark.parametrize("html,ids", UNNAMED)
def test_a_box_with_no_name_takes_the_number_printed_before_it(
    shared_browser: SharedBrowser, html: str, ids: list[str]
) -> None:
    assert _question_ids(shared_browser, html) == ids


#: (a control's name or id, whether it is an id, the question numbers read from it or None).
TOKENS = [
    ("q7", False, [7]),
    ("question-12", False, [12]),
    ("q9-10-11", False, [9, 10, 11]),
    ("t3_q11", False, [11]),
    ("10-11", False, [10, 11]),
    ("q36_input", False, [36]),
    ("gap1", False, [1]),
    ("blank-4", True, [4]),
    ("box_15", False, [15]),
    ("field3", True, [3]),
    ("slot-8", False, [8]),
    ("input5", True, [5]),
    ("item_26", False, [26]),
    ("7", True, None),  # an id of digits alone is too common to mean a question
    ("main", False, None),
    ("gap", False, None),
    ("header2", True, None),
    ("p1q5", True, [5]),  # part 1, question 5
    ("passage-2-q14", False, [14]),
    ("s1q3", True, [3]),
    ("reading_q14", False, [14]),  # the page's skill before the question
    ("L-q5", True, [5]),
    ("answer-input-5", True, [5]),  # two question words
    ("input-q5", True, [5]),
    ("setting5", False, None),
    ("part1", False, None),
    # how the control is made, or its task's widget, said before the question
    ("txtAnswer1", False, [1]),
    ("userAnswer5", True, [5]),
    ("user_answer_5", False, [5]),
    ("response5", False, [5]),
    ("select-q5", True, [5]),
    ("heading-5", False, [5]),
    ("heading-5", True, None),  # an id must say "q": a passage's heading is no question
    ("tfng5", False, [5]),
    ("dropzone-q12", False, [12]),
    ("user", False, None),
]


@pytest.mark.parametrize("token,is_id,numbers", TOKENS)
def test_a_controls_name_or_id_gives_its_question_numbers(
    shared_browser: SharedBrowser, token: str, is_id: bool, numbers: list[int] | None
) -> None:
    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate(
            "([t, id]) => { const p = window.__ieltsRecorderNS.parseToken(t, id);"
            " return p ? p.nums : null; }",
            [token, is_id],
        )

    assert shared_browser.enhanced("<p>a page</p>", check) == numbers


#: (a page's controls named by part or test, the question ids recorded).
PARTS = [
    # parts of one test numbered through: recorded by their printed numbers
    (
        '<p>1. <input name="part1_q1"></p><p>2. <input name="part1_q2"></p>'
        '<p>14. <input name="part2_q14"></p>',
        ["1", "2", "14"],
    ),
    ('<p>1. <input name="p1q1"></p><p>1. <input name="p2q1"></p>', ["p1.1", "p2.1"]),  # from 1
    ('<p>1. <input name="t1_q1"></p><p>14. <input name="t2_q14"></p>', ["t1.1", "t2.14"]),
]


@pytest.mark.parametrize("html,ids", PARTS)
def test_parts_numbered_through_are_recorded_by_their_numbers(
    shared_browser: SharedBrowser, html: str, ids: list[str]
) -> None:
    """A question's part (part2_q14) keeps it apart only where parts number their questions from
    1 each; tests of a page that holds several are always kept apart."""
    assert _question_ids(shared_browser, html) == ids


#: (a form's array fields, the question ids read from them).
FORM_FIELDS = [
    ('<input name="answer[7]"><input name="answer[8]">', ["7", "8"]),
    ('<input name="answers[q12]">', ["12"]),
    (
        '<input type=radio name="response[3]" value=A><input type=radio name="response[3]" value=B>',
        ["3"],
    ),  # fmt: skip
    (
        '<input type=checkbox name="q[4][]" value=A><input type=checkbox name="q[4][]" value=B>',
        ["4"],
    ),  # fmt: skip
    ('<input name="user[email]">', []),
]


@pytest.mark.parametrize("html,ids", FORM_FIELDS)
def test_a_forms_array_field_answers_the_question_of_its_index(
    shared_browser: SharedBrowser, html: str, ids: list[str]
) -> None:
    assert _question_ids(shared_browser, f"<form>{html}</form>") == ids


def test_a_page_that_traps_array_writes_learns_nothing_of_the_key(
    shared_browser: SharedBrowser,
) -> None:
    """Setters a page puts on Array.prototype's indices (and a getter on a typed array's length)
    saw every byte the signing wrote into a plain array: the key XOR 0x36 and 0x5c, that is the
    secret (stop 8's review). The signing writes only into typed arrays now."""
    trap = """<script>
      const kept = { n: 0 };  // not an array: its own writes would be trapped too
      window.__trapped = kept;
      const keep = (v) => { kept[kept.n] = v; kept.n += 1; };
      const define = Object.defineProperty;
      for (let i = 0; i < 96; i++) {
        define(Array.prototype, String(i), {
          configurable: true,
          set(v) { keep(v); define(this, String(i), { value: v, writable: true, enumerable: true, configurable: true }); },
          get() { return undefined; },
        });
      }
      const typed = Object.getPrototypeOf(Uint8Array.prototype);
      const length = Object.getOwnPropertyDescriptor(typed, 'length').get;
      define(typed, 'length', { configurable: true, get() {
        const n = length.call(this);
        for (let i = 0; i < Math.min(96, n); i++) keep(this[i]);
        return n;
      } });
    </script><p>1. <input name='q1'></p>"""

    async def check(page: ExamPage, calls: Calls) -> tuple[str, list[int]]:
        assert await _greet(page, calls, _init("trapped", "words"))  # signed both ways
        kept = await page.page.evaluate("() => window.__trapped")
        found = [kept.get(str(i)) for i in range(kept["n"])]
        return page.secret, [v for v in found if isinstance(v, int)]

    secret, trapped = shared_browser.enhanced(trap, check)
    key = secret.encode()
    for pad in (0x36, 0x5C):
        run = [b ^ pad for b in key]
        assert not any(trapped[i : i + len(run)] == run for i in range(len(trapped))), pad


@pytest.mark.parametrize(
    "text,max_length,kept",
    [
        ("a" * 299 + "🙂", 300, "a" * 299),  # the emoji would be cut in half: it goes whole
        ("a" * 298 + "🙂", 300, "a" * 298 + "🙂"),
        ("🙂" * 3, 5, "🙂" * 2),
        ("short", 300, "short"),
    ],
)
def test_text_is_cut_on_code_points(
    shared_browser: SharedBrowser, text: str, max_length: int, kept: str
) -> None:
    """Case 12 of #13: a question text or title cut at 300/500 characters through an emoji left
    half a surrogate pair, which the recorder's JSON parser refuses."""

    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate(
            "([t, n]) => window.__ieltsRecorderNS.cut(t, n)", [text, max_length]
        )

    assert shared_browser.enhanced("<p>a page</p>", check) == kept


def test_a_question_cut_through_an_emoji_reaches_the_recorder_whole(
    shared_browser: SharedBrowser,
) -> None:
    html = "<p>1 " + "a" * 299 + "🙂 tail <input name='q1'></p>"  # the emoji is at 299-300

    async def check(page: ExamPage, calls: Calls) -> Calls:
        assert await _greet(page, calls, _init("emoji", "words"))
        return list(calls)

    calls = shared_browser.enhanced(html, check)
    [ready] = [parse_message(p) for p in _ready(calls)]
    assert isinstance(ready.data, ReadyData)
    assert ready.data.questionTexts["1"] == "a" * 299


#: Controls a page made into buttons (no <button>), and look-alikes that must not end a session
#: when clicked: (the element clicked, its page, whether clicking it submits).
MADE_BUTTONS = [
    ("#go", "<a id=go href='#' onclick='return false'>Submit answers</a>", True),
    ("#go", "<a id=go href='javascript:void 0'>Check my answers</a>", True),
    ("#go", "<div id=go class=submit-btn>Finish</div>", True),
    ("#go span", "<div id=go class=action-btn><span>Submit</span></div>", True),
    # a click listener the page added makes a plain div a button
    ("#go", "<div id=go>Submit</div><script>go.addEventListener('click', () => 1)</script>", True),
    ("#go", "<span id=go onclick='1'>Mark my answers</span>", True),
    # a link to another page, however it is worded, leaves: not a submit here
    ("#go", "<a id=go href='feedback.html'>Submit feedback</a>", False),
    # an answer to drag whose words are a submit's
    ("#go", "<div id=go class=word-btn draggable=true>finish</div>", False),
    # a long text is not a control's; nor is a box that holds the questions
    (
        "#go",
        "<div id=go class=btn>Please check your answers before you submit them: "
        + "x" * 40
        + "</div>",
        False,
    ),
    ("#go", "<div id=go class=submit-area>Submit <input name=q1></div>", False),
    # words on a plain element nobody listens to
    ("#go", "<p id=go>Submit</p>", False),
    # answer options styled as buttons, whose words hold a submit's
    (
        "#go",
        "<label id=go class=choice-btn for=c>C. to finish early</label>"
        "<input type=radio id=c name=q2 value=C>",
        False,
    ),
    ("#go", "<div id=go class=option onclick='1'>B. the grade of the road</div>", False),
    ("#go", "<a id=go href='#' class=opt>D. submit a form</a>", False),
    ("#go", "<div id=go class=option onclick='1'>Grade 8 students</div>", False),
]


@pytest.mark.parametrize("clicked,html,submits", MADE_BUTTONS)
def test_a_control_the_page_made_into_a_button_submits(
    shared_browser: SharedBrowser, clicked: str, html: str, submits: bool
) -> None:
    async def check(page: ExamPage, _calls: Calls) -> list[bool]:
        return [
            await page.page.evaluate(
                "s => !!window.__ieltsRecorderNS.isSubmitControl(document.querySelector(s))",
                clicked,
            ),
            await page.page.evaluate("() => window.__ieltsRecorderNS.submitTarget() !== null"),
        ]

    found = shared_browser.enhanced(f"<p>1. <input name=q1></p>{html}", check)
    assert found == [submits, submits]


#: Submit and start controls in the languages whose results tables are read: (the control's
#: words, whether it submits, whether it starts the test).
CONTROL_WORDS = [
    ("提交答案", True, False),
    ("交卷", True, False),
    ("Enviar respuestas", True, False),
    ("Abgeben", True, False),
    ("Nộp bài", True, False),
    ("Valider mes réponses", True, False),
    ("Submit", True, False),
    ("开始练习", False, True),
    ("Commencer le test", False, True),
    ("Bắt đầu", False, True),
    ("Start test", False, True),
    # look-alikes: a hint, the next question, a word that holds another, a restart
    ("提示", False, False),
    ("下一题", False, False),
    ("Reenviar enlace", False, False),
    ("Restart", False, False),
]


@pytest.mark.parametrize("words,submits,starts", CONTROL_WORDS)
def test_submit_and_start_controls_are_read_in_the_learners_language(
    shared_browser: SharedBrowser, words: str, submits: bool, starts: bool
) -> None:
    async def check(page: ExamPage, _calls: Calls) -> list[bool]:
        ns = "window.__ieltsRecorderNS"
        return [
            await page.page.evaluate(
                f"() => !!{ns}.isSubmitControl(document.querySelector('#go'))"
            ),
            await page.page.evaluate(f"() => {ns}.startControl() !== null"),
        ]

    html = f"<button id=go type=button>{words}</button>"
    assert shared_browser.enhanced(html, check) == [submits, starts]


#: (a page's choices, the (ids, kind) of each question read from it).
CHOICE_SHAPES = [
    # ARIA roles only: one question, its options the role=radio elements
    (
        "<div role=radiogroup id=q7><div role=radio aria-checked=false>A. north</div>"
        "<div role=radio aria-checked=false>B. south</div></div>",
        [(["7"], "pick")],
    ),
    # a radiogroup around native radios is the radios' question, read as before
    (
        "<div role=radiogroup id=g><input type=radio name=q7 value=A> A "
        "<input type=radio name=q7 value=B> B</div>",
        [(["7"], "radio")],
    ),
    # numbered by what is printed before it, like any control without a token
    (
        "<p>8. Which way? <span role=radiogroup><span role=radio aria-checked=true>A</span>"
        "<span role=radio aria-checked=false>B</span></span></p>",
        [(["8"], "pick")],
    ),
    # options the page marks with a class when clicked: a list of valued items with listeners
    (
        "<div><p>9. Pick one</p><ul><li data-value=A onclick='this.className=\"selected\"'>"
        "A. x</li><li data-value=B onclick='this.className=\"selected\"'>B. y</li></ul></div>",
        [(["9"], "pick")],
    ),
    # judgements as buttons (one listener on their list, or none seen: a button is clicked)
    (
        "<div><p>10. A claim.</p><div><button>TRUE</button><button>FALSE</button>"
        "<button>NOT GIVEN</button></div></div>",
        [(["10"], "pick")],
    ),
    # a listbox that takes several, over a range of two questions
    (
        "<div role=listbox aria-multiselectable=true data-question=11-12>"
        "<div role=option>A one</div><div role=option>B two</div><div role=option>C three</div>"
        "</div>",
        [(["11", "12"], "picks")],
    ),
    # role=checkbox options with no group around them
    (
        "<div><p>13. Tick any.</p><div><span role=checkbox aria-checked=false>A a</span>"
        "<span role=checkbox aria-checked=false>B b</span></div></div>",
        [(["13"], "picks")],
    ),
    # options that wrap the part clicked: list items around lettered buttons, cells around
    # judgement buttons, rows around a role=button that holds the value
    (
        "<div><p>14. Pick one</p><ul><li><button data-value=A>A</button> north</li>"
        "<li><button data-value=B>B</button> south</li></ul></div>"
        "<div><p>15. A claim.</p><div><div><button>TRUE</button></div><div><button>FALSE</button>"
        "</div><div><button>NOT GIVEN</button></div></div></div>"
        "<div><p>16. Pick one</p><div><div><span role=button data-choice=A>A</span> x</div>"
        "<div><span role=button data-choice=B>B</span> y</div></div></div>",
        [(["14"], "pick"), (["15"], "pick"), (["16"], "pick")],
    ),
    # not choices: a question palette, tabs, a bank of words, a list of headings nobody clicks,
    # wrapped the same ways (a palette and a toolbar of buttons in list items)
    (
        "<nav><button onclick=1>1</button><button onclick=1>2</button><button>3</button></nav>"
        "<div><button>Test 1</button><button>Test 2</button></div>"
        "<div><button>channel</button><button>river</button></div>"
        "<ul><li data-value=i>i. Old ways</li><li data-value=ii>ii. New ways</li></ul>"
        "<ul><li><button>1</button></li><li><button>2</button></li><li><button>3</button></li></ul>"
        "<ul><li><button>Highlight</button></li><li><button>Notes</button></li></ul>"
        "<p>1. <input name=q1></p>",
        [(["1"], "text")],
    ),
]


@pytest.mark.parametrize("html,found", CHOICE_SHAPES)
def test_choices_built_of_aria_roles_or_classes_are_questions(
    shared_browser: SharedBrowser, html: str, found: list[tuple[list[str], str]]
) -> None:
    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate(
            "() => window.__ieltsRecorderNS.findQuestions().map(q => [q.ids, q.kind])"
        )

    assert shared_browser.enhanced(html, check) == [list(f) for f in found]


def test_the_enhancer_stays_out_of_a_new_tabs_first_document_only(
    shared_browser: SharedBrowser,
) -> None:
    """A new tab's first, empty document never holds an exam: the enhancer is not run in it (it
    cost about half of what the enhancer adds to opening a tab). It is in every document after,
    in a blank frame the page writes into and in a blank window the page opens."""
    running = shared_browser._running()
    present = "() => !!window.__ieltsRecorderNS"

    async def run() -> dict[str, bool]:
        async with open_context(
            running,
            on_binding=lambda *_args: None,
            on_event=lambda _event, _detail: None,
            enhancer_config={"version": "test"},
        ) as session:
            page = (await session.open()).page
            found = {"first document": await page.evaluate(present)}
            await page.goto("data:text/html,<iframe></iframe>")
            found["page"] = await page.evaluate(present)
            found["blank frame"] = await page.frames[1].evaluate(present)
            async with page.expect_popup() as opened:
                await page.evaluate("() => { window.open('').document.write('<p>notes</p>'); }")
            found["blank window"] = await (await opened.value).evaluate(present)
            return found

    assert shared_browser.runner.run(run()) == {
        "first document": False,
        "page": True,
        "blank frame": True,
        "blank window": True,
    }


#: (a page whose key is in attributes, the key read from it).
KEY_ATTRIBUTES = [
    # the right choice marked (a boolean attribute, "true"), not the others ("false")
    (
        "<div><p>1.</p><label><input type=radio name=q1 value=A data-correct=false> A</label>"
        "<label><input type=radio name=q1 value=B data-correct> B</label></div>"
        "<div><p>2.</p><select name=q2><option value=''></option><option value=x>A</option>"
        "<option value=y data-correct=true>B</option></select></div>",
        {"1": "B", "2": "y"},
    ),
    # a choose-TWO's right choices, each marked: both, for each of its questions
    (
        "<div><p>3-4.</p><label><input type=checkbox name=q3-4 value=A data-correct> A</label>"
        "<label><input type=checkbox name=q3-4 value=B> B</label>"
        "<label><input type=checkbox name=q3-4 value=C data-correct> C</label></div>",
        {"3": ["A", "C"], "4": ["A", "C"]},
    ),
    # the answer on the control, under the other names pages give it
    (
        "<p>5. <input name=q5 data-correct-answer=wick></p><p>6. <input name=q6 data-solution=1998></p>",
        {"5": "wick", "6": "1998"},
    ),
    # an option the page built, marked as the right one
    (
        "<div><p>7. Which?</p><div role=radiogroup><div role=radio aria-checked=false>A. x</div>"
        "<div role=radio aria-checked=false data-correct=true>B. y</div></div></div>",
        {"7": "B"},
    ),
    # a radio given no value (it reads "on"): the letter its label prints
    (
        "<div><p>8. Which?</p><label><input type=radio name=q8> A. x</label>"
        "<label><input type=radio name=q8 data-correct> B. y</label></div>",
        {"8": "B"},
    ),
]


@pytest.mark.parametrize("html,key", KEY_ATTRIBUTES)
def test_a_key_in_attributes_is_read_from_the_control_or_the_right_choice(
    shared_browser: SharedBrowser, html: str, key: dict[str, object]
) -> None:
    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate("() => window.__ieltsRecorderNS.extractKey()")

    found = shared_browser.enhanced(html, check)
    assert found == {"key": key, "source": "data_attribute"}


#: (choices with no value attribute, one of them ticked; the answer read).
CHOICE_VALUES = [
    # the letter printed in its label, else its words
    (
        "<p>1.</p><label><input type=radio name=q1> A. x</label><label><input type=radio name=q1 checked> B. y</label>",
        "B",
    ),  # fmt: skip
    ("<p>1.</p><label><input type=radio name=q1 checked> NOT GIVEN</label>", "NOT GIVEN"),
    # its accessible name
    (
        "<p>1. <input type=radio name=q1 aria-label=C checked> <input type=radio name=q1 aria-label=D></p>",
        "C",
    ),  # fmt: skip
    # in a grid, the head of its column (a table head, or the first row; spans counted)
    (
        "<table><thead><tr><th></th><th>A</th><th>B</th></tr></thead><tbody><tr><td>1 x</td>"
        "<td><input type=radio name=q1></td><td><input type=radio name=q1 checked></td></tr></tbody></table>",
        "B",
    ),  # fmt: skip
    (
        "<table><tr><td colspan=2>Options</td><td>iii</td></tr><tr><td>1</td><td>x</td>"
        "<td><input type=radio name=q1 checked></td></tr></table>",
        "iii",
    ),  # fmt: skip
]


@pytest.mark.parametrize("html,value", CHOICE_VALUES)
def test_a_choice_with_no_value_stands_for_what_is_printed_for_it(
    shared_browser: SharedBrowser, html: str, value: str
) -> None:
    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate("() => window.__ieltsRecorderNS.readAnswers()")

    assert shared_browser.enhanced(html, check) == {"1": value}


TWO_BOXES = '<p>1. <input name="q1"></p><p>2. <input name="q2"></p>'

#: (a page whose key is only in its text, the key read from it or None).
KEY_TEXTS = [
    # an answer under each question, hidden until shown
    (
        '<div><p>1. <input name="q1"></p><p hidden>Answer: delta</p></div>'
        '<div><p>2. <input name="q2"></p><p hidden><b>Correct answer:</b> ridge</p></div>',
        {"1": "delta", "2": "ridge"},
    ),
    # a section named or headed as the key: a numbered list, a table, lines
    (
        TWO_BOXES
        + '<div id="answer-key" hidden><h3>Key</h3><ol><li>delta</li><li>ridge</li></ol></div>',
        {"1": "delta", "2": "ridge"},
    ),  # fmt: skip
    (
        TWO_BOXES
        + "<details><summary>Answers</summary><table><tr><td>1</td><td>TRUE</td></tr><tr><td>2</td><td>NOT GIVEN</td></tr></table></details>",
        {"1": "TRUE", "2": "NOT GIVEN"},
    ),  # fmt: skip
    (
        TWO_BOXES + '<div class="solutions"><p>Q1. delta</p><p>Q2) ridge</p></div>',
        {"1": "delta", "2": "ridge"},
    ),  # fmt: skip
    (
        TWO_BOXES + "<section><h4>答案</h4><ol><li>delta</li><li>ridge</li></ol></section>",
        {"1": "delta", "2": "ridge"},
    ),  # fmt: skip
    # the learner's own answers are not a key, under a name or a heading
    (TWO_BOXES + '<div class="user-answers"><p>1 delt</p><p>2 rige</p></div>', None),
    (TWO_BOXES + "<div><h3>Your answers</h3><ol><li>delt</li><li>rige</li></ol></div>", None),
    (
        '<div><p>1. <input name="q1"></p><p>Your answer: delt</p></div><div><p>2. <input name="q2"></p><p>Your answer: rige</p></div>',
        None,
    ),  # fmt: skip
    # one answer alone is no key; nor a list that does not fit the page's questions
    (
        '<div><p>1. <input name="q1"></p><p hidden>Answer: delta</p></div><div><p>2. <input name="q2"></p></div>',
        None,
    ),  # fmt: skip
    (TWO_BOXES + '<div class="answers"><p>7 delta</p><p>8 ridge</p></div>', None),
]


@pytest.mark.parametrize("html,key", KEY_TEXTS)
def test_a_key_written_in_the_pages_text_is_read_from_it(
    shared_browser: SharedBrowser, html: str, key: dict[str, object] | None
) -> None:
    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate("() => window.__ieltsRecorderNS.extractKey()")

    assert shared_browser.enhanced(html, check) == {
        "key": key,
        "source": "answer_text" if key else None,
    }


#: (a pool of items, the values of those a learner can drag).
DRAGGABLES = [
    (
        '<div><span draggable="true">A</span><span draggable="false" class="ui-draggable">B</span></div>',
        ["A"],
    ),  # fmt: skip
    # dragged by the mouse a page follows itself, marked as drag libraries mark them
    (
        '<div><span class="ui-draggable" data-word="horn">horn</span><span class="drag-item">'
        'iv. A luxury</span><b data-draggable>C</b><i data-drag="x">D</i></div>',
        ["horn", "iv", "C", "D"],
    ),
    # a class that only mentions dragging is not an item
    (
        '<div class="draggable-list"><span class="no-drag">A</span><span class="dragging-hint">B</span></div>',
        [],
    ),  # fmt: skip
]


@pytest.mark.parametrize("html,values", DRAGGABLES)
def test_an_item_to_drag_is_known_by_its_attribute_or_a_drag_librarys_class(
    shared_browser: SharedBrowser, html: str, values: list[str]
) -> None:
    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate(
            "() => window.__ieltsRecorderNS.dragItems(null).map(window.__ieltsRecorderNS.itemValue)"
        )

    assert shared_browser.enhanced(html, check) == values


BOX = '<span style="display:inline-block;min-width:60px;min-height:1em;border:1px solid">'
ITEMS = '<div><div draggable="true">A x</div><div draggable="true">B y</div></div>'
ON_THE_DOCUMENT = "<script>document.addEventListener('drop', e => e.preventDefault());</script>"

#: (a page, the questions read: gaps of a page that takes every drop with one listener).
DELEGATED_ZONES = [
    # empty boxes after their numbers (blank, or a line to write on); one with no number is none
    (
        f"{ITEMS}<p>5. First {BOX}</span></p><p>6. Then {BOX}____</span></p>"
        f"<p>A box of no question {BOX}</span></p>{ON_THE_DOCUMENT}",
        ["5", "6"],
    ),
    # no listener for drops, or nothing to drag: no gaps
    (f"{ITEMS}<p>5. First {BOX}</span></p>", []),
    (f"<p>5. First {BOX}</span></p>{ON_THE_DOCUMENT}", []),
]


@pytest.mark.parametrize("html,ids", DELEGATED_ZONES)
def test_a_gap_of_a_page_that_takes_drops_on_the_document_is_found(
    shared_browser: SharedBrowser, html: str, ids: list[str]
) -> None:
    assert _question_ids(shared_browser, html) == ids


#: (a page after it marked itself, the score the enhancer reads as the page's own, or None).
PAGE_SCORES = [
    ('<p id="score">Score: 7 / 13</p>', {"score": 7, "total": 13}),
    ('<div class="result">You got 7 out of 13</div>', {"score": 7, "total": 13}),
    ('<p id="score">3 of 4 correct</p>', {"score": 3, "total": 4}),
    # more than the total is no score; an element of no score's name is not read here
    ('<p id="score">14 / 13</p>', None),
    ("<p>Question 3 of 4</p>", None),
]


@pytest.mark.parametrize("html,score", PAGE_SCORES)
def test_the_score_a_page_shows_is_read_in_its_forms(
    shared_browser: SharedBrowser, html: str, score: dict[str, int] | None
) -> None:
    async def check(page: ExamPage, _calls: Calls) -> object:
        return await page.page.evaluate("() => window.__ieltsRecorderNS.readPageScore()")

    assert shared_browser.enhanced(html, check) == score
