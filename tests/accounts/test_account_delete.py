"""'Delete my account': personal data gone, quiz attempts kept anonymously so item statistics stay true."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.services import account_delete
from certificates.models import Certificate
from learning.services import attempt_start
from lessons.models import LessonProgress
from quizzes.models import Attempt
from reports import gradebook
from reports.item_analysis import AttemptsAnalysed, quiz_statistics
from tests.reports.conftest import answer_marks, make_students
from tests.reports.test_quiz_statistics import WORKED_EXAMPLE, summary

pytestmark = pytest.mark.django_db

DELETE = reverse("accounts:delete")


@pytest.fixture
def studied(student, analysis_quiz):
    """The student and four classmates answered the analysis quiz (the worked example); the student
    passed, which completed the lesson and the course, and tried once more."""
    classmates = make_students(4)
    for user, marks in zip([student, *classmates], WORKED_EXAMPLE, strict=True):
        answer_marks(analysis_quiz, user, marks)
    answer_marks(analysis_quiz, student, [0, 0, 0])
    assert LessonProgress.objects.filter(user=student).exists() and Certificate.objects.filter(user=student).exists()
    return analysis_quiz


def test_deletion_needs_a_login(client):
    """A visitor is sent to log in."""
    response = client.get(DELETE)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_the_confirmation_page_says_what_happens(student_client):
    """The page explains what is removed and kept, and asks for the password."""
    response = student_client.get(DELETE)
    assert response.status_code == HTTPStatus.OK
    assert "cannot be undone" in response.text
    assert 'type="password" name="password"' in response.text


@pytest.mark.parametrize("password", ["", "not-my-password"])
def test_a_wrong_password_deletes_nothing(student_client, student, password):
    """Without the right password the account stays and the form says why."""
    response = student_client.post(DELETE, {"password": password})
    assert response.status_code == HTTPStatus.OK
    assert User.objects.filter(pk=student.pk, is_active=True).exists()
    assert response.context["user"] == student


def test_deleting_removes_personal_data_and_logs_out(student_client, student, studied):
    """The user row, progress and certificate are gone, the student is logged out and cannot log in again."""
    certificate = Certificate.objects.get(user=student)
    response = student_client.post(DELETE, {"password": "correct-horse-battery"}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "Your account is deleted." in response.text
    assert not response.context["user"].is_authenticated
    assert not User.objects.filter(pk=student.pk).exists()
    assert not User.objects.filter(email__iexact=student.email).exists()
    assert not LessonProgress.objects.filter(user_id=student.pk).exists()
    assert not Certificate.objects.filter(user_id=student.pk).exists()
    assert student_client.get(certificate.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    again = student_client.post(reverse("login"), {"username": "sam", "password": "correct-horse-battery"})
    assert again.status_code == HTTPStatus.OK and not again.context["user"].is_authenticated


def test_attempts_move_to_an_anonymous_placeholder_that_cannot_log_in(student, studied):
    """The finished attempts stay, held by an inactive user without name, e-mail or usable password."""
    attempt_ids = set(Attempt.objects.filter(user=student).values_list("id", flat=True))
    placeholder = account_delete(user=student)
    assert set(Attempt.objects.filter(user=placeholder).values_list("id", flat=True)) == attempt_ids
    assert placeholder.username.startswith("deleted-") and "sam" not in placeholder.username
    assert (placeholder.first_name, placeholder.last_name, placeholder.email) == ("", "", "")
    assert not placeholder.is_active and not placeholder.has_usable_password()
    assert not placeholder.is_staff and not placeholder.is_superuser


def test_each_deletion_gets_its_own_placeholder(analysis_quiz):
    """Two deleted students stay two students in the statistics, never merged into one."""
    first, second = make_students(2)
    answer_marks(analysis_quiz, first, [1, 1, 1])
    answer_marks(analysis_quiz, second, [0, 0, 0])
    assert account_delete(user=first) != account_delete(user=second)
    assert Attempt.objects.values("user").distinct().count() == 2


def test_an_unfinished_attempt_is_not_kept(student, analysis_quiz):
    """An attempt still in progress counts in no statistic and goes with the account."""
    attempt_start(user=student, quiz=analysis_quiz)
    placeholder = account_delete(user=student)
    assert not Attempt.objects.filter(user=placeholder).exists()


@pytest.mark.parametrize("attempts", [AttemptsAnalysed.FIRST, AttemptsAnalysed.ALL])
def test_item_statistics_are_the_same_after_a_deletion(student, studied, attempts):
    """Facility, discrimination and answer counts do not change when a student deletes their account."""
    before = summary(quiz_statistics(quiz=studied, attempts_analysed=attempts))
    account_delete(user=student)
    assert summary(quiz_statistics(quiz=studied, attempts_analysed=attempts)) == before


def test_reports_do_not_list_the_placeholder(staff_client, student, studied):
    """The gradebook, its CSV and the student pages leave the placeholder out."""
    course = studied.course
    placeholder = account_delete(user=student)
    assert placeholder not in gradebook.course_students(course=course)
    page = staff_client.get(reverse("reports:gradebook", kwargs={"course_slug": course.slug}))
    assert page.status_code == HTTPStatus.OK
    assert "deleted-" not in page.text and "learner000" in page.text
    csv = staff_client.get(reverse("reports:gradebook_csv", kwargs={"course_slug": course.slug}))
    assert "deleted-" not in b"".join(csv.streaming_content).decode()
    record = reverse("reports:student", kwargs={"course_slug": course.slug, "user_id": placeholder.pk})
    assert staff_client.get(record).status_code == HTTPStatus.NOT_FOUND
    statistics = staff_client.get(reverse("reports:quiz_statistics", args=[course.slug, studied.slug]))
    assert statistics.status_code == HTTPStatus.OK
