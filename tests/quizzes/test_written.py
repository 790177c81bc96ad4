"""Written answers in the engine: waiting for a marker, rubric marks, and regrades that keep hand marks."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning import services
from quizzes.grading import grade_response, rubric_mark
from quizzes.models import Attempt, Choice, Question
from quizzes.services import MarkingConflict, MarkingRefused
from tests.factories import InstructorFactory, UserFactory, make_question, make_written_question
from tests.marking.conftest import written_quiz  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
MEMO = {"text": "Talk first: talks keep options open, and pressure can follow if they fail."}


def submitted(quiz, *, right=True):
    attempt = services.attempt_start(user=UserFactory(), quiz=quiz)
    responses = {}
    for slot in attempt.slots.all():
        if slot.snapshot["qtype"] == "written":
            responses[slot.position] = MEMO
        else:
            pick = max if right else min
            responses[slot.position] = {"choice": pick(slot.snapshot["choices"], key=lambda c: c["fraction"])["id"]}
    return services.attempt_submit(attempt=attempt, responses=responses)


def mark(attempt, picks, **kwargs):
    slot = attempt.slots.get(snapshot__qtype="written")
    levels = {str(c["id"]): c["levels"][pick]["id"] for c, pick in zip(slot.snapshot["rubric"], picks, strict=True)}
    return services.slot_mark(slot_id=slot.pk, marker=InstructorFactory(), levels=levels, **kwargs)


def test_the_snapshot_keeps_the_rubric_and_word_limits(written_quiz):  # noqa: F811
    """An attempt freezes the rubric, lowest level first, so later edits never change how it is marked."""
    slot = services.attempt_start(user=UserFactory(), quiz=written_quiz).slots.get(position=2)
    assert slot.snapshot["min_words"] == 20 and slot.snapshot["max_words"] == 200
    assert [[level["points"] for level in c["levels"]] for c in slot.snapshot["rubric"]] == [[0, 2, 4], [0, 1, 2]]


def test_an_unmarked_written_slot_has_no_mark_and_a_marked_one_a_share_of_its_points(written_quiz):  # noqa: F811
    """Item statistics read null until marked, then points / total between 0 and 1."""
    attempt = submitted(written_quiz)
    assert attempt.slots.get(position=2).mark is None
    slot = mark(attempt, [1, 2])
    assert slot.mark == Decimal("0.6666667")


def test_a_regrade_keeps_the_hand_mark(written_quiz):  # noqa: F811
    """Changing the single-choice key regrades that question; the written mark stays as the marker gave it."""
    attempt = submitted(written_quiz)
    mark(attempt, [2, 2])
    attempt.refresh_from_db()
    assert attempt.score == 100
    single = Question.objects.get(lesson=written_quiz.lesson, qtype="single")
    Choice.objects.filter(question=single, fraction=1).update(fraction=0)
    Choice.objects.filter(question=single, text="Negotiation").update(fraction=1)
    services.question_regrade(question=single)
    attempt.refresh_from_db()
    assert attempt.score == 50 and attempt.slots.get(position=2).mark == 1


def test_a_regrade_of_an_attempt_waiting_for_marking_keeps_it_waiting(written_quiz):  # noqa: F811
    """A regrade rescored the automatic marks but the attempt still waits: no score, nothing completed."""
    attempt = submitted(written_quiz)
    single = Question.objects.get(lesson=written_quiz.lesson, qtype="single")
    Choice.objects.filter(question=single).update(fraction=0)
    services.question_regrade(question=single)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.AWAITING_MARKING and attempt.score is None
    assert attempt.slots.get(position=1).mark == 0


def test_a_written_question_itself_is_never_regraded(written_quiz):  # noqa: F811
    """There is no key to regrade against: 0 attempts, marks untouched."""
    attempt = submitted(written_quiz)
    mark(attempt, [1, 1])
    written = written_quiz.question_pool().get(qtype="written")
    assert services.question_regrade(question=written) == 0


def test_marking_twice_without_seeing_the_first_mark_is_refused(written_quiz):  # noqa: F811
    """The second marker (or a double submit) gets MarkingConflict; the first mark stands."""
    attempt = submitted(written_quiz)
    mark(attempt, [2, 2])
    with pytest.raises(MarkingConflict):
        mark(attempt, [0, 0])
    assert attempt.slots.get(position=2).mark == 1


def test_marking_an_automatic_slot_is_refused(written_quiz):  # noqa: F811
    """Only written slots take a hand mark."""
    attempt = submitted(written_quiz)
    with pytest.raises(MarkingRefused):
        services.slot_mark(slot_id=attempt.slots.get(position=1).pk, marker=InstructorFactory(), levels={})


def test_rubric_mark_needs_one_level_per_criterion():
    """A level missing, or one of another criterion, is refused."""
    rubric = [
        {"id": 1, "title": "A", "levels": [{"id": 10, "points": 0}, {"id": 11, "points": 2}]},
        {"id": 2, "title": "B", "levels": [{"id": 20, "points": 0}, {"id": 21, "points": 2}]},
    ]
    assert rubric_mark(rubric, {"1": 11, "2": 20}) == (2, Decimal("0.5000000"))
    for bad in ({"1": 11}, {"1": 21, "2": 20}, {"1": 11, "2": 20, "3": 30}):
        with pytest.raises(ValueError):
            rubric_mark(rubric, bad)


def test_grade_response_refuses_a_written_answer():
    """The machine never marks a written answer."""
    with pytest.raises(ValueError):
        grade_response({"qtype": "written", "choices": []}, MEMO)


def test_a_quiz_without_written_questions_reads_no_rubric(quiz):
    """Starting an attempt of an ordinary quiz costs no rubric queries (prefetch only for written questions)."""
    user = UserFactory()
    services.attempt_start(user=user, quiz=quiz)
    other = UserFactory()
    make_question(quiz.lesson, "single")
    with CaptureQueriesContext(connection) as queries:
        services.attempt_start(user=other, quiz=quiz)
    assert not any("quizzes_rubric" in query["sql"] for query in queries.captured_queries)


def test_an_attempt_of_a_written_question_reads_the_rubric_in_two_queries(written_quiz):  # noqa: F811
    """Criteria and levels, once each."""
    make_written_question(written_quiz.lesson, key="second-memo")
    with CaptureQueriesContext(connection) as queries:
        services.attempt_start(user=UserFactory(), quiz=written_quiz)
    assert sum('FROM "quizzes_rubric' in query["sql"] for query in queries.captured_queries) == 2
