"""Reads for the staff reports: the gradebook, one student's record and a quiz's item analysis.

Every function runs a fixed number of queries, whatever the number of students: rows for a page (or a
CSV chunk) of students come from one progress query and one attempts query, put together here.
"""

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.models import Certificate
from lessons.models import Course, Lesson, LessonProgress, LessonStatus, Module
from lessons.selectors import LessonStatusMixin
from quizzes.grading import normalize_answer
from quizzes.models import Attempt, AttemptQuestion, QuestionType, Quiz
from quizzes.selectors import QuizResult
from reports.charts import Bar, BarChart, bar_chart
from reports.statistics import (
    TOO_EASY_FACILITY,
    TOO_HARD_FACILITY,
    ItemFlag,
    discrimination_index,
    facility_index,
    item_flags,
    mean,
    standard_deviation,
)

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


def gradebook_columns(*, course: Course, module: Module | None = None) -> GradebookColumns:
    """The gradebook's lessons and quizzes in reading order, the final exam last. Two queries."""
    course_lessons = list(
        Lesson.objects.filter(course=course, is_published=True, module__is_published=True)
        .in_reading_order()
        .only("id", "title", "slug", "module_id", "course_id", "position")
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


def course_students(*, course: Course) -> QuerySet:
    """Non-staff users who opened a lesson or started a quiz of the course, by username."""
    progress = LessonProgress.objects.filter(user=OuterRef("pk"), lesson__course=course)
    attempts = Attempt.objects.filter(user=OuterRef("pk"), quiz__course=course)
    return (
        get_user_model()
        .objects.filter(is_staff=False)
        .filter(Exists(progress) | Exists(attempts))
        .order_by("username", "pk")
    )


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


def _done(cells: list[LessonCell], results: list[QuizResult]) -> tuple[int, int]:
    """Items finished and items in all, counted as the outline counts them: lessons completed, quizzes passed."""
    return sum(cell.is_completed for cell in cells) + sum(r.passed for r in results), len(cells) + len(results)


def gradebook_rows(*, columns: GradebookColumns, students: list[AbstractUser]) -> list[GradebookRow]:
    """A row for each student, in the order given. Two queries, whatever the number of students."""
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
        result = results.setdefault((user_id, quiz_id), QuizResult(quiz=quiz_by_id[quiz_id]))
        result.attempts_used += 1
        if status == Attempt.Status.FINISHED:
            result.scores.append(score)
        else:
            result.open_attempt_id = attempt_id

    def cell(student_id: int, lesson: Lesson) -> LessonCell:
        return cells.get((student_id, lesson.id)) or LessonCell(lesson=lesson)

    def result(student_id: int, quiz: Quiz) -> QuizResult:
        return results.get((student_id, quiz.id)) or QuizResult(quiz=quiz)

    rows = []
    for student in students:
        row = GradebookRow(
            student=student,
            lessons=[cell(student.pk, lesson) for lesson in columns.lessons],
            quizzes=[result(student.pk, quiz) for quiz in columns.quizzes],
            course_percent=_percent(
                *_done(
                    [cell(student.pk, lesson) for lesson in columns.course_lessons],
                    [result(student.pk, quiz) for quiz in columns.course_quizzes],
                )
            ),
        )
        if columns.module is not None:
            row.module_percent = _percent(*_done(row.lessons, row.quizzes))
        rows.append(row)
    return rows


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(items, size)):
        yield chunk


def gradebook_rows_streamed(*, columns: GradebookColumns, chunk_size: int = CSV_CHUNK_SIZE) -> Iterator[GradebookRow]:
    """Every student's row, reading students, progress and attempts `chunk_size` students at a time.

    Memory stays flat for any class size: one cursor over the students, two queries per chunk.
    """
    students = course_students(course=columns.course).only("id", "username", "email")
    for chunk in _chunks(students.iterator(chunk_size=chunk_size), chunk_size):
        yield from gradebook_rows(columns=columns, students=chunk)


def course_student_get(*, user_id: int) -> AbstractUser:
    """A student (a non-staff user), or 404."""
    try:
        return get_user_model().objects.get(pk=user_id, is_staff=False)
    except get_user_model().DoesNotExist:
        raise Http404("No such student.") from None


