import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Nguyen Thi Minh Anh",
    "username": "newcomer",
    "email": "new@example.com",
    "password1": "a-long-passphrase-7",
    "password2": "a-long-passphrase-7",
}


def test_signup_creates_an_account_and_logs_in(client):
    """A visitor signs up and lands logged in on the catalog."""
    response = client.post(reverse("signup"), SIGNUP, follow=True)
    assert response.redirect_chain[-1][0] == reverse("lessons:catalog")
    assert response.context["user"].username == "newcomer"
    user = User.objects.get(username="newcomer")
    assert (user.email, user.get_full_name()) == ("new@example.com", "Nguyen Thi Minh Anh")


def test_signup_keeps_the_full_name_whole(client):
    """A full name is stored as typed, never split into first and last names."""
    client.post(reverse("signup"), {**SIGNUP, "full_name": "  Kofi Atta Annan "})
    user = User.objects.get(username="newcomer")
    assert (user.first_name, user.last_name, user.get_full_name()) == ("Kofi Atta Annan", "", "Kofi Atta Annan")


def test_signup_returns_to_the_page_that_sent_the_visitor(client, lessons):
    """After signing up from a course, the student goes back to it."""
    target = lessons[0].get_absolute_url()
    response = client.post(reverse("signup"), {**SIGNUP, "next": target})
    assert response.url == target


def test_signup_ignores_a_next_address_on_another_site(client):
    """An open redirect through ?next= is refused."""
    response = client.post(reverse("signup"), {**SIGNUP, "next": "https://evil.example/"})
    assert response.url == reverse("lessons:catalog")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password2": "something-else-9"}, "The two password fields didn"),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"password1": "123", "password2": "123"}, "This password is too short."),
        ({"username": ""}, "This field is required."),
        ({"full_name": "   "}, "This field is required."),
        ({"full_name": "N" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_bad_signup_explains_itself_and_creates_nothing(client, change, message):
    """Each bad field gets a message beside it; no account is made."""
    response = client.post(reverse("signup"), {**SIGNUP, **change})
    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    assert not User.objects.filter(username="newcomer").exists()


def test_signup_asks_for_the_full_name_first(client):
    """The sign-up form opens with a required full-name field that says its limit."""
    response = client.get(reverse("signup"))
    fields = re.findall(r'<input[^>]+name="([^"]+)"', response.text)
    assert fields[1:3] == ["full_name", "username"]  # after the CSRF token
    assert "up to 100 characters" in response.text


@pytest.mark.parametrize("next_url", ["foo", "foo/bar", "//evil.example/", "https://evil.example/", "javascript:x", ""])
def test_a_bad_next_never_errors_for_a_visitor(client, next_url):
    """The sign-up page opens whatever `next` holds, and signing up then lands on the catalog."""
    url = f"{reverse('signup')}?next={next_url}"
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url, SIGNUP)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("lessons:catalog")


@pytest.mark.parametrize("next_url", ["foo", "//evil.example/", "https://evil.example/"])
def test_a_bad_next_never_errors_for_a_logged_in_student(student_client, next_url):
    """A logged-in student sent to sign-up with a bad `next` goes to the catalog."""
    response = student_client.get(f"{reverse('signup')}?next={next_url}")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("lessons:catalog")


def test_a_logged_in_student_follows_a_local_next(student_client, lessons):
    """A logged-in student sent to sign-up with a path on this site goes there."""
    target = lessons[0].get_absolute_url()
    response = student_client.get(f"{reverse('signup')}?next={target}")
    assert response.url == target


def test_an_email_can_hold_only_one_account(client, student):
    """Signing up again with a used address (any case) is refused."""
    response = client.post(reverse("signup"), {**SIGNUP, "email": student.email.upper()})
    assert "An account with this email already exists." in response.text


def test_login_and_logout(client, student):
    """A student logs in with username and password, and logs out with a POST."""
    response = client.post(reverse("login"), {"username": "sam", "password": "correct-horse-battery"})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("lessons:catalog")).context["user"] == student
    client.post(reverse("logout"))
    assert not client.get(reverse("lessons:catalog")).context["user"].is_authenticated


def test_log_out_link_asks_before_logging_out(student_client, student):
    """The header's "Log out" is a link to a page with the button: opening it (or having a link or an image
    elsewhere request it) logs nobody out; the button's POST does."""
    page = student_client.get(reverse("learning:dashboard")).text
    assert f'href="{reverse("logout")}">Log out</a>' in page
    response = student_client.get(reverse("logout"))
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    assert '<button type="submit" class="btn btn-primary">Log out</button>' in response.text
    assert student_client.get(reverse("lessons:catalog")).context["user"] == student
    response = student_client.post(reverse("logout"))
    assert response.status_code == HTTPStatus.FOUND
    assert not student_client.get(reverse("lessons:catalog")).context["user"].is_authenticated
    # Logged out, the page has nothing to ask: back to the courses.
    assert student_client.get(reverse("logout"))["Location"] == reverse("lessons:catalog")


def test_wrong_password_is_refused_with_a_message(client, student):
    """A failed login says so and logs nobody in."""
    response = client.post(reverse("login"), {"username": "sam", "password": "nope"})
    assert "Please enter a correct username and password" in response.text


def test_password_change(student_client, student):
    """A logged-in student changes their password."""
    response = student_client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "brand-new-pass-42",
            "new_password2": "brand-new-pass-42",
        },
        follow=True,
    )
    assert "Password changed" in response.text
    student.refresh_from_db()
    assert student.check_password("brand-new-pass-42")


def test_password_reset_by_email(client, student):
    """A student who forgot their password gets a link by email and sets a new one."""
    client.post(reverse("password_reset"), {"email": student.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "fresh-pass-2026", "new_password2": "fresh-pass-2026"}
    )
    student.refresh_from_db()
    assert student.check_password("fresh-pass-2026")


def test_auth_pages_render_with_labelled_fields(client):
    """Every account form labels its inputs."""
    for name in ("login", "signup", "password_reset"):
        response = client.get(reverse(name))
        assert response.status_code == HTTPStatus.OK
        inputs = re.findall(r'<input[^>]+id="(id_[^"]+)"', response.text)
        assert inputs
        for input_id in inputs:
            assert f'for="{input_id}"' in response.text
