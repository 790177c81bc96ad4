"""Pages run the same number of SQL queries whatever the course size."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning.services import attempt_start, attempt_submit
from lessons.models import LessonProgress
from quizzes.models import Attempt
from tests.factories import (
    CourseFactory,
    KeyTermFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    make_question,
    right_answers,
)

pytestmark = pytest.mark.django_db


def build_course(slug, lesson_count, student):
    course = CourseFactory(slug=slug)
    modules = [ModuleFactory(course=course, position=i) for i in range(3)]
    lessons = [LessonFactory(module=modules[i % 3], position=i) for i in range(lesson_count)]
    for lesson in lessons:
        KeyTermFactory(lesson=lesson)
        QuizFactory(lesson=lesson)
        make_question(lesson)
    for lesson in lessons[::2]:
        LessonProgress.objects.create(user=student, lesson=lesson)
    return course, lessons


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["learning:outline", "learning:glossary", "learning:search"])
def test_course_pages_cost_the_same_for_3_and_60_lessons(student_client, student, page):
    """Outline, glossary and search do not query per lesson."""
    small, _ = build_course("small", 3, student)
    large, _ = build_course("large", 60, student)
    suffix = "?q=words" if page == "learning:search" else ""

    def url(course):
        return reverse(page, kwargs={"course_slug": course.slug}) + suffix

    assert query_count(student_client, url(small)) == query_count(student_client, url(large))


@pytest.fixture
def db_session_client(client, student, settings):
    """A logged-in client whose session lives in the database, so counts match with or without Redis."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(student)
    return client


def test_outline_query_count_is_pinned(db_session_client, student, django_assert_num_queries):
    """A first visit: session, user, the course by its slug, its structure (modules, lessons, quizzes), the
    student's standing (progress, attempts, quiz and review answers for mastery, review cards, enrolment).
    Every later visit until something changes: session and user only, like any logged-in page."""
    course, _ = build_course("pinned", 12, student)
    url = reverse("learning:outline", kwargs={"course_slug": course.slug})
    with django_assert_num_queries(12):
        db_session_client.get(url)
    with django_assert_num_queries(2):
        db_session_client.get(url)


def test_lesson_page_costs_the_same_for_3_and_60_lessons(student_client, student):
    """The lesson page's queries do not grow with the course, for a first and a repeat visit."""
    _, small = build_course("small", 3, student)
    _, large = build_course("large", 60, student)
    first_visits = [small[1].get_absolute_url(), large[31].get_absolute_url()]
    repeat_visits = [small[2].get_absolute_url(), large[30].get_absolute_url()]
    for small_url, large_url in (first_visits, repeat_visits):
        assert query_count(student_client, small_url) == query_count(student_client, large_url)


def test_lesson_page_query_count_is_pinned(db_session_client, student, django_assert_num_queries):
    """A first visit: session, user, the course by its slug, its structure (modules, lessons, quizzes), the
    student's standing (progress, attempts, quiz and review answers for mastery, review cards, enrolment), the
    enrolment's insert (an open course), the lesson's body, key terms and sources, and the visit recorded
    (read, savepoint, insert, release). Reading on to the next lesson: session, user, the standing again (the
    first visit changed it; its enrolment is then kept per enrolment version), that lesson's body, key terms
    and sources, and its visit recorded. Opening the lesson read last again writes nothing: session, user and
    the standing the visit before changed, but for its enrolment (from the cache): 5; then session and user
    only."""
    _, lessons = build_course("pinned", 12, student)
    first, second = lessons[4].get_absolute_url(), lessons[7].get_absolute_url()
    with django_assert_num_queries(19):
        db_session_client.get(first)
    with django_assert_num_queries(15):
        db_session_client.get(second)
    with django_assert_num_queries(7):
        db_session_client.get(second)
    with django_assert_num_queries(2):
        db_session_client.get(second)


def _fresh_attempt(student, quiz):
    attempt = attempt_start(user=student, quiz=quiz)
    return Attempt.objects.get(pk=attempt.pk)


def test_failed_submit_query_count_is_pinned(student, quiz, django_assert_num_queries):
    """The attempt locked with its quiz, lesson, course and user, joined to its slots (one query); answers and
    marks (one statement); the attempt row; review cards (read, then new and rescheduled in one upsert). A fail
    completes nothing, so the certificate is not looked at. In production BEGIN and COMMIT wrap it (uncounted)."""
    attempt = _fresh_attempt(student, quiz)
    with django_assert_num_queries(5):
        attempt_submit(attempt=attempt, responses={})


def _second_lesson(quiz):
    """Another lesson with a quiz in the course, so passing `quiz` does not complete the course."""
    other = LessonFactory(module=quiz.lesson.module, slug="other", position=2)
    QuizFactory(lesson=other, slug="other-quiz")


def test_passing_submit_query_count_is_pinned(student, quiz, django_assert_num_queries):
    """A pass adds completing the lesson (the update of the student's row) and the check that lessons are left
    (so the certificate's rules need not run): 7. For a lesson never opened, the completed row is inserted: 8."""
    _second_lesson(quiz)
    LessonProgress.objects.create(user=student, lesson=quiz.lesson)
    attempt = _fresh_attempt(student, quiz)
    responses = right_answers(attempt)
    with django_assert_num_queries(7):
        attempt_submit(attempt=attempt, responses=responses)
    LessonProgress.objects.all().delete()
    retry = _fresh_attempt(student, quiz)
    responses = right_answers(retry)
    with django_assert_num_queries(8):
        attempt_submit(attempt=retry, responses=responses)
    assert LessonProgress.objects.get(user=student, lesson=quiz.lesson).status == "completed"


def test_submit_that_completes_the_course_query_count_is_pinned(student, quiz, django_assert_num_queries):
    """The pass that completes the course's last lesson also runs the certificate's rules (already issued?,
    lessons, completed lessons, quizzes, scores) and issues it (savepoint, insert, release): once per student."""
    attempt = _fresh_attempt(student, quiz)
    responses = right_answers(attempt)
    with django_assert_num_queries(16):
        attempt_submit(attempt=attempt, responses=responses)
    assert student.certificates.count() == 1


def test_attempt_form_and_autosave_query_counts_are_pinned(db_session_client, quiz, django_assert_num_queries):
    """Right after the start (which changed the student's standing, not their enrolment, kept per enrolment
    version since the quiz page read it): session, user, the attempt with its slots in one query. A reload while
    nothing changed draws the form kept since (session and user only). An autosave adds the attempt locked with
    its slots (one query) and the answers written in one UPDATE, in a transaction (here a savepoint and its
    release, since the test runs in one; in production BEGIN and COMMIT, which Django does not count); the form
    after it reads the attempt again, with the answer just saved."""
    db_session_client.get(quiz.get_absolute_url())
    start = reverse("learning:start", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})
    url = db_session_client.post(start)["Location"]
    with django_assert_num_queries(3):
        db_session_client.get(url)
    with django_assert_num_queries(2):
        db_session_client.get(url)
    with django_assert_num_queries(7):
        db_session_client.post(url, {"q1": "0", "save": ""}, headers={"x-autosave": "1"})
    with django_assert_num_queries(3):
        page = db_session_client.get(url)
    checked = re.findall(r'<input[^>]*name="q1"[^>]*value="0"[^>]*checked', page.text)
    assert checked, "the answer saved by the autosave is not shown"