@dataclass
class QuizRecord:
    """A student's standing on one quiz and every attempt behind it, oldest first."""

    result: QuizResult
    attempts: list[Attempt] = field(default_factory=list)


@dataclass
class StudentRecord:
    student: AbstractUser
    row: GradebookRow
    quizzes: list[QuizRecord]
    certificate: Certificate | None

    @property
    def attempt_count(self) -> int:
        return sum(len(entry.attempts) for entry in self.quizzes)


def student_record(*, columns: GradebookColumns, student: AbstractUser) -> StudentRecord:
    """One student's lessons, quiz attempts and certificate in a course. Four queries."""
    row = gradebook_rows(columns=columns, students=[student])[0]
    attempts = Attempt.objects.filter(user=student, quiz_id__in=[quiz.id for quiz in columns.quizzes]).order_by(
        "number"
    )
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    quizzes = [QuizRecord(result=result, attempts=by_quiz.get(result.quiz.id, [])) for result in row.quizzes]
    certificate = Certificate.objects.filter(user=student, course=columns.course).first()
    return StudentRecord(student=student, row=row, quizzes=quizzes, certificate=certificate)


class AttemptsAnalysed(models.TextChoices):
    FIRST = "first", gettext_lazy("Each student's first finished attempt")
    ALL = "all", gettext_lazy("All finished attempts")


SHORT_ANSWERS_SHOWN = 10


@dataclass
class AnswerCount:
    """How many analysed responses gave one answer (or got one part right, for matching and ordering)."""

    label: str
    count: int
    percent: float
    correct: bool


@dataclass
class QuestionStatistics:
    number: int
    question_id: int
    key: str
    title: str
    text: str
    qtype: str
    responses: int
    facility: float | None
    discrimination: float | None
    flags: list[ItemFlag]
    answers: list[AnswerCount]
    chart: BarChart | None = None

    @property
    def qtype_label(self) -> str:
        return QuestionType(self.qtype).label

    @property
    def answers_by_part(self) -> bool:
        """Matching and ordering questions count right parts, not picked answers."""
        return self.qtype in {QuestionType.MATCHING, QuestionType.ORDERING}


@dataclass
class QuizStatistics:
    quiz: Quiz
    attempts_analysed: str
    attempt_count: int
    student_count: int
    mean_score: float | None
    score_deviation: float | None
    questions: list[QuestionStatistics]
    facility_chart: BarChart | None

    @property
    def flagged_count(self) -> int:
        return sum(bool(question.flags) for question in self.questions)


@dataclass
class _QuestionSlots:
    """Everything the analysed attempts hold about one question."""

    snapshot: dict
    position: int
    snapshots: list[dict] = field(default_factory=list)
    marks: list[float] = field(default_factory=list)
    totals: list[float] = field(default_factory=list)
    responses: list[dict | None] = field(default_factory=list)


def _round(value: float | None) -> float | None:
    # Adding 0.0 turns a rounded -0.0 (float noise just under zero) into 0.0.
    return None if value is None else round(value, 1) + 0.0


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def _known_choices(slots: _QuestionSlots) -> list[dict]:
    """Choices of every version the attempts saw, each under its latest text, in the latest version's order."""
    choices = {choice["id"]: choice for choice in slots.snapshot["choices"]}
    for snapshot in reversed(slots.snapshots):
        for choice in snapshot["choices"]:
            choices.setdefault(choice["id"], choice)
    return list(choices.values())


def _is_right(choice: dict) -> bool:
    return Decimal(choice["fraction"]) > 0


def _picked_counts(slots: _QuestionSlots) -> tuple[Counter, int]:
    picks, blank = Counter(), 0
    for response in slots.responses:
        if slots.snapshot["qtype"] == QuestionType.MULTIPLE:
            chosen = set((response or {}).get("choices") or [])
        else:
            chosen = {(response or {}).get("choice")} - {None}
        picks.update(chosen)
        blank += not chosen
    return picks, blank


