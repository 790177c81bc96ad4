"""Quizzes as files: the shipped bank, and how load_course treats GIFT files."""

import shutil
from collections import Counter

import pytest

from courseware.content import ContentError, read_course
from courseware.loading import course_load
from courseware.quiz_loading import read_quizzes
from quizzes.models import Choice, Question, Quiz
from tests.conftest import SHIPPED_COURSE

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_copy(tmp_path):
    return shutil.copytree(SHIPPED_COURSE, tmp_path / "course")


def first_gift(folder):
    return folder / "quizzes" / "diplomacy-art-and-practice.gift"


def test_every_lesson_has_a_quiz_of_five_or_more_questions_in_three_or_more_types():
    """The shipped bank covers each lesson with a varied quiz; all six types appear in the course."""
    course = read_course(SHIPPED_COURSE)
    quizzes = read_quizzes(SHIPPED_COURSE, course)
    lessons = [lesson.slug for module in course.modules for lesson in module.lessons]
    assert sorted(quizzes.questions) == sorted(lessons)
    all_types = Counter()
    for slug, questions in quizzes.questions.items():
        types = {question.qtype for question in questions}
        assert len(questions) >= 5 and len(types) >= 3, slug
        all_types.update(types)
    assert set(all_types) == {"single", "truefalse", "multiple", "short", "matching", "ordering"}


def test_the_final_exam_draws_twenty_questions_from_the_bank():
    """The final exam is configured for 20+ questions from a bank that covers every module."""
    course = course_load(folder=SHIPPED_COURSE).course
    final = Quiz.objects.get(course=course, kind=Quiz.Kind.FINAL)
    assert final.questions_per_attempt >= 20
    assert final.question_pool().count() >= final.questions_per_attempt
    assert final.question_pool().values("lesson__module").distinct().count() == course.modules.count()


def test_loaded_questions_link_to_their_lesson_sections():
    """Each loaded question names a section that exists in its lesson."""
    course_load(folder=SHIPPED_COURSE)
    for question in Question.objects.select_related("lesson"):
        anchors = {section.anchor for section in question.lesson.section_list}
        assert question.section_anchor in anchors, question.key


def test_reloading_updates_questions_by_key_and_bumps_their_version(course_copy):
    """A changed question keeps its row (by [id:]) and gets a new version; nothing is duplicated."""
    course_load(folder=course_copy)
    before = Question.objects.count(), Choice.objects.count()
    path = first_gift(course_copy)
    text = path.read_text()
    path.write_text(text.replace("::", "::Revised ", 1))
    report = course_load(folder=course_copy)
    assert (Question.objects.count(), Choice.objects.count()) == before
    revised = Question.objects.get(title__startswith="Revised ")
    assert revised.version == 2
    assert f"question {revised.key}" in report.updated


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda text: text.replace("}", "", 1), "not closed"),
        (lambda text: text.replace("[tag:section:", "[tag:sektion:", 1), "must name a section"),
        (
            lambda text: text + "\n\n// [id:extra-essay]\n// [tag:section:in-short]\nExplain why.{####Because.}\n",
            "not supported",
        ),
        (lambda text: text.replace("####", "", 1), "explanation"),
        (lambda text: text.replace("[id:", "[id:Q_", 1), "lowercase letters, digits and hyphens"),
    ],
)
def test_a_bad_gift_file_is_named_with_line_and_reason_and_loads_nothing(course_copy, change, reason):
    """A malformed GIFT file stops the load with file:line: reason; no course row is created."""
    path = first_gift(course_copy)
    path.write_text(change(path.read_text()))
    with pytest.raises(ContentError) as error:
        course_load(folder=course_copy)
    message = str(error.value)
    assert message.startswith(f"{path}:")
    assert message.split(":")[1].strip().isdigit()
    assert reason in message
    assert not Question.objects.exists() and not Quiz.objects.exists()


def test_a_quiz_file_for_an_unknown_lesson_is_refused(course_copy):
    """A GIFT file must be named after a lesson of the course."""
    shutil.copy(first_gift(course_copy), course_copy / "quizzes" / "no-such-lesson.gift")
    with pytest.raises(ContentError, match="no lesson 'no-such-lesson'"):
        course_load(folder=course_copy)
