"""Reads for quizzes and attempts; each runs a fixed number of queries."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.http import Http404
from django.utils.safestring import SafeString, mark_safe

from lessons.markdown import render_markdown
from lessons.models import Course, Module
from quizzes.grading import (
    correct_answer_lines,
    is_hand_marked,
    is_marked,
    response_feedback,
    response_lines,
    rubric_total,
    word_count,
)
from quizzes.linting import Finding, lint_item_from_question, lint_items
from quizzes.models import Attempt, AttemptQuestion, GradingMethod, Question, QuestionLevel, Quiz

SCORE_PLACES = Decimal("0.01")
HEAVY_LESSON_FIELDS = ("body", "body_html", "sections", "objectives", "summary", "loaded_state")


def quiz_grade(scores: list[Decimal], method: str) -> Decimal | None:
    """The quiz grade from finished attempts' scores (in attempt order) by the quiz's grading method."""
    if not scores:
        return None
    if method == GradingMethod.LATEST:
        return scores[-1]
    if method == GradingMethod.FIRST:
        return scores[0]
    if method == GradingMethod.AVERAGE:
        return (sum(scores, Decimal(0)) / len(scores)).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)
    return max(scores)


@dataclass
class QuizResult:
    """A student's standing on one quiz."""

    quiz: Quiz
    scores: list[Decimal] = field(default_factory=list)
    open_attempt_id: int | None = None
    attempts_used: int = 0
    # Submitted attempts whose written answers wait for a marker: counted as used, neither passed nor failed.
    awaiting_marking: int = 0

    @property
    def grade(self) -> Decimal | None:
        return quiz_grade(self.scores, self.quiz.grading_method)

    @property
    def passed(self) -> bool:
        return self.grade is not None and self.grade >= self.quiz.pass_mark

    @property
    def attempts_left(self) -> int | None:
        if self.quiz.attempts_allowed is None:
            return None
        return max(0, self.quiz.attempts_allowed - self.attempts_used)

    @property
    def can_start(self) -> bool:
        return self.open_attempt_id is not None or self.attempts_left != 0

    def count_attempt(self, attempt_id: int, status: str, score: Decimal | None) -> None:
        """Count one of the student's attempts (oldest first): a score, one awaiting marking, or the open one."""
        self.attempts_used += 1
        if status == Attempt.Status.FINISHED:
            self.scores.append(score)
        elif status == Attempt.Status.AWAITING_MARKING:
            self.awaiting_marking += 1
        else:
            self.open_attempt_id = attempt_id


def quiz_get(*, course: Course, slug: str, user) -> Quiz:
    """A quiz the user may see, or 404."""
    try:
        quiz = Quiz.objects.visible_to(user).select_related("lesson__module").get(course=course, slug=slug)
    except Quiz.DoesNotExist:
        raise Http404("No such quiz.") from None
    quiz.course = course
    if quiz.lesson:
        quiz.lesson.course = course
    return quiz


def quiz_attempts(*, quiz: Quiz, user) -> list[Attempt]:
    """The user's attempts at a quiz, oldest first."""
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))
    for attempt in attempts:
        attempt.quiz = quiz
    return attempts


def quiz_result(*, quiz: Quiz, attempts: list[Attempt]) -> QuizResult:
    """A student's standing on a quiz from their attempts (oldest first)."""
    result = QuizResult(quiz=quiz)
    for attempt in attempts:
        result.count_attempt(attempt.pk, attempt.status, attempt.score)
    return result


def written_waiting_count(*, quiz: Quiz | None = None, course: Course | None = None) -> int:
    """Written answers of students waiting for a marker: in one quiz, one course, or everywhere. One query."""
    slots = AttemptQuestion.objects.filter(
        snapshot__qtype="written",
        marked_at__isnull=True,
        attempt__status=Attempt.Status.AWAITING_MARKING,
        attempt__user__is_staff=False,
    )
    if quiz is not None:
        slots = slots.filter(attempt__quiz=quiz)
    if course is not None:
        slots = slots.filter(attempt__quiz__course=course)
    return slots.count()


