"""Log-in throttling (django-axes) and the limit on password-reset e-mails."""

from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.throttling import PASSWORD_RESET_PER_ADDRESS, PASSWORD_RESET_PER_CLIENT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery"


def log_in(client, url, password, username="sam", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def fail_until_locked(client, url, username="sam", **extra):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, url, "wrong-guess", username, **extra)


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_repeated_failures_lock_the_account_from_that_address(client, student, url_name):
    """After the failure limit even the right password is refused, with a page that says why and what to do."""
    student.is_staff = True
    student.save(update_fields=["is_staff"])
    url = reverse(url_name)
    fail_until_locked(client, url)
    response = log_in(client, url, RIGHT)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Log-in paused" in response.text and "15 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_still_let_the_student_in(client, student):
    """Four typos and then the right password log in, and the count starts again."""
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, url, "typo")
    assert log_in(client, url, RIGHT).status_code == HTTPStatus.FOUND
    assert not AccessAttempt.objects.exists()


def test_a_lockout_holds_one_username_from_one_address(client, student):
    """Another address, or another account from the same address, can still log in."""
    UserFactory(username="ana")
    url = reverse("login")
    fail_until_locked(client, url)
    assert log_in(client, url, RIGHT, REMOTE_ADDR="10.0.0.9").status_code == HTTPStatus.FOUND
    client.logout()
    assert log_in(client, url, RIGHT, username="ana").status_code == HTTPStatus.FOUND


def test_axes_reset_unlocks(client, student):
    """`manage.py axes_reset_username sam` (or `axes_reset` for everyone) lifts the lockout at once."""
    url = reverse("login")
    fail_until_locked(client, url)
    call_command("axes_reset_username", "sam", stdout=None)
    assert log_in(client, url, RIGHT).status_code == HTTPStatus.FOUND


@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_client_address_counts(client, student):
    """With PROXY_COUNT=1 the address the proxy appended is the client's; what the client forged before it is not."""
    url = reverse("login")
    fail_until_locked(client, url, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    locked = log_in(client, url, RIGHT, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7")
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert log_in(client, url, RIGHT, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == HTTPStatus.FOUND


def request_reset(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_password_reset_mails_are_limited_per_address(client, student):
    """A few reset links per address and hour; then a clear refusal and no more mail."""
    for _ in range(PASSWORD_RESET_PER_ADDRESS):
        assert request_reset(client, student.email).status_code == HTTPStatus.FOUND
    refused = request_reset(client, student.email.upper(), REMOTE_ADDR="10.0.0.2")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "already sent several reset links to this address" in refused.text
    assert len(mail.outbox) == PASSWORD_RESET_PER_ADDRESS


def test_password_reset_requests_are_limited_per_client(client):
    """One client cannot mail many addresses; unknown addresses count too, so a refusal reveals no account."""
    for number in range(PASSWORD_RESET_PER_CLIENT):
        assert request_reset(client, f"nobody{number}@example.com").status_code == HTTPStatus.FOUND
    refused = request_reset(client, "another@example.com")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many password-reset requests from your network" in refused.text
    assert request_reset(client, "another@example.com", REMOTE_ADDR="10.0.0.3").status_code == HTTPStatus.FOUND


def test_an_overlong_username_is_refused_and_counted_under_its_first_150_characters(client):
    """A 300-character username is a failed log-in like any other (it was a 500 on PostgreSQL), locked out in turn."""
    url = reverse("login")
    name = "x" * 300
    response = log_in(client, url, "guess", username=name)
    assert response.status_code == HTTPStatus.OK
    assert AccessAttempt.objects.get().username == "x" * 150
    fail_until_locked(client, url, username=name)
    assert log_in(client, url, "guess", username=name).status_code == HTTPStatus.TOO_MANY_REQUESTS
