"""Reads that span courses, modules, lessons and progress; each runs a fixed number of queries."""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower
from django.http import Http404

from lessons.models import Course, KeyTerm, Lesson, LessonStatus

MAX_SEARCH_WORDS = 8


class LessonStatusMixin:
    """Display helpers for anything carrying a lesson `status`."""

    status: str

    @property
    def status_label(self) -> str:
        return LessonStatus(self.status).label

    @property
    def is_completed(self) -> bool:
        return self.status == LessonStatus.COMPLETED


def course_get(*, slug: str, user) -> Course:
    """The course a user may see, or 404 (drafts are hidden from students)."""
    try:
        return Course.objects.visible_to(user).get(slug=slug)
    except Course.DoesNotExist:
        raise Http404("No such course.") from None


def course_list(*, user):
    return Course.objects.visible_to(user).order_by("title")


@dataclass
class LessonPage:
    lesson: Lesson
    previous: Lesson | None
    next: Lesson | None
    # Set by the student's path when the next lesson sits in a module still locked for this student.
    next_locked: bool = False


def lesson_page(*, course: Course, slug: str, user) -> LessonPage:
    """A lesson the user may open and its neighbours in reading order, or 404."""
    try:
        lesson = (
            Lesson.objects.visible_to(user)
            .filter(course=course)
            .select_related("module")
            .prefetch_related("key_terms", "sources")
            .get(slug=slug)
        )
    except Lesson.DoesNotExist:
        raise Http404("No such lesson.") from None
    lesson.course = lesson.module.course = course
    sequence = list(
        Lesson.objects.visible_to(user)
        .filter(course=course)
        .in_reading_order()
        .only("id", "slug", "title", "course_id", "module_id")
    )
    index = next(i for i, item in enumerate(sequence) if item.id == lesson.id)
    for neighbour in sequence:
        neighbour.course = course
    return LessonPage(
        lesson=lesson,
        previous=sequence[index - 1] if index > 0 else None,
        next=sequence[index + 1] if index + 1 < len(sequence) else None,
    )


def lesson_search(*, course: Course, user, query: str) -> list[Lesson]:
    """Lessons holding every word of `query` (as a word or the start of one); title matches first.

    The database narrows by substring, then word starts are checked here, so "rcep" finds RCEP
    but not "perception".
    """
    words = query.split()[:MAX_SEARCH_WORDS]
    candidates = Lesson.objects.visible_to(user).filter(course=course).select_related("module")
    for word in words:
        candidates = candidates.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
    patterns = [re.compile(rf"\b{re.escape(word)}", re.IGNORECASE) for word in words]
    results = [
        lesson
        for lesson in candidates.order_by("module__position", "position")
        if all(pattern.search(f"{lesson.title}\n{lesson.summary}\n{lesson.body}") for pattern in patterns)
    ]
    for lesson in results:
        lesson.course = course
    results.sort(key=lambda lesson: not all(pattern.search(lesson.title) for pattern in patterns))
    return results


def course_glossary(*, course: Course, user) -> list[KeyTerm]:
    """Key terms of the lessons a user may open, alphabetically, each with its lesson."""
    lessons = Lesson.objects.visible_to(user).filter(course=course)
    terms = list(
        KeyTerm.objects.filter(lesson__in=lessons)
        .select_related("lesson")
        .only("term", "definition", "lesson__slug", "lesson__title", "lesson__course_id")
        .order_by(Lower("term"), "lesson__title")
    )
    for term in terms:
        term.lesson.course = course
    return terms
