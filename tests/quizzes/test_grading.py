"""Marking each question type, straight from snapshots."""

from decimal import Decimal

import pytest

from quizzes.grading import correct_answer_lines, grade_response, normalize_answer, response_feedback


def snapshot(qtype, answers):
    return {
        "qtype": qtype,
        "choices": [
            {"id": index, "text": text, "match": match, "fraction": str(fraction), "feedback": f"fb {text}"}
            for index, (text, fraction, match) in enumerate(answers, start=1)
        ],
    }


SINGLE = snapshot("single", [("Mediation", 1, ""), ("Negotiation", 0, ""), ("Half", Decimal("0.5"), "")])
MULTIPLE = snapshot(
    "multiple",
    [("UN", Decimal("0.5"), ""), ("ASEAN", Decimal("0.5"), ""), ("NATO", -1, ""), ("G7", Decimal("-0.5"), "")],
)
SHORT = snapshot(
    "short",
    [("RCEP", 1, ""), ("Regional Comprehensive Economic Partnership", 1, ""), ("trade deal", Decimal("0.5"), "")],
)
MATCHING = snapshot("matching", [("Kyoto", 1, "Protocol"), ("Paris", 1, "Agreement"), ("COP", 1, "Conference")])
ORDERING = snapshot("ordering", [("first", 1, ""), ("second", 1, ""), ("third", 1, ""), ("fourth", 1, "")])


@pytest.mark.parametrize(
    ("response", "mark"),
    [({"choice": 1}, "1"), ({"choice": 2}, "0"), ({"choice": 3}, "0.5"), ({"choice": 99}, "0"), (None, "0")],
)
def test_single_choice_gives_the_weight_of_the_picked_choice(response, mark):
    """Right gives 1, wrong 0, a partial choice its weight; an unknown id or no answer gives 0."""
    assert grade_response(SINGLE, response) == Decimal(mark)


@pytest.mark.parametrize(
    ("picked", "mark"),
    [
        ([1, 2], "1"),
        ([1], "0.5"),
        ([1, 2, 4], "0.5"),
        ([1, 3], "0"),
        ([3, 4], "0"),
        ([1, 1, 1], "0.5"),
        ([], "0"),
    ],
)
def test_multiple_response_gives_partial_credit_and_wrong_picks_cost(picked, mark):
    """Right picks add their weight, wrong picks subtract theirs, and the mark stays within 0..1."""
    assert grade_response(MULTIPLE, {"choices": picked}) == Decimal(mark)


@pytest.mark.parametrize(
    ("typed", "mark"),
    [
        ("RCEP", "1"),
        ("  r.c.e.p ", "1"),
        ("regional comprehensive  economic-partnership!", "1"),
        ("Trade deal", "0.5"),
        ("WTO", "0"),
        ("", "0"),
        ("...", "0"),
    ],
)
def test_short_answer_folds_case_spacing_and_punctuation(typed, mark):
    """Any accepted answer matches whatever the case, spacing or punctuation; its weight is the mark."""
    assert grade_response(SHORT, {"text": typed}) == Decimal(mark)


def test_normalize_answer_keeps_letters_of_any_script():
    """Folding removes punctuation and space but keeps non-Latin letters and digits."""
    assert normalize_answer(" Café-Ünion 2 ") == "caféünion2"


@pytest.mark.parametrize(
    ("pairs", "mark"),
    [({"1": 1, "2": 2, "3": 3}, "1"), ({"1": 1, "2": 3, "3": 2}, "0.3333333"), ({"1": 2}, "0"), ({}, "0")],
)
def test_matching_gives_the_share_of_right_pairs(pairs, mark):
    """Each right pair is worth an equal share."""
    assert grade_response(MATCHING, {"pairs": pairs}) == Decimal(mark)


@pytest.mark.parametrize(
    ("order", "mark"),
    [([1, 2, 3, 4], "1"), ([2, 1, 3, 4], "0.5"), ([4, 3, 2, 1], "0"), ([1, 2], "0.5"), ([], "0")],
)
def test_ordering_gives_the_share_of_items_in_the_right_place(order, mark):
    """Each item in its right position is worth an equal share."""
    assert grade_response(ORDERING, {"order": order}) == Decimal(mark)


