"""Parallel markers on PostgreSQL: an answer is marked once, an attempt graded once. SQLite skips."""

import pytest
from django.db import connection

from certificates.models import Certificate
from learning import services
from lessons.models import LessonProgress
from quizzes.models import Attempt
from tests.factories import InstructorFactory, UserFactory
from tests.quizzes.test_concurrency import THREADS, run_in_parallel

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL) for real parallel writes"
    ),
]


def test_parallel_markers_mark_an_answer_once(written_quiz):
    """Eight markers saving the same unmarked answer at once: one mark is recorded, the others are refused."""
    student = UserFactory()
    attempt = services.attempt_start(user=student, quiz=written_quiz)
    services.attempt_submit(attempt=attempt, responses={2: {"text": "Talks first, pressure later."}})
    slot = attempt.slots.get(position=2)
    markers = [InstructorFactory() for _ in range(THREADS)]
    picks = iter(range(THREADS))

    def mark():
        marker = markers[next(picks)]
        levels = {str(c["id"]): c["levels"][-1]["id"] for c in slot.snapshot["rubric"]}
        return services.slot_mark(slot_id=slot.pk, marker=marker, levels=levels)

    outcomes = run_in_parallel(mark)
    assert sum(not isinstance(outcome, Exception) for outcome in outcomes) == 1
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.FINISHED
    assert LessonProgress.objects.filter(user=student).count() == 1
    assert Certificate.objects.filter(user=student).count() == 1
