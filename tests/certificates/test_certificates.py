from http import HTTPStatus

import pytest
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import certificate_issue_if_earned
from learning.services import attempt_start, attempt_submit
from lessons.services import lesson_complete
from tests.factories import LessonFactory, ModuleFactory, QuizFactory, UserFactory, make_question
from tests.quizzes.test_services import right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_course(course):
    """One lesson with a quiz, one lesson without, and a final exam."""
    module = ModuleFactory(course=course)
    quizzed = LessonFactory(module=module)
    plain = LessonFactory(module=module)
    make_question(quizzed)
    make_question(quizzed, pool="final")
    final = QuizFactory(lesson=None, course=course, kind="final", slug="final")
    return course, QuizFactory(lesson=quizzed), plain, final


def pass_quiz(user, quiz):
    attempt = attempt_start(user=user, quiz=quiz)
    return attempt_submit(attempt=attempt, responses=right_answers(attempt))


def test_certificate_needs_every_lesson_every_quiz_and_the_final(student, small_course):
    """Nothing is issued until the last rule holds; then exactly one certificate exists."""
    course, quiz, plain, final = small_course
    pass_quiz(student, quiz)
    assert not Certificate.objects.exists()
    lesson_complete(user=student, lesson=plain)
    assert certificate_issue_if_earned(user=student, course=course) is None
    pass_quiz(student, final)
    certificate = Certificate.objects.get()
    assert (certificate.user, certificate.course) == (student, course)
    assert certificate_issue_if_earned(user=student, course=course) == certificate


def test_a_failed_final_exam_issues_nothing(student, small_course):
    """A final exam below the pass mark keeps the certificate back."""
    _course, quiz, plain, final = small_course
    pass_quiz(student, quiz)
    lesson_complete(user=student, lesson=plain)
    attempt_submit(attempt=attempt_start(user=student, quiz=final))
    assert not Certificate.objects.exists()


def test_codes_are_unique_and_readable(student, small_course):
    """Each certificate gets its own code of twelve unambiguous characters."""
    course = small_course[0]
    codes = {
        Certificate.objects.create(user=UserFactory(), course=course, learner_name="x", course_title="y").code
        for _ in range(20)
    }
    assert len(codes) == 20
    assert all(len(code) == 14 and code.count("-") == 2 and not set(code) & set("01OI") for code in codes)


def test_anyone_can_verify_a_certificate_by_its_code(client, student, course):
    """The public page confirms name, course and date without logging in; a wrong code is 404."""
    certificate = Certificate.objects.create(user=student, course=course, learner_name="Sam Doe", course_title="Test")
    response = client.get(certificate.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "Sam Doe" in response.text and certificate.code in response.text
    assert client.get(reverse("certificates:verify", args=["AAAA-BBBB-CCCC"])).status_code == HTTPStatus.NOT_FOUND


def test_the_owner_downloads_the_pdf(student_client, student, course):
    """The student gets a PDF of their certificate; someone else gets a 404."""
    certificate = Certificate.objects.create(user=student, course=course, learner_name="Sam", course_title="Test")
    response = student_client.get(reverse("certificates:download", args=[certificate.code]))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    student_client.force_login(UserFactory())
    assert student_client.get(reverse("certificates:download", args=[certificate.code])).status_code == 404


def test_certificate_page_lists_what_is_left(student_client, small_course):
    """Before completion the page says how many lessons and quizzes remain."""
    course = small_course[0]
    response = student_client.get(reverse("certificates:course_certificate", args=[course.slug]))
    assert "Lessons completed: 0 of 2" in response.text
    assert "Lesson quizzes passed: 0 of 1" in response.text
    assert "Final exam: not passed yet" in response.text


def test_an_unknown_code_gets_a_friendly_page_with_a_look_up_form(client):
    """A mistyped code answers 404 with a message and the form to try again, not a bare error page."""
    response = client.get(reverse("certificates:verify", args=["AAAA-BBBB-CCCC"]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "No certificate has the code" in response.text and 'name="code"' in response.text


def test_the_look_up_form_leads_to_the_certificate(client, student, small_course):
    """Typing a code in lower case without dashes still finds the certificate."""
    course = small_course[0]
    certificate = Certificate.objects.create(user=student, course=course, learner_name="Sam", course_title="T")
    typed = certificate.code.replace("-", "").lower()
    response = client.get(reverse("certificates:lookup"), {"code": typed})
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == certificate.get_absolute_url()


def test_a_code_of_the_wrong_shape_is_explained(client):
    """Bad input gets the expected shape, and nothing is looked up."""
    response = client.get(reverse("certificates:lookup"), {"code": "not a code"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "twelve letters and digits" in response.text
