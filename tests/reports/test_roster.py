"""The class roster: enrolled students in the gradebook, its groups, CSV enrolment, removal and class e-mail."""

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certificates.models import Certificate
from learning.models import Enrolment, Invitation
from learning.services import enrolment_enrol
from tests.factories import InstructorFactory, UserFactory
from tests.reports.conftest import progress

pytestmark = pytest.mark.django_db


def url(name, course, **kwargs):
    return reverse(f"reports:{name}", kwargs={"course_slug": course.slug, **kwargs})


def gradebook_students(client, course, **params) -> list[str]:
    response = client.get(url("gradebook", course), params)
    assert response.status_code == HTTPStatus.OK
    return [row.student.username for row in response.context["rows"]]


def upload(client, course, text: str, name="class.csv"):
    return client.post(url("roster_upload", course), {"file": SimpleUploadedFile(name, text.encode())})


@pytest.fixture
def roster(classroom):
    """The classroom plus enrolled students: fay never started, gus completed a lesson long ago."""
    course = classroom["course"]
    fay = UserFactory(username="fay")
    enrolment_enrol(user=fay, course=course)
    gus = UserFactory(username="gus")
    enrolment_enrol(user=gus, course=course)
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        progress(gus, course.lessons.get(slug="talking"), completed_at=timezone.now())
    return classroom | {"fay": fay, "gus": gus}


def test_gradebook_lists_enrolled_students_who_never_started(instructor_client, roster):
    """An enrolled student without any work has a row, with "never" as last activity."""
    response = instructor_client.get(url("gradebook", roster["course"]))
    rows = {row.student.username: row for row in response.context["rows"]}
    assert list(rows) == ["alice", "bob", "fay", "gus"]
    assert rows["fay"].last_activity is None and rows["fay"].enrolled_at is not None
    assert rows["gus"].last_activity < timezone.now() - timedelta(days=29)


def test_removed_students_leave_the_gradebook(instructor_client, roster):
    """Removing a student keeps the row marked removed and drops them from the gradebook."""
    response = instructor_client.post(url("unenrol", roster["course"], user_id=roster["fay"].pk))
    assert response.status_code == HTTPStatus.FOUND
    enrolment = Enrolment.objects.get(user=roster["fay"])
    assert enrolment.status == Enrolment.Status.REMOVED and enrolment.removed_at is not None
    assert gradebook_students(instructor_client, roster["course"]) == ["alice", "bob", "gus"]


def test_a_student_with_work_but_removed_is_left_out(instructor_client, roster):
    """Removal wins over work in the course."""
    enrolment = enrolment_enrol(user=roster["alice"], course=roster["course"])
    instructor_client.post(url("unenrol", roster["course"], user_id=roster["alice"].pk))
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.REMOVED
    assert "alice" not in gradebook_students(instructor_client, roster["course"])


def test_unenrol_needs_a_post(instructor_client, roster):
    """A GET on the remove address changes nothing."""
    response = instructor_client.get(url("unenrol", roster["course"], user_id=roster["fay"].pk))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"group": "not_started"}, ["fay"]),
        ({"group": "inactive", "days": 14}, ["fay", "gus"]),
        ({"group": "inactive", "days": 60}, ["fay"]),
        # Lessons completed: alice 1, bob 1, fay 0, gus 1; the median is 1.
        ({"group": "behind"}, ["fay"]),
    ],
)
def test_gradebook_groups(instructor_client, roster, params, expected):
    """Not started, inactive for N days and behind the class median each narrow the list."""
    assert gradebook_students(instructor_client, roster["course"], **params) == expected


def test_completed_group_holds_certified_students(instructor_client, roster):
    """Completed means the course's certificate is issued."""
    Certificate.objects.create(user=roster["bob"], course=roster["course"], learner_name="Bob", course_title="T")
    assert gradebook_students(instructor_client, roster["course"], group="completed") == ["bob"]


