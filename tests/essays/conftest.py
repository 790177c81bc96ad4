import pytest

from tests.factories import KeyTermFactory, LessonFactory, ModuleFactory

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
