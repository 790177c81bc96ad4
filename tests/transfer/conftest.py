import pytest

from tests.factories import CourseFactory, LessonFactory, ModuleFactory, QuizFactory, make_question

# A small GIFT file written for these tests: three questions of the lesson "talking" (sections first-idea, second-idea).
GOOD_GIFT = """// [id:talking-channels]
// [tag:section:first-idea]
::Channels::Which channel do diplomats try first?{
=Talks#Yes: talking comes before anything else.
~Force#No: force is what talks try to avoid.
####The lesson says diplomats talk so that soldiers do not have to.
}

// [id:talking-signing]
// [tag:section:second-idea]
::Signing::A state is bound by an agreement it never signed.{F#Only signatories are bound.####Only signing binds.}

// [id:talking-steps]
// [tag:section:second-idea]
// [tag:type:ordering]
::Steps::Put the steps of an agreement in order.{
=Negotiate
=Sign
=Ratify
####Terms are agreed first, then signed, then ratified at home.
}
"""


@pytest.fixture
def lesson(course):
    module = ModuleFactory(course=course, title="Basics", slug="basics", position=1)
    return LessonFactory(module=module, title="Talking", slug="talking", position=1)


@pytest.fixture
def empty_quiz(lesson):
    """A lesson quiz with no questions yet."""
    return QuizFactory(lesson=lesson, slug="talking-quiz")


@pytest.fixture
def stocked_quiz(lesson):
    """A lesson quiz with one question of each type, as instructors make them in the admin."""
    quiz = QuizFactory(lesson=lesson, slug="talking-quiz")
    make_question(lesson, "single", [("Mediation", 1, "", "Right."), ("Negotiation", 0, "", "Not quite.")])
    make_question(lesson, "truefalse", [("True", 1), ("False", 0, "", "It is true.")])
    make_question(lesson, "multiple", [("UN", "0.5"), ("ASEAN", "0.5"), ("NATO", -1, "", "Not an economic body.")])
    make_question(lesson, "short", [("RCEP", 1), ("the RCEP", 1)])
    make_question(lesson, "matching", [("Kyoto", 1, "Protocol"), ("Paris", 1, "Agreement")])
    make_question(lesson, "ordering", [("first", 1), ("second", 1), ("third", 1)], section="second-idea")
    return quiz


@pytest.fixture
def final_exam(course, lesson):
    """The course's final exam, with a second lesson to draw from."""
    LessonFactory(module=lesson.module, title="Treaties", slug="treaties", position=2)
    return QuizFactory(course=course, lesson=None, kind="final", slug="final-exam", title="Final exam")


@pytest.fixture
def other_course_quiz(db):
    """An empty quiz of a lesson in another course, with the same section anchors as `lesson`."""
    module = ModuleFactory(course=CourseFactory(slug="copy-course"), slug="copy-basics")
    return QuizFactory(lesson=LessonFactory(module=module, slug="copy-talking"), slug="copy-talking-quiz")
