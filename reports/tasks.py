"""Background work of the class roster, run by `manage.py db_worker` (Django's Tasks API, django-tasks backport).

Each task sends its e-mails in batches over one connection, or writes a gradebook CSV, so a class of thousands
never holds a request.
"""

from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django_tasks import task

from lessons.models import Course
from reports.exports import gradebook_export_write

MAIL_BATCH_SIZE = 200


def _send_in_batches(messages) -> int:
    sent = 0
    messages = iter(messages)
    with get_connection() as connection:
        while batch := list(islice(messages, MAIL_BATCH_SIZE)):
            sent += connection.send_messages(batch) or 0
    return sent


@task()
def class_message_send(*, course_id: int, user_ids: list[int], subject: str, body: str, reply_to: str = "") -> int:
    """E-mail one message to each of these students, one e-mail per student (nobody sees the others' addresses).

    Students who have left or have no address since the message was queued are skipped. Returns how many were sent.
    """
    course = Course.objects.get(pk=course_id)
    students = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    text = render_to_string("reports/email/class_message.txt", {"course": course, "body": body})
    return _send_in_batches(
        EmailMessage(
            subject=f"[{course.title}] {subject}",
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
            reply_to=[reply_to] if reply_to else None,
        )
        for email in students.iterator(chunk_size=MAIL_BATCH_SIZE)
    )


@task()
def invitations_send(*, course_id: int, emails: list[str], signup_url: str) -> int:
    """E-mail an invitation with a sign-up link to each address; returns how many were sent."""
    course = Course.objects.get(pk=course_id)
    text = render_to_string("reports/email/invitation.txt", {"course": course, "signup_url": signup_url})
    subject = f"You are invited to {course.title}"
    return _send_in_batches(
        EmailMessage(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email]) for email in emails
    )


@task()
def gradebook_export_build(*, export_id: int) -> int:
    """Write a requested gradebook CSV, streamed a chunk of students at a time, and mark it ready (or failed).

    Returns how many students it holds.
    """
    return gradebook_export_write(export_id=export_id)
