from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from courseware.loading import course_load
from tests.factories import (
    CourseFactory,
    InstructorFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    UserFactory,
    make_question,
)

SHIPPED_COURSE = Path(settings.CONTENT_DIR) / "diplomacy-globalization"

# DESIGN.md's theme map: the essays (file prefixes) that speak to each module.
THEME_MAP = {
    "foundations": {"000", "001", "002"},
    "communication-negotiation": {"000", "001", "003"},
    "security-alliances": {"000", "001", "002", "003"},
    "multilateralism-new-actors": {"000", "002", "003"},
    "economic-diplomacy": {"000", "001", "002", "003"},
    "global-challenges": {"000", "001", "002", "003"},
    "public-cultural-diplomacy": {"000", "002", "003"},
    "digital-era": {"001", "002", "003"},
    "diplomats-craft": {"000", "001", "002", "003"},
}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no cached counts (password-reset limits) from the tests before it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def student(db):
    return UserFactory(username="sam")


@pytest.fixture
def instructor(db):
    return InstructorFactory(username="ines")


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def course(db):
    return CourseFactory(title="Test Diplomacy", slug="test-diplomacy")


@pytest.fixture
def lessons(course):
    """Two modules: three published lessons in the first, one in the second."""
    first = ModuleFactory(course=course, title="Basics", slug="basics", position=1)
    second = ModuleFactory(course=course, title="Further", slug="further", position=2)
    return [
        LessonFactory(module=first, title="Talking", slug="talking", position=1),
        LessonFactory(module=first, title="Bargaining", slug="bargaining", position=2),
        LessonFactory(module=first, title="Treaties", slug="treaties", position=3),
        LessonFactory(module=second, title="Summits", slug="summits", position=1),
    ]


@pytest.fixture
def quiz(course):
    """A lesson quiz with one question of each type, unshuffled, pass mark 70, three attempts."""
    module = ModuleFactory(course=course, title="Basics", slug="basics", position=1)
    lesson = LessonFactory(module=module, title="Talking", slug="talking", position=1)
    quiz = QuizFactory(lesson=lesson, slug="talking-quiz", attempts_allowed=3)
    make_question(lesson, "single", [("Mediation", 1, "", "Right."), ("Negotiation", 0, "", "Not quite.")])
    make_question(lesson, "truefalse", [("True", 1), ("False", 0)])
    make_question(lesson, "multiple", [("UN", "0.5"), ("ASEAN", "0.5"), ("NATO", -1)])
    make_question(lesson, "short", [("RCEP", 1)])
    make_question(lesson, "matching", [("Kyoto", 1, "Protocol"), ("Paris", 1, "Agreement"), ("COP", 1, "Conference")])
    make_question(lesson, "ordering", [("first", 1), ("second", 1), ("third", 1)], section="second-idea")
    return quiz


@pytest.fixture
def shipped_course(db):
    """The real course, loaded from content/ as `make run` does."""
    return course_load(folder=SHIPPED_COURSE).course


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return "live_server" in getattr(item, "fixturenames", ()) or bool(marker and marker.kwargs.get("transaction"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run transactional tests last, as Django does: their flush empties rows made by data migrations."""
    items.sort(key=_is_transactional)
