"""Q112: a written answer needs a rubric with levels from 0 points, increasing."""

import pytest

from quizzes.linting import lint_item_from_question, lint_items
from quizzes.models import RubricLevel
from tests.factories import LessonFactory, make_written_question

pytestmark = pytest.mark.django_db


def codes(question):
    question = type(question).objects.prefetch_related("choices", "criteria__levels").get(pk=question.pk)
    return [(f.code, f.message) for f in lint_items([lint_item_from_question(question)])]


def test_a_written_answer_with_a_good_rubric_passes():
    """Two criteria, each from 0 points up: no finding."""
    assert codes(make_written_question(LessonFactory())) == []


@pytest.mark.parametrize(
    ("rubric", "message"),
    [
        ([], "without a rubric"),
        ([("Ideas", [])], "has no levels"),
        ([("Ideas", [(1, "Some."), (2, "More.")])], "lowest level gives 1 points"),
        ([("Ideas", [(0, "None."), (2, "Some."), (2, "Same.")])], "levels must give more points each"),
        ([("Ideas", [(0, "None.")])], "one level only"),
    ],
    ids=["no-criteria", "no-levels", "not-from-zero", "not-increasing", "single-level"],
)
def test_a_bad_rubric_is_flagged(rubric, message):
    """Each way a rubric cannot mark fairly is a Q112 finding naming it."""
    found = codes(make_written_question(LessonFactory(), rubric=rubric))
    assert [code for code, _ in found] == ["Q112"] and message in found[0][1]


def test_levels_are_read_in_their_order():
    """Levels out of position order are judged as the marker sees them (by position)."""
    question = make_written_question(LessonFactory(), rubric=[("Ideas", [(0, "None."), (3, "All.")])])
    RubricLevel.objects.filter(points=3).update(position=0)
    assert codes(question)[0][0] == "Q112"
