import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from courseware.loading import course_load
from lessons.models import Course, KeyTerm, Lesson, Module, Source
from quizzes.models import Choice, Question, Quiz
from tests.conftest import SHIPPED_COURSE

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_copy(tmp_path):
    return shutil.copytree(SHIPPED_COURSE, tmp_path / "course")


def counts():
    return [model.objects.count() for model in (Course, Module, Lesson, KeyTerm, Source, Quiz, Question, Choice)]


def first_lesson_path(folder):
    return sorted((folder / "modules" / "foundations").glob("*.md"))[0]


def test_loading_twice_creates_nothing_new():
    """load_course is idempotent: the second run finds everything unchanged."""
    first = course_load(folder=SHIPPED_COURSE)
    before = counts()
    second = course_load(folder=SHIPPED_COURSE)
    assert counts() == before
    course, modules, lessons, _terms, _sources, quizzes, questions, _choices = before
    assert len(first.created) == course + modules + lessons + quizzes + questions
    assert second.created == second.updated == second.kept == []


def test_the_loaded_course_is_published_in_order():
    """Modules and lessons keep the order of the files and are visible to students."""
    course = course_load(folder=SHIPPED_COURSE).course
    assert course.is_published
    assert list(course.modules.values_list("slug", flat=True))[:2] == ["foundations", "communication-negotiation"]
    assert not Lesson.objects.filter(is_published=False).exists()


def test_a_changed_file_updates_its_lesson_in_place(course_copy):
    """Editing a lesson file and reloading updates the same row."""
    course_load(folder=course_copy)
    path = first_lesson_path(course_copy)
    lesson = Lesson.objects.get(slug=path.stem)
    path.write_text(path.read_text().replace('title = "', 'title = "Revised: ', 1))

    report = course_load(folder=course_copy)

    assert f"lesson {path.stem}" in report.updated
    assert f"quiz {path.stem}-quiz" in report.updated
    updated = Lesson.objects.get(pk=lesson.pk)
    assert updated.title.startswith("Revised: ")


def test_admin_edits_are_kept_unless_forced(course_copy):
    """A lesson changed in the admin is not overwritten by a reload; --force overwrites it."""
    course_load(folder=course_copy)
    lesson = Lesson.objects.get(slug=first_lesson_path(course_copy).stem)
    original_title = lesson.title
    lesson.title = "Instructor's better title"
    lesson.save()

    report = course_load(folder=course_copy)
    assert report.kept == [f"lesson {lesson.slug}"]
    assert Lesson.objects.get(pk=lesson.pk).title == "Instructor's better title"

    course_load(folder=course_copy, force=True)
    assert Lesson.objects.get(pk=lesson.pk).title == original_title


def test_a_broken_file_loads_nothing_and_the_command_says_why(course_copy):
    """One bad lesson stops the whole load with the file name; the database is untouched."""
    path = first_lesson_path(course_copy)
    path.write_text(path.read_text().replace("+++", "", 1))
    with pytest.raises(CommandError, match=path.name):
        call_command("load_course", str(course_copy), stdout=StringIO())
    assert counts() == [0] * 8


def test_the_command_reports_what_it_did():
    """The command prints per course how many rows it created, updated and kept."""
    out = StringIO()
    call_command("load_course", stdout=out)
    call_command("load_course", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("diplomacy-globalization: ") and "0 updated" in lines[0]
    assert lines[1].startswith("diplomacy-globalization: 0 created, 0 updated")


def test_only_fields_known_at_the_last_load_count_as_edits():
    """A field added to the content format later does not make old rows look edited; admin-made rows do."""
    from courseware.sync import edited_since_load

    assert not edited_since_load({"title": "A"}, {"title": "A", "new_field": True})
    assert edited_since_load({"title": "A"}, {"title": "B", "new_field": True})
    assert edited_since_load({}, {"title": "A"})
