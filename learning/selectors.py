"""Reads of the student's path: the course outline with progress and locks, and where to continue.

Each runs a fixed number of queries whatever the course size.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from certificates.models import Certificate
from learning.mastery import MASTERY_WINDOW, ObjectiveAnswers, objective_answers
from learning.models import Enrolment, Review, ReviewCard
from lessons.models import Course, EnrolmentPolicy, Lesson, LessonProgress, LessonStatus, Module
from lessons.selectors import LessonStatusMixin
from quizzes.models import Attempt, AttemptQuestion, Question
from quizzes.selectors import QuizResult, course_quiz_results


def enrolment_get(*, user, course: Course) -> Enrolment | None:
    """The student's roster row for the course, active or removed; None for visitors and the never enrolled."""
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course=course).first()


@dataclass
class LessonEntry(LessonStatusMixin):
    lesson: Lesson
    status: str = LessonStatus.NOT_STARTED
    quiz: QuizResult | None = None


def _percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


@dataclass
class ModuleEntry:
    module: Module
    lessons: list[LessonEntry] = field(default_factory=list)
    locked: bool = False
    mastery: "Mastery | None" = None

    @property
    def completed_count(self) -> int:
        return sum(entry.is_completed for entry in self.lessons)

    @property
    def percent(self) -> int:
        """Share of the module's lessons completed (passing a lesson's quiz is what completes it)."""
        return _percent(self.completed_count, len(self.lessons))


@dataclass
class CourseOutline:
    course: Course
    modules: list[ModuleEntry]
    continue_lesson: Lesson | None
    final_exam: QuizResult | None = None
    final_exam_locked: bool = False

    @property
    def lesson_count(self) -> int:
        return sum(len(module.lessons) for module in self.modules)

    @property
    def completed_count(self) -> int:
        return sum(module.completed_count for module in self.modules)

    @property
    def step_count(self) -> int:
        """The course's one progress measure counts steps: each lesson, and the final exam if there is one."""
        return self.lesson_count + bool(self.final_exam)

    @property
    def steps_done(self) -> int:
        """Lessons completed (passing a lesson's quiz completes it), and the final exam once passed."""
        return self.completed_count + bool(self.final_exam and self.final_exam.passed)

    @property
    def percent(self) -> int:
        return _percent(self.steps_done, self.step_count)


@dataclass
class CourseLocks:
    """Which modules a student cannot open yet, under the course's sequential-modules rule."""

    locked_module_ids: set[int]
    final_exam_locked: bool

    def lesson_locked(self, lesson: Lesson) -> bool:
        return lesson.module_id in self.locked_module_ids


def course_locks(*, course: Course, user, module_ids: list[int], results: dict[int, QuizResult]) -> CourseLocks:
    """A module unlocks once every lesson quiz of the modules before it is passed; staff are never locked."""
    if user.is_staff or not course.sequential_modules:
        return CourseLocks(locked_module_ids=set(), final_exam_locked=False)
    unpassed = {r.quiz.lesson.module_id for r in results.values() if r.quiz.lesson and not r.passed}
    locked, blocked = set(), False
    for module_id in module_ids:
        if blocked:
            locked.add(module_id)
        blocked = blocked or module_id in unpassed
    return CourseLocks(locked_module_ids=locked, final_exam_locked=bool(unpassed))


def course_locks_for(*, course: Course, user) -> tuple[CourseLocks, dict[int, QuizResult]]:
    """The locks and quiz results of a course for one user, in three queries."""
    results = course_quiz_results(course=course, user=user)
    module_ids = list(
        Module.objects.visible_to(user).filter(course=course).order_by("position", "id").values_list("id", flat=True)
    )
    return course_locks(course=course, user=user, module_ids=module_ids, results=results), results


