"""Reads of the marking queue: written answers waiting for a marker, and the answer being marked.

Each runs a fixed number of queries whatever the number of answers waiting.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils.crypto import salted_hmac

from lessons.models import Course
from lessons.permissions import INSTRUCTORS
from quizzes.models import Attempt, AttemptQuestion, Quiz
from quizzes.selectors import written_waiting_count

SUBMITTED = (Attempt.Status.FINISHED, Attempt.Status.AWAITING_MARKING)
WRITTEN = Q(snapshot__qtype="written")
RECENTLY_MARKED = 20


def is_marker(user) -> bool:
    """Markers are staff in the Instructors group, and superusers."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=INSTRUCTORS).exists()


def anonymous_label(*, quiz: Quiz, user_id: int) -> str:
    """A label that tells one student's answers apart in a quiz's queue without naming them.

    A keyed hash of the quiz and the student: the same student keeps one label in the quiz, and the
    label says nothing to anyone without the site's secret key.
    """
    digest = salted_hmac("marking.anonymous", f"{quiz.pk}:{user_id}").hexdigest()
    return f"Student {digest[:6].upper()}"


def student_label(*, quiz: Quiz, slot: AttemptQuestion) -> str:
    """The student as the marker sees them: anonymous until marked when the quiz hides names."""
    if quiz.anonymous_marking and slot.marked_at is None:
        return anonymous_label(quiz=quiz, user_id=slot.attempt.user_id)
    user = slot.attempt.user
    return user.get_full_name() or user.get_username()


def _written_slots():
    return AttemptQuestion.objects.filter(WRITTEN, attempt__status__in=SUBMITTED, attempt__user__is_staff=False)


@dataclass
class QuizWaiting:
    quiz: Quiz
    waiting: int
    marked: int


def marking_overview(*, course: Course | None = None) -> list[QuizWaiting]:
    """Every quiz with written answers, with how many wait for a marker and how many are marked. One query."""
    rows = (
        _written_slots()
        .filter(**({"attempt__quiz__course": course} if course else {}))
        .values("attempt__quiz_id")
        .annotate(
            waiting=Count("id", filter=Q(marked_at__isnull=True)), marked=Count("id", filter=Q(marked_at__isnull=False))
        )
        .order_by()
    )
    counts = {row["attempt__quiz_id"]: row for row in rows}
    quizzes = (
        Quiz.objects.filter(pk__in=counts)
        .select_related("course")
        .only("id", "title", "slug", "kind", "anonymous_marking", "course__id", "course__slug", "course__title")
    )
    return sorted(
        (
            QuizWaiting(quiz=quiz, waiting=counts[quiz.pk]["waiting"], marked=counts[quiz.pk]["marked"])
            for quiz in quizzes
        ),
        key=lambda entry: (entry.quiz.course.title, -entry.waiting, entry.quiz.title),
    )


def waiting_count(*, quiz: Quiz | None = None, course: Course | None = None) -> int:
    """Written answers waiting for a marker, in one quiz, one course or everywhere. One query."""
    return written_waiting_count(quiz=quiz, course=course)


@dataclass
class QueueEntry:
    slot: AttemptQuestion
    student: str


def marking_queue(*, quiz: Quiz, limit: int) -> tuple[list[QueueEntry], list[QueueEntry]]:
    """(waiting, recently marked) written answers of a quiz: the oldest submission first, then the latest marks.

    Two queries whatever the number of answers.
    """
    slots = _written_slots().filter(attempt__quiz=quiz).select_related("attempt__user").defer("response")
    waiting = slots.filter(marked_at__isnull=True).order_by("attempt__finished_at", "attempt_id", "position")[:limit]
    marked = slots.filter(marked_at__isnull=False).select_related("marked_by").order_by("-marked_at", "-id")
    return (
        [QueueEntry(slot=slot, student=student_label(quiz=quiz, slot=slot)) for slot in waiting],
        [QueueEntry(slot=slot, student=student_label(quiz=quiz, slot=slot)) for slot in marked[:RECENTLY_MARKED]],
    )


def marking_slot_get(*, course: Course, slot_id: int) -> AttemptQuestion:
    """A submitted answer of the course, with its attempt, quiz and student; any other is a 404. One query."""
    try:
        slot = AttemptQuestion.objects.select_related("attempt__quiz__course", "attempt__user", "marked_by").get(
            pk=slot_id, attempt__quiz__course=course, attempt__status__in=SUBMITTED
        )
    except AttemptQuestion.DoesNotExist:
        raise Http404("No such answer in this course.") from None
    return slot


def next_waiting(*, quiz: Quiz, after: AttemptQuestion | None = None) -> AttemptQuestion | None:
    """The oldest answer of the quiz still waiting (other than `after`). One query."""
    slots = _written_slots().filter(attempt__quiz=quiz, marked_at__isnull=True)
    if after is not None:
        slots = slots.exclude(pk=after.pk)
    return slots.order_by("attempt__finished_at", "attempt_id", "position").only("id").first()
