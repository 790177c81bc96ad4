"""Reads of the student's path: the course outline with progress and locks, and where to continue.

Each runs a fixed number of queries whatever the course size.
"""

import bisect
import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from django.core.cache import cache, caches
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from certificates.models import Certificate
from learning.mastery import MASTERY_WINDOW, ObjectiveAnswers, objective_answers
from learning.models import Enrolment, Review, ReviewCard
from lessons.caching import CACHE_SECONDS, versions
from lessons.models import Course, EnrolmentPolicy, KeyTerm, Lesson, LessonProgress, LessonStatus, Module
from lessons.selectors import LessonStatusMixin
from quizzes import selectors as quiz_selectors
from quizzes.forms import AttemptDisplay
from quizzes.models import Attempt, AttemptQuestion, Question, Quiz
from quizzes.selectors import QuizResult


def enrolment_get(*, user, course: Course) -> Enrolment | None:
    """The student's roster row for the course, active or removed; None for visitors and the never enrolled."""
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course=course).first()


# ---------------------------------------------------------------- cached reads
#
# A course's structure is cached per content version and a student's standing per (content version,
# progress version): see lessons/caching.py for when each is bumped. Nothing cached is ever updated in
# place, so a student never sees another's standing or one older than their last change.


@dataclass
class CourseStructure:
    """A course's modules, lessons (without their bodies) and quizzes, drafts included, in reading order."""

    course: Course
    modules: list[Module]
    lessons: list[Lesson]
    quizzes: list[Quiz]
    # What staff and students may see of it, worked out once per process (never part of what is cached).
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self):
        return {**self.__dict__, "derived": {}}

    def _seen(self, what: str, user, everything: list, visible) -> tuple:
        key = (what, user.is_staff)
        found = self.derived.get(key)
        if found is None:
            found = self.derived[key] = tuple(everything if user.is_staff else filter(visible, everything))
        return found

    def modules_for(self, user) -> tuple[Module, ...]:
        return self._seen("modules", user, self.modules, lambda module: module.is_published)

    def lessons_for(self, user) -> tuple[Lesson, ...]:
        """The lessons a user may open, in reading order (drafts anywhere up the chain hide one from students)."""
        return self._seen("lessons", user, self.lessons, lambda lesson: lesson.is_visible_to_students)

    def quizzes_for(self, user) -> tuple[Quiz, ...]:
        return self._seen(
            "quizzes",
            user,
            self.quizzes,
            lambda quiz: (
                quiz.is_published
                and (quiz.lesson is None or quiz.lesson.is_visible_to_students)
                and (quiz.module is None or quiz.module.is_published)
            ),
        )


def _course_structure_build(course: Course) -> CourseStructure:
    modules = list(Module.objects.filter(course=course).order_by("position", "id").defer("keywords", "loaded_state"))
    lessons = list(
        Lesson.objects.filter(course=course)
        .in_reading_order()
        .only("id", "slug", "title", "summary", "position", "is_published", "word_count", "module_id", "course_id")
    )
    quizzes = list(Quiz.objects.filter(course=course).order_by("kind", "id").defer("loaded_state", "blueprint"))
    by_module = {module.pk: module for module in modules}
    by_lesson = {lesson.pk: lesson for lesson in lessons}
    for module in modules:
        module.course = course
    for lesson in lessons:
        lesson.course, lesson.module = course, by_module[lesson.module_id]
    for quiz in quizzes:
        quiz.course = course
        quiz.lesson = by_lesson.get(quiz.lesson_id)
        quiz.module = by_module.get(quiz.module_id)
    # Quizzes in the lessons' reading order, a module's written task after its lessons, the final exam last.
    order = {lesson.pk: index for index, lesson in enumerate(lessons)}
    module_end = {lesson.module_id: index for index, lesson in enumerate(lessons)}

    def place(quiz: Quiz) -> tuple:
        if quiz.module_id:
            return (quiz.is_final, module_end.get(quiz.module_id, -1) + 0.5, quiz.pk)
        return (quiz.is_final, order.get(quiz.lesson_id, 0), quiz.pk)

    quizzes.sort(key=place)
    return CourseStructure(course=course, modules=modules, lessons=lessons, quizzes=quizzes)


def _cached(key: str, build=None):
    """The value under a versioned key: from this process or the shared cache (the `versioned` alias), else
    `build()` (and stored). Without `build`, a value found nowhere is None."""
    store = caches["versioned"]
    value = store.get(key)
    if value is None and build is not None:
        value = build()
        store.set(key, value, CACHE_SECONDS)
    return value


def _slug_key(slug: str) -> str:
    return f"course-slug:{slug}"


