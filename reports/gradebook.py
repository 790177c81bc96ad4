"""The gradebook: every student of a course x its lessons and quizzes, by page or streamed for the CSV.

A page (or a CSV chunk) of students costs one progress query and one attempts query, whatever its size.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from itertools import islice
from statistics import median

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate
from learning.models import Enrolment, Review
from learning.selectors import class_mastery
from lessons.models import Course, Lesson, LessonProgress, LessonStatus, Module
from lessons.selectors import LessonStatusMixin
from quizzes.models import Attempt, Quiz
from quizzes.selectors import QuizResult

GRADEBOOK_PAGE_SIZE = 50
CSV_CHUNK_SIZE = 500


def _percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


def report_courses() -> list[Course]:
    """Every course, drafts too, each with its quizzes in reading order (final exam last) and their
    finished student attempts counted. Two queries."""
    quizzes = (
        Quiz.objects.select_related("lesson")
        .annotate(
            finished_attempts=Count(
                "attempts", filter=Q(attempts__status=Attempt.Status.FINISHED, attempts__user__is_staff=False)
            )
        )
        .order_by(F("lesson__module__position").asc(nulls_last=True), "lesson__position", "id")
    )
    courses = list(Course.objects.order_by("title").prefetch_related(Prefetch("quizzes", queryset=quizzes)))
    for course in courses:
        for quiz in course.quizzes.all():
            quiz.course = course
    return courses


def course_modules(*, course: Course) -> list[Module]:
    """The course's modules in course order, for the module filter."""
    return list(Module.objects.filter(course=course).order_by("position", "id"))


@dataclass
class GradebookColumns:
    """What the gradebook counts: the published lessons and quizzes, as students see them.

    `lessons` and `quizzes` are the columns shown (one module's when filtered); the course percentage
    always counts the whole course, as the student's own outline does.
    """

    course: Course
    module: Module | None
    lessons: list[Lesson]
    quizzes: list[Quiz]
    course_lessons: list[Lesson]
    course_quizzes: list[Quiz]

    @cached_property
    def course_modules(self) -> list[Module]:
        """The modules of the course's published lessons, in order (mastery is reported per module)."""
        return list({lesson.module_id: lesson.module for lesson in self.course_lessons}.values())


def gradebook_columns(*, course: Course, module: Module | None = None) -> GradebookColumns:
    """The gradebook's lessons and quizzes in reading order, the final exam last. Two queries."""
    course_lessons = list(
        Lesson.objects.filter(course=course, is_published=True, module__is_published=True)
        .in_reading_order()
        .select_related("module")
        .only("id", "title", "slug", "module_id", "course_id", "position", "module__title", "module__position")
    )
    lesson_order = {lesson.id: index for index, lesson in enumerate(course_lessons)}
    course_quizzes = sorted(
        Quiz.objects.filter(course=course, is_published=True).filter(
            Q(lesson__isnull=True) | Q(lesson_id__in=lesson_order)
        ),
        key=lambda quiz: lesson_order.get(quiz.lesson_id, len(lesson_order)),
    )
    for lesson in course_lessons:
        lesson.course = course
    for quiz in course_quizzes:
        quiz.course = course
    if module is None:
        lessons, quizzes = course_lessons, course_quizzes
    else:
        lessons = [lesson for lesson in course_lessons if lesson.module_id == module.id]
        in_module = {lesson.id for lesson in lessons}
        quizzes = [quiz for quiz in course_quizzes if quiz.lesson_id in in_module]
    return GradebookColumns(
        course=course,
        module=module,
        lessons=lessons,
        quizzes=quizzes,
        course_lessons=course_lessons,
        course_quizzes=course_quizzes,
    )


# Stands in for "never" so that the latest of several activity times can be compared on every database.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_INACTIVE_DAYS = 14


class RosterGroup(models.TextChoices):
    ALL = "", _("Every enrolled student")
    NOT_STARTED = "not_started", _("Not started")
    INACTIVE = "inactive", _("Inactive for N days")
    BEHIND = "behind", _("Behind the class's pace")
    COMPLETED = "completed", _("Completed")


