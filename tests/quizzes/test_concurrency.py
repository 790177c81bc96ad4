"""Parallel requests on PostgreSQL: no extra attempt, no second grading. SQLite serializes writers, so it skips."""

import threading

import pytest
from django.db import connection, connections

from quizzes.models import Attempt
from quizzes.services import QuizError, attempt_start, attempt_submit

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL) for real parallel writes"
    ),
]
THREADS = 8


def run_in_parallel(action):
    """Run `action` in THREADS threads released at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(THREADS)
    outcomes = []

    def worker():
        barrier.wait()
        try:
            outcomes.append(action())
        except QuizError as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_parallel_starts_never_exceed_the_attempt_limit(student, quiz):
    """Eight simultaneous start-and-submit requests leave exactly the allowed number of attempts."""
    quiz.attempts_allowed = 2
    quiz.save()

    def start_and_submit():
        return attempt_submit(attempt=attempt_start(user=student, quiz=quiz))

    run_in_parallel(start_and_submit)
    run_in_parallel(start_and_submit)
    assert Attempt.objects.filter(quiz=quiz, user=student).count() == 2
    assert list(
        Attempt.objects.filter(quiz=quiz, user=student).values_list("number", flat=True).order_by("number")
    ) == [1, 2]


def test_parallel_starts_open_a_single_attempt(student, quiz):
    """Eight tabs pressing Start at once share one open attempt."""
    outcomes = run_in_parallel(lambda: attempt_start(user=student, quiz=quiz).pk)
    assert len(set(outcomes)) == 1
    assert Attempt.objects.filter(quiz=quiz, user=student).count() == 1


def test_parallel_submits_grade_once(student, quiz):
    """Eight simultaneous submits of one attempt finish it once, at one time, with one score."""
    attempt = attempt_start(user=student, quiz=quiz)
    outcomes = run_in_parallel(lambda: attempt_submit(attempt=attempt))
    assert len({(a.finished_at, a.score) for a in outcomes}) == 1
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.FINISHED
