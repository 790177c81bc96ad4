"""Mastery per objective and module, from the student's recent answers in quizzes and reviews."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from learning.models import ReviewCard
from learning.selectors import course_mastery
from learning.services import attempt_start, attempt_submit, review_answer
from tests.factories import right_answers

pytestmark = pytest.mark.django_db

START = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def objective_quiz(quiz):
    """Every question of the quiz assesses objective 1 of its lesson."""
    quiz.lesson.objectives = "Name the tools\nCompare them"
    quiz.lesson.save()
    quiz.lesson.questions.update(objective=1)
    return quiz


def test_no_answers_means_not_yet_assessed(student, objective_quiz):
    """Before any answer, nothing is claimed."""
    mastery = course_mastery(user=student, course=objective_quiz.course)
    assert mastery.modules == {} and mastery.for_lesson(objective_quiz.lesson)[0][1].label == "Not yet assessed"


def test_a_perfect_quiz_masters_its_objective_and_module(student, objective_quiz, student_client):
    """All right: the objective and its module show as mastered, on the outline and the lesson page."""
    attempt = attempt_start(user=student, quiz=objective_quiz)
    attempt_submit(attempt=attempt, responses=right_answers(attempt))
    mastery = course_mastery(user=student, course=objective_quiz.course)
    assert mastery.modules[objective_quiz.lesson.module_id].label == "Mastered"
    outline = student_client.get(objective_quiz.course.get_absolute_url())
    assert "Mastery: mastered (100%)" in outline.text
    lesson = student_client.get(objective_quiz.lesson.get_absolute_url())
    assert "Mastered · 100%" in lesson.text and "Compare them" in lesson.text


def test_recent_answers_count_and_old_mistakes_fade(student, objective_quiz):
    """A failed quiz, then five right reviews: only the last five answers make the mastery."""
    with time_machine.travel(START, tick=False):
        attempt_submit(attempt=attempt_start(user=student, quiz=objective_quiz), responses={})
    assert (
        course_mastery(user=student, course=objective_quiz.course).modules[objective_quiz.lesson.module_id].share == 0
    )
    card = ReviewCard.objects.filter(user=student).first()
    slot = card.question.attempt_slots.first()
    for day in range(1, 6):
        card.refresh_from_db()
        review_answer(
            user=student,
            card_id=card.pk,
            reviews_seen=card.reviews,
            snapshot=slot.snapshot,
            response=right_answers(slot.attempt)[slot.position],
            now=START + timedelta(days=day),
        )
    share = course_mastery(user=student, course=objective_quiz.course).modules[objective_quiz.lesson.module_id].share
    assert share == 1.0
