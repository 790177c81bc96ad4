"""Bad input gets a clear 4xx (or a refusal with its reason) and changes nothing; each case once broke the site."""

import time
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates.models import Certificate
from courseware.admin_gift import GiftConfirmForm, GiftUpload
from courseware.essay_import import MAX_ESSAY_BYTES
from courseware.gift_transfer import GiftImportError, gift_import, gift_import_preview
from quizzes.gift import MAX_ANSWERS, MAX_QUESTIONS, GiftError, parse_gift
from quizzes.models import Choice, Question
from tests.courseware.conftest import GOOD_GIFT
from tests.factories import LessonFactory, ModuleFactory, QuizFactory
from tests.quizzes.test_admin import change_url, question_form

pytestmark = pytest.mark.django_db

EXPLAINED = "####Because the lesson says so."


@pytest.fixture
def empty_quiz(course):
    """A lesson quiz with no questions, its lesson with the sections first-idea and second-idea."""
    module = ModuleFactory(course=course, title="Basics", slug="basics", position=1)
    return QuizFactory(
        lesson=LessonFactory(module=module, title="Talking", slug="talking", position=1), slug="talking-quiz"
    )


def gift_question(number: int, answers: str) -> str:
    return f"// [id:q{number}]\n// [tag:section:first-idea]\nQuestion {number}?{{{answers}{EXPLAINED}}}\n"


# Certificate codes


@pytest.mark.parametrize("code", ["ABCD%00EFGH", "%00", "ABCD-EFGH-JKL%00M", "A" * 40, "ABCD%20EFGH", "ÄBCD"])
def test_a_malformed_certificate_code_is_a_plain_404(client, student, course, code):
    """A NUL byte (which PostgreSQL refuses to compare) or any character no code has: 404, on any database."""
    Certificate.objects.create(user=student, course=course, learner_name="Sam", course_title="Test")
    for suffix in ("", "pdf/"):
        assert client.get(f"/certificates/{code}/{suffix}").status_code == HTTPStatus.NOT_FOUND
    client.force_login(student)
    assert client.get(f"/certificates/{code}/pdf/").status_code == HTTPStatus.NOT_FOUND


def test_a_certificate_code_verifies_in_either_case(client, student, course):
    """The converter keeps codes readable: lower case finds the certificate too."""
    certificate = Certificate.objects.create(user=student, course=course, learner_name="Sam", course_title="Test")
    assert client.get(f"/certificates/{certificate.code.lower()}/").status_code == HTTPStatus.OK


# GIFT files


def import_url(quiz):
    return reverse("admin:quizzes_quiz_gift_import", args=[quiz.pk])


def upload(client, quiz, data: bytes, name="talking.gift"):
    return client.post(import_url(quiz), {"file": SimpleUploadedFile(name, data, content_type="text/plain")})


def test_a_nul_byte_in_a_gift_file_is_refused_at_preview(instructor_client, empty_quiz):
    """The preview names the line with the NUL and offers no confirmation."""
    text = GOOD_GIFT.replace("Put the steps", "Put\x00 the steps")
    line = text[: text.index("\x00")].count("\n") + 1
    response = upload(instructor_client, empty_quiz, text.encode())
    assert response.status_code == HTTPStatus.OK
    assert f"talking.gift:{line}: contains the control character U+0000" in response.text
    assert "Confirm import" not in response.text
    assert not Question.objects.exists()


def test_confirming_a_gift_file_with_a_nul_byte_changes_nothing(instructor_client, empty_quiz):
    """A signed payload holding a NUL (made before this check existed) is refused on confirm, not a 500."""
    text = GOOD_GIFT.replace("Which channel", "Which\x00 channel")
    form = GiftConfirmForm.for_upload(GiftUpload(filename="talking.gift", text=text), quiz=empty_quiz)
    response = instructor_client.post(import_url(empty_quiz), {"payload": form.initial["payload"]})
    assert response.status_code == HTTPStatus.OK
    assert "contains the control character U+0000" in response.text
    assert not Question.objects.exists()
    with pytest.raises(GiftImportError):
        gift_import(quiz=empty_quiz, text=text, filename="talking.gift")


