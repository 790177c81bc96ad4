"""Reports are for staff: students and visitors are sent to the admin log-in."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import QuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_urls(lessons, student):
    course = lessons[0].course
    quiz = QuizFactory(lesson=lessons[0], slug="talking-quiz")
    return [
        reverse("reports:index"),
        reverse("reports:gradebook", kwargs={"course_slug": course.slug}),
        reverse("reports:gradebook_csv", kwargs={"course_slug": course.slug}),
        reverse("reports:student", kwargs={"course_slug": course.slug, "user_id": student.pk}),
        reverse("reports:quiz_statistics", kwargs={"course_slug": course.slug, "quiz_slug": quiz.slug}),
    ]


def test_a_student_is_sent_to_the_admin_login(student_client, report_urls):
    """A logged-in student never sees a report: every page redirects to the admin log-in."""
    for url in report_urls:
        response = student_client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_a_visitor_is_sent_to_the_admin_login(client, report_urls):
    """Anonymous visitors are redirected too, with the report as the next page."""
    response = client.get(report_urls[1])
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('admin:login')}?next={report_urls[1]}"


def test_an_instructor_sees_every_report(instructor_client, report_urls):
    """Staff in the Instructors group open each page and the CSV."""
    for url in report_urls:
        assert instructor_client.get(url).status_code == HTTPStatus.OK, url


def test_unknown_course_or_quiz_is_not_found(instructor_client, lessons):
    """A mistyped course or quiz slug is a 404, not an empty report."""
    course = lessons[0].course
    assert instructor_client.get(reverse("reports:gradebook", args=["nope"])).status_code == HTTPStatus.NOT_FOUND
    url = reverse("reports:quiz_statistics", kwargs={"course_slug": course.slug, "quiz_slug": "nope"})
    assert instructor_client.get(url).status_code == HTTPStatus.NOT_FOUND
