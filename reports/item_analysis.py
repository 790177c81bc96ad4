"""Item analysis of a quiz, as Moodle's statistics report: facility, discrimination, answer counts, charts."""

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.grading import grade_response, normalize_answer
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
    """What the analysed attempts hold about one question: a mark and its attempt's total per answer slot, and
    the responses given, each once with how many slots gave it, in the order first given."""

    position: int
    marks: list[float] = field(default_factory=list)
    totals: list[float] = field(default_factory=list)
    # Version -> one slot that saw it, then that slot's snapshot (oldest version first).
    version_slots: dict[int, int] = field(default_factory=dict)
    snapshots: dict[int, dict] = field(default_factory=dict)
    responses: list[tuple[dict | None, int]] = field(default_factory=list)

    @property
    def snapshot(self) -> dict:
        """The latest version's snapshot: its text, title and choices are what the report shows."""
        return self.snapshots[max(self.snapshots)]

    @property
    def response_count(self) -> int:
        return sum(count for _response, count in self.responses)


def _round(value: float | None) -> float | None:
    # Adding 0.0 turns a rounded -0.0 (float noise just under zero) into 0.0.
    return None if value is None else round(value, 1) + 0.0


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def _known_choices(slots: _QuestionSlots) -> list[dict]:
    """Choices of every version the attempts saw, each under its latest text, in the latest version's order."""
    choices = {}
    for version in sorted(slots.snapshots, reverse=True):
        for choice in slots.snapshots[version]["choices"]:
            choices.setdefault(choice["id"], choice)
    return list(choices.values())


def _is_right(choice: dict) -> bool:
    return Decimal(choice["fraction"]) > 0


def _picked_counts(slots: _QuestionSlots) -> tuple[Counter, int]:
    picks, blank = Counter(), 0
    for response, count in slots.responses:
        if slots.snapshot["qtype"] == QuestionType.MULTIPLE:
            chosen = set((response or {}).get("choices") or [])
        else:
            chosen = {(response or {}).get("choice")} - {None}
        for choice_id in chosen:
            picks[choice_id] += count
        blank += count if not chosen else 0
    return picks, blank


def _typed_answer_counts(slots: _QuestionSlots) -> tuple[list[tuple[str, int, bool]], int]:
    """Typed answers (short answer, numerical) counted by their normalised text, most given first, each marked
    right when it is accepted: by its text for a short answer, by its value (tolerance, range) for a number."""
    if slots.snapshot["qtype"] == QuestionType.NUMERICAL:
        versions = list(slots.snapshots.values())

        def is_right(text: str) -> bool:
            return any(grade_response(snapshot, {"text": text}) >= 1 for snapshot in versions)
    else:
        accepted = {
            normalize_answer(choice["text"])
            for snapshot in slots.snapshots.values()
            for choice in snapshot["choices"]
            if _is_right(choice)
        }

        def is_right(text: str) -> bool:
            return normalize_answer(text) in accepted

    given, shown_as, blank = Counter(), {}, 0
    for response, count in slots.responses:
        text = ((response or {}).get("text") or "").strip()
        normalized = normalize_answer(text)
        if not normalized:
            blank += count
            continue
        given[normalized] += count
        shown_as.setdefault(normalized, text)
    ranked = sorted(given.items(), key=lambda item: (-item[1], shown_as[item[0]]))
    return [(shown_as[answer], count, is_right(shown_as[answer])) for answer, count in ranked], blank


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
        right = sum(count for response, count in slots.responses if _part_right(qtype, response, index, choice["id"]))
        counts.append((label, right))
    return counts


def _answer_counts(slots: _QuestionSlots) -> list[AnswerCount]:
    total = slots.response_count
    qtype = slots.snapshot["qtype"]
    if qtype == QuestionType.WRITTEN:
        return []  # every essay is its own answer: its marks say how the question did
    if qtype in {QuestionType.MATCHING, QuestionType.ORDERING}:
        counted = [(label, count, True) for label, count in _part_counts(slots)]
        blank = sum(count for response, count in slots.responses if not response)
    elif qtype in {QuestionType.SHORT, QuestionType.NUMERICAL}:
        ranked, blank = _typed_answer_counts(slots)
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


# Rows of the answer-slot query read at a time: memory stays flat however many attempts a quiz has.
SLOT_CHUNK_SIZE = 5000


def analysed_slots(*, quiz: Quiz, attempts_analysed: str) -> QuerySet:
    """The marked answer slots of the analysed attempts: finished, by students (not staff), and under
    AttemptsAnalysed.FIRST only each student's first finished attempt, chosen in SQL. A slot without a mark
    (a description, or an answer still awaiting marking) is not analysed. Each carries `question_key`: the
    question it froze, which outlives the question's deletion."""
    slots = AttemptQuestion.objects.filter(
        attempt__quiz=quiz, attempt__status=Attempt.Status.FINISHED, attempt__user__is_staff=False, mark__isnull=False
    )
    if attempts_analysed == AttemptsAnalysed.FIRST:
        earlier = Attempt.objects.filter(
            quiz=quiz,
            user=OuterRef("attempt__user"),
            status=Attempt.Status.FINISHED,
            number__lt=OuterRef("attempt__number"),
        )
        slots = slots.filter(~Exists(earlier))
    frozen_id = Cast(KeyTextTransform("question_id", "snapshot"), models.BigIntegerField())
    return slots.annotate(question_key=Coalesce("question_id", frozen_id)).order_by()