def test_a_file_of_twenty_thousand_questions_is_refused_quickly(instructor_client, empty_quiz):
    """Above MAX_QUESTIONS the file is refused as soon as the limit is passed, before the rest is read."""
    text = "\n\n".join(f"Q{number}?{{T####E}}" for number in range(20_000))
    assert len(text.encode()) < 1024 * 1024  # under the upload limit: the question count is what refuses it
    response = upload(instructor_client, empty_quiz, text.encode())
    line = MAX_QUESTIONS * 2 + 1
    assert f"talking.gift:{line}: more than {MAX_QUESTIONS} questions in one file; split it" in response.text
    assert "Confirm import" not in response.text
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "answers",
    [
        "".join(f"={number}\n" for number in range(300)),  # 300 ordering items
        "".join(f"=answer {number}\n" for number in range(2_000)),  # 2,000 accepted short answers
        "".join(f"=left {number} -> right {number}\n" for number in range(MAX_ANSWERS + 1)),
        "=right\n" + "".join(f"~wrong {number}\n" for number in range(MAX_ANSWERS)),
    ],
    ids=["ordering-300", "short-2000", "matching-over-limit", "single-over-limit"],
)
def test_a_question_with_too_many_answers_is_refused_by_the_parser(empty_quiz, answers):
    """More than MAX_ANSWERS answers, pairs or items refuse the question (and the file), naming the limit."""
    text = "// [tag:type:ordering]\n" + gift_question(1, answers) if "-> " not in answers else gift_question(1, answers)
    with pytest.raises(GiftError, match=f"a question takes at most {MAX_ANSWERS}"):
        parse_gift(text)
    assert f"at most {MAX_ANSWERS}" in gift_import_preview(quiz=empty_quiz, text=text, filename="x.gift").error


def test_a_question_at_the_answer_limit_is_accepted():
    """Exactly MAX_ANSWERS items is fine."""
    (question,) = parse_gift("// [tag:type:ordering]\n" + gift_question(1, "".join(f"={n}\n" for n in range(20))))
    assert len(question.answers) == MAX_ANSWERS


def test_the_admin_refuses_more_choices_than_the_limit(instructor_client, quiz):
    """An ordering question given 25 items in the admin is refused with the limit; nothing is saved."""
    question = quiz.lesson.questions.get(qtype="ordering")
    before = list(question.choices.values_list("text", flat=True))
    rows = [{"text": f"step {number}"} for number in range(MAX_ANSWERS + 5)]
    response = instructor_client.post(change_url(question), question_form(question, rows))
    assert response.status_code == HTTPStatus.OK
    assert f"25 choices; a question takes at most {MAX_ANSWERS} choices, pairs or items." in response.text
    assert list(question.choices.values_list("text", flat=True)) == before


def test_the_admin_answers_a_form_of_thousands_of_choices_with_400(instructor_client, quiz):
    """2,000 choice rows exceed Django's field limit: 400 with the site's explanation, and nothing is saved."""
    question = quiz.lesson.questions.get(qtype="short")
    choice_count = Choice.objects.count()
    rows = [{"text": f"answer {number}", "fraction": "1"} for number in range(2_000)]
    response = instructor_client.post(change_url(question), question_form(question, rows))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "We could not read that request" in response.text
    assert Choice.objects.count() == choice_count


# Sign-up's `next`

SIGNUP = {
    "full_name": "Nadia Newcomer",
    "username": "newcomer",
    "email": "new@example.com",
    "password1": "a-long-passphrase-7",
    "password2": "a-long-passphrase-7",
}


@pytest.mark.parametrize("next_url", ["foo", "foo/bar", "//evil.example/", "https://evil.example/", "/\\evil", " "])
def test_signup_ignores_a_next_that_is_not_a_local_path(client, next_url):
    """The account is made and the visitor lands on the catalog; the page itself renders for any `next`."""
    assert client.get(reverse("signup"), {"next": next_url}).status_code == HTTPStatus.OK
    response = client.post(f"{reverse('signup')}?next={next_url}", SIGNUP)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("lessons:catalog")
    assert User.objects.filter(username="newcomer").exists()


def test_signup_with_a_bad_next_while_logged_in_goes_to_the_catalog(student_client):
    """A logged-in visitor is sent on, to the catalog when `next` is not a local path."""
    response = student_client.get(reverse("signup"), {"next": "foo"})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("lessons:catalog")
    assert student_client.get(reverse("signup"), {"next": "/courses/"}).url == "/courses/"


# Essays


def test_an_essay_of_dots_and_bangs_imports_in_bounded_time(instructor_client, empty_quiz):
    """The largest essay file allowed, all stops, is split in a moment (the sentence splitter is linear)."""
    course = empty_quiz.course
    data = (".!" * (MAX_ESSAY_BYTES // 2)).encode()
    started = time.perf_counter()
    response = instructor_client.post(
        reverse("admin:lessons_course_essay_import", args=[course.pk]),
        {"essays": [SimpleUploadedFile("000_dots.txt", data, content_type="text/plain")]},
    )
    # Minutes with the old backtracking splitter; this bound only catches its return, not a slow machine.
    assert time.perf_counter() - started < 30
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