# A course's id by its slug, also kept in each process: a stale entry (a course renamed, or deleted and its
# slug reused) is harmless, since the structure read under it names another slug or no longer exists (its
# course's version was bumped), and the course is then looked up by slug.
_slug_ids: dict[str, int] = {}


@dataclass
class CourseView:
    """A course as one user opens it: its structure and the versions that key what is cached for them."""

    structure: CourseStructure
    course_version: str
    progress_version: str
    enrolment_version: str = ""

    @property
    def course(self) -> Course:
        return self.structure.course


def course_open(*, slug: str, user) -> CourseView:
    """The course a user may see with its cached structure, or 404 (drafts are hidden from students).

    No query once cached: the slug's course id, the versions and the structure come from the cache.
    """
    user_id = user.pk if user.is_authenticated else None
    course_id = _slug_ids.get(slug)
    if course_id is None:
        course_id = cache.get(_slug_key(slug))
    structure = None
    if course_id is not None:
        found = versions(course_id=course_id, user_id=user_id)
        structure = _cached(f"course-structure2:{course_id}:{found.course}")
    if structure is None or structure.course.slug != slug:
        course = Course.objects.filter(slug=slug).first()
        if course is None:
            raise Http404("No such course.")
        # Versions first, then the rows: what is stored is never older than the version it is stored under.
        found = versions(course_id=course.pk, user_id=user_id)
        structure = _cached(f"course-structure2:{course.pk}:{found.course}", lambda: _course_structure_build(course))
        cache.set(_slug_key(slug), course.pk, CACHE_SECONDS)
        course_id = course.pk
    if len(_slug_ids) > 1000:
        _slug_ids.clear()
    _slug_ids[slug] = course_id
    if not (user.is_staff or structure.course.is_published):
        raise Http404("No such course.")
    return CourseView(
        structure=structure,
        course_version=found.course,
        progress_version=found.progress,
        enrolment_version=found.enrolment,
    )


def _enrolment_key(view: CourseView, user) -> str:
    return f"enrolment:{view.course.pk}:{user.pk}:{view.enrolment_version}"


def _standing_key(view: CourseView, user) -> str:
    # "standing3": a standing cached by older code (without `derived`) is never read.
    return f"standing3:{view.course.pk}:{user.pk}:{view.course_version}:{view.progress_version}"


def standing_and_enrolment_cached(*, view: CourseView, user) -> tuple["Standing | None", Enrolment | None]:
    """The student's standing and their active enrolment in the course, each if cached (else None), in one cache
    read at most. No query."""
    if not user.is_authenticated:
        return None, None
    keys = [_standing_key(view, user), _enrolment_key(view, user)]
    found = caches["versioned"].get_many(keys)
    return found.get(keys[0]), found.get(keys[1])


def enrolment_remember(*, view: CourseView, user, enrolment: Enrolment | None) -> None:
    """Keep an active enrolment read after `view`'s versions, under its enrolment version."""
    if user.is_authenticated and enrolment is not None and enrolment.is_active:
        caches["versioned"].set(
            f"enrolment:{view.course.pk}:{user.pk}:{view.enrolment_version}", enrolment, CACHE_SECONDS
        )


@dataclass
class LessonDetail:
    """What every reader of a lesson sees: the full lesson, its key terms and sources."""

    lesson: Lesson
    key_terms: list[KeyTerm]
    sources: list


def lesson_detail(*, view: CourseView, lesson: Lesson) -> LessonDetail:
    """A lesson's body, key terms and sources, cached per content version. Three queries when not cached."""

    def build():
        full = Lesson.objects.defer("loaded_state", "body").get(pk=lesson.pk)
        full.course, full.module = view.course, lesson.module
        return LessonDetail(
            lesson=full, key_terms=list(full.key_terms.order_by("term")), sources=list(full.sources.order_by("key"))
        )

    return _cached(f"lesson-detail:{lesson.pk}:{view.course_version}", build)


@dataclass(frozen=True)
class AttemptFormCopy:
    """What an open attempt's form page draws: the attempt's row (no slots, no quiz) and its questions drawn with
    the answers saved so far. Kept per attempt and progress version; shared, so never changed."""

    attempt: Attempt
    questions_html: str


# A drawn attempt form is only of use while its student works on it: an hour, not the day of other versioned entries.
ATTEMPT_FORM_SECONDS = 60 * 60


def _attempt_form_key(view: CourseView, user, attempt_id: int) -> str:
    return f"attempt-form:{attempt_id}:{user.pk}:{view.progress_version}"


