import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt
from tests.factories import LessonFactory, ModuleFactory, QuizFactory, make_question, make_written_question


@pytest.fixture
def marker(instructor):
    """The instructor's client."""
    client = Client()
    client.force_login(instructor)
    return client


@pytest.fixture
def counted_marker(instructor, settings):
    """The instructor's client with its session in the database, so query counts match with or without Redis
    (only for tests whose every client logs in after it)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client = Client()
    client.force_login(instructor)
    return client


@pytest.fixture
def written_quiz(course):
    """A lesson quiz of two questions, unshuffled: a single choice, then a written answer (rubric of 4 + 2 points)."""
    module = ModuleFactory(course=course, title="Basics", slug="basics", position=1)
    lesson = LessonFactory(module=module, title="Talking", slug="talking", position=1)
    quiz = QuizFactory(lesson=lesson, slug="talking-quiz", attempts_allowed=2, pass_mark=50)
    make_question(lesson, "single", [("Mediation", 1), ("Negotiation", 0)])
    make_written_question(lesson)
    return quiz


def submit(client, quiz, *, text="I recommend talking first, because talks keep options open. " * 4, right=True):
    """Start an attempt and submit it through the attempt page, as a browser would; returns the attempt."""
    client.post(reverse("learning:start", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug}))
    attempt = Attempt.objects.filter(quiz=quiz).latest("id")
    data = {"submit": "1", "confirm_unanswered": "1"}
    for slot in attempt.slots.all():
        snapshot = slot.snapshot
        if snapshot["qtype"] == "written":
            data[f"q{slot.position}"] = text
        else:
            choices = {choice["id"]: choice for choice in snapshot["choices"]}
            pick = max if right else min
            best = pick(snapshot["order"], key=lambda cid: float(choices[cid]["fraction"]))
            data[f"q{slot.position}"] = str(snapshot["order"].index(best))
    response = client.post(attempt.get_absolute_url(), data)
    assert response.status_code == 302, response.content
    attempt.refresh_from_db()
    return attempt


def written_slot(attempt):
    return next(slot for slot in attempt.slots.all() if slot.snapshot["qtype"] == "written")


def mark_url(slot):
    return reverse("marking:mark", kwargs={"course_slug": slot.attempt.quiz.course.slug, "slot_id": slot.pk})


def queue_url(quiz):
    return reverse("marking:queue", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})


def level_data(slot, picks, *, seen="", comment="Clear and well argued."):
    """POST data choosing, for each criterion in order, the level at index `picks[i]` (lowest = 0)."""
    data = {"seen": seen, "comment": comment}
    for criterion, pick in zip(slot.snapshot["rubric"], picks, strict=True):
        data[f"criterion_{criterion['id']}"] = str(criterion["levels"][pick]["id"])
    return data