def _read_slots(slots: QuerySet, by_question: dict[int, _QuestionSlots]) -> tuple[list[float], set[int]]:
    """One pass over the analysed slots, in attempt order, a chunk of rows and one attempt in memory at a time:
    each attempt's score, each question's marks with their attempt's total, its responses counted (as JSON text,
    decoded once per distinct response) per version, and one slot of each version. Returns the scores and the
    students seen. One query: only small fields and the snapshot's version are read, never a whole snapshot."""
    version = Coalesce(Cast(KeyTextTransform("version", "snapshot"), models.IntegerField()), Value(1))
    rows = (
        slots.annotate(version=version, response_text=Cast("response", models.TextField()))
        .order_by("attempt_id")
        .values_list(
            "pk", "attempt_id", "attempt__user_id", "question_key", "position", "mark", "version", "response_text"
        )
        .iterator(chunk_size=SLOT_CHUNK_SIZE)
    )
    scores, students = [], set()
    responses: dict[int, Counter] = defaultdict(Counter)
    version_slots: dict[int, dict[int, int]] = defaultdict(dict)

    def close(attempt: list[tuple[int, int, float]]):
        total = math.fsum(mark for _question, _position, mark in attempt)
        scores.append(100 * total / len(attempt))
        for question_key, position, mark in attempt:
            entry = by_question.setdefault(question_key, _QuestionSlots(position=position))
            entry.position = min(entry.position, position)
            entry.marks.append(mark)
            entry.totals.append(total)

    current, attempt = None, []
    for slot_id, attempt_id, user_id, question_key, position, mark, question_version, response_text in rows:
        if attempt_id != current and attempt:
            close(attempt)
            attempt = []
        current = attempt_id
        students.add(user_id)
        attempt.append((question_key, position, float(mark)))
        responses[question_key][response_text] += 1
        versions = version_slots[question_key]
        if slot_id < versions.get(question_version, slot_id + 1):
            versions[question_version] = slot_id
    if attempt:
        close(attempt)
    for question_key, counted in responses.items():
        by_question[question_key].responses = [
            (None if text is None else json.loads(text), count) for text, count in counted.items()
        ]
        by_question[question_key].version_slots = version_slots[question_key]
    return scores, students


def _load_snapshots(by_question: dict[int, _QuestionSlots]) -> None:
    """Each question's snapshot of every version its slots saw, oldest version first. One query."""
    wanted = [slot for entry in by_question.values() for slot in entry.version_slots.values()]
    snapshots = dict(AttemptQuestion.objects.filter(pk__in=wanted).values_list("pk", "snapshot"))
    for entry in by_question.values():
        entry.snapshots = {number: snapshots[entry.version_slots[number]] for number in sorted(entry.version_slots)}


def quiz_statistics(*, quiz: Quiz, attempts_analysed: str = AttemptsAnalysed.FIRST) -> QuizStatistics:
    """Moodle-style item analysis of a quiz's finished student attempts: facility, discrimination and answers.

    Questions are told apart by the question each slot froze, so drawn and shuffled quizzes work. The attempts
    are chosen in the database, the slots' small fields streamed once, and only one snapshot per question version
    is read, so memory does not grow with the answers' size. Two queries, whatever the number of attempts.
    """
    by_question: dict[int, _QuestionSlots] = {}
    scores, students = _read_slots(analysed_slots(quiz=quiz, attempts_analysed=attempts_analysed), by_question)
    if by_question:
        _load_snapshots(by_question)

    # Shuffled or drawn questions have no fixed place: list them in the order they were written.
    fixed_order = not quiz.shuffle_questions and not quiz.questions_per_attempt
    ordered = sorted(by_question.items(), key=lambda item: (item[1].position if fixed_order else 0, item[0]))
    questions = []
    for number, (question_id, slots_of_question) in enumerate(ordered, start=1):
        facility = _round(facility_index(slots_of_question.marks))
        discrimination = _round(discrimination_index(slots_of_question.marks, slots_of_question.totals))
        snapshot = slots_of_question.snapshot
        question = QuestionStatistics(
            number=number,
            question_id=question_id,
            key=snapshot.get("key", ""),
            title=snapshot.get("title", ""),
            text=snapshot["text"],
            qtype=snapshot["qtype"],
            responses=len(slots_of_question.marks),
            facility=facility,
            discrimination=discrimination,
            flags=item_flags(facility=facility, discrimination=discrimination),
            answers=_answer_counts(slots_of_question),
        )
        question.chart = _answers_chart(question)
        questions.append(question)
    return QuizStatistics(
        quiz=quiz,
        attempts_analysed=attempts_analysed,
        attempt_count=len(scores),
        student_count=len(students),
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