def attempt_for_form(
    *, view: CourseView, user, attempt_id: int, quizzes: dict[int, Quiz]
) -> tuple[Attempt, str | None]:
    """The student's own attempt in this course (404 for anyone else's) and, while it is open, its questions drawn
    with the saved answers (None once it is closed, or when a question has no kept shape: the caller draws it).

    An open attempt's drawing is kept per attempt and progress version: every write to an attempt bumps its
    student's progress version (a submit, a close or a mark saves the attempt, see quizzes/signals.py; a saved
    answer bumps it in `quizzes.services`), so a reload reads no attempt and no slot, and never shows answers
    older than the last save. The attempt comes back with its slots when read, without them when kept.
    `quizzes` are the course's quizzes by id, from `view`'s structure.
    """
    store = caches["versioned"]
    key = _attempt_form_key(view, user, attempt_id)
    kept = store.get(key)
    if kept is None or kept.attempt.quiz_id not in quizzes:
        attempt = quiz_selectors.attempt_get(course=view.course, attempt_id=attempt_id, user=user, quizzes=quizzes)
        if not attempt.is_open:
            return attempt, None
        questions_html = AttemptDisplay(list(attempt.slots.all())).questions_html
        if questions_html is not None:
            names = [field.attname for field in Attempt._meta.concrete_fields]
            row = Attempt.from_db(attempt._state.db, names, [getattr(attempt, name) for name in names])
            store.set(key, AttemptFormCopy(attempt=row, questions_html=questions_html), ATTEMPT_FORM_SECONDS)
        return attempt, questions_html
    attempt = copy.copy(kept.attempt)
    attempt.quiz = quizzes[attempt.quiz_id]
    return attempt, kept.questions_html


@dataclass
class Standing:
    """One student's state in one course: progress per lesson, attempts per quiz, mastery, reviews, enrolment."""

    progress: dict[int, tuple[str, datetime]] = field(default_factory=dict)
    # The student's attempts per quiz id, oldest first (rows without their slots; shared: never change them).
    attempts: dict[int, list[Attempt]] = field(default_factory=dict)
    mastery: "CourseMastery | None" = None
    review_due: list[datetime] = field(default_factory=list)
    enrolment: Enrolment | None = None
    # What pages work out from this standing and the course structure of the same content version (locks and
    # quiz results), kept with it in this process: derived, never part of what is stored in the cache.
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self):
        return {**self.__dict__, "derived": {}}

    def due_count(self, now: datetime | None = None) -> int:
        return bisect.bisect_right(self.review_due, now or timezone.now())

    def quiz_attempts(self, quiz: Quiz) -> list[Attempt]:
        """The student's attempts at a quiz, oldest first, as `quizzes.selectors.quiz_attempts` reads them: copies
        of the cached rows with their quiz set. No query."""
        attempts = [copy.copy(attempt) for attempt in self.attempts.get(quiz.pk, ())]
        for attempt in attempts:
            attempt.quiz = quiz
        return attempts

    def last_viewed_lesson_id(self) -> int | None:
        return max(self.progress, key=lambda lesson_id: self.progress[lesson_id][1], default=None)


def _standing_build(*, view: CourseView, user) -> Standing:
    course = view.course
    # The enrolment changes far less often than the rest: taken from its own cache when there, else read and kept.
    enrolment = caches["versioned"].get(_enrolment_key(view, user))
    if enrolment is None:
        enrolment = Enrolment.objects.filter(user=user, course=course).first()
        enrolment_remember(view=view, user=user, enrolment=enrolment)
    progress = {
        lesson_id: (status, viewed)
        for lesson_id, status, viewed in LessonProgress.objects.filter(user=user, lesson__course=course).values_list(
            "lesson_id", "status", "last_viewed_at"
        )
    }
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(user=user, quiz__course=course).order_by("quiz_id", "number"):
        attempts.setdefault(attempt.quiz_id, []).append(attempt)
    due = sorted(ReviewCard.objects.filter(user=user, course=course).values_list("due", flat=True))
    return Standing(
        progress=progress,
        attempts=attempts,
        mastery=students_mastery(course=course, user_ids=[user.pk])[user.pk],
        review_due=due,
        enrolment=enrolment,
    )


def student_standing(*, view: CourseView, user, build: bool = True) -> Standing | None:
    """The student's standing in the course, cached per (content, progress) version; empty for visitors.

    Five queries when not cached (progress, attempts, mastery's two, review cards), and the enrolment unless
    cached per enrolment version (see `enrolment_remember`); none when cached.
    With `build` off, a standing not cached is None (for a page that can do with less than all of it).
    """
    if not user.is_authenticated:
        return Standing(mastery=CourseMastery(objectives={}, modules={}))
    return _cached(_standing_key(view, user), (lambda: _standing_build(view=view, user=user)) if build else None)


