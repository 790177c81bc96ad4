"""Writes for quizzes: starting, saving, submitting and closing attempts."""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from lessons.caching import progress_changed
from quizzes.grading import grade_response, is_hand_marked, is_marked, rubric_mark
from quizzes.models import Attempt, AttemptQuestion, Question, QuestionType, Quiz

# A marker's comment to the student on a written answer.
MARKER_COMMENT_MAX_CHARS = 2000

SCORE_PLACES = Decimal("0.01")
SUBMITTED = (Attempt.Status.FINISHED, Attempt.Status.AWAITING_MARKING)
MAX_SHUFFLE_TRIES = 10

# Called inside the grading transaction with each attempt just graded: the caller's follow-up
# (the student's path completes the lesson, issues the certificate). Quizzes know nothing of it.
OnGraded = Callable[[Attempt], None]


class QuizError(Exception):
    """A quiz action refused for a reason the student should read."""


class AttemptLimitReached(QuizError):
    pass


class AttemptClosed(QuizError):
    pass


class MarkingRefused(QuizError):
    """A mark that cannot be recorded: not a written answer, not submitted, or a bad choice of levels."""


class MarkingConflict(QuizError):
    """The answer was marked (or its mark corrected) by someone else since the marker opened it."""


def _grace() -> timedelta:
    return timedelta(seconds=getattr(settings, "QUIZ_DEADLINE_GRACE_SECONDS", 5))


def snapshot_question(question: Question, *, shuffle_choices: bool, rng: random.Random) -> dict:
    """Freeze a question for one attempt: text, choices, weights, feedback and the display order."""
    choices = list(question.choices.all())
    section_titles = {section.anchor: section.title for section in question.lesson.section_list}
    snapshot = {
        "question_id": question.pk,
        "key": question.key,
        "version": question.version,
        "qtype": question.qtype,
        "title": question.title,
        "text": question.text,
        "explanation": question.explanation,
        "lesson_title": question.lesson.title,
        "module_title": question.lesson.module.title,
        "section_title": section_titles.get(question.section_anchor, question.lesson.title),
        "section_url": question.section_url,
        "choices": [
            {"id": c.pk, "text": c.text, "match": c.match_text, "fraction": str(c.fraction), "feedback": c.feedback}
            for c in choices
        ],
    }
    ids = [choice.pk for choice in choices]
    # A matching choice without text is only an extra right-hand item: it gets no row of its own.
    order = [choice.pk for choice in choices if question.qtype != QuestionType.MATCHING or choice.text.strip()]
    if question.qtype == QuestionType.ORDERING:
        # An ordering question shown in its answer order would answer itself.
        for _attempt in range(MAX_SHUFFLE_TRIES):
            rng.shuffle(order)
            if order != ids or len(ids) < 2:
                break
    elif shuffle_choices and question.qtype in {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.MATCHING}:
        rng.shuffle(order)
    snapshot["order"] = order
    if question.qtype == QuestionType.WRITTEN:
        snapshot["min_words"], snapshot["max_words"] = question.min_words, question.max_words
        snapshot["rubric"] = rubric_snapshot(question)
    if question.qtype == QuestionType.MATCHING:
        match_order = list(ids)
        rng.shuffle(match_order)
        snapshot["match_order"] = match_order
    return snapshot


def rubric_snapshot(question: Question) -> list[dict]:
    """A written question's rubric as an attempt keeps it: criteria in order, each with its levels, lowest first."""
    return [
        {
            "id": criterion.pk,
            "title": criterion.title,
            "description": criterion.description,
            "levels": [
                {"id": level.pk, "points": level.points, "description": level.description}
                for level in sorted(criterion.levels.all(), key=lambda level: (level.points, level.position, level.pk))
            ],
        }
        for criterion in question.criteria.all()
    ]


def _last_seen(*, quiz: Quiz, user) -> dict[int, int]:
    """Question id -> the number of the student's latest attempt of this quiz that showed it."""
    if user is None:
        return {}
    seen: dict[int, int] = {}
    rows = AttemptQuestion.objects.filter(attempt__quiz=quiz, attempt__user=user, question__isnull=False)
    for question_id, number in rows.values_list("question_id", "attempt__number"):
        seen[question_id] = max(number, seen.get(question_id, 0))
    return seen