def test_true_false_marks_only_the_key():
    """True/false is right only for the keyed answer."""
    true_false = snapshot("truefalse", [("True", 0, ""), ("False", 1, "")])
    assert grade_response(true_false, {"choice": 2}) == 1
    assert grade_response(true_false, {"choice": 1}) == 0


def test_feedback_follows_what_was_picked():
    """Students read the feedback of the choices they picked, and of the short answer they matched."""
    assert response_feedback(MULTIPLE, {"choices": [1, 3]}) == ["fb UN", "fb NATO"]
    assert response_feedback(SHORT, {"text": "rcep"}) == ["fb RCEP"]
    assert response_feedback(SINGLE, None) == []


def test_right_answer_lines_for_the_review_page():
    """The review shows the full right answer of each type."""
    assert correct_answer_lines(SINGLE) == ["Mediation"]
    assert correct_answer_lines(MULTIPLE) == ["UN", "ASEAN"]
    assert correct_answer_lines(SHORT) == ["RCEP / Regional Comprehensive Economic Partnership"]
    assert correct_answer_lines(MATCHING)[0] == "Kyoto → Protocol"
    assert correct_answer_lines(ORDERING) == ["1. first", "2. second", "3. third", "4. fourth"]


NUMERICAL = snapshot(
    "numerical",
    [("1822:0", 1, ""), ("1820..1824", Decimal("0.5"), ""), ("1800:50", Decimal("0.25"), ""), ("*", 0, "")],
)


@pytest.mark.parametrize(
    ("text", "mark"),
    [("1822", "1"), (" 1 822 ", "1"), ("1823", "0.5"), ("1824", "0.5"), ("1790", "0.25"), ("1900", "0"), ("x", "0")],
)
def test_numerical_gives_the_best_weight_of_the_ranges_that_hold_the_number(text, mark):
    """Exact value, MIN..MAX and VALUE:TOLERANCE answers; the best matching weight counts; spaces are ignored."""
    assert grade_response(NUMERICAL, {"text": text}) == Decimal(mark)


def test_numerical_reads_a_decimal_comma_and_gives_catch_all_feedback():
    """'3,5' reads as 3.5; a number no range holds gets the '*' answer's feedback; text that is no number gets none."""
    question = snapshot("numerical", [("3.5:0.1", 1, ""), ("*", 0, "")])
    assert grade_response(question, {"text": "3,5"}) == 1
    assert response_feedback(question, {"text": "7"}) == ["fb *"]
    assert response_feedback(question, {"text": "seven"}) == []


def test_numerical_right_answer_is_written_as_value_and_tolerance():
    """The review shows 1822 for an exact answer and 3.5 ± 0.1 for a tolerance, never the '*'."""
    assert correct_answer_lines(NUMERICAL) == ["1822"]
    assert correct_answer_lines(snapshot("numerical", [("3.4..3.6", 1, ""), ("*", 0, "")])) == ["3.5 ± 0.1"]


def test_short_answer_star_catches_every_other_answer():
    """'*' (Moodle's catch-all) matches any answer no other accepted answer matches, with its weight and feedback."""
    question = snapshot("short", [("Frog", 1, ""), ("Cat", Decimal("0.5"), ""), ("*", Decimal("0.1"), "")])
    assert grade_response(question, {"text": "frog"}) == 1
    assert grade_response(question, {"text": "dog"}) == Decimal("0.1")
    assert response_feedback(question, {"text": "dog"}) == ["fb *"]
    assert correct_answer_lines(question) == ["Frog"]


def test_matching_extra_right_hand_items_are_options_but_not_rows():
    """A pair with no left side only adds a wrong option; the mark is over the real pairs."""
    question = snapshot("matching", [("Kyoto", 1, "Protocol"), ("Paris", 1, "Agreement"), ("", 1, "Charter")])
    assert grade_response(question, {"pairs": {"1": 1, "2": 3}}) == Decimal("0.5")
    assert grade_response(question, {"pairs": {"1": 1, "2": 2}}) == 1
    assert correct_answer_lines(question) == ["Kyoto → Protocol", "Paris → Agreement"]