def attempt_get(*, course: Course, attempt_id: int, user, quizzes: dict[int, Quiz] | None = None) -> Attempt:
    """The user's own attempt in this course, with its questions; anyone else's is a 404.

    Two queries (the attempt with its quiz, lesson and module; its slots). A caller that already holds the
    course's quizzes by id passes them, and the attempt is read with its slots in one query (two if it has none).
    """
    if quizzes is not None:
        # By its key alone (a cheap query to build); whose attempt and which course it is, is checked here.
        slots = list(AttemptQuestion.objects.filter(attempt_id=attempt_id).select_related("attempt"))
        if slots and (slots[0].attempt.user_id != user.pk or slots[0].attempt.quiz_id not in quizzes):
            raise Http404("No such attempt.")
        if slots:
            attempt = slots[0].attempt
            for slot in slots:
                slot.attempt = attempt
            # Stored the way prefetch_related("slots") stores them, so attempt.slots.all() reads them without a query.
            prefetched = attempt.slots.all()
            prefetched._result_cache, prefetched._prefetch_done = slots, True
            attempt._prefetched_objects_cache = {"slots": prefetched}
            attempt.quiz = quizzes[attempt.quiz_id]
            attempt.quiz.course = course
            if attempt.quiz.lesson:
                attempt.quiz.lesson.course = course
            return attempt
    attempts = Attempt.objects.prefetch_related("slots")
    if quizzes is not None:
        attempts = attempts.filter(quiz_id__in=quizzes)
    else:
        attempts = (
            attempts.select_related("quiz__lesson__module")
            .defer(*(f"quiz__lesson__{name}" for name in HEAVY_LESSON_FIELDS))
            .filter(quiz__course=course)
        )
    try:
        attempt = attempts.get(pk=attempt_id, user=user)
    except Attempt.DoesNotExist:
        raise Http404("No such attempt.") from None
    if quizzes is not None:
        attempt.quiz = quizzes[attempt.quiz_id]
    attempt.quiz.course = course
    if attempt.quiz.lesson:
        attempt.quiz.lesson.course = course
    return attempt


@dataclass(frozen=True)
class RubricRow:
    """One criterion of a written answer's rubric, with the level the marker chose (None before marking)."""

    title: str
    description: str
    levels: list[dict]
    chosen: dict | None

    @property
    def top_points(self) -> int:
        return max((level["points"] for level in self.levels), default=0)


def rubric_rows(snapshot: dict, chosen: dict | None) -> list[RubricRow]:
    """The snapshot's rubric criterion by criterion, with the chosen level of each."""
    chosen = chosen or {}
    rows = []
    for criterion in snapshot.get("rubric", []):
        picked = chosen.get(str(criterion["id"]))
        rows.append(
            RubricRow(
                title=criterion["title"],
                description=criterion["description"],
                levels=criterion["levels"],
                chosen=next((level for level in criterion["levels"] if level["id"] == picked), None),
            )
        )
    return rows


def markdown_html(text: str) -> SafeString:
    """A written task's situation, prompt or guidance (Markdown) as sanitized HTML, as lessons are rendered."""
    # render_markdown sanitizes with nh3, as on the lesson page.
    return mark_safe(render_markdown(text))


@dataclass
class SlotReview:
    """One question of a finished attempt as the result page shows it."""

    position: int
    snapshot: dict
    mark: Decimal
    answered: list[str]
    correct: list[str]
    feedback: list[str]
    # Written answers: whether a marker has marked it yet, the rubric with the chosen levels, the comment.
    awaiting_marking: bool = False
    rubric: list[RubricRow] = field(default_factory=list)
    comment: str = ""

    @property
    def is_marked(self) -> bool:
        return is_marked(self.snapshot)

    @property
    def is_written(self) -> bool:
        return is_hand_marked(self.snapshot)

    @property
    def points(self) -> int:
        return sum(row.chosen["points"] for row in self.rubric if row.chosen)

    @property
    def points_total(self) -> int:
        return rubric_total(self.snapshot.get("rubric", []))

    @property
    def words(self) -> int:
        return word_count(self.answered[0]) if self.answered else 0

    @property
    def text_html(self) -> SafeString:
        return markdown_html(self.snapshot["text"])

    @property
    def guidance_html(self) -> SafeString:
        return markdown_html(self.snapshot.get("explanation", ""))

    @property
    def percent(self) -> int:
        return round(self.mark * 100)

    @property
    def outcome(self) -> str:
        if self.mark >= 1:
            return "correct"
        return "partial" if self.mark > 0 else "incorrect"


