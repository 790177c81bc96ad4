"""Item analysis of a quiz, as Moodle's statistics report: facility, discrimination, answer counts, charts."""

import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.grading import normalize_answer
from quizzes.models import Attempt, AttemptQuestion, QuestionType, Quiz
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
        if mark is None:  # a description: shown, not marked, so nothing to analyse
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
