"""IELTS marking rules, one table row per case, each named after the rule it shows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recorder.answer_key import parse_key_entry, parse_word_limit
from recorder.answers import count_words, normalize
from recorder.bands import band_for
from recorder.scoring import mark_attempt, mark_entry, mark_set

TWO_AND_NUMBER = "NO MORE THAN TWO WORDS AND/OR A NUMBER"
ONE_ONLY = "ONE WORD ONLY"
THREE = "NO MORE THAN THREE WORDS"
ONE_AND_NUMBER = "ONE WORD AND/OR A NUMBER"
TFNG = "true_false_not_given"
YNNG = "yes_no_not_given"
MC = "multiple_choice"
SC = "sentence_completion"

# (rule, key, answer, question type, word limit, correct, reason)
CASES: list[tuple[str, object, object, str, str | None, bool, str | None]] = [
    # Case, surrounding white space and punctuation do not matter.
    ("case_insensitive", "frequency bands", "Frequency Bands", SC, None, True, None),
    ("case_insensitive", "frequency bands", "FREQUENCY BANDS", SC, None, True, None),
    ("case_insensitive", "Thursday", "thursday", SC, None, True, None),
    ("case_insensitive", "London", "lONDON", SC, None, True, None),
    ("surrounding_space", "shirt", "  shirt  ", SC, None, True, None),
    ("surrounding_space", "shirt", "\tshirt\n", SC, None, True, None),
    ("inner_space_folded", "frequency bands", "frequency   bands", SC, None, True, None),
    ("surrounding_punctuation", "shirt", "shirt.", SC, None, True, None),
    ("surrounding_punctuation", "shirt", '"shirt"', SC, None, True, None),
    ("surrounding_punctuation", "shirt", "(shirt)", SC, None, True, None),
    ("surrounding_punctuation", "shirt", "shirt!?", SC, None, True, None),
    ("surrounding_punctuation", "visual surveys", "visual surveys;", SC, None, True, None),
    ("surrounding_punctuation", "B", "B.", MC, None, True, None),
    ("surrounding_punctuation", "B", "(B)", MC, None, True, None),
    ("surrounding_punctuation", "TRUE", "TRUE.", TFNG, None, True, None),
    # Inner spelling counts.
    ("inner_spelling_matters", "visual surveys", "visual survey", SC, None, False, "spelling"),
    ("inner_spelling_matters", "Hartley", "Hartly", SC, None, False, "spelling"),
    ("inner_spelling_matters", "pottery", "potery", SC, None, False, "spelling"),
    ("inner_spelling_matters", "Thursday", "Thrusday", SC, None, False, "spelling"),
    ("inner_spelling_matters", "frequency bands", "frequency-bands", SC, None, False, "spelling"),
    ("inner_spelling_matters", "shirt", "skirt", SC, None, False, "wrong"),  # short: another word
    ("inner_spelling_matters", "library", "librarian", SC, None, False, "wrong"),
    ("inner_punctuation_kept", "well-being", "well being", SC, None, False, "spelling"),
    ("inner_punctuation_kept", "well-being", "well-being", SC, None, True, None),
    # Alternatives.
    ("alternatives_slash", "4 / four", "4", SC, None, True, None),
    ("alternatives_slash", "4 / four", "four", SC, None, True, None),
    ("alternatives_slash", "six months / 6 months", "6 months", SC, None, True, None),
    ("alternatives_slash", "six months / 6 months", "six months", SC, None, True, None),
    ("alternatives_slash", "car / vehicle", "vehicle", SC, None, True, None),
    ("alternatives_slash", "car / vehicle", "bus", SC, None, False, "wrong"),
    ("alternatives_pipe", "colour | hue", "hue", SC, None, True, None),
    ("alternatives_pipe", "colour|hue", "colour", SC, None, True, None),
    ("alternatives_pipe", "colour|hue", "shade", SC, None, False, "wrong"),
    ("alternatives_array", ["car", "vehicle"], "car", SC, None, True, None),
    ("alternatives_array", ["car", "vehicle"], "vehicle", SC, None, True, None),
    ("alternatives_array", ["car", "vehicle"], "van", SC, None, False, "wrong"),
    ("alternatives_letters", "A/B", "A", MC, None, True, None),
    ("alternatives_letters", "A/B", "b", MC, None, True, None),
    ("alternatives_letters", "A/B", "C", MC, None, False, "wrong"),
    ("slash_inside_an_answer", "24/7", "24/7", SC, None, True, None),
    ("slash_inside_an_answer", "24/7", "24", SC, None, False, "wrong"),
    ("slash_inside_an_answer", "3/4", "3/4", SC, None, True, None),
    # Optional words.
    ("optional_words", "(vigorous) exercise", "exercise", SC, None, True, None),
    ("optional_words", "(vigorous) exercise", "vigorous exercise", SC, None, True, None),
    ("optional_words", "(vigorous) exercise", "Vigorous Exercise.", SC, None, True, None),
    ("optional_words", "(vigorous) exercise", "regular exercise", SC, None, False, "wrong"),
    ("optional_words", "(vigorous) exercise", "vigorous", SC, None, False, "wrong"),
    ("optional_words", "(the) garden studio", "garden studio", SC, None, True, None),
    ("optional_words", "(the) garden studio", "the garden studio", SC, None, True, None),
    ("optional_words", "(the) garden studio", "a garden studio", SC, None, False, "wrong"),
    ("optional_words", "(old) (cotton) shirt", "old cotton shirt", SC, None, True, None),
    ("optional_words", "(old) (cotton) shirt", "cotton shirt", SC, None, True, None),
    ("optional_words", "(old) (cotton) shirt", "cotton old shirt", SC, None, False, "wrong"),
    ("optional_words_order", "(vigorous) exercise", "exercise vigorous", SC, None, False, "wrong"),
    # TRUE/FALSE/NOT GIVEN family.
    ("tfng_exact", "TRUE", "TRUE", TFNG, None, True, None),
    ("tfng_exact", "FALSE", "FALSE", TFNG, None, True, None),
    ("tfng_exact", "NOT GIVEN", "NOT GIVEN", TFNG, None, True, None),
    ("tfng_case", "TRUE", "true", TFNG, None, True, None),
    ("tfng_case", "NOT GIVEN", "not given", TFNG, None, True, None),
    ("tfng_ng_is_not_given", "NOT GIVEN", "NG", TFNG, None, True, None),
    ("tfng_ng_is_not_given", "NG", "NOT GIVEN", TFNG, None, True, None),
    ("tfng_ng_is_not_given", "NOT GIVEN", "ng", TFNG, None, True, None),
    ("tfng_short_letters", "TRUE", "T", TFNG, None, True, None),
    ("tfng_short_letters", "FALSE", "F", TFNG, None, True, None),
    ("tfng_short_letters", "FALSE", "t", TFNG, None, False, "wrong"),
    ("tfng_wrong_value", "TRUE", "FALSE", TFNG, None, False, "wrong"),
    ("tfng_wrong_value", "TRUE", "NOT GIVEN", TFNG, None, False, "wrong"),
    ("tfng_wrong_value", "NOT GIVEN", "FALSE", TFNG, None, False, "wrong"),
    # YES/NO/NOT GIVEN family.
    ("ynng_exact", "YES", "YES", YNNG, None, True, None),
    ("ynng_exact", "NO", "NO", YNNG, None, True, None),
    ("ynng_exact", "NOT GIVEN", "NOT GIVEN", YNNG, None, True, None),
    ("ynng_case", "YES", "yes", YNNG, None, True, None),
    ("ynng_ng_is_not_given", "NOT GIVEN", "NG", YNNG, None, True, None),
    ("ynng_short_letters", "YES", "Y", YNNG, None, True, None),
    ("ynng_short_letters", "NO", "N", YNNG, None, True, None),
    ("ynng_wrong_value", "YES", "NO", YNNG, None, False, "wrong"),
    # The two families are different.
    ("wrong_family", "TRUE", "YES", TFNG, None, False, "wrong_family"),
    ("wrong_family", "FALSE", "NO", TFNG, None, False, "wrong_family"),
    ("wrong_family", "YES", "TRUE", YNNG, None, False, "wrong_family"),
    ("wrong_family", "NO", "FALSE", YNNG, None, False, "wrong_family"),
    ("wrong_family", "TRUE", "Y", TFNG, None, False, "wrong_family"),
    ("wrong_family", "YES", "T", YNNG, None, False, "wrong_family"),
    ("wrong_family_key_without_type", "TRUE", "YES", "", None, False, "wrong_family"),
    ("wrong_family_key_without_type", "NO", "FALSE", "", None, False, "wrong_family"),
    # Letters are never booleans.
    ("letters_not_booleans", "TRUE", "1", TFNG, None, False, "wrong"),
    ("letters_not_booleans", "TRUE", "yes", TFNG, None, False, "wrong_family"),
    ("letters_not_booleans", "A", "true", MC, None, False, "not_a_letter"),
    ("letters_not_booleans", "T", "TRUE", MC, None, False, "not_a_letter"),
    ("letters_not_booleans", "F", "F", MC, None, True, None),
    ("letters_not_booleans", "Y", "yes", MC, None, False, "not_a_letter"),
    # Letter answers compare as letters.
    ("letter_case", "B", "b", MC, None, True, None),
    ("letter_case", "b", "B", MC, None, True, None),
    ("letter_exact", "C", "C", MC, None, True, None),
    ("letter_wrong", "C", "D", MC, None, False, "wrong"),
    ("letter_space", "C", " c ", MC, None, True, None),
    ("letter_from_list", "C", ["C"], MC, None, True, None),
    ("letter_from_list", "C", ["C", "D"], MC, None, False, "over_selected"),
    ("letter_matching_select", "E", "E", "matching_information", None, True, None),
    ("letter_matching_select", "E", "e", "matching_information", None, True, None),
    ("letter_matching_select", "E", "F", "matching_information", None, False, "wrong"),
    ("roman_numerals", "iv", "iv", "matching_headings", None, True, None),
    ("roman_numerals", "iv", "IV", "matching_headings", None, True, None),
    ("roman_numerals", "iv", "vi", "matching_headings", None, False, "wrong"),
    ("roman_numerals", "ii", "i", "matching_headings", None, False, "wrong"),
    # A sentence that starts with a letter is not a letter answer.
    ("sentence_is_not_letter", "A", "A dog", MC, None, False, "not_a_letter"),
    ("sentence_is_not_letter", "B", "B because it is", MC, None, False, "not_a_letter"),
    ("sentence_is_not_letter", "A", "Apple", MC, None, False, "not_a_letter"),
    ("sentence_is_not_letter", "C", "C.D", MC, None, False, "not_a_letter"),
    # Word limits are read and enforced.
    ("word_limit_within", "frequency bands", "frequency bands", SC, TWO_AND_NUMBER, True, None),
    ("word_limit_within", "6 months", "6 months", SC, TWO_AND_NUMBER, True, None),
    ("word_limit_within", "two large rooms", "two large rooms", SC, TWO_AND_NUMBER, True, None),
    ("word_limit_over", "bands", "frequency bands", SC, ONE_ONLY, False, "over_word_limit"),
    (
        "word_limit_over_contains_key",
        "frequency bands",
        "the frequency bands",
        SC,
        TWO_AND_NUMBER,
        False,
        "over_word_limit",
    ),
    (
        "word_limit_over_contains_key",
        "shirt",
        "an old shirt",
        SC,
        ONE_AND_NUMBER,
        False,
        "over_word_limit",
    ),
    (
        "word_limit_over_contains_key",
        "(vigorous) exercise",
        "very vigorous exercise",
        SC,
        TWO_AND_NUMBER,
        False,
        "over_word_limit",
    ),
    (
        "word_limit_over_contains_key",
        "visual surveys",
        "visual surveys by divers",
        SC,
        THREE,
        False,
        "over_word_limit",
    ),
    ("word_limit_one_only", "shirt", "shirt", SC, ONE_ONLY, True, None),
    ("word_limit_one_only", "85", "85", SC, ONE_ONLY, True, None),
    ("word_limit_one_only", "85 pounds", "85 pounds", SC, ONE_ONLY, False, "over_word_limit"),
    (
        "word_limit_number_counts_as_word",
        "6 months",
        "6 months",
        SC,
        "NO MORE THAN TWO WORDS",
        True,
        None,
    ),
    (
        "word_limit_number_counts_as_word",
        "6 months",
        "for 6 months",
        SC,
        "NO MORE THAN TWO WORDS",
        False,
        "over_word_limit",
    ),
    ("word_limit_and_number", "3 rooms", "3 rooms", SC, ONE_AND_NUMBER, True, None),
    (
        "word_limit_and_number",
        "3 rooms",
        "3 large rooms",
        SC,
        ONE_AND_NUMBER,
        False,
        "over_word_limit",
    ),
    ("word_limit_two_numbers", "3", "3 4", SC, ONE_AND_NUMBER, False, "over_word_limit"),
    ("hyphenated_is_one_word", "well-being", "well-being", SC, ONE_ONLY, True, None),
    (
        "hyphenated_is_one_word",
        "part-time job",
        "part-time job",
        SC,
        "NO MORE THAN TWO WORDS",
        True,
        None,
    ),
    ("hyphenated_is_one_word", "eighty-five", "eighty-five", SC, ONE_ONLY, True, None),
    ("number_with_commas_is_one", "30,000", "30,000", SC, "A NUMBER ONLY", True, None),
    (
        "number_with_commas_is_one",
        "30,000 visitors",
        "30,000 visitors",
        SC,
        ONE_AND_NUMBER,
        True,
        None,
    ),
    ("time_is_one_number", "9.30am", "9.30am", SC, ONE_AND_NUMBER, True, None),
    ("time_is_one_number", "9.30am start", "9.30am start", SC, ONE_AND_NUMBER, True, None),
    ("percent_is_one_number", "55%", "55%", SC, "A NUMBER ONLY", True, None),
    ("percent_is_one_number", "55% increase", "55% increase", SC, ONE_AND_NUMBER, True, None),
    ("currency_is_one_number", "£4.50", "£4.50", SC, "A NUMBER ONLY", True, None),
    # Numbers: digits and words.
    ("number_digits_for_words", "four", "4", SC, None, True, None),
    ("number_words_for_digits", "4", "four", SC, None, True, None),
    ("number_words_for_digits", "85", "eighty-five", SC, None, True, None),
    ("number_words_for_digits", "85", "eighty five", SC, None, True, None),
    ("number_words_for_digits", "210", "two hundred and ten", SC, None, True, None),
    ("number_words_for_digits", "1500", "1,500", SC, None, True, None),
    ("number_in_phrase", "6 months", "six months", SC, None, True, None),
    ("number_in_phrase", "four hours", "4 hours", SC, None, True, None),
    ("number_wrong_value", "4", "five", SC, None, False, "wrong"),
    ("number_wrong_value", "85", "95", SC, None, False, "wrong"),
    ("number_literal_key", "=4", "4", SC, None, True, None),
    ("number_literal_key", "=4", "four", SC, None, False, "wrong"),
    ("number_currency", "85", "£85", SC, None, True, None),
    # British and American spellings.
    ("british_american", "colour", "color", SC, None, True, None),
    ("british_american", "color", "colour", SC, None, True, None),
    ("british_american", "centre", "center", SC, None, True, None),
    ("british_american", "city centre", "city center", SC, None, True, None),
    ("british_american", "programme", "program", SC, None, True, None),
    ("british_american", "organisation", "organization", SC, None, True, None),
    ("british_american", "theatre", "theater", SC, None, True, None),
    ("british_american", "grey", "gray", SC, None, True, None),
    ("british_american", "jewellery", "jewelry", SC, None, True, None),
    ("british_american", "tyre", "tire", SC, None, True, None),
    ("british_american_not_general", "tour", "tor", SC, None, False, "wrong"),
    ("british_american_misspelt", "colour", "collor", SC, None, False, "spelling"),
    # No article or filler collapsing.
    ("no_article_collapsing", "a dog", "a camera", SC, None, False, "wrong"),
    ("no_article_collapsing", "dog", "a dog", SC, None, False, "wrong"),
    ("no_article_collapsing", "the market", "market", SC, None, False, "wrong"),
    ("no_article_collapsing", "market", "the market", SC, None, False, "wrong"),
    ("no_filler_collapsing", "garden studio", "garden studio area", SC, None, False, "wrong"),
    # A blank is wrong.
    ("blank_is_wrong", "shirt", None, SC, None, False, "blank"),
    ("blank_is_wrong", "shirt", "", SC, None, False, "blank"),
    ("blank_is_wrong", "shirt", "   ", SC, None, False, "blank"),
    ("blank_is_wrong", "shirt", "...", SC, None, False, "blank"),
    ("blank_is_wrong", "B", None, MC, None, False, "blank"),
    ("blank_is_wrong", "B", [], MC, None, False, "blank"),
    ("blank_is_wrong", "TRUE", None, TFNG, None, False, "blank"),
    ("blank_is_wrong", "NOT GIVEN", "", TFNG, None, False, "blank"),
]


@pytest.mark.parametrize(
    "key,answer,qtype,limit,correct,reason",
    [pytest.param(*case[1:], id=f"{case[0]}-{n}") for n, case in enumerate(CASES)],
)
def test_marking_rule(
    key: object, answer: object, qtype: str, limit: str | None, correct: bool, reason: str | None
) -> None:
    entry = parse_key_entry(key, question_type=qtype, word_limit=limit)  # type: ignore[arg-type]
    assert mark_entry(entry, answer) == (correct, reason)  # type: ignore[arg-type]


# (rule, key letters, chosen letters, expected marks for the two or three questions)
SET_CASES = [
    ("set_any_order", ["B", "D"], ["B", "D"], [True, True]),
    ("set_any_order", ["B", "D"], ["D", "B"], [True, True]),
    ("set_case", ["B", "D"], ["d", "b"], [True, True]),
    ("set_partial", ["B", "D"], ["B", "E"], [True, False]),
    ("set_partial", ["B", "D"], ["A", "D"], [True, False]),
    ("set_partial", ["B", "D"], ["A", "C"], [False, False]),
    ("set_one_given", ["B", "D"], ["D"], [True, False]),
    ("set_blank", ["B", "D"], [], [False, False]),
    ("set_over_selected_costs_a_mark", ["B", "D"], ["B", "D", "E"], [True, False]),
    ("set_over_selected_costs_marks", ["B", "D"], ["A", "B", "C", "D"], [False, False]),
    ("set_tick_everything_scores_nothing", ["B", "D"], ["A", "B", "C", "D", "E"], [False, False]),
    ("set_of_three", ["A", "C", "F"], ["F", "A", "C"], [True, True, True]),
    ("set_of_three", ["A", "C", "F"], ["A", "C", "E"], [True, True, False]),
    ("set_of_three_over", ["A", "C", "F"], ["A", "C", "F", "B"], [True, True, False]),
]


@pytest.mark.parametrize(
    "key,chosen,expected", [pytest.param(*c[1:], id=f"{c[0]}-{n}") for n, c in enumerate(SET_CASES)]
)
def test_choose_n_sets(key: list[str], chosen: list[str], expected: list[bool]) -> None:
    group = [str(10 + n) for n in range(len(key))]
    marks = mark_set(group, [key] * len(group), [chosen] * len(group))
    assert [correct for correct, _ in marks] == expected
    reasons = {reason for correct, reason in marks if not correct}
    if not chosen:
        assert reasons == {"blank"}
    elif len(chosen) > len(group):
        assert reasons <= {"over_selected"}
    else:
        assert reasons <= {"partial_set"}


def test_set_keys_given_per_question_are_joined() -> None:
    """A key of "10": "B", "11": "D" marks the pair as a set, in any order."""
    marking = mark_attempt(
        {"10": ["D", "B"], "11": ["D", "B"]},
        {"10": "B", "11": "D"},
        ["10", "11"],
        {"10": "multiple_choice_multi", "11": "multiple_choice_multi"},
        groups=[["10", "11"]],
    )
    assert marking.score == 2
    assert marking.per_type == {"multiple_choice_multi": (2, 2)}


@pytest.mark.parametrize(
    "text,words,numbers",
    [
        ("NO MORE THAN TWO WORDS AND/OR A NUMBER", 2, 1),
        ("Write NO MORE THAN THREE WORDS for each answer.", 3, 0),
        ("Write ONE WORD ONLY", 1, 0),
        ("ONE WORD AND/OR A NUMBER", 1, 1),
        ("Write A NUMBER ONLY", 0, 1),
    ],
)
def test_word_limits_are_read_from_instructions(text: str, words: int, numbers: int) -> None:
    limit = parse_word_limit(text)
    assert limit is not None and (limit.words, limit.numbers) == (words, numbers)


def test_no_word_limit_in_an_instruction_without_one() -> None:
    assert parse_word_limit("Choose the correct letter, A, B or C.") is None


@pytest.mark.parametrize(
    "text,words,numbers",
    [
        ("well-being", 1, 0),
        ("30,000 people", 1, 1),
        ("9.30am", 0, 1),
        ("55% rise", 1, 1),
        ("a b c", 3, 0),
    ],
)
def test_word_counting(text: str, words: int, numbers: int) -> None:
    counted = count_words(text)
    assert (counted.words, counted.numbers) == (words, numbers)


def test_per_type_totals_are_marks_not_averages() -> None:
    marking = mark_attempt(
        {"1": "TRUE", "2": "FALSE", "3": "B"},
        {"1": "TRUE", "2": "TRUE", "3": "B"},
        ["1", "2", "3"],
        {"1": TFNG, "2": TFNG, "3": MC},
    )
    assert marking.per_type == {TFNG: (1, 2), MC: (1, 1)}
    assert marking.score == 2


def test_no_key_means_unscored_never_zero() -> None:
    marking = mark_attempt({"1": "A"}, None, ["1"], {"1": MC})
    assert marking.score is None
    assert marking.marks[0].isCorrect is None


def test_an_unreadable_key_entry_leaves_the_question_unscored() -> None:
    marking = mark_attempt({"1": "A", "2": "x"}, {"1": "A", "2": []}, ["1", "2"], {})
    assert [(m.isCorrect, m.reason) for m in marking.marks] == [(True, None), (None, "bad_key")]


@pytest.mark.parametrize(
    "raw,module,out_of,band,estimated",
    [
        (40, "listening", 40, 9.0, False),
        (30, "listening", 40, 7.0, False),
        (23, "listening", 40, 6.0, False),
        (30, "academic", 40, 7.0, False),
        (23, "academic", 40, 6.0, False),
        (30, "general", 40, 6.0, False),
        (34, "general", 40, 7.0, False),
        (0, "academic", 40, 0.0, False),
        (13, "academic", 13, 9.0, True),
        (10, "academic", 13, 7.0, True),
    ],
)
def test_band_tables(raw: int, module: str, out_of: int, band: float, estimated: bool) -> None:
    assert band_for(raw, module, out_of) == (band, estimated)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- properties

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
phrases = st.lists(words, min_size=1, max_size=3).map(" ".join)


@given(st.text(max_size=60))
def test_normalisation_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


@given(
    st.one_of(
        phrases,
        st.lists(phrases, min_size=1, max_size=3).map(" / ".join),
        st.tuples(words, phrases).map(lambda t: f"({t[0]}) {t[1]}"),
        st.sampled_from(["TRUE", "FALSE", "NOT GIVEN", "YES", "NO", "A", "b", "iv"]),
        st.integers(0, 99_999).map(str),
    )
)
def test_the_key_itself_always_scores_full_marks(key: str) -> None:
    for qtype in ("", SC):
        entry = parse_key_entry(key, question_type=qtype)
        assert mark_entry(entry, entry.canonical()) == (True, None)
        for accepted in entry.accepted():
            assert mark_entry(entry, accepted.replace("(", "").replace(")", ""))[0]


@given(st.permutations(["A", "B", "C", "D", "E"]), st.integers(1, 5))
def test_set_letter_order_never_changes_the_score(order: list[str], take: int) -> None:
    chosen = order[:take]
    group = ["10", "11"]
    forward = mark_set(group, [["B", "D"]] * 2, [chosen] * 2)
    backward = mark_set(group, [["D", "B"]] * 2, [list(reversed(chosen))] * 2)
    assert sum(c for c, _ in forward) == sum(c for c, _ in backward)


@given(phrases, phrases, words, st.sampled_from([TWO_AND_NUMBER, ONE_ONLY, THREE, ONE_AND_NUMBER]))
def test_a_word_beyond_the_limit_never_turns_wrong_into_right(
    key: str, answer: str, extra: str, limit: str
) -> None:
    entry = parse_key_entry(key, question_type=SC, word_limit=limit)
    before, _ = mark_entry(entry, answer)
    longer = answer
    parsed = parse_word_limit(limit)
    assert parsed is not None
    for _ in range(20):  # each extra word counts: the limit is passed well within 20
        if not parsed.allows(longer):
            break
        longer = f"{longer} {extra}"
    after, reason = mark_entry(entry, longer)
    assert not after and reason == "over_word_limit"
    assert not (after and not before)