def _draw_questions(quiz: Quiz, rng: random.Random, *, seen: dict[int, int] | None = None) -> list[Question]:
    """The questions of a new attempt: one variant per group, fresh ones first.

    Questions sharing a variant group test one objective, so an attempt draws one of them and
    every attempt covers the same ground; a question without a group is a group of its own. Like
    Moodle's "avoid repeating seen questions", variants (and, when fewer are drawn than there are
    groups, groups) this student has not met come first, then the ones met longest ago. The final
    exam takes at least one question from every module that has any.
    """
    seen = seen or {}

    def reading_order(question):
        return question.lesson.module.position, question.lesson.position, question.position, question.pk

    def staleness(question):
        return seen.get(question.pk, 0), rng.random()

    pool = sorted(quiz.question_pool().select_related("lesson__course"), key=reading_order)
    groups: dict[str, list[Question]] = {}
    for question in pool:
        groups.setdefault(question.variant_group or f"#{question.pk}", []).append(question)
    candidates = [min(variants, key=staleness) for variants in groups.values()]
    wanted = min(quiz.questions_per_attempt or len(candidates), len(candidates))
    candidates.sort(key=staleness)
    drawn: list[Question] = []
    if quiz.is_final:
        for question in candidates:
            if question.lesson.module_id not in {chosen.lesson.module_id for chosen in drawn}:
                drawn.append(question)
        drawn = drawn[:wanted]
    drawn += [question for question in candidates if question not in drawn][: wanted - len(drawn)]
    if quiz.shuffle_questions:
        rng.shuffle(drawn)
    else:
        drawn.sort(key=reading_order)
    # Rubrics are read only for the written questions drawn: no query at all for a quiz without any.
    prefetch_related_objects([question for question in drawn if question.is_written], "criteria__levels")
    return drawn


def quiz_preview(*, quiz: Quiz, rng: random.Random | None = None) -> list[dict]:
    """The snapshots a new attempt would show, for staff to try the quiz; nothing is written."""
    rng = rng or random.SystemRandom()
    return [
        snapshot_question(question, shuffle_choices=quiz.shuffle_choices, rng=rng)
        for question in _draw_questions(quiz, rng)
    ]


@transaction.atomic
def attempt_start(
    *,
    user,
    quiz: Quiz,
    now: datetime | None = None,
    rng: random.Random | None = None,
    on_graded: OnGraded | None = None,
) -> Attempt:
    """Open a new attempt, or return the student's open one; never more attempts than the quiz allows.

    Attempts of one student are serialized on their user row, and the database refuses a second
    open attempt or a repeated attempt number, so two tabs or a double click start one attempt.
    """
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    # The student's attempts at this quiz in one read: the open one, if any, and how many were used.
    mine = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))
    current = next((attempt for attempt in mine if attempt.status == Attempt.Status.IN_PROGRESS), None)
    if current and not attempt_close_if_overdue(attempt=current, now=now, on_graded=on_graded):
        return current
    used = len(mine)
    if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
        raise AttemptLimitReached(_("You have used all %(count)d attempts of this quiz.") % {"count": used})
    questions = _draw_questions(quiz, rng, seen=_last_seen(quiz=quiz, user=user))
    if not questions:
        raise QuizError(_("This quiz has no questions yet."))
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(quiz=quiz, user=user, number=used + 1, started_at=now, deadline=deadline)
    except IntegrityError:
        # Another request opened it first: hand back that attempt instead of a second one.
        return Attempt.objects.get(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS)
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            position=position,
            question=question,
            snapshot=snapshot_question(question, shuffle_choices=quiz.shuffle_choices, rng=rng),
        )
        for position, question in enumerate(questions, start=1)
    )
    return attempt


