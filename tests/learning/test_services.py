"""What a graded attempt changes on the student's path: lesson completion, certificates, overdue closing."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from certificates.models import Certificate
from learning.services import attempt_start, attempt_submit
from lessons.models import LessonProgress, LessonStatus
from quizzes.models import Attempt
from tests.factories import LessonFactory, right_answers

pytestmark = pytest.mark.django_db


def test_all_right_answers_pass_and_complete_the_lesson(student, quiz):
    """A perfect attempt scores 100, passes, and marks the lesson completed."""
    attempt = attempt_start(user=student, quiz=quiz)
    attempt = attempt_submit(attempt=attempt, responses=right_answers(attempt))
    assert (attempt.score, attempt.passed, attempt.status) == (100, True, Attempt.Status.FINISHED)
    progress = LessonProgress.objects.get(user=student, lesson=quiz.lesson)
    assert progress.status == LessonStatus.COMPLETED


def test_a_failed_attempt_does_not_complete_the_lesson(student, quiz):
    """Below the pass mark, the lesson stays incomplete."""
    attempt = attempt_start(user=student, quiz=quiz)
    attempt = attempt_submit(attempt=attempt, responses={})
    assert (attempt.score, attempt.passed) == (0, False)
    assert not LessonProgress.objects.filter(user=student, status=LessonStatus.COMPLETED).exists()


def test_passing_everything_issues_one_certificate(student, quiz):
    """The certificate is issued when every lesson is complete and every quiz passed, exactly once."""
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt, responses=right_answers(attempt))
    certificate = Certificate.objects.get(user=student)
    assert certificate.course_title == quiz.course.title
    assert Certificate.objects.count() == 1


def test_no_certificate_while_a_lesson_is_unfinished(student, quiz):
    """One incomplete lesson without a quiz holds the certificate back."""
    LessonFactory(module=quiz.lesson.module)
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt, responses=right_answers(attempt))
    assert not Certificate.objects.exists()


def test_close_overdue_attempts_command(student, quiz):
    """The cron command reports how many attempts it closed."""
    from io import StringIO

    quiz.time_limit_minutes = 1
    quiz.save()
    attempt_start(user=student, quiz=quiz, now=timezone.now() - timedelta(minutes=5))
    out = StringIO()
    call_command("close_overdue_attempts", stdout=out)
    assert out.getvalue().strip() == "1 overdue attempt closed"
