"""Fixtures of the courseware tests: small essays and GIFT files written for them, and courses to load them into."""

import pytest

from tests.factories import CourseFactory, KeyTermFactory, LessonFactory, ModuleFactory, QuizFactory, make_question

# Small essays written for these tests, in the shape of real imports: a blog header, a title, paragraphs.
TALKS_ESSAY = """Daily Archives: March 3, 2030

Talking Across Borders

Negotiation lets two governments settle a quarrel without sending soldiers. Regular bilateral meetings keep \
the habit of talking alive. When the sides stop listening, mediation by a neutral friend can help.

Money follows calm. A free-trade agreement lowers tariffs and widens market access for both partners. \
Investment grows where the rules stay put.
"""

# One long paragraph, as the seed essays are: split into groups of about three sentences.
CLIMATE_ESSAY = (
    "Rising seas worry island states first. Climate change does not stop at any border. "
    "The Paris Agreement asks every country for a national plan. Some plans are bolder than others. "
    "Talks on money for adaptation are slow. Poor states ask rich ones to pay for the damage they caused. "
    "Nobody knows yet who will pay."
)


@pytest.fixture
def themed_course(course):
    """Three published modules with theme keywords, one published lesson each, and a key term."""
    talks = ModuleFactory(
        course=course,
        title="Talks",
        slug="talks",
        position=1,
        keywords=["negotiation", "bilateral meetings", "video conferencing"],
    )
    trade = ModuleFactory(
        course=course,
        title="Trade",
        slug="trade",
        position=2,
        keywords=["free trade agreement", "market access", "investment"],
    )
    climate = ModuleFactory(
        course=course,
        title="Climate",
        slug="climate",
        position=3,
        keywords=["climate change", "paris agreement", "adaptation"],
    )
    talking = LessonFactory(module=talks, title="Talking", slug="talking", position=1)
    KeyTermFactory(lesson=talking, term="Mediation", definition="Help from a neutral third party.")
    LessonFactory(module=trade, title="Trading", slug="trading", position=1)
    LessonFactory(module=climate, title="Warming", slug="warming", position=1)
    return course


@pytest.fixture
def essay_files():
    return [("000_talks.txt", TALKS_ESSAY), ("001_climate.txt", CLIMATE_ESSAY)]


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
