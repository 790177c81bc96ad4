"""A module's written task: on the outline, a progress step and a certificate rule, never a module lock."""

import pytest
from django.test import Client
from django.urls import reverse

from certificates.models import Certificate
from learning import selectors, services
from quizzes.models import Attempt, Quiz
from tests.factories import (
    InstructorFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    make_question,
    make_written_question,
    right_answers,
)
from tests.marking.conftest import level_data, mark_url, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def task_course(course):
    """Two sequential modules of one lesson quiz each; the first module has a written task."""
    course.sequential_modules = True
    course.save()
    first = ModuleFactory(course=course, slug="basics", position=1)
    second = ModuleFactory(course=course, slug="further", position=2)
    for module, slug in ((first, "talking"), (second, "summits")):
        lesson = LessonFactory(module=module, slug=slug)
        QuizFactory(lesson=lesson, slug=f"{slug}-quiz")
        make_question(lesson, "single")
    task_lesson = first.lessons.get()
    make_written_question(task_lesson, pool="task", key="basics-memo")
    Quiz.objects.create(
        course=course,
        module=first,
        kind=Quiz.Kind.TASK,
        title="Memo task",
        slug="basics-task",
        pass_mark=50,
        is_published=True,
        shuffle_questions=False,
    )
    return course


def pass_quiz(user, slug):
    attempt = services.attempt_start(user=user, quiz=Quiz.objects.get(slug=slug))
    return services.attempt_submit(attempt=attempt, responses=right_answers(attempt))


def test_the_task_shows_in_its_module_and_counts_as_a_step(task_course, student, student_client):
    """The outline lists the task after the module's lessons; the course has 3 steps (2 lessons + 1 task)."""
    outline = selectors.course_outline(course=task_course, user=student)
    assert outline.modules[0].task.quiz.slug == "basics-task" and outline.modules[1].task is None
    assert outline.step_count == 3 and outline.steps_done == 0
    page = student_client.get(reverse("learning:outline", args=[task_course.slug]))
    assert "Memo task" in page.text and "Written task" in page.text


def test_a_task_awaiting_marking_does_not_hold_back_the_next_module(task_course, student, student_client):
    """Lesson quiz passed, task submitted and waiting: module 2 is open; the task's step is not done yet."""
    pass_quiz(student, "talking-quiz")
    attempt = submit(student_client, Quiz.objects.get(slug="basics-task"))
    assert attempt.status == Attempt.Status.AWAITING_MARKING
    outline = selectors.course_outline(course=task_course, user=student)
    assert not outline.modules[1].locked and outline.steps_done == 1
    summit = Quiz.objects.get(slug="summits-quiz")
    assert student_client.get(summit.get_absolute_url()).status_code == 200
    assert "awaiting marking" in student_client.get(reverse("learning:outline", args=[task_course.slug])).text


def test_the_certificate_waits_for_the_task_to_be_marked_and_passed(task_course, student, student_client):
    """Every lesson done but the task unmarked: no certificate; the passing mark issues it."""
    pass_quiz(student, "talking-quiz")
    attempt = submit(student_client, Quiz.objects.get(slug="basics-task"))
    pass_quiz(student, "summits-quiz")
    assert not Certificate.objects.exists()
    marker = Client()
    marker.force_login(InstructorFactory())
    slot = attempt.slots.get()
    marker.post(mark_url(slot), level_data(slot, [2, 1]))
    assert Certificate.objects.filter(user=student, course=task_course).exists()
    assert selectors.course_outline(course=task_course, user=student).steps_done == 3


def test_a_task_of_a_locked_module_cannot_be_opened(task_course, student, student_client):
    """The task of a module still locked is refused like its lessons' quizzes."""
    module = task_course.modules.get(slug="further")
    Quiz.objects.create(
        course=task_course,
        module=module,
        kind=Quiz.Kind.TASK,
        title="Late task",
        slug="further-task",
        is_published=True,
    )
    response = student_client.get(Quiz.objects.get(slug="further-task").get_absolute_url())
    assert response.status_code == 403