def course_outline(*, course: Course, user) -> CourseOutline:
    """Modules with their visible lessons, each lesson's status and quiz standing, locks, and where to continue.

    Five queries whatever the course size: modules, lessons, progress, quizzes, attempts.
    """
    lessons = Lesson.objects.visible_to(user).only(
        "id", "slug", "title", "summary", "position", "is_published", "word_count", "module_id", "course_id"
    )
    modules = list(
        Module.objects.visible_to(user)
        .filter(course=course)
        .order_by("position", "id")
        .defer("keywords", "loaded_state")
        .prefetch_related(Prefetch("lessons", queryset=lessons.order_by("position", "id")))
    )
    progress = {}
    if user.is_authenticated:
        progress = {
            row.lesson_id: row
            for row in LessonProgress.objects.filter(user=user, lesson__course=course).only(
                "lesson_id", "status", "last_viewed_at"
            )
        }
    results = course_quiz_results(course=course, user=user)
    locks = course_locks(course=course, user=user, module_ids=[m.id for m in modules], results=results)
    quiz_by_lesson = {r.quiz.lesson_id: r for r in results.values() if r.quiz.lesson_id}
    for result in results.values():
        result.quiz.course = course
    entries = []
    for module in modules:
        module.course = course
        entry = ModuleEntry(module=module, locked=module.id in locks.locked_module_ids)
        for lesson in module.lessons.all():
            lesson.course, lesson.module = course, module
            row = progress.get(lesson.id)
            entry.lessons.append(
                LessonEntry(
                    lesson=lesson,
                    status=row.status if row else LessonStatus.NOT_STARTED,
                    quiz=quiz_by_lesson.get(lesson.id),
                )
            )
        entries.append(entry)
    final_exam = next((r for r in results.values() if r.quiz.is_final), None)
    return CourseOutline(
        course=course,
        modules=entries,
        continue_lesson=_continue_lesson([e for e in entries if not e.locked], progress),
        final_exam=final_exam,
        final_exam_locked=locks.final_exam_locked,
    )


def _continue_lesson(modules: list[ModuleEntry], progress: dict) -> Lesson | None:
    """The lesson last opened and not finished, else the first one not completed."""
    unfinished = [entry.lesson for module in modules for entry in module.lessons if not entry.is_completed]
    opened = [lesson for lesson in unfinished if lesson.id in progress]
    if opened:
        return max(opened, key=lambda lesson: progress[lesson.id].last_viewed_at)
    return unfinished[0] if unfinished else None


def reviews_due_count(*, user, course: Course, now: datetime | None = None) -> int:
    """How many of a student's review cards in a course are due now. One query."""
    if not user.is_authenticated:
        return 0
    return ReviewCard.objects.filter(user=user, course=course, due__lte=now or timezone.now()).count()


def review_card_next(*, user, course: Course, now: datetime | None = None) -> ReviewCard | None:
    """The student's most overdue card in the course, or None when nothing is due."""
    return (
        ReviewCard.objects.filter(user=user, course=course, due__lte=now or timezone.now())
        .select_related("question__lesson__module")
        .order_by("due", "id")
        .first()
    )


def review_variant(*, card: ReviewCard) -> Question:
    """The question to ask for a card: a sibling of its variant group when there is one.

    Siblings (same lesson quiz, same group) test the same objective in other words, so a review is
    not a memory of the one item; among them the variant this student was asked least recently wins.
    """
    question = card.question
    if not question.variant_group:
        return question
    siblings = list(
        Question.objects.filter(
            lesson_id=question.lesson_id, pool=question.pool, variant_group=question.variant_group
        ).select_related("lesson__module")
    )
    last_asked = dict(
        Review.objects.filter(card=card, question__in=siblings)
        .values("question_id")
        .annotate(last=Max("reviewed_at"))
        .values_list("question_id", "last")
    )
    oldest = datetime.min.replace(tzinfo=UTC)
    # The card's own question was last seen in the quiz, so it counts as just asked.
    if card.last_review:
        last_asked.setdefault(question.pk, card.last_review)
    return min(siblings, key=lambda sibling: (last_asked.get(sibling.pk, oldest), sibling.pk))


@dataclass(frozen=True)
class Mastery:
    """How well a student currently answers questions on an objective or a module (None: no answers yet)."""

    share: float | None
    answers: int

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(100 * self.share)

    @property
    def label(self) -> str:
        if self.share is None:
            return "Not yet assessed"
        if self.share >= MASTERED:
            return "Mastered"
        return "Proficient" if self.share >= PROFICIENT else "Still learning"


PROFICIENT, MASTERED = 0.6, 0.85


@dataclass
class CourseMastery:
    """Mastery per (lesson id, objective number) and per module id."""

    objectives: dict[tuple[int, int], Mastery]
    modules: dict[int, Mastery]

    def for_lesson(self, lesson: Lesson) -> list[tuple[str, Mastery]]:
        return [
            (text, self.objectives.get((lesson.pk, number), Mastery(share=None, answers=0)))
            for number, text in enumerate(lesson.objective_list, start=1)
        ]


