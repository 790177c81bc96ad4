"""Reports keep one thing of their own: gradebook CSVs built in the background for an instructor to download."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lessons.models import Course, Module
from reports.gradebook import RosterGroup


class GradebookExport(models.Model):
    """The gradebook of a course (or one module, or one group of students) as CSV, built by a task worker
    (reports.tasks.gradebook_export_build), so a class of any size is never cut off by a request timeout."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="gradebook_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gradebook_exports"
    )
    # The gradebook filter it was asked with; a module deleted since leaves the whole course.
    module = models.ForeignKey(Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    group = models.CharField(_("students"), max_length=20, blank=True, choices=RosterGroup.choices)
    days = models.PositiveSmallIntegerField(_("inactive for (days)"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField(_("requested"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("students"), null=True, blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    content = models.TextField(_("CSV"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="queued", finished_at__isnull=True)
                | (~Q(status="queued") & Q(finished_at__isnull=False)),
                name="gradebook_export_finished_at_iff_done",
            ),
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("reports:gradebook_export", kwargs={"course_slug": self.course.slug, "export_id": self.pk})

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY
