"""Writes of the student's path: what a graded attempt changes, and completing a lesson by hand.

Quizzes grade attempts and know nothing of lessons being completed or certificates. Every
operation here that can grade an attempt passes `attempt_graded` to the quizzes service, so the
follow-up runs inside the same transaction as the grading.
"""

from datetime import datetime

from django.db import transaction

from certificates.services import certificate_issue_if_earned
from lessons.models import Lesson, LessonProgress
from lessons.services import lesson_complete
from quizzes import services as quiz_services
from quizzes.models import Attempt, Question, Quiz


class LessonCompletionRefused(Exception):
    """Marking a lesson complete by hand is not allowed for it."""


def attempt_graded(attempt: Attempt) -> None:
    """Passing a lesson quiz completes its lesson; a course finished in full earns its certificate.

    A completion already earned is never taken back, whatever a later grade or regrade says.
    """
    if attempt.passed and attempt.quiz.lesson is not None:
        lesson_complete(user=attempt.user, lesson=attempt.quiz.lesson)
    certificate_issue_if_earned(user=attempt.user, course=attempt.quiz.course)


def attempt_start(*, user, quiz: Quiz, now: datetime | None = None, rng=None) -> Attempt:
    """Open a new attempt (or return the open one), closing an overdue one on the way."""
    return quiz_services.attempt_start(user=user, quiz=quiz, now=now, rng=rng, on_graded=attempt_graded)


def attempt_save(*, attempt: Attempt, responses: dict[int, dict | None], now: datetime | None = None) -> Attempt:
    """Keep a student's answers; an attempt found past its deadline is graded instead."""
    return quiz_services.attempt_save(attempt=attempt, responses=responses, now=now, on_graded=attempt_graded)


def attempt_submit(
    *, attempt: Attempt, responses: dict[int, dict | None] | None = None, now: datetime | None = None
) -> Attempt:
    """Grade an attempt once, then complete its lesson and issue the certificate when earned."""
    return quiz_services.attempt_submit(attempt=attempt, responses=responses, now=now, on_graded=attempt_graded)


def attempt_close_if_overdue(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """Grade an attempt whose time is up from its saved answers, with the same follow-up as a submit."""
    return quiz_services.attempt_close_if_overdue(attempt=attempt, now=now, on_graded=attempt_graded)


def attempts_close_overdue(*, now: datetime | None = None) -> int:
    """Close every attempt left open past its deadline; returns how many were closed."""
    return quiz_services.attempts_close_overdue(now=now, on_graded=attempt_graded)


@transaction.atomic
def question_regrade(*, question: Question) -> int:
    """Regrade a question's finished attempts; completion and certificates follow the new marks."""
    return quiz_services.question_regrade(question=question, on_graded=attempt_graded)


def lesson_mark_complete(*, user, lesson: Lesson) -> LessonProgress:
    """A student's own "mark complete", allowed only for lessons without a quiz (passing the quiz completes those)."""
    if Quiz.objects.filter(lesson=lesson, is_published=True).exists():
        raise LessonCompletionRefused("Pass this lesson's quiz to complete it.")
    return lesson_complete(user=user, lesson=lesson)
