"""Starting, saving, submitting and closing attempts, straight against the database."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes.models import Attempt
from quizzes.services import (
    AttemptClosed,
    AttemptLimitReached,
    QuizError,
    attempt_save,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
)
from tests.factories import LessonFactory, ModuleFactory, QuizFactory, make_question, right_answers

pytestmark = pytest.mark.django_db


def test_an_attempt_freezes_every_question(student, quiz):
    """Starting an attempt snapshots all six questions with their choices."""
    attempt = attempt_start(user=student, quiz=quiz)
    slots = list(attempt.slots.all())
    assert [slot.snapshot["qtype"] for slot in slots] == [
        "single",
        "truefalse",
        "multiple",
        "short",
        "matching",
        "ordering",
    ]
    assert all(slot.snapshot["section_url"].endswith(("#first-idea", "#second-idea")) for slot in slots)


def test_starting_twice_returns_the_open_attempt(student, quiz):
    """A double click on Start opens one attempt, not two."""
    first = attempt_start(user=student, quiz=quiz)
    assert attempt_start(user=student, quiz=quiz) == first
    assert Attempt.objects.count() == 1


def test_submitting_twice_grades_once(student, quiz):
    """A resent submit changes nothing: same score, same finish time, no extra attempt."""
    attempt = attempt_start(user=student, quiz=quiz)
    first = attempt_submit(attempt=attempt, responses=right_answers(attempt))
    again = attempt_submit(attempt=attempt, responses={1: None})
    assert (again.score, again.finished_at) == (first.score, first.finished_at)
    assert Attempt.objects.count() == 1


def test_the_attempt_limit_holds(student, quiz):
    """After the allowed attempts, starting another is refused."""
    for _ in range(3):
        attempt_submit(attempt=attempt_start(user=student, quiz=quiz))
    with pytest.raises(AttemptLimitReached):
        attempt_start(user=student, quiz=quiz)
    assert Attempt.objects.count() == 3


def test_saved_answers_are_kept_until_submit(student, quiz):
    """Saving stores answers without grading; submit grades them."""
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_save(attempt=attempt, responses=right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.score is None
    assert attempt_submit(attempt=attempt).score == 100


def test_an_answer_after_the_deadline_is_not_counted(student, quiz):
    """Answers posted after the time limit are ignored; the attempt is graded from what was saved."""
    quiz.time_limit_minutes = 10
    quiz.save()
    start = timezone.now()
    attempt = attempt_start(user=student, quiz=quiz, now=start)
    late = start + timedelta(minutes=11)
    with pytest.raises(AttemptClosed):
        attempt_save(attempt=attempt, responses=right_answers(attempt), now=late)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.score == 0 and attempt.closed_at_deadline


def test_a_late_submit_grades_only_saved_answers(student, quiz):
    """Submitting after the deadline counts the answers saved in time, not the ones posted late."""
    quiz.time_limit_minutes = 10
    quiz.save()
    start = timezone.now()
    attempt = attempt_start(user=student, quiz=quiz, now=start)
    right = right_answers(attempt)
    attempt_save(attempt=attempt, responses={1: right[1]}, now=start + timedelta(minutes=5))
    graded = attempt_submit(attempt=attempt, responses=right, now=start + timedelta(minutes=12))
    assert graded.score == Decimal("16.67")
    assert graded.closed_at_deadline


def test_open_attempts_past_their_deadline_are_closed(student, quiz):
    """The closing sweep grades attempts left open past the deadline."""
    quiz.time_limit_minutes = 1
    quiz.save()
    attempt = attempt_start(user=student, quiz=quiz, now=timezone.now() - timedelta(minutes=5))
    assert attempts_close_overdue() == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED


def test_editing_a_question_never_changes_a_past_result(student, quiz):
    """Results and reviews read the snapshot taken at the start, not the edited question."""
    attempt = attempt_start(user=student, quiz=quiz)
    attempt = attempt_submit(attempt=attempt, responses=right_answers(attempt))
    question = quiz.lesson.questions.get(qtype="single")
    question.choices.update(fraction=0)
    question.text = "Rewritten"
    question.save()
    slot = attempt.slots.get(position=1)
    assert slot.snapshot["text"] != "Rewritten"
    assert Attempt.objects.get(pk=attempt.pk).score == 100


def test_shuffling_is_fixed_per_attempt(student, quiz):
    """Question and choice order are drawn once per attempt and stored."""
    quiz.shuffle_questions = quiz.shuffle_choices = True
    quiz.save()
    attempt = attempt_start(user=student, quiz=quiz, rng=random.Random(4))
    orders = [(slot.snapshot["key"], slot.snapshot["order"]) for slot in attempt.slots.all()]
    again = attempt_start(user=student, quiz=quiz, rng=random.Random(99))
    assert [(slot.snapshot["key"], slot.snapshot["order"]) for slot in again.slots.all()] == orders


def test_ordering_items_are_never_shown_in_answer_order(student, quiz):
    """An ordering question is always displayed shuffled, even with choice shuffling off."""
    attempt = attempt_start(user=student, quiz=quiz, rng=random.Random(1))
    slot = next(slot for slot in attempt.slots.all() if slot.snapshot["qtype"] == "ordering")
    assert slot.snapshot["order"] != [choice["id"] for choice in slot.snapshot["choices"]]


def test_pool_draw_takes_the_configured_number(student, quiz):
    """questions_per_attempt draws that many questions from the pool."""
    quiz.questions_per_attempt = 4
    quiz.save()
    assert attempt_start(user=student, quiz=quiz).slots.count() == 4


def test_a_quiz_without_questions_cannot_start(student):
    """An empty quiz refuses to start, with a reason."""
    with pytest.raises(QuizError, match="no questions"):
        attempt_start(user=student, quiz=QuizFactory())


def test_final_exam_draws_at_least_one_question_per_module(student, course):
    """The final exam samples the whole bank and covers every module."""
    modules = [ModuleFactory(course=course, position=i) for i in range(5)]
    for module in modules:
        lesson = LessonFactory(module=module)
        for _ in range(6):
            make_question(lesson, pool="final")
    final = QuizFactory(lesson=None, course=course, kind="final", slug="final", questions_per_attempt=8)
    for seed in range(5):
        Attempt.objects.all().delete()
        attempt = attempt_start(user=student, quiz=final, rng=random.Random(seed))
        keys = [slot.snapshot["key"] for slot in attempt.slots.all()]
        assert len(keys) == 8 == len(set(keys))
        covered = {slot.question.lesson.module_id for slot in attempt.slots.select_related("question__lesson")}
        assert covered == {module.id for module in modules}


def test_a_description_is_shown_but_not_marked(student, course):
    """A description item gets no mark and does not count towards the score; a numerical question is marked."""
    module = ModuleFactory(course=course, slug="numbers", position=2)
    lesson = LessonFactory(module=module, slug="numbers", position=1)
    quiz = QuizFactory(lesson=lesson, slug="numbers-quiz", shuffle_questions=False)
    make_question(lesson, "description", [], text="Read the table first.")
    make_question(lesson, "numerical", [("1648", 1), ("*", 0, "", "Look at the treaty's date.")])
    attempt = attempt_start(user=student, quiz=quiz)
    description, numerical = attempt.slots.all()
    attempt = attempt_submit(attempt=attempt, responses={numerical.position: {"text": "1648"}})
    description.refresh_from_db()
    assert description.mark is None
    assert attempt.score == 100
