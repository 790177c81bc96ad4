"""The item analysis maths on a worked example small enough to check by hand."""

import pytest

from reports.statistics import (
    TOO_EASY_FACILITY,
    TOO_HARD_FACILITY,
    WEAK_DISCRIMINATION,
    ItemFlag,
    discrimination_index,
    facility_index,
    item_flags,
    mean,
    pearson_correlation,
    standard_deviation,
)

# Five attempts (rows) at three questions; marks are fractions of each question's maximum.
#
#            Q1    Q2    Q3   | total
#   A1       1     1     1    |  3
#   A2       0     1     0    |  1
#   A3       0.5   1     0.5  |  2
#   A4       0     0     1    |  1
#   A5       0     0     1    |  1
Q1 = [1, 0, 0.5, 0, 0]
Q2 = [1, 1, 1, 0, 0]
Q3 = [1, 0, 0.5, 1, 1]
TOTALS = [3, 1, 2, 1, 1]


def test_facility_is_the_mean_mark_as_a_percentage():
    """Q1: (1 + 0 + 0.5 + 0 + 0) / 5 = 0.3 -> 30; Q2: 3 / 5 -> 60; Q3: 3.5 / 5 -> 70."""
    assert facility_index(Q1) == 30
    assert facility_index(Q2) == 60
    assert facility_index(Q3) == 70


def test_facility_scales_by_the_maximum_mark():
    """Marks out of 2 averaging 1.5 are 75% facility."""
    assert facility_index([2, 1, 1.5, 1.5], max_mark=2) == 75


def test_facility_of_nine_in_ten_is_exactly_ninety():
    """Summing before dividing keeps 9/10 at 90.0, so it is not flagged as above 90."""
    assert facility_index([1] * 9 + [0]) == 90.0
    assert item_flags(facility=facility_index([1] * 9 + [0]), discrimination=50) == []


def test_discrimination_of_a_question_that_tracks_the_rest_of_the_test():
    """Q1: rest of test = total - Q1 = [2, 1, 1.5, 1, 1], which is Q1 + 1: r = 1, discrimination 100.

    Deviations from the means (0.3 and 1.3) are [.7, -.3, .2, -.3, -.3] on both sides, so
    Sxy = Sxx = Syy = 0.8 and r = 0.8 / sqrt(0.8 x 0.8) = 1.
    """
    assert discrimination_index(Q1, TOTALS) == pytest.approx(100)


def test_discrimination_of_a_question_unrelated_to_the_rest():
    """Q2: rest = [2, 0, 1, 1, 1] (mean 1), Q2 deviations [.4, .4, .4, -.6, -.6]:
    Sxy = .4 x 1 + .4 x (-1) + 0 + 0 + 0 = 0, so discrimination 0: weak."""
    assert discrimination_index(Q2, TOTALS) == pytest.approx(0, abs=1e-9)


def test_discrimination_of_a_question_the_weaker_students_get_right():
    """Q3: rest = [2, 1, 1.5, 0, 0] (mean 0.9), Q3 mean 0.7.

    Deviations: x = [.3, -.7, -.2, .3, .3], y = [1.1, .1, .6, -.9, -.9].
    Sxy = .33 - .07 - .12 - .27 - .27 = -0.4; Sxx = .09 + .49 + .04 + .09 + .09 = 0.8;
    Syy = 1.21 + .01 + .36 + .81 + .81 = 3.2; r = -0.4 / sqrt(0.8 x 3.2) = -0.4 / 1.6 = -0.25 -> -25.
    """
    assert discrimination_index(Q3, TOTALS) == pytest.approx(-25)


def test_flags_of_the_worked_example():
    """Facilities 30, 60, 70 raise no facility flag; discriminations 100, 0 and -25 give none, weak, negative."""
    assert item_flags(facility=30, discrimination=100) == []
    assert item_flags(facility=60, discrimination=0) == [ItemFlag.WEAK_DISCRIMINATION]
    assert item_flags(facility=70, discrimination=-25) == [ItemFlag.NEGATIVE_DISCRIMINATION]


def test_score_summary_of_the_worked_example():
    """Totals 3, 1, 2, 1, 1: mean 1.6; squared deviations 1.96 + .36 + .16 + .36 + .36 = 3.2, / 4 = 0.8."""
    assert mean(TOTALS) == pytest.approx(1.6)
    assert standard_deviation(TOTALS) == pytest.approx(0.8**0.5)


@pytest.mark.parametrize(
    ("facility", "discrimination", "flags"),
    [
        (TOO_EASY_FACILITY, 50, []),
        (TOO_EASY_FACILITY + 0.1, 50, [ItemFlag.TOO_EASY]),
        (TOO_HARD_FACILITY, 50, []),
        (TOO_HARD_FACILITY - 0.1, 50, [ItemFlag.TOO_HARD]),
        (50, -0.1, [ItemFlag.NEGATIVE_DISCRIMINATION]),
        (50, 0, [ItemFlag.WEAK_DISCRIMINATION]),
        (50, WEAK_DISCRIMINATION - 0.1, [ItemFlag.WEAK_DISCRIMINATION]),
        (50, WEAK_DISCRIMINATION, []),
        (95, -10, [ItemFlag.TOO_EASY, ItemFlag.NEGATIVE_DISCRIMINATION]),
        (100, None, [ItemFlag.TOO_EASY]),
    ],
)
def test_flags_follow_the_named_thresholds(facility, discrimination, flags):
    """Too easy above 90, too hard below 20, negative below 0, weak from 0 up to 20; unknown values raise none."""
    assert item_flags(facility=facility, discrimination=discrimination) == flags


def test_correlation_is_undefined_without_spread():
    """Everyone with the same mark, or a single attempt, gives no discrimination rather than a division by zero."""
    assert pearson_correlation([1, 1, 1], [0, 1, 2]) is None
    assert discrimination_index([1], [3]) is None
    assert discrimination_index([1, 0], [2, 1]) is None


def test_empty_lists_have_no_mean_or_facility():
    """No responses: nothing to report."""
    assert mean([]) is None
    assert facility_index([]) is None
    assert standard_deviation([4]) is None
