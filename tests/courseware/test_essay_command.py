from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lessons.models import Lesson, Passage, Source
from quizzes.models import Question
from tests.courseware.conftest import CLIMATE_ESSAY, TALKS_ESSAY
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay_paths(tmp_path):
    talks, climate = tmp_path / "000_talks.txt", tmp_path / "001_climate.txt"
    talks.write_text(TALKS_ESSAY, encoding="utf-8")
    climate.write_text(CLIMATE_ESSAY, encoding="utf-8")
    return [str(talks), str(climate)]


def run(*args) -> str:
    out = StringIO()
    call_command("import_essays", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_each_essays_passages_and_themes(themed_course, essay_paths):
    """Per essay: its key, how many passages, and the themes found with their passage counts."""
    output = run(*essay_paths)

    assert "essay 000: 2 passages; themes: Talks (1), Trade (1)" in output
    assert "essay 001: 2 passages; themes: Climate (2)" in output
    assert "draft lesson talks-essay-readings: 1 passage, 2 questions" in output
    assert Source.objects.count() == 2 and Passage.objects.count() == 4


def test_a_second_run_prints_the_same_and_creates_nothing(themed_course, essay_paths):
    """Running the command again reports the same essays and themes, with nothing created or updated."""
    first = run(*essay_paths)
    rows = (Source.objects.count(), Passage.objects.count(), Lesson.objects.count(), Question.objects.count())

    second = run(*essay_paths)

    assert first.splitlines()[:2] == second.splitlines()[:2]
    assert "0 created, 0 updated," in second and "0 removed" in second
    assert (Source.objects.count(), Passage.objects.count(), Lesson.objects.count(), Question.objects.count()) == rows


def test_the_course_is_named_when_there_are_several(themed_course, essay_paths):
    """With two courses the command asks for --course, and imports into the one named."""
    CourseFactory(slug="another-course")
    with pytest.raises(CommandError, match="several courses; name one with --course"):
        run(*essay_paths)
    run(*essay_paths, "--course", themed_course.slug)
    assert Source.objects.filter(course=themed_course).count() == 2


def test_an_unknown_course_or_no_course_is_an_error(db, essay_paths):
    """The command says what is missing instead of guessing."""
    with pytest.raises(CommandError, match="There is no course yet"):
        run(*essay_paths)
    CourseFactory(slug="only-course")
    with pytest.raises(CommandError, match="No course with the slug 'nope'"):
        run(*essay_paths, "--course", "nope")


def test_a_bad_file_stops_the_command_before_anything_is_written(themed_course, essay_paths, tmp_path):
    """A missing or non-UTF-8 file is named with the reason, and no essay is imported."""
    latin = tmp_path / "002_latin.txt"
    latin.write_bytes("Café talks.".encode("latin-1"))
    with pytest.raises(CommandError, match=r"002_latin\.txt: the file is not UTF-8 text"):
        run(*essay_paths, str(latin))
    with pytest.raises(CommandError, match=r"missing\.txt"):
        run(str(tmp_path / "missing.txt"))
    assert not Source.objects.exists()