def _attempt_lock(pk: int, *, fresh_slots: bool = False) -> Attempt:
    """The attempt locked FOR UPDATE, with its quiz, lesson, course, user and slots, in one query.

    The slots are read with the attempt joined to each (only the attempt row is locked, as before), then
    shared by storing, marking and the caller's on_graded through `attempt.slots.all()`. After waiting for
    the lock, PostgreSQL returns the attempt row as it is now but the slots as they were when the statement
    began: a submit or a save writes the slots it read from the request and reads only the attempt's status,
    but marking must see marks committed meanwhile, so `fresh_slots` locks first and reads the slots after.
    """
    if fresh_slots:
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz__lesson", "quiz__course", "user")
            .prefetch_related("slots")
            .get(pk=pk)
        )
        return attempt
    slots = list(
        AttemptQuestion.objects.select_for_update(of=("attempt",))
        .select_related("attempt__quiz__lesson", "attempt__quiz__course", "attempt__user")
        .filter(attempt_id=pk)
        .order_by("position")
    )
    if not slots:
        return (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz__lesson", "quiz__course", "user")
            .get(pk=pk)
        )
    attempt = slots[0].attempt
    for slot in slots:
        slot.attempt = attempt
    # Stored the way prefetch_related("slots") stores them, so attempt.slots.all() reads them without a query.
    prefetched = attempt.slots.all()
    prefetched._result_cache, prefetched._prefetch_done = slots, True
    attempt._prefetched_objects_cache = {"slots": prefetched}
    return attempt