def _short_answer_counts(slots: _QuestionSlots) -> tuple[list[tuple[str, int, bool]], int]:
    accepted = {
        normalize_answer(choice["text"])
        for snapshot in slots.snapshots
        for choice in snapshot["choices"]
        if _is_right(choice)
    }
    given, shown_as, blank = Counter(), {}, 0
    for response in slots.responses:
        text = ((response or {}).get("text") or "").strip()
        normalized = normalize_answer(text)
        if not normalized:
            blank += 1
            continue
        given[normalized] += 1
        shown_as.setdefault(normalized, text)
    ranked = sorted(given.items(), key=lambda item: (-item[1], shown_as[item[0]]))
    return [(shown_as[answer], count, answer in accepted) for answer, count in ranked], blank


def _part_right(qtype: str, response: dict | None, index: int, choice_id: int) -> bool:
    """Whether a response matched this pair (matching) or put this item in its place (ordering)."""
    response = response or {}
    if qtype == QuestionType.MATCHING:
        return (response.get("pairs") or {}).get(str(choice_id)) == choice_id
    order = response.get("order") or []
    return index < len(order) and order[index] == choice_id


def _part_counts(slots: _QuestionSlots) -> list[tuple[str, int]]:
    """Per matching pair or ordering item, how many responses got that part right."""
    qtype = slots.snapshot["qtype"]
    counts = []
    for index, choice in enumerate(slots.snapshot["choices"]):
        label = (
            f"{choice['text']} → {choice['match']}"
            if qtype == QuestionType.MATCHING
            else f"{index + 1}. {choice['text']}"
        )
        right = sum(_part_right(qtype, response, index, choice["id"]) for response in slots.responses)
        counts.append((label, right))
    return counts


def _answer_counts(slots: _QuestionSlots) -> list[AnswerCount]:
    total = len(slots.responses)
    qtype = slots.snapshot["qtype"]
    if qtype in {QuestionType.MATCHING, QuestionType.ORDERING}:
        counted = [(label, count, True) for label, count in _part_counts(slots)]
        blank = sum(not response for response in slots.responses)
    elif qtype == QuestionType.SHORT:
        ranked, blank = _short_answer_counts(slots)
        counted = ranked[:SHORT_ANSWERS_SHOWN]
        rest = ranked[SHORT_ANSWERS_SHOWN:]
        if rest:
            label = _("Other answers (%(count)d different)") % {"count": len(rest)}
            counted.append((label, sum(count for _text, count, _right in rest), False))
    else:
        picks, blank = _picked_counts(slots)
        counted = [(choice["text"], picks[choice["id"]], _is_right(choice)) for choice in _known_choices(slots)]
    if blank:
        counted.append((_("No answer"), blank, False))
    return [
        AnswerCount(label=label, count=count, percent=_share(count, total), correct=correct)
        for label, count, correct in counted
    ]


def _analysed_attempts(*, quiz: Quiz, attempts_analysed: str) -> tuple[dict[int, list[tuple]], int]:
    """Slots of the analysed finished attempts, grouped by attempt, and how many students made them. One query."""
    rows = (
        AttemptQuestion.objects.filter(
            attempt__quiz=quiz, attempt__status=Attempt.Status.FINISHED, attempt__user__is_staff=False
        )
        .order_by("attempt__user_id", "attempt__number", "position")
        .values_list("attempt_id", "attempt__user_id", "position", "snapshot", "response", "mark")
    )
    attempts: dict[int, list[tuple]] = {}
    first_attempt: dict[int, int] = {}
    for attempt_id, user_id, position, snapshot, response, mark in rows:
        first = first_attempt.setdefault(user_id, attempt_id)
        if attempts_analysed == AttemptsAnalysed.FIRST and attempt_id != first:
            continue
        attempts.setdefault(attempt_id, []).append((position, snapshot, response, float(mark or 0)))
    return attempts, len(first_attempt)


