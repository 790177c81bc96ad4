import pytest

from tests.factories import LessonFactory, ModuleFactory, QuizFactory, make_question


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