def _is_overdue(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + _grace()


def _store_responses(attempt: Attempt, responses: dict[int, dict | None], *, write: bool = True) -> bool:
    """Set the answers on the attempt's slots (and save them unless the caller writes them); True if any changed."""
    slots = {slot.position: slot for slot in attempt.slots.all()}
    changed = []
    for position, response in responses.items():
        slot = slots[position]
        if slot.response != response:
            slot.response = response
            changed.append(slot)
    if write and changed:
        AttemptQuestion.objects.bulk_update(changed, ["response"])
        # What the student's pages keep of the attempt (its drawn form) is read afresh; a bulk update sends no signal.
        progress_changed(attempt.user_id)
    return bool(changed)


def attempt_save(
    *,
    attempt: Attempt,
    responses: dict[int, dict | None],
    now: datetime | None = None,
    on_graded: OnGraded | None = None,
) -> Attempt:
    """Keep a student's answers without grading them; refused once the attempt is over or past its deadline."""
    now = now or timezone.now()
    if attempt_close_if_overdue(attempt=attempt, now=now, on_graded=on_graded):
        raise AttemptClosed(_("Time ran out: these answers came after the deadline and were not counted."))
    with transaction.atomic():
        attempt = _attempt_lock(attempt.pk)
        if not attempt.is_open:
            raise AttemptClosed(_("This attempt is already finished; your answers were not changed."))
        _store_responses(attempt, responses)
    return attempt


# A transaction of its own when called from a view; inside a caller's transaction it adds no savepoint (a
# failure then rolls back the caller's transaction whole, and the two savepoint queries are saved).
@transaction.atomic(savepoint=False)
def attempt_submit(
    *,
    attempt: Attempt,
    responses: dict[int, dict | None] | None = None,
    now: datetime | None = None,
    on_graded: OnGraded | None = None,
) -> Attempt:
    """Grade an attempt once. Submitting again, from a double click or a second tab, changes nothing.

    Answers posted after the deadline are not counted: the attempt is graded from what was saved.
    """
    now = now or timezone.now()
    attempt = _attempt_lock(attempt.pk)
    if not attempt.is_open:
        return attempt
    overdue = _is_overdue(attempt, now)
    answered = bool(responses) and not overdue and _store_responses(attempt, responses, write=False)
    # The answers are written with their marks, in one statement.
    _grade(attempt, now=now, closed_at_deadline=overdue, on_graded=on_graded, with_responses=answered)
    return attempt


def attempt_close_if_overdue(
    *, attempt: Attempt, now: datetime | None = None, on_graded: OnGraded | None = None
) -> bool:
    """Close and grade an open attempt whose time is up, from its saved answers. True if it was closed."""
    now = now or timezone.now()
    if not attempt.is_open or not _is_overdue(attempt, now):
        return False
    with transaction.atomic():
        locked = _attempt_lock(attempt.pk)
        if locked.is_open:
            _grade(locked, now=locked.deadline, closed_at_deadline=True, on_graded=on_graded)
    attempt.refresh_from_db()
    return True


def attempts_close_overdue(*, now: datetime | None = None, on_graded: OnGraded | None = None) -> int:
    """Close every attempt left open past its deadline; returns how many were closed."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=now - _grace())
    return sum(attempt_close_if_overdue(attempt=attempt, now=now, on_graded=on_graded) for attempt in overdue)


def _grade(
    attempt: Attempt,
    *,
    now: datetime,
    closed_at_deadline: bool,
    on_graded: OnGraded | None,
    with_responses: bool = False,
):
    slots = list(attempt.slots.all())
    fields = ["mark", "response"] if with_responses else ["mark"]
    for slot in slots:
        if is_hand_marked(slot.snapshot):
            # A marker's mark is kept (a regrade never undoes it); a blank answer has nothing to mark: 0 at once.
            if slot.marked_at is None and not slot.response:
                slot.mark, slot.marked_at = Decimal(0), now
                fields = [*dict.fromkeys([*fields, "marked_at"])]
        else:
            slot.mark = grade_response(slot.snapshot, slot.response) if is_marked(slot.snapshot) else None
    AttemptQuestion.objects.bulk_update(slots, fields)
    attempt.finished_at = now
    attempt.closed_at_deadline = closed_at_deadline
    _score(attempt, slots, on_graded=on_graded, fields=["finished_at", "closed_at_deadline"])


def _score(attempt: Attempt, slots: list[AttemptQuestion], *, on_graded: OnGraded | None, fields: list[str]) -> None:
    """Score a submitted attempt from its slots' marks, or leave it awaiting marking while a written answer waits.

    `on_graded` runs only once every mark is in, so completion, review cards and certificates never
    see a score a marker has not finished.
    """
    if any(is_hand_marked(slot.snapshot) and slot.marked_at is None for slot in slots):
        attempt.status, attempt.score, attempt.passed = Attempt.Status.AWAITING_MARKING, None, None
        attempt.save(update_fields=["score", "passed", "status", *fields])
        return
    marks = [slot.mark for slot in slots if slot.mark is not None]
    total = sum(marks, Decimal(0))
    attempt.score = (100 * total / len(marks)).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP) if marks else Decimal(0)
    attempt.passed = attempt.score >= attempt.quiz.pass_mark
    attempt.status = Attempt.Status.FINISHED
    attempt.save(update_fields=["score", "passed", "status", *fields])
    if on_graded is not None:
        on_graded(attempt)


@transaction.atomic
def slot_mark(
    *,
    slot_id: int,
    marker,
    levels: dict[str, int],
    comment: str = "",
    seen_marked_at: datetime | None = None,
    now: datetime | None = None,
    on_graded: OnGraded | None = None,
) -> AttemptQuestion:
    """Record a marker's levels and comment on a written answer; the attempt is scored once its last one is in.

    `seen_marked_at` is the answer's `marked_at` when the marker opened it (None: not marked yet). A mark
    recorded since, by a double submit or a second marker, refuses this one, so an answer is never marked
    twice by accident; correcting a mark on purpose passes the `marked_at` the marker saw, and rescores a
    finished attempt with the same follow-up as a regrade.
    """
    now = now or timezone.now()
    comment = comment.strip()
    levels = {str(criterion): level for criterion, level in levels.items()}
    if len(comment) > MARKER_COMMENT_MAX_CHARS:
        raise MarkingRefused(
            _("The comment is %(count)d characters long; at most %(max)d are kept.")
            % {"count": len(comment), "max": MARKER_COMMENT_MAX_CHARS}
        )
    try:
        slot = AttemptQuestion.objects.select_related("attempt").get(pk=slot_id)
    except AttemptQuestion.DoesNotExist:
        raise MarkingRefused(_("There is no such answer.")) from None
    # The attempt row serializes markers of one attempt, so its last answer finishes the grading once. Its
    # slots are read again once the lock is held: another marker's mark, committed while this one waited,
    # must be seen (the locking read returns the slots as they were when it began).
    attempt = _attempt_lock(slot.attempt_id, fresh_slots=True)
    slot = next(s for s in attempt.slots.all() if s.pk == slot_id)
    if not is_hand_marked(slot.snapshot):
        raise MarkingRefused(_("Only written answers are marked by hand; this question is marked automatically."))
    if attempt.is_open:
        raise MarkingRefused(_("This attempt has not been submitted yet."))
    if slot.marked_at != seen_marked_at:
        raise MarkingConflict(
            _(
                "This answer was marked by someone else after you opened it; nothing was changed. "
                "Open it again to see the mark."
            )
            if seen_marked_at is None or slot.marked_at is not None
            else _("This answer's mark changed since you opened it; nothing was changed.")
        )
    if not slot.response:
        raise MarkingRefused(_("This answer is blank; it scored 0 without marking."))
    try:
        _points, mark = rubric_mark(slot.snapshot.get("rubric", []), levels)
    except ValueError:
        raise MarkingRefused(_("Choose one level for every criterion of the rubric.")) from None
    slot.mark, slot.marked_at, slot.marked_by = mark, now, marker
    slot.rubric_levels, slot.marker_comment = levels, comment
    slot.save(update_fields=["mark", "marked_at", "marked_by", "rubric_levels", "marker_comment"])
    _score(attempt, list(attempt.slots.all()), on_graded=on_graded, fields=[])
    return slot


def _remap(old_choices: list[dict], new_choices: list[dict]) -> dict[int, int]:
    """Old snapshot choice ids -> current ids: the same id where it survives, else the same position."""
    new_ids = [choice["id"] for choice in new_choices]
    mapping = {}
    for index, choice in enumerate(old_choices):
        if choice["id"] in new_ids:
            mapping[choice["id"]] = choice["id"]
        elif index < len(new_ids):
            mapping[choice["id"]] = new_ids[index]
    return mapping


def _regraded_snapshot(snapshot: dict, response: dict | None, current: dict) -> tuple[dict, dict | None]:
    mapping = _remap(snapshot["choices"], current["choices"])
    fresh = {**current}
    fresh["order"] = [mapping[cid] for cid in snapshot["order"] if cid in mapping]
    if "match_order" in current:
        fresh["match_order"] = [mapping[cid] for cid in snapshot.get("match_order", []) if cid in mapping]
    if not response:
        return fresh, response
    if "choice" in response:
        response = {"choice": mapping.get(response["choice"])}
    elif "choices" in response:
        response = {"choices": [mapping[cid] for cid in response["choices"] if cid in mapping]}
    elif "pairs" in response:
        response = {
            "pairs": {
                str(mapping[int(left)]): mapping[right]
                for left, right in response["pairs"].items()
                if int(left) in mapping and right in mapping
            }
        }
    elif "order" in response:
        response = {"order": [mapping[cid] for cid in response["order"] if cid in mapping]}
    return fresh, response


@transaction.atomic
def question_regrade(*, question: Question, on_graded: OnGraded | None = None) -> int:
    """Mark every finished attempt's copy of a question again against its current key and text.

    Scores and pass/fail follow, and `on_graded` sees every regraded attempt. Returns the number
    of attempts whose score changed.
    """
    if question.is_written:
        # A written answer's mark is the marker's, given against the rubric the attempt kept: nothing to regrade.
        return 0
    current = snapshot_question(question, shuffle_choices=False, rng=random.Random(0))
    slots = list(
        AttemptQuestion.objects.select_for_update(of=("self",))
        .filter(question=question, attempt__status__in=SUBMITTED)
        .select_related("attempt")
    )
    for slot in slots:
        slot.snapshot, slot.response = _regraded_snapshot(slot.snapshot, slot.response, current)
    AttemptQuestion.objects.bulk_update(slots, ["snapshot", "response"])
    attempt_ids = {slot.attempt_id for slot in slots}
    changed = 0
    for attempt in Attempt.objects.filter(pk__in=attempt_ids).select_related("quiz__lesson", "quiz__course", "user"):
        before = attempt.score
        _grade(attempt, now=attempt.finished_at, closed_at_deadline=attempt.closed_at_deadline, on_graded=on_graded)
        changed += attempt.score != before
    return changed


def question_attempts_to_regrade(*, question: Question) -> int:
    """How many submitted attempts were marked against an older version of the question (never a written one)."""
    if question.is_written:
        return 0
    return (
        AttemptQuestion.objects.filter(question=question, attempt__status__in=SUBMITTED)
        .exclude(snapshot__version=question.version)
        .count()
    )
