import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lessons.models import Course

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_certificate_code() -> str:
    """Twelve unambiguous characters in groups of four, e.g. 7KQM-X2PD-94HT."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


class Certificate(models.Model):
    """Proof that a student completed a course; the code lets anyone verify it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("code"), max_length=14, unique=True, default=new_certificate_code, editable=False)
    learner_name = models.CharField(_("awarded to"), max_length=300)
    course_title = models.CharField(_("course title"), max_length=200)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_certificate_per_course"),
        ]

    def __str__(self):
        return f"{self.code}: {self.learner_name} - {self.course_title}"

    def get_absolute_url(self):
        return reverse("certificates:verify", kwargs={"code": self.code})
