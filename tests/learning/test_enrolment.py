"""Enrolment: one click on open courses, implicit on opening a lesson, refusal on invitation-only courses."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import Enrolment, Invitation
from learning.services import enrolment_enrol, enrolment_remove
from lessons.models import EnrolmentPolicy
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


def enrol_url(course):
    return reverse("learning:enrol", kwargs={"course_slug": course.slug})


@pytest.fixture
def invitation_course(lessons):
    course = lessons[0].course
    course.enrolment = EnrolmentPolicy.INVITATION
    course.save(update_fields=["enrolment"])
    return course


def test_enrol_button_enrols_the_student_once(student_client, student, course):
    """Posting to enrol makes one active enrolment, however often it is posted."""
    for _ in range(2):
        response = student_client.post(enrol_url(course))
        assert response.status_code == HTTPStatus.FOUND and response["Location"] == course.get_absolute_url()
    enrolment = Enrolment.objects.get(user=student, course=course)
    assert enrolment.is_active and enrolment.source == Enrolment.Source.SELF


def test_enrol_needs_a_post(student_client, course):
    """A GET on the enrol address changes nothing."""
    assert student_client.get(enrol_url(course)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not Enrolment.objects.exists()


def test_outline_offers_the_button_then_says_enrolled(student_client, course):
    """The outline shows the enrol button to a student not enrolled, and the date once enrolled."""
    response = student_client.get(course.get_absolute_url())
    assert enrol_url(course) in response.content.decode()
    student_client.post(enrol_url(course))
    response = student_client.get(course.get_absolute_url())
    assert "You are enrolled in this course since" in response.content.decode()


def test_catalog_has_an_enrol_button_for_open_courses(student_client, course):
    """The catalog's open courses carry an enrol button."""
    response = student_client.get(reverse("lessons:catalog"))
    assert response.status_code == HTTPStatus.OK
    assert enrol_url(course) in response.content.decode()


def test_opening_a_lesson_of_an_open_course_enrols_implicitly(student_client, student, lessons):
    """Reading a lesson of an open course puts the student on its roster."""
    assert student_client.get(lessons[0].get_absolute_url()).status_code == HTTPStatus.OK
    enrolment = Enrolment.objects.get(user=student, course=lessons[0].course)
    assert enrolment.is_active and enrolment.source == Enrolment.Source.OPENED


def test_staff_open_lessons_without_a_roster_row(instructor_client, lessons):
    """Instructors preview courses without being enrolled."""
    assert instructor_client.get(lessons[0].get_absolute_url()).status_code == HTTPStatus.OK
    assert not Enrolment.objects.exists()


def test_invitation_only_course_refuses_a_student_not_enrolled(student_client, invitation_course, lessons):
    """Lessons of an invitation-only course answer 403 with a page that says why; nothing is enrolled."""
    response = student_client.get(lessons[0].get_absolute_url())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "This course is by invitation" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_invitation_only_course_refuses_the_enrol_button(student_client, invitation_course):
    """A student cannot enrol themselves in an invitation-only course."""
    response = student_client.post(enrol_url(invitation_course))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Enrolment.objects.exists()


def test_invitation_only_course_lets_an_enrolled_student_in(student_client, student, invitation_course, lessons):
    """A student an instructor enrolled reads the lessons of an invitation-only course."""
    enrolment_enrol(user=student, course=invitation_course, source=Enrolment.Source.INSTRUCTOR)
    assert student_client.get(lessons[0].get_absolute_url()).status_code == HTTPStatus.OK


def test_an_invitation_to_the_students_address_is_accepted(student_client, student, invitation_course, lessons):
    """A student who signed up with an invited address is enrolled on opening the course."""
    Invitation.objects.create(course=invitation_course, email=student.email.lower(), invited_at=timezone.now())
    assert student_client.get(lessons[0].get_absolute_url()).status_code == HTTPStatus.OK
    assert Enrolment.objects.get(user=student).source == Enrolment.Source.INVITATION
    assert Invitation.objects.get().accepted_at is not None


def test_a_removed_student_is_refused_and_may_enrol_again_in_an_open_course(student_client, student, lessons):
    """Removal keeps the row and closes the lessons; the enrol button reopens an open course."""
    course = lessons[0].course
    enrolment_remove(enrolment=enrolment_enrol(user=student, course=course))
    response = student_client.get(lessons[0].get_absolute_url())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "took you off this course" in response.content.decode()
    student_client.post(enrol_url(course))
    enrolment = Enrolment.objects.get(user=student, course=course)
    assert enrolment.is_active and enrolment.removed_at is None
    assert student_client.get(lessons[0].get_absolute_url()).status_code == HTTPStatus.OK


def test_dashboard_hides_invitation_only_courses_until_enrolled(student_client, student, invitation_course):
    """My courses lists an invitation-only course only for students on its roster."""
    other = CourseFactory(title="Open Course")
    page = student_client.get(reverse("learning:dashboard")).content.decode()
    assert other.title in page and invitation_course.title not in page
    enrolment_enrol(user=student, course=invitation_course, source=Enrolment.Source.INSTRUCTOR)
    page = student_client.get(reverse("learning:dashboard")).content.decode()
    assert invitation_course.title in page


def test_removing_keeps_the_row_with_its_time(student, course):
    """Removal marks the enrolment removed with a timestamp; the row is never deleted."""
    enrolment = enrolment_remove(enrolment=enrolment_enrol(user=student, course=course))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.REMOVED and enrolment.removed_at is not None


def test_the_admin_lists_enrolments_and_never_deletes_them(client, student, course):
    """The site admin reads the roster's history; enrolments have no delete."""
    enrolment = enrolment_enrol(user=student, course=course)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:learning_enrolment_changelist"))
    assert response.status_code == HTTPStatus.OK and "sam" in response.text
    response = client.get(reverse("admin:learning_enrolment_delete", args=[enrolment.pk]))
    assert response.status_code == HTTPStatus.FORBIDDEN