def quiz_statistics(*, quiz: Quiz, attempts_analysed: str = AttemptsAnalysed.FIRST) -> QuizStatistics:
    """Moodle-style item analysis of a quiz's finished student attempts: facility, discrimination and answers.

    Questions are told apart by the snapshot's question id, so drawn and shuffled quizzes work. One query.
    """
    attempts, student_count = _analysed_attempts(quiz=quiz, attempts_analysed=attempts_analysed)
    by_question: dict[int, _QuestionSlots] = {}
    scores = []
    for slots in attempts.values():
        total = math.fsum(mark for _position, _snapshot, _response, mark in slots)
        scores.append(100 * total / len(slots))
        for position, snapshot, response, mark in slots:
            entry = by_question.setdefault(
                snapshot["question_id"], _QuestionSlots(snapshot=snapshot, position=position)
            )
            if snapshot.get("version", 1) >= entry.snapshot.get("version", 1):
                entry.snapshot = snapshot
            entry.snapshots.append(snapshot)
            entry.position = min(entry.position, position)
            entry.marks.append(mark)
            entry.totals.append(total)
            entry.responses.append(response)

    # Shuffled or drawn questions have no fixed place: list them in the order they were written.
    fixed_order = not quiz.shuffle_questions and not quiz.questions_per_attempt
    ordered = sorted(by_question.items(), key=lambda item: (item[1].position if fixed_order else 0, item[0]))
    questions = []
    for number, (question_id, slots) in enumerate(ordered, start=1):
        facility = _round(facility_index(slots.marks))
        discrimination = _round(discrimination_index(slots.marks, slots.totals))
        question = QuestionStatistics(
            number=number,
            question_id=question_id,
            key=slots.snapshot.get("key", ""),
            title=slots.snapshot.get("title", ""),
            text=slots.snapshot["text"],
            qtype=slots.snapshot["qtype"],
            responses=len(slots.marks),
            facility=facility,
            discrimination=discrimination,
            flags=item_flags(facility=facility, discrimination=discrimination),
            answers=_answer_counts(slots),
        )
        question.chart = _answers_chart(question)
        questions.append(question)
    return QuizStatistics(
        quiz=quiz,
        attempts_analysed=attempts_analysed,
        attempt_count=len(attempts),
        student_count=student_count,
        mean_score=_round(mean(scores)),
        score_deviation=_round(standard_deviation(scores)),
        questions=questions,
        facility_chart=_facility_chart(questions) if questions else None,
    )


def _question_label(question: QuestionStatistics) -> str:
    return f"Q{question.number} {question.title or question.text}"


def _facility_chart(questions: list[QuestionStatistics]) -> BarChart:
    bars = [
        Bar(
            label=_question_label(question),
            value=question.facility or 0,
            text=f"{question.facility}%",
            highlighted=bool({ItemFlag.TOO_EASY, ItemFlag.TOO_HARD} & set(question.flags)),
        )
        for question in questions
    ]
    values = "; ".join(f"Q{question.number}: {question.facility}%" for question in questions)
    return bar_chart(
        chart_id="facility",
        title=_("Facility index per question"),
        description=_(
            "Mean mark as a percentage of the maximum, per question. Dashed lines at %(hard)s%% and %(easy)s%% "
            "mark too hard and too easy. %(values)s."
        )
        % {"hard": TOO_HARD_FACILITY, "easy": TOO_EASY_FACILITY, "values": values},
        bars=bars,
        highlight="flagged",
        thresholds=[TOO_HARD_FACILITY, TOO_EASY_FACILITY],
    )


def _answers_chart(question: QuestionStatistics) -> BarChart | None:
    if not question.answers:
        return None
    if question.answers_by_part:
        title = _("Q%(number)d: share of responses with each part right") % {"number": question.number}
    else:
        title = _("Q%(number)d: how often each answer was given") % {"number": question.number}
    values = "; ".join(
        f"{answer.label}{' (right)' if answer.correct and not question.answers_by_part else ''}: "
        f"{answer.count} ({answer.percent:g}%)"
        for answer in question.answers
    )
    return bar_chart(
        chart_id=f"answers-q{question.number}",
        title=title,
        description=_("Out of %(responses)d responses. %(values)s.")
        % {"responses": question.responses, "values": values},
        bars=[
            Bar(
                label=answer.label,
                value=answer.percent,
                text=f"{answer.count} ({answer.percent:g}%)",
                highlighted=answer.correct,
            )
            for answer in question.answers
        ],
    )
