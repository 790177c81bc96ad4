"""Reads of the student's path: the course outline with progress and locks, and where to continue.

Each runs a fixed number of queries whatever the course size.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from lessons.models import Course, Lesson, LessonProgress, LessonStatus, Module
from lessons.selectors import LessonStatusMixin
from quizzes.selectors import QuizResult, course_quiz_results


@dataclass
class LessonEntry(LessonStatusMixin):
    lesson: Lesson
    status: str = LessonStatus.NOT_STARTED
    quiz: QuizResult | None = None

    @property
    def done_count(self) -> int:
        """Progress items finished: the lesson itself, and its quiz when passed."""
        return self.is_completed + bool(self.quiz and self.quiz.passed)

    @property
    def item_count(self) -> int:
        return 1 + bool(self.quiz)


def _percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


@dataclass
class ModuleEntry:
    module: Module
    lessons: list[LessonEntry] = field(default_factory=list)
    locked: bool = False

    @property
    def completed_count(self) -> int:
        return sum(entry.is_completed for entry in self.lessons)

    @property
    def percent(self) -> int:
        """Share of the module's lessons completed and quizzes passed."""
        return _percent(sum(e.done_count for e in self.lessons), sum(e.item_count for e in self.lessons))


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
    def percent(self) -> int:
        """Share of all lessons completed and quizzes passed, the final exam included."""
        entries = [entry for module in self.modules for entry in module.lessons]
        final_done = bool(self.final_exam and self.final_exam.passed)
        return _percent(
            sum(e.done_count for e in entries) + final_done,
            sum(e.item_count for e in entries) + bool(self.final_exam),
        )


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
