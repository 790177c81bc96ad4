import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from lessons.models import LessonProgress, LessonStatus
from tests.factories import LessonFactory, ModuleFactory

pytestmark = pytest.mark.django_db


def test_saving_a_lesson_renders_its_body_and_records_its_sections():
    """The stored HTML, section anchors and word count follow the Markdown body."""
    lesson = LessonFactory(body="Intro.\n\n## Why talk {#why-talk}\n\nBecause.\n\n### Detail {#detail}\n\nMore.")

    assert '<h2 id="why-talk">Why talk</h2>' in lesson.body_html
    assert [(s.anchor, s.title, s.level) for s in lesson.section_list] == [
        ("why-talk", "Why talk", 2),
        ("detail", "Detail", 3),
    ]
    assert lesson.word_count == 6


def test_reading_time_rounds_up_and_is_at_least_one_minute():
    """Reading time is the word count at 200 words a minute, rounded up."""
    assert LessonFactory(body="word " * 10).reading_minutes == 1
    assert LessonFactory(body="word " * 401).reading_minutes == 3


def test_lesson_takes_its_course_from_its_module():
    """A lesson always belongs to its module's course."""
    module = ModuleFactory()
    assert LessonFactory(module=module).course == module.course


def test_two_lessons_of_one_course_cannot_share_a_slug():
    """Lesson URLs are unique within a course, enforced by the database."""
    first = LessonFactory(slug="same")
    other_module = ModuleFactory(course=first.course)
    with pytest.raises(IntegrityError):
        LessonFactory(module=other_module, slug="same")


def test_lesson_validation_names_a_taken_slug_and_repeated_anchors():
    """Admin validation explains the slug clash and duplicate section anchors."""
    first = LessonFactory(slug="same")
    clash = LessonFactory.build(module=ModuleFactory(course=first.course), slug="same", body="## A {#a}\n\n## B {#a}")
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert set(error.value.message_dict) == {"slug", "body"}
    assert "a" in error.value.message_dict["body"][0]


def test_progress_is_unique_per_student_and_lesson(student):
    """One progress row per student and lesson."""
    lesson = LessonFactory()
    LessonProgress.objects.create(user=student, lesson=lesson)
    with pytest.raises(IntegrityError):
        LessonProgress.objects.create(user=student, lesson=lesson)


def test_completed_progress_must_carry_its_completion_time(student):
    """The database refuses a completed status without a completion time."""
    with pytest.raises(IntegrityError):
        LessonProgress.objects.create(user=student, lesson=LessonFactory(), status=LessonStatus.COMPLETED)


def test_in_progress_rows_cannot_carry_a_completion_time(student):
    """The database refuses a completion time on an unfinished lesson."""
    with pytest.raises(IntegrityError):
        LessonProgress.objects.create(user=student, lesson=LessonFactory(), completed_at=timezone.now())
