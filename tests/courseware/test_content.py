"""The shipped course files and the rules `read_course` enforces on any course folder."""

import textwrap

import pytest

from courseware.content import MIN_LESSON_WORDS, ContentError, read_course
from tests.conftest import SHIPPED_COURSE, THEME_MAP

BODY = "Intro.\n\n## Part one {#part-one}\n\n" + "Words that explain things. " * 100


def write_course(root, lesson_text):
    (root / "modules" / "basics").mkdir(parents=True)
    (root / "course.toml").write_text(
        textwrap.dedent(
            """
            slug = "tiny"
            title = "Tiny course"
            modules = ["basics"]
            [[sources]]
            key = "000"
            title = "An essay"
            """
        )
    )
    (root / "modules" / "basics" / "module.toml").write_text('title = "Basics"\nlessons = ["first"]\n')
    (root / "modules" / "basics" / "first.md").write_text(lesson_text)
    return root


def lesson_file(*, body=BODY, objectives='["Explain one", "Explain two"]', sources='["000"]'):
    return (
        f'+++\ntitle = "First"\nobjectives = {objectives}\nsources = {sources}\n'
        f'key_terms = [{{ term = "Envoy", definition = "A messenger." }}]\n+++\n{body}'
    )


def test_a_valid_course_folder_reads_into_modules_and_lessons(tmp_path):
    """A minimal course folder gives one module with one lesson."""
    course = read_course(write_course(tmp_path, lesson_file()))
    assert course.slug == "tiny"
    assert [module.slug for module in course.modules] == ["basics"]
    lesson = course.modules[0].lessons[0]
    assert (lesson.slug, lesson.title, lesson.sources) == ("first", "First", ["000"])
    assert lesson.key_terms[0].term == "Envoy"


def test_the_shipped_course_is_open():
    """The flagship course lets any student enrol."""
    assert read_course(SHIPPED_COURSE).enrolment == "open"


def test_an_unknown_enrolment_policy_is_rejected(tmp_path):
    """`enrolment` must be "open" or "invitation"."""
    root = write_course(tmp_path, lesson_file())
    (root / "course.toml").write_text('enrolment = "closed"\n' + (root / "course.toml").read_text())
    with pytest.raises(ContentError, match="'enrolment' must be one of open, invitation"):
        read_course(root)


@pytest.mark.parametrize(
    ("lesson_text", "reason"),
    [
        ("no front matter\n" + BODY, "front matter"),
        (lesson_file(body="## Short {#short}\n\nToo few words."), f"at least {MIN_LESSON_WORDS}"),
        (lesson_file(body=BODY + "\n## No anchor\n\ntext"), "without a {#anchor}"),
        (lesson_file(objectives='["Only one"]'), "2-4 objectives"),
        (lesson_file(sources='["999"]'), "unknown source keys 999"),
        ('+++\ntitle = "broken\n+++\n' + BODY, "invalid front matter"),
    ],
)
def test_a_bad_lesson_file_is_rejected_with_its_path_and_reason(tmp_path, lesson_text, reason):
    """Errors name the file and say what is wrong."""
    with pytest.raises(ContentError) as error:
        read_course(write_course(tmp_path, lesson_text))
    assert "first.md" in str(error.value)
    assert reason in str(error.value)


def test_the_shipped_course_covers_every_theme_of_the_map():
    """Nine modules of 2-4 lessons, 20+ lessons, each complete enough to teach from."""
    course = read_course(SHIPPED_COURSE)
    assert len(course.modules) == 9
    assert all(2 <= len(module.lessons) <= 4 for module in course.modules)
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    assert len(lessons) >= 20
    for lesson in lessons:
        assert lesson.title and lesson.summary, lesson.slug
        assert 2 <= len(lesson.objectives) <= 4, lesson.slug
        assert lesson.key_terms, lesson.slug
        assert lesson.sources, lesson.slug


def test_each_module_draws_on_the_essays_the_theme_map_names():
    """Module sources follow the theme -> essay map of DESIGN.md."""
    course = read_course(SHIPPED_COURSE)
    used = {module.slug: {key for lesson in module.lessons for key in lesson.sources} for module in course.modules}
    assert used == THEME_MAP


def test_a_source_without_a_kind_is_an_essay(tmp_path):
    """Sources in course.toml default to the kind "essay"."""
    assert [source.kind for source in read_course(write_course(tmp_path, lesson_file())).sources] == ["essay"]


def test_a_source_kind_is_read_and_an_unknown_kind_refused(tmp_path):
    """`kind` is one of essay, article, book, web_page, notes; anything else names the source and the kinds."""
    root = write_course(tmp_path, lesson_file())
    manifest = root / "course.toml"
    manifest.write_text(manifest.read_text() + 'kind = "book"\n')
    assert read_course(root).sources[0].kind == "book"
    manifest.write_text(manifest.read_text().replace('kind = "book"', 'kind = "poem"'))
    with pytest.raises(ContentError, match="source '000': 'kind' must be one of essay, article, book, web_page, notes"):
        read_course(root)


def test_a_lesson_may_have_no_sources(tmp_path):
    """`sources` may be left out of a lesson's front matter."""
    text = lesson_file().replace('sources = ["000"]\n', "")
    assert read_course(write_course(tmp_path, text)).modules[0].lessons[0].sources == []
