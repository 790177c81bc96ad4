"""Fuzzing every form and URL a visitor or a student reaches: never a 5xx, and a refused form saves nothing.

Tens of examples per form keep it in the normal suite (a few seconds); CI (CI=true) runs the same examples
every time. A failure prints the smallest input that breaks the page, as Hypothesis shrinks it.
"""

import os
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certificates.models import Certificate
from learning.services import attempt_start
from quizzes.models import Attempt

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What the site's own tables hold: compared before and after each refused form. Security logs are left out.
WATCHED_APPS = {"auth", "lessons", "quizzes", "certificates", "learning", "accounts", "reports", "courseware"}

# Text as a browser may send it (no lone surrogates, which no encoding carries), with the classics mixed in.
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%00",
        "\u202e\u200b",
        "😀" * 300,
        "a" * 5_000,
        "-1",
        "999999999999999999999",
        "1e309",
        "NaN",
    ]
)
TEXT = st.one_of(NASTY, st.text(st.characters(exclude_categories=("Cs",)), max_size=300))
FIELD_VALUE = st.one_of(TEXT, st.lists(TEXT, max_size=3))


def saved_state() -> list:
    """Every row of the site's own tables, in order."""
    models = [model for model in apps.get_models() if model._meta.app_label in WATCHED_APPS]
    return [list(model._default_manager.order_by("pk").values()) for model in models]


def assert_answered(response) -> None:
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, response.status_code


@pytest.fixture
def signup_state(db):
    """An existing account, so that taken usernames and addresses are fuzzed too."""
    from tests.factories import UserFactory

    return UserFactory(username="sam", email="sam@example.com")


PASSPHRASE = "a-long-passphrase-7"


@FUZZ
@given(
    username=st.one_of(TEXT, st.just("sam"), st.just("newcomer")),
    email=st.one_of(TEXT, st.emails(), st.just("sam@example.com"), st.just("new@example.com")),
    password1=st.one_of(TEXT, st.just(PASSPHRASE)),
    password2=st.one_of(TEXT, st.just(PASSPHRASE)),
    next_url=TEXT,
    logged_in=st.booleans(),
)
def test_signup(client, signup_state, username, email, password1, password2, next_url, logged_in):
    if logged_in:
        client.force_login(signup_state)
        assert_answered(client.get(reverse("signup"), {"next": next_url}))
    before = saved_state()
    data = {
        "full_name": username,
        "username": username,
        "email": email,
        "password1": password1,
        "password2": password2,
        "next": next_url,
    }
    response = client.post(reverse("signup"), data)
    assert_answered(response)
    if response.status_code != HTTPStatus.FOUND or logged_in:
        assert saved_state() == before
    client.logout()


@FUZZ
@given(username=st.one_of(TEXT, st.just("sam")), password=TEXT, next_url=TEXT)
def test_login(client, signup_state, username, password, next_url):
    before = saved_state()
    response = client.post(reverse("login"), {"username": username, "password": password, "next": next_url})
    assert_answered(response)
    if response.status_code != HTTPStatus.FOUND:
        assert saved_state() == before


@FUZZ
@given(email=st.one_of(TEXT, st.emails(), st.just("sam@example.com")))
def test_password_reset(client, signup_state, email):
    before, sent = saved_state(), len(mail.outbox)
    response = client.post(reverse("password_reset"), {"email": email})
    assert_answered(response)
    assert saved_state() == before
    if response.status_code != HTTPStatus.FOUND:
        assert len(mail.outbox) == sent


@FUZZ
@given(query=st.one_of(TEXT, st.lists(TEXT, max_size=3)), course_slug=st.one_of(st.just("test-diplomacy"), TEXT))
def test_search(client, student, lessons, query, course_slug):
    for logged_in in (False, True):
        if logged_in:
            client.force_login(student)
        response = client.get(f"/courses/{quote(course_slug, safe='')}/search/", {"q": query})
        assert_answered(response)
    client.logout()


@FUZZ
@given(code=st.one_of(TEXT, st.just("issued")), suffix=st.sampled_from(["", "pdf/"]))
def test_certificate_verification(client, student, course, code, suffix):
    certificate, _ = Certificate.objects.get_or_create(
        user=student, course=course, defaults={"learner_name": "Sam", "course_title": "Test"}
    )
    code = certificate.code if code == "issued" else code
    assert_answered(client.get(f"/certificates/{quote(code, safe='')}/{suffix}"))


@FUZZ
@given(course_slug=st.one_of(st.just("test-diplomacy"), TEXT), quiz_slug=st.one_of(st.just("talking-quiz"), TEXT))
def test_quiz_start(student_client, quiz, course_slug, quiz_slug):
    response = student_client.post(f"/courses/{quote(course_slug, safe='')}/quizzes/{quote(quiz_slug, safe='')}/start/")
    assert_answered(response)
    assert Attempt.objects.filter(quiz=quiz).count() <= 1


@FUZZ
@given(
    answers=st.dictionaries(
        st.one_of(st.sampled_from(["q1", "q2", "q3", "q4", "q5_0", "q5_1", "q6_0", "q6_2", "q9"]), TEXT),
        FIELD_VALUE,
        max_size=8,
    ),
    action=st.sampled_from(["save", "submit"]),
)
def test_quiz_save_and_submit(student_client, student, quiz, answers, action):
    attempt = Attempt.objects.filter(quiz=quiz, user=student).order_by("-number").first()
    if attempt is None or not attempt.is_open:
        attempt = attempt_start(user=student, quiz=quiz)
    before = saved_state()
    response = student_client.post(attempt.get_absolute_url(), {**answers, action: "1"})
    assert_answered(response)
    if response.status_code == HTTPStatus.BAD_REQUEST:
        assert saved_state() == before


@FUZZ
@given(
    lesson_slug=st.one_of(st.sampled_from(["talking", "bargaining", "summits"]), TEXT),
    body=st.dictionaries(TEXT, FIELD_VALUE, max_size=3),
)
def test_lesson_complete(student_client, lessons, lesson_slug, body):
    response = student_client.post(f"/courses/test-diplomacy/lessons/{quote(lesson_slug, safe='')}/complete/", body)
    assert_answered(response)


@FUZZ
@given(uidb64=TEXT, token=TEXT, password1=TEXT, password2=TEXT)
def test_password_reset_link(client, signup_state, uidb64, token, password1, password2):
    before = saved_state()
    url = f"/accounts/reset/{quote(uidb64, safe='')}/{quote(token, safe='')}/"
    assert_answered(client.get(url))
    assert_answered(client.post(url, {"new_password1": password1, "new_password2": password2}))
    assert saved_state() == before


@FUZZ
@given(
    old_password=st.one_of(TEXT, st.just("correct-horse-battery")),
    new_password1=st.one_of(TEXT, st.just(PASSPHRASE)),
    new_password2=st.one_of(TEXT, st.just(PASSPHRASE)),
)
def test_password_change(client, signup_state, old_password, new_password1, new_password2):
    client.force_login(signup_state)
    before = saved_state()
    data = {"old_password": old_password, "new_password1": new_password1, "new_password2": new_password2}
    response = client.post(reverse("password_change"), data)
    assert_answered(response)
    if response.status_code != HTTPStatus.FOUND:
        assert saved_state() == before
    else:
        signup_state.set_password("correct-horse-battery")
        signup_state.save(update_fields=["password"])