def attempt_review(*, attempt: Attempt) -> list[SlotReview]:
    """Per-question results of a finished attempt, built only from its snapshots."""
    return slots_review(slots=attempt.slots.all())


def slots_review(*, slots) -> list[SlotReview]:
    """Per-question results of marked slots, saved or not (a preview's are not)."""
    return [
        SlotReview(
            position=slot.position,
            snapshot=slot.snapshot,
            mark=slot.mark or Decimal(0),
            answered=response_lines(slot.snapshot, slot.response),
            correct=correct_answer_lines(slot.snapshot),
            feedback=response_feedback(slot.snapshot, slot.response) if not is_hand_marked(slot.snapshot) else [],
            awaiting_marking=is_hand_marked(slot.snapshot) and slot.marked_at is None,
            rubric=rubric_rows(slot.snapshot, slot.rubric_levels) if is_hand_marked(slot.snapshot) else [],
            comment=slot.marker_comment,
        )
        for slot in slots
    ]


@dataclass
class ModuleScore:
    module: str
    questions: int
    percent: int


def review_by_module(*, review: list[SlotReview]) -> list[ModuleScore]:
    """An attempt's score per module, in the order the modules first appear, from its snapshots."""
    marks: dict[str, list[Decimal]] = {}
    for item in review:
        if not item.is_marked or item.awaiting_marking:
            continue
        module = item.snapshot.get("module_title") or item.snapshot.get("lesson_title", "")
        marks.setdefault(module, []).append(item.mark)
    return [
        ModuleScore(module=module, questions=len(values), percent=round(100 * sum(values) / len(values)))
        for module, values in marks.items()
    ]


def course_question_findings(*, course: Course) -> list[Finding]:
    """The question linter's findings over every question of a course (course-wide rules need them all)."""
    questions = (
        Question.objects.filter(course=course).select_related("lesson").prefetch_related("choices", "criteria__levels")
    )
    return lint_items(lint_item_from_question(question) for question in questions)


def quiz_question_findings(*, quiz: Quiz) -> list[Finding]:
    """The findings that concern one quiz: its pool's, and course-wide ones naming one of its questions."""
    keys = set(quiz.question_pool().values_list("key", flat=True))
    return [finding for finding in course_question_findings(course=quiz.course) if finding.key in keys]


@dataclass
class BlueprintRow:
    """One module of an exam blueprint: (level, target, questions in the bank) per level."""

    module: Module
    cells: list[tuple[str, int, int]]

    @property
    def covered(self) -> bool:
        return all(count >= target for _level, target, count in self.cells)


def exam_blueprint_coverage(*, quiz: Quiz) -> list[BlueprintRow]:
    """How the final exam's bank covers its blueprint, module by module and level by level. Two queries."""
    counts = {
        (row["lesson__module_id"], row["level"]): row["n"]
        for row in quiz.question_pool().order_by().values("lesson__module_id", "level").annotate(n=Count("id"))
    }
    rows = []
    for module in Module.objects.filter(course_id=quiz.course_id).order_by("position"):
        targets = quiz.blueprint.get(module.slug, {})
        cells = [
            (level.label, targets.get(level.value, 0), counts.get((module.id, level.value), 0))
            for level in QuestionLevel
        ]
        rows.append(BlueprintRow(module=module, cells=cells))
    return rows
