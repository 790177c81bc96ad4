import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lessons.models import Course
from quizzes.models import Question


class ReviewCard(models.Model):
    """One question a student has answered in a lesson quiz, scheduled for review by FSRS.

    The fields mirror the FSRS card (`fsrs.Card`): the scheduler reads and writes them, and `due`
    is indexed so that "what is due now" is one query.
    """

    class State(models.IntegerChoices):
        LEARNING = 1, _("Learning")
        REVIEW = 2, _("Review")
        RELEARNING = 3, _("Relearning")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="review_cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    state = models.PositiveSmallIntegerField(_("state"), choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(_("learning step"), null=True, blank=True)
    stability = models.FloatField(_("stability (days)"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty"), null=True, blank=True)
    due = models.DateTimeField(_("due"))
    last_review = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    reviews = models.PositiveIntegerField(_("reviews"), default=0)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_review_card_per_question"),
        ]
        indexes = [models.Index(fields=["user", "course", "due"], name="review_card_due")]

    def __str__(self):
        return f"{self.user} · {self.question.key} · due {self.due:%Y-%m-%d}"


class Review(models.Model):
    """One answer given on the review page: what was asked, how well, and when. Never part of a grade."""

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    # The variant asked: the card's question or a sibling of its variant group.
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, related_name="reviews")
    mark = models.DecimalField(
        _("mark"), max_digits=8, decimal_places=7, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    rating = models.PositiveSmallIntegerField(_("FSRS rating"))
    reviewed_at = models.DateTimeField(_("reviewed"))

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(condition=Q(mark__gte=0, mark__lte=1), name="review_mark_0_1"),
        ]

    def __str__(self):
        return f"{self.user} · {self.card.question.key} · {self.reviewed_at:%Y-%m-%d}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a student's calendar of due reviews; resetting it cuts off old subscribers."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"calendar of {self.user}"

    def get_absolute_url(self):
        return reverse("learning:review_calendar", kwargs={"token": self.token})


class Enrolment(models.Model):
    """A student's place in a course. Never deleted: removing a student marks the row, so the history stays."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REMOVED = "removed", _("Removed")

    class Source(models.TextChoices):
        SELF = "self", _("Enrolled themselves")
        OPENED = "opened", _("Opened a lesson or quiz")
        INSTRUCTOR = "instructor", _("Enrolled by an instructor")
        INVITATION = "invitation", _("Accepted an invitation")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(_("how"), max_length=12, choices=Source.choices, default=Source.SELF)
    enrolled_at = models.DateTimeField(_("enrolled"))
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        ordering = ["course", "user"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrolment_per_student_and_course"),
            models.CheckConstraint(
                condition=Q(status="active", removed_at__isnull=True) | Q(status="removed", removed_at__isnull=False),
                name="enrolment_removed_at_iff_removed",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"], name="enrolment_course_status")]

    def __str__(self):
        return f"{self.user} in {self.course} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Invitation(models.Model):
    """An e-mail address an instructor enrolled before it had an account; signing up with it enrols the student."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    invited_at = models.DateTimeField(_("invited"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["course", "email"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["course", "email"], name="one_invitation_per_address_and_course"),
        ]

    def __str__(self):
        return f"{self.email} to {self.course}"
