import importlib
from functools import cache as memoize
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


# The data migrations that make rows (the Instructors group and its permissions), in the order they run.
SEEDING_MIGRATIONS = ["lessons.migrations.0002_instructors_group", "quizzes.migrations.0002_instructor_permissions"]


@memoize
def _migration_state_apps():
    """The models as the migrations see them (what a data migration's `apps` is), built once per session."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    return loader.project_state(list(loader.graph.leaf_nodes())).apps


@pytest.fixture(autouse=True)
def _seeded_by_migrations(request):
    """Before a transactional test, put back the rows data migrations made, running their own functions again.

    Tests that flush the database between them (transactional ones, the browser tests) would otherwise
    depend on their order: serialized_rollback restores the rows only through the connection object
    that holds the copy made when the test database was created, and once Playwright has started, the
    test's thread gets another connection object, without it, so nothing is restored (measured).
    The functions are idempotent (get_or_create, add), so this changes nothing when the rows are there.
    """
    if not _is_transactional(request.node):
        return
    request.getfixturevalue("_django_db_helper")
    state_apps = _migration_state_apps()
    for name in SEEDING_MIGRATIONS:
        importlib.import_module(name).grant(state_apps, None)


def _restores_migrated_rows(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run transactional tests last, as Django does: their flush empties rows made by data migrations.

    Every transactional test must also ask for `serialized_rollback=True`, which puts back, before
    each such test, the rows migrations made (the Instructors group, its permissions). One without
    it flushes the database and lets Django recreate content types and permissions under new ids:
    the data-migration rows are then gone for every later test, and the next serialized test fails
    to restore them (a duplicate content type), so tests would pass or fail by their order.
    """
    unserialized = [item.nodeid for item in items if _is_transactional(item) and not _restores_migrated_rows(item)]
    if unserialized:
        raise pytest.UsageError(
            "Transactional tests need @pytest.mark.django_db(transaction=True, serialized_rollback=True) "
            "(see tests/conftest.py): " + ", ".join(unserialized)
        )
    items.sort(key=_is_transactional)