def _latest(queryset: QuerySet, field_name: str) -> Coalesce:
    """The latest `field_name` of the student's rows in `queryset` (NEVER when there is none), as a subquery."""
    latest = queryset.order_by().values("user").annotate(latest=Max(field_name)).values("latest")
    return Coalesce(Subquery(latest), Value(NEVER))


def course_students(*, course: Course) -> QuerySet:
    """The course's class: active non-staff users with an active enrolment, or with work in the course and no
    enrolment row at all (work from before the roster existed), by username. Removed students are left out.

    Each carries `enrolled_at` (None for work without a row), `last_activity` (NEVER when none: the latest lesson
    visit or completion, quiz start or finish, or review) and `lessons_done` (published lessons completed).
    Inactive users are left out: among them the placeholders that hold a deleted account's anonymised attempts.
    """
    progress = LessonProgress.objects.filter(user=OuterRef("pk"), lesson__course=course)
    attempts = Attempt.objects.filter(user=OuterRef("pk"), quiz__course=course)
    enrolments = Enrolment.objects.filter(user=OuterRef("pk"), course=course)
    active = enrolments.filter(status=Enrolment.Status.ACTIVE)
    reviews = Review.objects.filter(user=OuterRef("pk"), card__course=course)
    done = (
        progress.filter(status=LessonStatus.COMPLETED, lesson__is_published=True, lesson__module__is_published=True)
        .order_by()
        .values("user")
        .annotate(done=Count("pk"))
        .values("done")
    )
    return (
        get_user_model()
        .objects.filter(is_staff=False, is_active=True)
        .filter(Exists(active) | (~Exists(enrolments) & (Exists(progress) | Exists(attempts))))
        .annotate(
            enrolled_at=Subquery(active.values("enrolled_at")[:1]),
            last_activity=Greatest(
                _latest(progress, "last_viewed_at"),
                _latest(progress, "completed_at"),
                _latest(attempts, "started_at"),
                _latest(attempts, "finished_at"),
                _latest(reviews, "reviewed_at"),
            ),
            lessons_done=Coalesce(Subquery(done), 0),
        )
        .order_by("username", "pk")
    )


def class_median_lessons_done(*, students: QuerySet) -> float:
    """The median number of lessons completed across the class (0 for an empty class). One query."""
    counts = list(students.values_list("lessons_done", flat=True))
    return median(counts) if counts else 0


def roster_filter(
    students: QuerySet,
    *,
    course: Course,
    group: str,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    now: datetime | None = None,
) -> QuerySet:
    """The students of one roster group (README, "Class roster"); RosterGroup.ALL keeps everyone.

    Behind the class's pace means fewer lessons completed than the class median, which costs one more query.
    """
    if group == RosterGroup.NOT_STARTED:
        return students.filter(last_activity=NEVER)
    if group == RosterGroup.INACTIVE:
        return students.filter(last_activity__lt=(now or timezone.now()) - timedelta(days=inactive_days))
    if group == RosterGroup.BEHIND:
        return students.filter(lessons_done__lt=class_median_lessons_done(students=students))
    if group == RosterGroup.COMPLETED:
        # Completed means certified: every lesson complete and every quiz and the final exam passed.
        return students.filter(Exists(Certificate.objects.filter(user=OuterRef("pk"), course=course)))
    return students


@dataclass
class LessonCell(LessonStatusMixin):
    lesson: Lesson
    status: str = LessonStatus.NOT_STARTED
    started_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass
class GradebookRow:
    """One student's line: a cell per lesson and quiz column, and their percentages."""

    student: AbstractUser
    lessons: list[LessonCell]
    quizzes: list[QuizResult]
    course_percent: int
    module_percent: int | None = None
    # From the roster (course_students); None when the student has no enrolment row or no activity.
    enrolled_at: datetime | None = None
    last_activity: datetime | None = None
    # Mastery per module id (learning.selectors.class_mastery); modules without answers are absent.
    mastery: dict = field(default_factory=dict)


