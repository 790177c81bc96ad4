"""Cache invalidation: a change to a course's content or to a student's progress bumps its version.

Writes that bypass model signals (QuerySet.update, bulk_create) call lessons.caching themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from lessons.caching import catalog_changed, course_changed, progress_changed
from lessons.models import Course, KeyTerm, Lesson, LessonProgress, Module, Source


@receiver([post_save, post_delete], sender=Course)
def course_saved(sender, instance, **kwargs):
    course_changed(instance.pk)
    catalog_changed()


@receiver([post_save, post_delete], sender=Module)
@receiver([post_save, post_delete], sender=Lesson)
@receiver([post_save, post_delete], sender=Source)
def course_part_saved(sender, instance, **kwargs):
    course_changed(instance.course_id)


@receiver([post_save, post_delete], sender=KeyTerm)
def key_term_saved(sender, instance, **kwargs):
    course_changed(*Lesson.objects.filter(pk=instance.lesson_id).values_list("course_id", flat=True))


@receiver(m2m_changed, sender=Lesson.sources.through)
def lesson_sources_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        course_changed(instance.course_id)


@receiver([post_save, post_delete], sender=LessonProgress)
def lesson_progress_saved(sender, instance, **kwargs):
    progress_changed(instance.user_id)