def course_mastery(*, user, course: Course) -> CourseMastery:
    """Mastery from the student's most recent answers (quizzes and reviews) on each objective. Two queries."""
    if not user.is_authenticated:
        return CourseMastery(objectives={}, modules={})
    return students_mastery(course=course, user_ids=[user.pk])[user.pk]


def students_mastery(*, course: Course, user_ids: list[int]) -> dict[int, CourseMastery]:
    """Each student's mastery in a course. Two queries, whatever the number of answers.

    An objective's mastery is the mean mark of the student's last five answers on its questions, in
    lesson quizzes and reviews alike, so an old mistake fades as the student answers well again; a
    module's is the mean of its objectives that have answers. An answer not marked yet (a written
    answer awaiting its marker) does not count. Each query returns only the last five answers per
    student and objective (a window function), with how many there are in all. For a whole class,
    class_mastery computes the same in one query aggregated in the database.
    """
    recent: dict[tuple[int, int, int], list[tuple[datetime, Decimal]]] = {}
    answers: dict[tuple[int, int, int], int] = {}
    module_of: dict[int, int] = {}
    quiz_rows = _recent_answers(
        AttemptQuestion.objects.filter(
            attempt__user_id__in=user_ids,
            attempt__status=Attempt.Status.FINISHED,
            attempt__quiz__course=course,
            question__objective__isnull=False,
            mark__isnull=False,
        ),
        user="attempt__user_id",
        when="attempt__finished_at",
    )
    review_rows = _recent_answers(
        Review.objects.filter(user_id__in=user_ids, card__course=course, question__objective__isnull=False),
        user="user_id",
        when="reviewed_at",
    )
    for rows in (quiz_rows, review_rows):
        in_source: dict[tuple[int, int, int], int] = {}
        for user_id, lesson_id, module_id, objective, when, mark, in_all in rows:
            key = (user_id, lesson_id, objective)
            recent.setdefault(key, []).append((when, mark))
            in_source[key] = in_all  # each of the objective's rows carries the same count
            module_of[lesson_id] = module_id
        for key, count in in_source.items():
            answers[key] = answers.get(key, 0) + count
    totals = []
    for (user_id, lesson_id, objective), marks in recent.items():
        last = [mark for _when, mark in sorted(marks, reverse=True)[:MASTERY_WINDOW]]
        totals.append(
            ObjectiveAnswers(
                user_id=user_id,
                lesson_id=lesson_id,
                module_id=module_of[lesson_id],
                objective=objective,
                recent_sum=sum(last),
                recent_count=len(last),
                answers=answers[user_id, lesson_id, objective],
            )
        )
    return _students_mastery(totals, user_ids)


def class_mastery(*, course: Course, user_ids: list[int]) -> dict[int, CourseMastery]:
    """students_mastery for a class: the same numbers, ranked and summed in the database. One query."""
    return _students_mastery(objective_answers(course=course, user_ids=user_ids), user_ids)


def _recent_answers(answers: QuerySet, *, user: str, when: str) -> QuerySet:
    """Per student and objective, the last MASTERY_WINDOW of these answers (newest first, the better mark first
    at the same moment) with how many answers there are in all: (user, lesson, module, objective, when, mark,
    count) rows."""
    objective = [F(user), F("question__lesson_id"), F("question__objective")]
    return (
        answers.annotate(
            recent=Window(RowNumber(), partition_by=objective, order_by=[F(when).desc(), F("mark").desc()]),
            in_all=Window(Count("pk"), partition_by=objective),
        )
        .filter(recent__lte=MASTERY_WINDOW)
        .order_by()
        .values_list(
            user, "question__lesson_id", "question__lesson__module_id", "question__objective", when, "mark", "in_all"
        )
    )


def _students_mastery(totals: Iterable[ObjectiveAnswers], user_ids: list[int]) -> dict[int, CourseMastery]:
    objectives: dict[int, dict[tuple[int, int], Mastery]] = {pk: {} for pk in user_ids}
    by_module: dict[int, dict[int, list[Mastery]]] = {pk: {} for pk in user_ids}
    for total in totals:
        mastery = Mastery(share=float(total.recent_sum) / total.recent_count, answers=total.answers)
        objectives[total.user_id][total.lesson_id, total.objective] = mastery
        by_module[total.user_id].setdefault(total.module_id, []).append(mastery)
    return {
        user_id: CourseMastery(
            objectives=objectives[user_id],
            modules={
                module_id: Mastery(
                    share=sum(m.share for m in values) / len(values), answers=sum(m.answers for m in values)
                )
                for module_id, values in by_module[user_id].items()
            },
        )
        for user_id in user_ids
    }


