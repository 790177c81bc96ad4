"""Cache invalidation: quizzes are part of a course's cached structure, attempts of a student's standing."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lessons.caching import course_changed, progress_changed
from quizzes.models import Attempt, Quiz


@receiver([post_save, post_delete], sender=Quiz)
def quiz_saved(sender, instance, **kwargs):
    course_changed(instance.course_id)


@receiver([post_save, post_delete], sender=Attempt)
def attempt_saved(sender, instance, **kwargs):
    progress_changed(instance.user_id)
