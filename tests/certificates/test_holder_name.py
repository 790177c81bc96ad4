"""The certificate names its holder by full name, captured at issue, on the page, the PDF and the public page."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from reportlab import rl_config

from certificates.models import Certificate
from certificates.pdf import UNICODE_FONT, _fitting_size
from tests.certificates.test_certificates import pass_quiz
from tests.factories import LessonFactory, ModuleFactory, QuizFactory, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_quiz_course(course):
    """A course of one lesson whose quiz completes it."""
    lesson = LessonFactory(module=ModuleFactory(course=course))
    make_question(lesson)
    return QuizFactory(lesson=lesson)


def pdf_text(client, certificate, monkeypatch) -> str:
    monkeypatch.setattr(rl_config, "pageCompression", 0)
    response = client.get(reverse("certificates:download", args=[certificate.code]))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode("latin-1")


def test_the_full_name_is_captured_at_issue_and_shown_everywhere(student_client, student, one_quiz_course, monkeypatch):
    """The student's page, the PDF and the public verification page all name the holder by full name."""
    student.first_name = "Samira Okafor-Lindqvist"
    student.save()
    pass_quiz(student, one_quiz_course)
    certificate = Certificate.objects.get(user=student)
    assert certificate.learner_name == "Samira Okafor-Lindqvist"
    own_page = student_client.get(reverse("certificates:course_certificate", args=[one_quiz_course.course.slug]))
    assert "Samira Okafor-Lindqvist" in own_page.text
    assert "(Samira Okafor-Lindqvist) Tj" in pdf_text(student_client, certificate, monkeypatch)
    student_client.logout()
    assert "Samira Okafor-Lindqvist" in student_client.get(certificate.get_absolute_url()).text


def test_without_a_full_name_the_username_stands_in(student, one_quiz_course):
    """An account with no full name gets a certificate in its username."""
    pass_quiz(student, one_quiz_course)
    assert Certificate.objects.get(user=student).learner_name == "sam"


def test_a_long_name_fits_the_pdf_page(student_client, student, course, monkeypatch):
    """The longest name the sign-up allows is set smaller so that it stays on the page."""
    name = "Wolfeschlegelsteinhausen " * 4
    certificate = Certificate.objects.create(user=student, course=course, learner_name=name[:100], course_title="T")
    size = float(re.search(r"/F\d+ ([\d.]+) Tf[^(]*\(Wolfe", pdf_text(student_client, certificate, monkeypatch))[1])
    assert size < 28
    assert _fitting_size("Sam Doe", font="Helvetica-Bold", size=28, width=720) == 28


@pytest.mark.parametrize(
    ("name", "font"),
    [
        ("Zoë Ødegård", b"/Helvetica-Bold"),
        ("Nguyễn Thị Minh Ánh", b"DejaVuSans-Bold"),
        ("Łukasz Żółkiewski", b"DejaVuSans-Bold"),
        ("李小龍", b"/STSong-Light"),
    ],
)
def test_a_name_beyond_western_letters_gets_a_font_that_draws_it(student_client, student, course, name, font):
    """Helvetica for Western European names, DejaVu Sans for other alphabets, a CID font for Chinese."""
    if font == b"DejaVuSans-Bold" and not UNICODE_FONT[1].exists():
        pytest.skip(f"no {UNICODE_FONT[1]} (Debian's fonts-dejavu-core)")
    certificate = Certificate.objects.create(user=student, course=course, learner_name=name, course_title="T")
    response = student_client.get(reverse("certificates:download", args=[certificate.code]))
    assert response.status_code == HTTPStatus.OK
    assert font in response.content
    assert sum(other in response.content for other in (b"DejaVuSans-Bold", b"/STSong-Light")) == (
        font != b"/Helvetica-Bold"
    )
