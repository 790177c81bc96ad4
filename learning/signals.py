"""Cache invalidation: enrolment and review cards are part of a student's cached standing."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from learning.models import Enrolment, Review, ReviewCard
from lessons.caching import enrolment_changed, progress_changed


@receiver([post_save, post_delete], sender=Enrolment)
def enrolment_saved(sender, instance, **kwargs):
    enrolment_changed(instance.user_id)


@receiver([post_save, post_delete], sender=ReviewCard)
@receiver([post_save, post_delete], sender=Review)
def standing_saved(sender, instance, **kwargs):
    progress_changed(instance.user_id)