def _done(cells: list[LessonCell], results: list[QuizResult]) -> tuple[int, int]:
    """Steps done and steps in all, as the student's outline counts them: each lesson completed (passing its
    quiz completes it) and the final exam passed."""
    finals = [result for result in results if result.quiz.is_final]
    return sum(cell.is_completed for cell in cells) + sum(r.passed for r in finals), len(cells) + len(finals)


def gradebook_rows(*, columns: GradebookColumns, students: list[AbstractUser]) -> list[GradebookRow]:
    """A row for each student, in the order given. Three queries, whatever the number of students."""
    student_ids = [student.pk for student in students]
    cells: dict[tuple[int, int], LessonCell] = {}
    lesson_by_id = {lesson.id: lesson for lesson in columns.course_lessons}
    progress = LessonProgress.objects.filter(user_id__in=student_ids, lesson_id__in=lesson_by_id).values_list(
        "user_id", "lesson_id", "status", "started_at", "completed_at"
    )
    for user_id, lesson_id, status, started_at, completed_at in progress:
        cells[user_id, lesson_id] = LessonCell(
            lesson=lesson_by_id[lesson_id], status=status, started_at=started_at, completed_at=completed_at
        )
    quiz_by_id = {quiz.id: quiz for quiz in columns.course_quizzes}
    results: dict[tuple[int, int], QuizResult] = {}
    attempts = (
        Attempt.objects.filter(user_id__in=student_ids, quiz_id__in=quiz_by_id)
        .order_by("user_id", "quiz_id", "number")
        .values_list("user_id", "quiz_id", "id", "status", "score")
    )
    for user_id, quiz_id, attempt_id, status, score in attempts:
        results.setdefault((user_id, quiz_id), QuizResult(quiz=quiz_by_id[quiz_id])).count_attempt(
            attempt_id, status, score
        )

    def cell(student_id: int, lesson: Lesson) -> LessonCell:
        return cells.get((student_id, lesson.id)) or LessonCell(lesson=lesson)

    def result(student_id: int, quiz: Quiz) -> QuizResult:
        return results.get((student_id, quiz.id)) or QuizResult(quiz=quiz)

    mastery = class_mastery(course=columns.course, user_ids=student_ids)
    rows = []
    for student in students:
        last_activity = getattr(student, "last_activity", None)
        course_cells = [cell(student.pk, lesson) for lesson in columns.course_lessons]
        course_results = [result(student.pk, quiz) for quiz in columns.course_quizzes]
        row = GradebookRow(
            enrolled_at=getattr(student, "enrolled_at", None),
            last_activity=None if last_activity in (None, NEVER) else last_activity,
            mastery=mastery[student.pk].modules,
            student=student,
            lessons=course_cells,
            quizzes=course_results,
            course_percent=_percent(*_done(course_cells, course_results)),
        )
        if columns.module is not None:
            row.lessons = [cell(student.pk, lesson) for lesson in columns.lessons]
            row.quizzes = [result(student.pk, quiz) for quiz in columns.quizzes]
            row.module_percent = _percent(*_done(row.lessons, row.quizzes))
        rows.append(row)
    return rows


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(items, size)):
        yield chunk


def gradebook_rows_streamed(
    *, columns: GradebookColumns, students: QuerySet | None = None, chunk_size: int = CSV_CHUNK_SIZE
) -> Iterator[GradebookRow]:
    """The row of every student (of the course's class unless `students` is given), `chunk_size` at a time.

    Memory stays flat for any class size: one cursor over the students, a fixed number of queries per chunk.
    """
    if students is None:
        students = course_students(course=columns.course)
    students = students.only("id", "username", "email", "first_name", "last_name")
    for chunk in _chunks(students.iterator(chunk_size=chunk_size), chunk_size):
        yield from gradebook_rows(columns=columns, students=chunk)
