"""Issuing certificates: only when every completion rule holds at that moment."""

from django.db import IntegrityError, transaction

from certificates.models import Certificate
from certificates.selectors import course_completion
from lessons.models import Course


def certificate_issue_if_earned(*, user, course: Course) -> Certificate | None:
    """Issue the course certificate once, if the student has now met every rule; else None.

    The rules are checked on the server against the database at the moment of issue; a second
    call (or a racing one) returns the certificate already issued.
    """
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing:
        return existing
    if not course_completion(course=course, user=user).complete:
        return None
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user,
                course=course,
                # The holder's name is captured at issue: certificates may not import accounts (a higher
                # layer), and the accounts app keeps the full name whole in the user's own first_name, so
                # get_full_name() is that name; without one, the username stands in.
                learner_name=user.get_full_name() or user.get_username(),
                course_title=course.title,
            )
    except IntegrityError:
        return Certificate.objects.get(user=user, course=course)