@dataclass(frozen=True)
class CalendarDay:
    course: Course
    day: date
    count: int


def review_calendar(*, user, now: datetime | None = None) -> list[CalendarDay]:
    """Due reviews per course and day, from today on (overdue ones count for today). Two queries."""
    today = timezone.localdate(now or timezone.now())
    counts: dict[tuple[int, date], int] = {}
    for course_id, due in ReviewCard.objects.filter(user=user).values_list("course_id", "due"):
        day = max(timezone.localdate(due), today)
        counts[(course_id, day)] = counts.get((course_id, day), 0) + 1
    courses = Course.objects.in_bulk({course_id for course_id, _day in counts})
    return [
        CalendarDay(course=courses[course_id], day=day, count=count)
        for (course_id, day), count in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0]))
    ]


@dataclass
class DashboardEntry:
    """One course on a student's "My courses" page."""

    outline: CourseOutline
    mastery: Mastery
    due_count: int

    @property
    def course(self) -> Course:
        return self.outline.course

    @property
    def started(self) -> bool:
        return (
            self.outline.steps_done > 0
            or self.mastery.answers > 0
            or any(
                entry.status != LessonStatus.NOT_STARTED for module in self.outline.modules for entry in module.lessons
            )
        )


def student_dashboard(*, user) -> list[DashboardEntry]:
    """Every course the student can open, started ones first, with progress, mastery, reviews due and next step.

    A fixed number of queries per course (outline, mastery, reviews due), whatever its size.
    """
    entries = []
    enrolled = Enrolment.objects.filter(user=user, course=OuterRef("pk"), status=Enrolment.Status.ACTIVE)
    courses = Course.objects.visible_to(user).order_by("title")
    if not user.is_staff:
        # Invitation-only courses appear once the student is on their roster.
        courses = courses.filter(Q(enrolment=EnrolmentPolicy.OPEN) | Exists(enrolled))
    for course in courses:
        mastery = course_mastery(user=user, course=course)
        shares = [m.share for m in mastery.modules.values()]
        overall = Mastery(
            share=sum(shares) / len(shares) if shares else None,
            answers=sum(m.answers for m in mastery.modules.values()),
        )
        entries.append(
            DashboardEntry(
                outline=course_outline(course=course, user=user),
                mastery=overall,
                due_count=reviews_due_count(user=user, course=course),
            )
        )
    return sorted(entries, key=lambda entry: not entry.started)


@dataclass(frozen=True)
class NextStep:
    """What a student can do after passing a quiz: read on, a module just opened, or a certificate."""

    lesson: Lesson | None = None
    module_opened: Module | None = None
    final_exam_open: bool = False
    has_certificate: bool = False


def next_step_after(*, attempt: Attempt, user) -> NextStep:
    """The next-step panel of a passed attempt's result page. Four queries."""
    course = attempt.quiz.course
    if Certificate.objects.filter(user=user, course=course).exists():
        return NextStep(has_certificate=True)
    locks, results = course_locks_for(course=course, user=user)
    completed = set(
        LessonProgress.objects.filter(user=user, lesson__course=course, status=LessonStatus.COMPLETED).values_list(
            "lesson_id", flat=True
        )
    )
    sequence = list(
        Lesson.objects.visible_to(user)
        .filter(course=course)
        .in_reading_order()
        .select_related("module")
        .only("id", "slug", "title", "course_id", "module__id", "module__title", "module__position", "module_id")
    )
    upcoming = next(
        (lesson for lesson in sequence if lesson.id not in completed and not locks.lesson_locked(lesson)), None
    )
    if upcoming is None:
        final = next((result for result in results.values() if result.quiz.is_final), None)
        return NextStep(final_exam_open=bool(final) and not locks.final_exam_locked and not final.passed)
    upcoming.course = course
    current_module = attempt.quiz.lesson.module_id if attempt.quiz.lesson else None
    opened = upcoming.module if upcoming.module_id != current_module and attempt.quiz.lesson else None
    return NextStep(lesson=upcoming, module_opened=opened)
