from decimal import Decimal

import pytest

from quizzes.models import GradingMethod
from quizzes.selectors import quiz_grade

SCORES = [Decimal("40"), Decimal("90"), Decimal("65.5")]


@pytest.mark.parametrize(
    ("method", "grade"),
    [
        (GradingMethod.HIGHEST, "90"),
        (GradingMethod.LATEST, "65.5"),
        (GradingMethod.FIRST, "40"),
        (GradingMethod.AVERAGE, "65.17"),
    ],
)
def test_quiz_grade_follows_the_grading_method(method, grade):
    """Highest, latest, first and average of the finished attempts, in attempt order."""
    assert quiz_grade(SCORES, method) == Decimal(grade)


def test_no_finished_attempt_means_no_grade():
    """A quiz never finished has no grade, not zero."""
    assert quiz_grade([], GradingMethod.HIGHEST) is None
