"""Writes for lesson progress."""

from django.db import IntegrityError
from django.utils import timezone

from lessons.caching import progress_changed
from lessons.models import Lesson, LessonProgress, LessonStatus


def lesson_visit(*, user, lesson: Lesson) -> LessonProgress:
    """Record that a student opened a lesson: not started becomes in progress."""
    now = timezone.now()
    progress, created = _progress_get_or_create(user=user, lesson=lesson, defaults={"last_viewed_at": now})
    if not created:
        LessonProgress.objects.filter(pk=progress.pk).update(last_viewed_at=now)
        progress.last_viewed_at = now
    progress_changed(user.pk)
    return progress


def lesson_complete(*, user, lesson: Lesson) -> LessonProgress:
    """Mark a lesson completed for a student; completing twice keeps the first completion time."""
    now = timezone.now()
    progress, _ = _progress_get_or_create(user=user, lesson=lesson, defaults={"last_viewed_at": now})
    if progress.status != LessonStatus.COMPLETED:
        updated = (
            LessonProgress.objects.filter(pk=progress.pk)
            .exclude(status=LessonStatus.COMPLETED)
            .update(status=LessonStatus.COMPLETED, completed_at=now)
        )
        if updated:
            progress.status, progress.completed_at = LessonStatus.COMPLETED, now
        else:
            # A racing request completed it first: keep its completion time.
            progress.refresh_from_db(fields=["status", "completed_at"])
        progress_changed(user.pk)
    return progress


def _progress_get_or_create(*, user, lesson: Lesson, defaults: dict) -> tuple[LessonProgress, bool]:
    # get_or_create already retries a racing insert; the outer retry covers a race inside an atomic block.
    try:
        return LessonProgress.objects.get_or_create(user=user, lesson=lesson, defaults=defaults)
    except IntegrityError:
        return LessonProgress.objects.get(user=user, lesson=lesson), False
