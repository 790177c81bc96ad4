"""The account page: full name and e-mail, with the password asked again for a new e-mail."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from certificates.models import Certificate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("accounts:account")


def test_the_account_page_needs_a_login(client):
    """A visitor is sent to the log-in page."""
    response = client.get(ACCOUNT)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_the_navbar_account_item_opens_the_account_page(student_client):
    """The "Account" item of the navigation bar leads to the account page."""
    response = student_client.get(reverse("lessons:catalog"))
    assert f'href="{ACCOUNT}">Account (sam)</a>' in response.text


def test_the_account_page_shows_details_and_links(student_client, student):
    """The page holds the current name and e-mail and links to password change, downloads and deletion."""
    student.first_name = "Sam Doe"
    student.save()
    response = student_client.get(ACCOUNT)
    assert response.status_code == HTTPStatus.OK
    assert 'value="Sam Doe"' in response.text and f'value="{student.email}"' in response.text
    for name in ("password_change", "accounts:data_json", "accounts:attempts_csv", "accounts:delete"):
        assert f'href="{reverse(name)}"' in response.text


def test_an_existing_first_and_last_name_show_as_one_full_name(student_client, student):
    """Accounts made before full names show first and last name joined, and saving keeps them whole."""
    student.first_name, student.last_name = "Alice", "Ames"
    student.save()
    assert 'value="Alice Ames"' in student_client.get(ACCOUNT).text
    student_client.post(ACCOUNT, {"full_name": "Alice Ames", "email": student.email})
    student.refresh_from_db()
    assert (student.first_name, student.last_name) == ("Alice Ames", "")


def test_the_full_name_changes_without_the_password(student_client, student):
    """Changing only the name needs no password and says it is saved."""
    response = student_client.post(ACCOUNT, {"full_name": "Samantha Doe", "email": student.email}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "Your details are saved." in response.text
    student.refresh_from_db()
    assert student.get_full_name() == "Samantha Doe"


def test_a_new_email_needs_the_current_password(student_client, student):
    """Without the right current password the e-mail stays as it was, and the form says why."""
    for password in ("", "wrong-password"):
        response = student_client.post(
            ACCOUNT, {"full_name": "Sam Doe", "email": "sam.new@example.com", "current_password": password}
        )
        assert response.status_code == HTTPStatus.OK
        assert "Enter your current password to change your email." in response.text
    student.refresh_from_db()
    assert (student.email, student.first_name) == ("sam@example.com", "")


def test_a_new_email_with_the_password_is_saved(student_client, student):
    """With the current password the new e-mail is saved."""
    response = student_client.post(
        ACCOUNT,
        {"full_name": "Sam Doe", "email": "sam.new@example.com", "current_password": "correct-horse-battery"},
    )
    assert response.status_code == HTTPStatus.FOUND
    student.refresh_from_db()
    assert student.email == "sam.new@example.com"


def test_an_email_of_another_account_is_refused(student_client, student):
    """Another account's e-mail (any case) is refused even with the right password."""
    UserFactory(username="other", email="other@example.com")
    response = student_client.post(
        ACCOUNT,
        {"full_name": "Sam", "email": "OTHER@example.com", "current_password": "correct-horse-battery"},
    )
    assert "An account with this email already exists." in response.text
    student.refresh_from_db()
    assert student.email == "sam@example.com"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"full_name": ""}, "This field is required."),
        ({"full_name": "N" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
    ],
)
def test_bad_details_explain_themselves_and_save_nothing(student_client, student, change, message):
    """Each bad field gets its message and nothing changes."""
    response = student_client.post(ACCOUNT, {"full_name": "Sam Doe", "email": student.email, **change})
    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    student.refresh_from_db()
    assert student.first_name == ""


def test_a_certificate_issued_without_a_name_takes_the_new_name(student_client, student, course):
    """A certificate issued to the username takes the full name once it is set; one issued to a name keeps it."""
    untitled = Certificate.objects.create(user=student, course=course, learner_name="sam", course_title="A")
    other_course = type(course).objects.create(title="B", slug="b", is_published=True)
    named = Certificate.objects.create(user=student, course=other_course, learner_name="Sam Old", course_title="B")
    student_client.post(ACCOUNT, {"full_name": "Sam Doe", "email": student.email})
    untitled.refresh_from_db()
    named.refresh_from_db()
    assert (untitled.learner_name, named.learner_name) == ("Sam Doe", "Sam Old")


def test_account_page_query_count_is_pinned(db_session_client, django_assert_num_queries):
    """Session and user; the form reads nothing more."""
    with django_assert_num_queries(2):
        assert db_session_client.get(ACCOUNT).status_code == HTTPStatus.OK


def test_saving_details_query_count_is_pinned(db_session_client, student, django_assert_num_queries):
    """Session and user, then in a savepoint the user and their certificates; an unchanged e-mail is not looked up."""
    with django_assert_num_queries(6):
        response = db_session_client.post(ACCOUNT, {"full_name": "Sam Doe", "email": student.email})
    assert response.status_code == HTTPStatus.FOUND
