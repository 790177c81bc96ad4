"""Report pages run the same number of SQL queries whatever the number of students and attempts."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning.services import enrolment_enrol
from lessons.models import LessonProgress, LessonStatus
from tests.factories import CourseFactory, LessonFactory, ModuleFactory, QuizFactory
from tests.reports.conftest import answer_marks, make_students, progress, scored_attempt

pytestmark = pytest.mark.django_db


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def build_class(course_slug: str, student_count: int):
    """A course of two modules and four lessons with quizzes, and students who read and answered."""
    course = CourseFactory(slug=course_slug)
    modules = [ModuleFactory(course=course, slug=f"{course_slug}-m{index}", position=index) for index in range(2)]
    lessons = [LessonFactory(module=modules[index % 2], position=index) for index in range(4)]
    quizzes = [QuizFactory(lesson=lesson) for lesson in lessons]
    students = make_students(student_count, prefix=f"{course_slug}-")
    for student in students:
        progress(student, lessons[0])
        progress(student, lessons[1])
        scored_attempt(quizzes[0], student, 1, "60")
        scored_attempt(quizzes[0], student, 2, "80")
    return course, students


def gradebook_url(course, **params):
    url = reverse("reports:gradebook", kwargs={"course_slug": course.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


def test_gradebook_costs_the_same_for_3_and_30_students(staff_client):
    """Session, user, course, modules, lessons, quizzes, student count, the page's students, progress, attempts,
    mastery (quiz and review answers ranked and summed in one query)."""
    small, _ = build_class("small", 3)
    large, _ = build_class("large", 30)
    assert query_count(staff_client, gradebook_url(small)) == 11
    assert query_count(staff_client, gradebook_url(large)) == 11
    assert query_count(staff_client, gradebook_url(large, module="large-m1")) == 11


def test_student_record_query_count_is_pinned(staff_client):
    """Session, user, course, student, lessons, quizzes, progress, attempts twice (grades, list), certificate,
    mastery (one query)."""
    course, students = build_class("pinned", 3)
    url = reverse("reports:student", kwargs={"course_slug": course.slug, "user_id": students[1].pk})
    assert query_count(staff_client, url) == 11


def test_index_costs_the_same_for_1_and_3_courses(staff_client):
    """Session, user, courses, their quizzes with attempt counts, written answers waiting for marking."""
    build_class("first", 1)
    assert query_count(staff_client, reverse("reports:index")) == 5
    build_class("second", 1)
    build_class("third", 1)
    assert query_count(staff_client, reverse("reports:index")) == 5


def test_quiz_statistics_cost_the_same_for_5_and_50_attempts(staff_client, analysis_quiz):
    """Session, user, course, quiz; the analysed attempts' slots (marks, responses, versions; never a snapshot),
    and one snapshot per question version."""
    url = reverse(
        "reports:quiz_statistics", kwargs={"course_slug": analysis_quiz.course.slug, "quiz_slug": analysis_quiz.slug}
    )
    students = make_students(50)
    marks = [[1, 1, 0], [1, 0.5, 0], [0, 1, 1], [0.5, 0, 1], [1, 1, 1]]
    for index, student in enumerate(students[:5]):
        answer_marks(analysis_quiz, student, marks[index])
    assert query_count(staff_client, url) == 6
    assert query_count(staff_client, url + "?attempts=all") == 6
    for index, student in enumerate(students[5:]):
        answer_marks(analysis_quiz, student, marks[index % 5])
    assert query_count(staff_client, url) == 6
    assert query_count(staff_client, url + "?attempts=all") == 6


def build_roster(course_slug: str, student_count: int):
    """build_class's students, each with a lesson completed, and as many enrolled students who never started
    (they make up each group below: not started, inactive, behind the median of 0.5 lessons)."""
    course, students = build_class(course_slug, student_count)
    LessonProgress.objects.filter(user__in=students, lesson__position=0).update(
        status=LessonStatus.COMPLETED, completed_at=timezone.now()
    )
    for newcomer in make_students(student_count, prefix=f"{course_slug}-new-"):
        enrolment_enrol(user=newcomer, course=course)
    return course


@pytest.mark.parametrize(
    ("params", "queries"),
    [({"group": "not_started"}, 11), ({"group": "inactive", "days": 7}, 11), ({"group": "behind"}, 12)],
)
def test_gradebook_groups_cost_the_same_for_3_and_30_students(staff_client, params, queries):
    """The groups filter in SQL; "behind" reads the class's lesson counts once more for the median."""
    small = build_roster("small", 3)
    large = build_roster("large", 30)
    assert staff_client.get(gradebook_url(small, **params)).context["page"].paginator.count == 3
    assert query_count(staff_client, gradebook_url(small, **params)) == queries
    assert query_count(staff_client, gradebook_url(large, **params)) == queries


def test_roster_upload_preview_costs_the_same_for_3_and_30_addresses(staff_client):
    """Session, user, course, savepoint, the accounts with these addresses, their enrolments, waiting
    invitations, release."""
    course, students = build_class("roster", 30)
    url = reverse("reports:roster_upload", kwargs={"course_slug": course.slug})
    for count in (3, 30):
        text = "".join(f"{student.email}\n" for student in students[:count]) + "nobody@example.org\n"
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.post(url, {"file": SimpleUploadedFile("class.csv", text.encode())})
        assert response.status_code == HTTPStatus.OK
        assert len(queries) == 8


def test_class_message_costs_the_same_for_3_and_30_students(staff_client, mailoutbox):
    """Sending reads the class once; the (here immediate) task reads the course and the addresses."""
    counts = []
    for slug, size in (("few", 3), ("many", 30)):
        course, _ = build_class(slug, size)
        url = reverse("reports:class_message", kwargs={"course_slug": course.slug})
        with CaptureQueriesContext(connection) as queries:
            staff_client.post(url, {"subject": "Hello", "body": "Welcome."})
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert len(mailoutbox) == 33
