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


def lesson_complete(*, user, lesson: Lesson) -> None:
    """Mark a lesson completed for a student; completing twice keeps the first completion time.

    One query when the student has opened the lesson (an update of a row not yet completed), two when not
    (and the row is inserted completed); a row already completed, or completed meanwhile by a racing
    request, keeps its completion time.
    """
    now = timezone.now()
    updated = (
        LessonProgress.objects.filter(user=user, lesson=lesson)
        .exclude(status=LessonStatus.COMPLETED)
        .update(status=LessonStatus.COMPLETED, completed_at=now)
    )
    if not updated:
        LessonProgress.objects.bulk_create(
            [
                LessonProgress(
                    user=user,
                    lesson=lesson,
                    status=LessonStatus.COMPLETED,
                    started_at=now,
                    last_viewed_at=now,
                    completed_at=now,
                )
            ],
            ignore_conflicts=True,
        )
    progress_changed(user.pk)


def _progress_get_or_create(*, user, lesson: Lesson, defaults: dict) -> tuple[LessonProgress, bool]:
    # get_or_create already retries a racing insert; the outer retry covers a race inside an atomic block.
    try:
        return LessonProgress.objects.get_or_create(user=user, lesson=lesson, defaults=defaults)
    except IntegrityError:
        return LessonProgress.objects.get(user=user, lesson=lesson), False
