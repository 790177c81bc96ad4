"""My courses: after log-in a student lands on their courses, each with progress, mastery, reviews and a next step."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from learning.services import attempt_start, attempt_submit
from tests.factories import right_answers

pytestmark = pytest.mark.django_db


def test_logging_in_lands_on_my_courses(client, student):
    """The log-in form's default destination is the dashboard."""
    response = client.post(reverse("login"), {"username": student.username, "password": "correct-horse-battery"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("learning:dashboard")


def test_a_new_student_is_offered_the_course(student_client, course, lessons):
    """Nothing started: the course is offered with a start button."""
    response = student_client.get(reverse("learning:dashboard"))
    assert "Start this course" in response.text


def test_a_started_course_shows_progress_mastery_reviews_and_next_step(student_client, student, quiz):
    """After a passed quiz: steps done, mastery, reviews and what to do next."""
    attempt = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=attempt, responses=right_answers(attempt))
    response = student_client.get(reverse("learning:dashboard"))
    assert "1 of 1 step done · 100%" in response.text
    assert "No review due" in response.text
    assert "Your certificate" in response.text


def test_the_dashboard_needs_a_log_in(client):
    """Visitors are sent to log in."""
    response = client.get(reverse("learning:dashboard"))
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]