def test_an_unknown_group_is_a_bad_request(instructor_client, roster):
    """A group that does not exist is refused with a reason."""
    response = instructor_client.get(url("gradebook", roster["course"]), {"group": "sleepy"})
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_csv_follows_the_group(instructor_client, roster):
    """The CSV carries the same students as the filtered page, with enrolment and last activity."""
    response = instructor_client.get(url("gradebook_csv", roster["course"]), {"group": "not_started"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("username,email,enrolled at,last activity,course %")
    assert len(lines) == 2 and lines[1].startswith("fay,fay@example.com,20")


def test_roster_upload_previews_then_enrols_and_invites(instructor_client, roster):
    """The preview changes nothing and lists bad rows by line; confirming enrols known addresses and
    e-mails a sign-up link to the unknown ones."""
    hal = UserFactory(username="hal", email="Hal@Example.com")
    course = roster["course"]
    text = "email\nhal@example.com\nnot-an-address\n\nnew.student@example.org\nfay@example.com\nHAL@example.com\n"
    response = upload(instructor_client, course, text)
    assert response.status_code == HTTPStatus.OK
    preview = response.context["preview"]
    assert [user.username for user in preview.enrolled] == ["hal"]
    assert preview.invited == ["new.student@example.org"]
    assert [user.username for user in preview.already_enrolled] == ["fay"]
    assert [(row.line, row.reason) for row in response.context["roster"].bad_rows] == [(3, "not an e-mail address")]
    assert not Enrolment.objects.filter(user=hal).exists() and not Invitation.objects.exists()

    payload = response.context["confirm"].initial["payload"]
    response = instructor_client.post(url("roster_upload", course), {"payload": payload, "confirm": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert Enrolment.objects.get(user=hal).source == Enrolment.Source.INSTRUCTOR
    assert list(Invitation.objects.values_list("email", flat=True)) == ["new.student@example.org"]
    assert [message.to for message in mail.outbox] == [["new.student@example.org"]]
    assert "/accounts/signup/?next=" in mail.outbox[0].body


def test_an_invited_address_signs_up_and_is_enrolled(client, roster):
    """Signing up with an invited address and opening an invitation-only course enrols the student."""
    course = roster["course"]
    course.enrolment = "invitation"
    course.save(update_fields=["enrolment"])
    Invitation.objects.create(course=course, email="new@example.org", invited_at=timezone.now())
    client.force_login(UserFactory(username="newcomer", email="New@example.org"))
    lesson = course.lessons.get(slug="talking")
    assert client.get(lesson.get_absolute_url()).status_code == HTTPStatus.OK
    assert Enrolment.objects.get(user__username="newcomer").source == Enrolment.Source.INVITATION


def test_a_tampered_preview_is_refused(instructor_client, roster):
    """A confirmation whose signed list was altered enrols nobody."""
    response = instructor_client.post(url("roster_upload", roster["course"]), {"payload": "x:y", "confirm": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert Enrolment.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "reason"),
    [("\n\n", "no e-mail address"), ("nobody\n", "no e-mail address")],
)
def test_a_file_without_addresses_is_refused(instructor_client, roster, text, reason):
    """A file with no valid address is a 400 with the reason."""
    response = upload(instructor_client, roster["course"], text)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert reason in response.text


def test_the_size_limit_is_enforced(instructor_client, roster, settings):
    """More addresses than ROSTER_CSV_MAX_ROWS is refused, saying the limit."""
    settings.ROSTER_CSV_MAX_ROWS = 2
    response = upload(instructor_client, roster["course"], "a@x.org\nb@x.org\nc@x.org\n")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "the limit is 2 a file" in response.text


def test_students_cannot_reach_roster_pages(student_client, roster):
    """Upload, removal and messages are staff pages."""
    course = roster["course"]
    for response in (
        student_client.get(url("roster_upload", course)),
        student_client.get(url("class_message", course)),
        student_client.post(url("unenrol", course, user_id=roster["fay"].pk)),
    ):
        assert response.status_code == HTTPStatus.FOUND and "/admin/login/" in response["Location"]
    assert Enrolment.objects.get(user=roster["fay"]).is_active


def test_class_message_goes_to_the_filtered_group_one_e_mail_each(instructor_client, instructor, roster):
    """The message form names the group and its size; sending e-mails each student in it separately."""
    course = roster["course"]
    response = instructor_client.get(url("class_message", course), {"group": "inactive", "days": 14})
    assert response.status_code == HTTPStatus.OK
    assert "2 students" in response.text
    response = instructor_client.post(
        url("class_message", course) + "?group=inactive&days=14", {"subject": "Week 3", "body": "Read lesson 2."}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("?group=inactive&days=14")
    assert sorted(message.to[0] for message in mail.outbox) == ["fay@example.com", "gus@example.com"]
    message = mail.outbox[0]
    assert message.subject == f"[{course.title}] Week 3"
    assert "Read lesson 2." in message.body and message.reply_to == [instructor.email]


def test_class_message_needs_a_subject(instructor_client, roster):
    """An empty form is refused and sends nothing."""
    response = instructor_client.post(url("class_message", roster["course"]), {"subject": "", "body": ""})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert mail.outbox == []


def test_staff_are_never_enrolled_by_csv(instructor_client, roster):
    """An instructor's address in the file is neither enrolled nor invited."""
    InstructorFactory(username="ivy", email="ivy@example.com")
    response = upload(instructor_client, roster["course"], "ivy@example.com\n")
    preview = response.context["preview"]
    assert preview.enrolled == [] and preview.invited == []


def test_the_sign_up_link_of_an_invitation_enrols_on_the_outline(client, roster):
    """Signing up through the invitation's link lands on the outline of the invitation-only course, enrolled."""
    course = roster["course"]
    course.enrolment = "invitation"
    course.save(update_fields=["enrolment"])
    Invitation.objects.create(course=course, email="ann@example.org", invited_at=timezone.now())
    response = client.post(
        reverse("signup") + f"?next={course.get_absolute_url()}",
        {
            "full_name": "Ann Invited",
            "username": "ann",
            "email": "ann@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert "You are enrolled in this course since" in response.text
    assert Enrolment.objects.get(user__username="ann").source == Enrolment.Source.INVITATION


def test_a_subject_on_two_lines_is_refused(instructor_client, roster):
    """A subject with a line break would break the e-mail header; the form says so and sends nothing."""
    response = instructor_client.post(url("class_message", roster["course"]), {"subject": "a\nb", "body": "Hi."})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The subject must be one line." in response.text
    assert mail.outbox == []


def test_with_the_database_backend_the_request_only_queues_the_message(instructor_client, roster, settings):
    """Sending stores one task for the worker and no e-mail leaves during the request; running the stored task
    (as `db_worker` does) sends them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = instructor_client.post(url("class_message", roster["course"]), {"subject": "Hi", "body": "Welcome."})
    assert response.status_code == HTTPStatus.FOUND
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert task.status == "READY" and len(task.args_kwargs["kwargs"]["user_ids"]) == 4
    assert task.task.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"]) == 4
    assert len(mail.outbox) == 4
