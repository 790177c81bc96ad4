"""Writes on a student's own account: name and e-mail, and deleting the account."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from certificates.models import Certificate
from quizzes.models import Attempt

DELETED_USERNAME_PREFIX = "deleted-"


@transaction.atomic
def account_update(*, user: AbstractUser, full_name: str, email: str) -> None:
    """Set the student's full name and e-mail.

    The full name is stored whole in Django's `first_name` (with `last_name` left empty) rather than in a
    profile model: certificates, reports and the admin sit in lower layers that may not import accounts,
    and they all read `user.get_full_name()`, which then returns exactly the name the student typed.
    Splitting a name into first and last would be wrong for many names, so we never do.
    """
    user.first_name, user.last_name, user.email = full_name, "", email
    user.save(update_fields=["first_name", "last_name", "email"])
    # A certificate keeps the name it was issued to; one issued before the account had a name took the username.
    Certificate.objects.filter(user=user, learner_name=user.get_username()).update(learner_name=full_name)


@transaction.atomic
def account_delete(*, user: AbstractUser) -> AbstractUser:
    """Delete the student's account and personal data; keep their quiz attempts, anonymised.

    The attempts move to a new placeholder user of their own, so item statistics (which count the first
    attempt per student) stay true, while nothing links them to the person: the placeholder has a random
    username, no name or e-mail, no usable password and is inactive (reports leave inactive users out).
    Everything else that points at the user row (lesson progress, certificates, sessions' auth) goes with it.
    Returns the placeholder.
    """
    user_model = get_user_model()
    # The same lock attempt_start takes, so no attempt is created for the user halfway through.
    user_model.objects.select_for_update().filter(pk=user.pk).first()
    placeholder = user_model(username=f"{DELETED_USERNAME_PREFIX}{secrets.token_hex(8)}", is_active=False)
    placeholder.set_unusable_password()
    placeholder.save()
    # An unfinished attempt counts in no statistic; only the finished ones are worth keeping.
    Attempt.objects.filter(user=user, status=Attempt.Status.IN_PROGRESS).delete()
    Attempt.objects.filter(user=user).update(user=placeholder)
    user.delete()
    return placeholder
