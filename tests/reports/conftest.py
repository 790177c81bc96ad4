import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from learning.services import attempt_start, attempt_submit
from lessons.models import LessonProgress, LessonStatus
from quizzes.models import Attempt, GradingMethod, Quiz
from tests.factories import (
    CourseFactory,
    InstructorFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    UserFactory,
    make_question,
)

COMPLETED_AT = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)


def progress(user, lesson, *, completed_at=None):
    status = LessonStatus.COMPLETED if completed_at else LessonStatus.IN_PROGRESS
    return LessonProgress.objects.create(user=user, lesson=lesson, status=status, completed_at=completed_at)


def scored_attempt(quiz, user, number, score=None):
    """A finished attempt with this score, or an open one when score is None."""
    started_at = COMPLETED_AT + timedelta(days=number)
    if score is None:
        return Attempt.objects.create(quiz=quiz, user=user, number=number, started_at=started_at)
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        started_at=started_at,
        status=Attempt.Status.FINISHED,
        finished_at=started_at + timedelta(minutes=9),
        score=Decimal(score),
        passed=Decimal(score) >= quiz.pass_mark,
    )


@pytest.fixture
def classroom(lessons):
    """Two students with work in the course, plus people the gradebook must leave out.

    Steps: 4 lessons and a final exam; quizzes on "talking" (highest grade, 3 attempts) and "summits" (latest).
    alice: talking completed, bargaining opened; talking quiz 40 then 90 (passed); final 75 (passed): 2 of 5 = 40%.
    bob: summits completed; summits quiz 80 then 50 (latest: not passed); a talking attempt in progress: 1 of 5 = 20%.
    """
    talking, bargaining, _treaties, summits = lessons
    course = talking.course
    talking_quiz = QuizFactory(lesson=talking, slug="talking-quiz", title="Talking quiz", attempts_allowed=3)
    summits_quiz = QuizFactory(
        lesson=summits, slug="summits-quiz", title="Summits quiz", grading_method=GradingMethod.LATEST
    )
    final = QuizFactory(lesson=None, course=course, kind=Quiz.Kind.FINAL, slug="final", title="Final exam")

    alice = UserFactory(username="alice", first_name="Alice", last_name="Ames")
    progress(alice, talking, completed_at=COMPLETED_AT)
    progress(alice, bargaining)
    scored_attempt(talking_quiz, alice, 1, "40")
    scored_attempt(talking_quiz, alice, 2, "90")
    scored_attempt(final, alice, 1, "75")

    bob = UserFactory(username="bob")
    progress(bob, summits, completed_at=COMPLETED_AT)
    scored_attempt(summits_quiz, bob, 1, "80")
    scored_attempt(summits_quiz, bob, 2, "50")
    scored_attempt(talking_quiz, bob, 1)

    staff = InstructorFactory(username="carol")
    progress(staff, talking)
    UserFactory(username="dave")
    elsewhere = LessonFactory(module__course=CourseFactory(slug="other"), slug="elsewhere")
    progress(UserFactory(username="erin"), elsewhere)
    return {"course": course, "alice": alice, "bob": bob, "staff": staff, "talking_quiz": talking_quiz}


RIGHT, HALF, WRONG = "Right", "Half", "Wrong"
PICK = {1: RIGHT, 0.5: HALF, 0: WRONG}


@pytest.fixture
def staff_client(client, instructor, settings):
    """An instructor's client whose session lives in the database, so query counts match with or without Redis."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(instructor)
    return client


@pytest.fixture
def analysis_quiz(course):
    """A quiz of three single-choice questions whose answers are worth 1, 0.5 and 0, in a fixed order."""
    module = ModuleFactory(course=course, title="Analysis", slug="analysis", position=5)
    lesson = LessonFactory(module=module, title="Treaty talks", slug="treaty-talks", position=1)
    quiz = QuizFactory(lesson=lesson, slug="treaty-talks-quiz", title="Treaty talks quiz")
    for number in (1, 2, 3):
        make_question(
            lesson,
            "single",
            [(RIGHT, 1), (HALF, "0.5"), (WRONG, 0)],
            key=f"talks-q{number}",
            text=f"Which treaty step comes {number}?",
        )
    return quiz


@pytest.fixture
def mixed_quiz(course):
    """A quiz with one question of each type, in a fixed order, its choices unshuffled."""
    module = ModuleFactory(course=course, title="Mixed", slug="mixed", position=6)
    lesson = LessonFactory(module=module, title="Trade talks", slug="trade-talks", position=1)
    quiz = QuizFactory(lesson=lesson, slug="trade-talks-quiz")
    make_question(lesson, "single", [("Mediation", 1), ("Negotiation", 0)])
    make_question(lesson, "truefalse", [("True", 1), ("False", 0)])
    make_question(lesson, "multiple", [("UN", "0.5"), ("ASEAN", "0.5"), ("NATO", -1)])
    make_question(lesson, "short", [("RCEP", 1)])
    make_question(lesson, "matching", [("Kyoto", 1, "Protocol"), ("Paris", 1, "Agreement"), ("COP", 1, "Conference")])
    make_question(lesson, "ordering", [("first", 1), ("second", 1), ("third", 1)])
    return quiz


def finish_attempt(quiz, user, responses_by_text) -> Attempt:
    """Start and submit an attempt through the quiz services, answering question n with the choice
    whose text is responses_by_text[n]. None leaves it blank; short answers take the typed text, multiple
    response a list of texts, matching a dict of left text -> right text, ordering the texts in order."""
    attempt = attempt_start(user=user, quiz=quiz, rng=random.Random(7))
    responses = {}
    for slot, wanted in zip(attempt.slots.order_by("position"), responses_by_text, strict=True):
        choices = {choice["text"]: choice["id"] for choice in slot.snapshot["choices"]}
        qtype = slot.snapshot["qtype"]
        if wanted is None:
            responses[slot.position] = None
        elif qtype in {"short", "numerical"}:
            responses[slot.position] = {"text": wanted}
        elif qtype == "multiple":
            responses[slot.position] = {"choices": [choices[text] for text in wanted]}
        elif qtype == "matching":
            by_match = {choice["match"]: choice["id"] for choice in slot.snapshot["choices"]}
            responses[slot.position] = {
                "pairs": {str(choices[left]): by_match[right] for left, right in wanted.items()}
            }
        elif qtype == "ordering":
            responses[slot.position] = {"order": [choices[text] for text in wanted]}
        else:
            responses[slot.position] = {"choice": choices[wanted]}
    return attempt_submit(attempt=attempt, responses=responses)


def answer_marks(quiz, user, marks) -> Attempt:
    """An attempt at `analysis_quiz` scoring the given mark (1, 0.5 or 0) on each question."""
    return finish_attempt(quiz, user, [PICK[mark] for mark in marks])


def make_students(count: int, prefix: str = "learner") -> list[User]:
    return [UserFactory(username=f"{prefix}{index:03d}") for index in range(count)]
