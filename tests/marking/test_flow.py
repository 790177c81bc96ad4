"""A written answer from submit to mark to feedback, through the pages students and instructors use."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from certificates.models import Certificate
from learning.models import ReviewCard
from lessons.models import LessonProgress, LessonStatus
from quizzes.models import Attempt
from tests.marking.conftest import level_data, mark_url, queue_url, submit, written_slot

pytestmark = pytest.mark.django_db


def test_submit_waits_for_marking_then_the_mark_grades_completes_and_certifies(student_client, marker, written_quiz):
    """Submit -> awaiting marking (no score, no completion); the instructor's mark scores, completes and certifies."""
    attempt = submit(student_client, written_quiz)
    assert attempt.status == Attempt.Status.AWAITING_MARKING
    assert attempt.finished_at is not None and attempt.score is None and attempt.passed is None
    slots = list(attempt.slots.all())
    assert slots[0].mark == 1 and written_slot(attempt).mark is None
    assert not LessonProgress.objects.filter(status=LessonStatus.COMPLETED).exists()
    assert not Certificate.objects.exists() and not ReviewCard.objects.exists()

    result = student_client.get(attempt.get_absolute_url())
    assert "Awaiting marking" in result.text and "Not passed" not in result.text and "Try again" not in result.text
    quiz_page = student_client.get(written_quiz.get_absolute_url())
    assert "1 attempt awaiting marking" in quiz_page.text and "Not passed" not in quiz_page.text
    assert "1 attempt left" in quiz_page.text

    queue = marker.get(queue_url(written_quiz))
    assert queue.status_code == HTTPStatus.OK and "1 answer waiting" in queue.text and "sam" in queue.text
    slot = written_slot(attempt)
    page = marker.get(mark_url(slot))
    assert "I recommend talking first" in page.text
    assert "A good answer names the trade-off" in page.text
    assert page.text.count("<fieldset") == 2 and "<legend" in page.text
    response = marker.post(mark_url(slot), level_data(slot, [2, 1], comment="Good memo; argue the choice harder."))
    assert response.status_code == HTTPStatus.FOUND

    attempt.refresh_from_db()
    slot.refresh_from_db()
    assert slot.mark == Decimal("0.8333333") and slot.marked_by.username == "ines"
    assert attempt.status == Attempt.Status.FINISHED and attempt.score == Decimal("91.67") and attempt.passed
    assert LessonProgress.objects.get(user__username="sam").status == LessonStatus.COMPLETED
    assert Certificate.objects.filter(user__username="sam").exists()
    # The written question never becomes a review card; the single-choice one does.
    assert ReviewCard.objects.count() == 1

    feedback = student_client.get(attempt.get_absolute_url())
    assert "Score 91.67%" in feedback.text and "Passed" in feedback.text
    assert "5 of 6 points" in feedback.text
    assert "The right ones, precisely." in feedback.text and "A choice, unargued." in feedback.text
    assert "Good memo; argue the choice harder." in feedback.text


def test_a_failed_mark_fails_the_attempt_only_once_marked(student_client, marker, written_quiz):
    """A wrong choice and the lowest levels: the attempt fails when marked, not before."""
    attempt = submit(student_client, written_quiz, right=False)
    slot = written_slot(attempt)
    marker.post(mark_url(slot), level_data(slot, [0, 0]))
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.passed is False
    assert not LessonProgress.objects.filter(status=LessonStatus.COMPLETED).exists()


def test_a_blank_written_answer_scores_zero_without_waiting(student_client, written_quiz):
    """Nothing written, nothing to mark: the attempt is graded at once."""
    attempt = submit(student_client, written_quiz, text="")
    assert attempt.status == Attempt.Status.FINISHED and attempt.score == 50
    assert written_slot(attempt).mark == 0


def test_correcting_a_mark_regrades_the_attempt(student_client, marker, written_quiz):
    """Re-marking with the mark one saw replaces it and rescores the attempt."""
    attempt = submit(student_client, written_quiz)
    slot = written_slot(attempt)
    marker.post(mark_url(slot), level_data(slot, [0, 0]))
    slot.refresh_from_db()
    page = marker.get(mark_url(slot))
    assert "Correct the mark" in page.text
    response = marker.post(mark_url(slot), level_data(slot, [2, 2], seen=slot.marked_at.isoformat()))
    assert response.status_code == HTTPStatus.FOUND
    attempt.refresh_from_db()
    assert attempt.score == 100 and attempt.passed


def test_over_the_word_limit_is_saved_but_not_submitted(student_client, written_quiz):
    """A draft over max_words is kept; submitting it is refused with the count, and nothing is graded."""
    student_client.post(reverse("learning:start", args=[written_quiz.course.slug, written_quiz.slug]))
    attempt = Attempt.objects.get(quiz=written_quiz)
    too_long = "word " * 201
    saved = student_client.post(attempt.get_absolute_url(), {"save": "1", "q2": too_long})
    assert saved.status_code == HTTPStatus.FOUND
    assert written_slot(attempt).response == {"text": too_long.strip()}
    refused = student_client.post(attempt.get_absolute_url(), {"submit": "1", "q2": too_long})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "at most 200 words; your answer has 201" in refused.text
    attempt.refresh_from_db()
    assert attempt.is_open


def test_under_the_word_limit_is_saved_but_not_submitted(student_client, written_quiz):
    """A draft under min_words is kept; submitting it is refused with the count, and nothing is graded."""
    student_client.post(reverse("learning:start", args=[written_quiz.course.slug, written_quiz.slug]))
    attempt = Attempt.objects.get(quiz=written_quiz)
    too_short = "word " * (written_slot(attempt).snapshot["min_words"] - 1)
    student_client.post(attempt.get_absolute_url(), {"save": "1", "q2": too_short})
    assert written_slot(attempt).response == {"text": too_short.strip()}
    refused = student_client.post(attempt.get_absolute_url(), {"submit": "1", "q2": too_short})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "at least" in refused.text and "words; your answer has" in refused.text
    attempt.refresh_from_db()
    assert attempt.is_open


def test_the_answer_box_states_the_word_count_asked_for(student_client, written_quiz):
    """The textarea is labelled and says how many words to write."""
    student_client.post(reverse("learning:start", args=[written_quiz.course.slug, written_quiz.slug]))
    page = student_client.get(Attempt.objects.get(quiz=written_quiz).get_absolute_url())
    assert "<textarea" in page.text and "Write 20 to 200 words." in page.text and 'data-max-words="200"' in page.text