def quiz_results(*, view: CourseView, standing: Standing, user) -> dict[int, QuizResult]:
    """Every quiz of the course the user may see, keyed by id, with their standing on it. No query."""
    results = {}
    for quiz in view.structure.quizzes_for(user):
        result = QuizResult(quiz=quiz)
        for attempt in standing.attempts.get(quiz.pk, ()):
            result.count_attempt(attempt.pk, attempt.status, attempt.score)
        results[quiz.pk] = result
    return results


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
    # The module's written task, if it has one: a step of the course, never a lock on the next module.
    task: QuizResult | None = None

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
    def tasks(self) -> list[QuizResult]:
        return [module.task for module in self.modules if module.task]

    @property
    def step_count(self) -> int:
        """The course's one progress measure counts steps: each lesson, each module's written task, and the
        final exam if there is one."""
        return self.lesson_count + len(self.tasks) + bool(self.final_exam)

    @property
    def steps_done(self) -> int:
        """Lessons completed (passing a lesson's quiz completes it), written tasks passed (once marked), and the
        final exam once passed."""
        tasks_passed = sum(task.passed for task in self.tasks)
        return self.completed_count + tasks_passed + bool(self.final_exam and self.final_exam.passed)

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

    def module_locked(self, module_id: int) -> bool:
        return module_id in self.locked_module_ids


def course_locks(*, course: Course, user, module_ids: list[int], results: dict[int, QuizResult]) -> CourseLocks:
    """A module unlocks once every lesson quiz of the modules before it is passed; staff are never locked.

    A module's written task never holds back the next module (it may wait days for a marker).
    """
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
    """The locks and quiz results of a course for one user, from the cached structure and standing."""
    view = course_open(slug=course.slug, user=user)
    return course_view_locks(view=view, user=user)


def course_view_locks(
    *, view: CourseView, user, standing: Standing | None = None
) -> tuple[CourseLocks, dict[int, QuizResult]]:
    """The locks and quiz results from the standing; worked out once per standing and kind of user in a process
    (shared: never change them)."""
    standing = standing or student_standing(view=view, user=user)
    found = standing.derived.get(("locks", user.is_staff))
    if found is None:
        results = quiz_results(view=view, standing=standing, user=user)
        module_ids = [module.pk for module in view.structure.modules_for(user)]
        found = course_locks(course=view.course, user=user, module_ids=module_ids, results=results), results
        standing.derived[("locks", user.is_staff)] = found
    return found


def course_outline(*, course: Course, user, view: CourseView | None = None) -> CourseOutline:
    """Modules with their visible lessons, each lesson's status and quiz standing, locks, and where to continue.

    Built from the cached structure and standing: no query once both are cached.
    """
    view = view or course_open(slug=course.slug, user=user)
    standing = student_standing(view=view, user=user)
    locks, results = course_view_locks(view=view, user=user, standing=standing)
    quiz_by_lesson = {r.quiz.lesson_id: r for r in results.values() if r.quiz.lesson_id}
    task_by_module = {r.quiz.module_id: r for r in results.values() if r.quiz.module_id}
    lessons_by_module: dict[int, list[Lesson]] = {}
    for lesson in view.structure.lessons_for(user):
        lessons_by_module.setdefault(lesson.module_id, []).append(lesson)
    entries = []
    for module in view.structure.modules_for(user):
        entry = ModuleEntry(
            module=module,
            locked=module.id in locks.locked_module_ids,
            mastery=standing.mastery.modules.get(module.pk) if standing.mastery else None,
            task=task_by_module.get(module.pk),
        )
        for lesson in lessons_by_module.get(module.pk, ()):
            row = standing.progress.get(lesson.id)
            entry.lessons.append(
                LessonEntry(
                    lesson=lesson,
                    status=row[0] if row else LessonStatus.NOT_STARTED,
                    quiz=quiz_by_lesson.get(lesson.id),
                )
            )
        entries.append(entry)
    final_exam = next((r for r in results.values() if r.quiz.is_final), None)
    return CourseOutline(
        course=view.course,
        modules=entries,
        continue_lesson=_continue_lesson([e for e in entries if not e.locked], standing.progress),
        final_exam=final_exam,
        final_exam_locked=locks.final_exam_locked,
    )


def _continue_lesson(modules: list[ModuleEntry], progress: dict) -> Lesson | None:
    """The lesson last opened and not finished, else the first one not completed."""
    unfinished = [entry.lesson for module in modules for entry in module.lessons if not entry.is_completed]
    opened = [lesson for lesson in unfinished if lesson.id in progress]
    if opened:
        return max(opened, key=lambda lesson: progress[lesson.id][1])
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
