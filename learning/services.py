"""Writes of the student's path: what a graded attempt changes, and completing a lesson by hand.

Quizzes grade attempts and know nothing of lessons being completed or certificates. Every
operation here that can grade an attempt passes `attempt_graded` to the quizzes service, so the
follow-up runs inside the same transaction as the grading.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from fsrs import Card, Rating, Scheduler, State

from certificates.selectors import course_lessons_left
from certificates.services import certificate_issue_if_earned
from learning.models import CalendarFeed, Enrolment, Invitation, Review, ReviewCard, new_feed_token
from lessons.caching import enrolment_changed, progress_changed
from lessons.models import EnrolmentPolicy, Lesson, LessonProgress
from lessons.services import lesson_complete, lesson_visit
from quizzes import services as quiz_services
from quizzes.grading import grade_response, is_hand_marked
from quizzes.models import Attempt, AttemptQuestion, Question, Quiz


class LessonCompletionRefused(Exception):
    """Marking a lesson complete by hand is not allowed for it."""


def attempt_graded(attempt: Attempt) -> None:
    """Passing a lesson quiz completes its lesson, its answers join the review queue, and a course
    finished in full earns its certificate.

    A completion already earned is never taken back, whatever a later grade or regrade says.
    """
    if attempt.passed and attempt.quiz.lesson is not None:
        lesson_complete(user=attempt.user, lesson=attempt.quiz.lesson)
    if attempt.quiz.lesson_id is not None:
        review_cards_schedule(attempt=attempt)
    # Only a pass can newly complete a course (a fail completes no lesson and raises no quiz grade to its pass
    # mark under any grading method), and only once no lesson is left: the full rules run only then.
    if attempt.passed and not course_lessons_left(user=attempt.user, course=attempt.quiz.course):
        certificate_issue_if_earned(user=attempt.user, course=attempt.quiz.course)


def attempt_start(*, user, quiz: Quiz, now: datetime | None = None, rng=None) -> Attempt:
    """Open a new attempt (or return the open one), closing an overdue one on the way."""
    return quiz_services.attempt_start(user=user, quiz=quiz, now=now, rng=rng, on_graded=attempt_graded)


def attempt_save(*, attempt: Attempt, responses: dict[int, dict | None], now: datetime | None = None) -> Attempt:
    """Keep a student's answers; an attempt found past its deadline is graded instead."""
    return quiz_services.attempt_save(attempt=attempt, responses=responses, now=now, on_graded=attempt_graded)


def attempt_submit(
    *, attempt: Attempt, responses: dict[int, dict | None] | None = None, now: datetime | None = None
) -> Attempt:
    """Grade an attempt once, then complete its lesson and issue the certificate when earned."""
    return quiz_services.attempt_submit(attempt=attempt, responses=responses, now=now, on_graded=attempt_graded)


def attempt_close_if_overdue(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """Grade an attempt whose time is up from its saved answers, with the same follow-up as a submit."""
    return quiz_services.attempt_close_if_overdue(attempt=attempt, now=now, on_graded=attempt_graded)


def attempts_close_overdue(*, now: datetime | None = None) -> int:
    """Close every attempt left open past its deadline; returns how many were closed."""
    return quiz_services.attempts_close_overdue(now=now, on_graded=attempt_graded)


@transaction.atomic
def question_regrade(*, question: Question) -> int:
    """Regrade a question's finished attempts; completion and certificates follow the new marks."""
    return quiz_services.question_regrade(question=question, on_graded=attempt_graded)


def slot_mark(
    *,
    slot_id: int,
    marker,
    levels: dict[str, int],
    comment: str = "",
    seen_marked_at: datetime | None = None,
    now: datetime | None = None,
) -> AttemptQuestion:
    """Record a marker's mark on a written answer; the attempt's last mark grades it, with the same
    follow-up as a submit (completion, review cards, certificate)."""
    return quiz_services.slot_mark(
        slot_id=slot_id,
        marker=marker,
        levels=levels,
        comment=comment,
        seen_marked_at=seen_marked_at,
        now=now,
        on_graded=attempt_graded,
    )


def lesson_open(*, user, lesson: Lesson, standing) -> LessonProgress:
    """Record that a student opened a lesson, writing only when that changes something.

    A lesson already started that is also the one the student opened last keeps its row as it is: the
    visit changes neither its status nor which lesson "continue where you left off" points to.
    """
    known = standing.progress.get(lesson.pk)
    if known is not None and standing.last_viewed_lesson_id() == lesson.pk:
        status, viewed = known
        return LessonProgress(user=user, lesson=lesson, status=status, last_viewed_at=viewed)
    return lesson_visit(user=user, lesson=lesson)


def lesson_mark_complete(*, user, lesson: Lesson) -> None:
    """A student's own "mark complete", allowed only for lessons without a quiz (passing the quiz completes those)."""
    if Quiz.objects.filter(lesson=lesson, is_published=True).exists():
        raise LessonCompletionRefused("Pass this lesson's quiz to complete it.")
    lesson_complete(user=user, lesson=lesson)


# Day-based review: no same-day learning steps, and no random fuzz so a schedule can be tested and explained.
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def review_rating(mark: Decimal) -> Rating:
    """A right answer is "good", a partly right one "hard", a wrong one "again" (due again soon)."""
    if mark >= 1:
        return Rating.Good
    return Rating.Hard if mark > 0 else Rating.Again


def _schedule(card: ReviewCard, rating: Rating, when: datetime) -> None:
    state = card.state
    scheduled, _log = SCHEDULER.review_card(
        Card(
            state=State(state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
        ),
        rating,
        review_datetime=when,
    )
    card.state, card.step = int(scheduled.state), scheduled.step
    card.stability, card.difficulty = scheduled.stability, scheduled.difficulty
    card.due, card.last_review = scheduled.due, scheduled.last_review
    card.reviews += 1


def review_cards_schedule(*, attempt: Attempt) -> None:
    """Every question answered in a lesson quiz becomes (or reschedules) the student's review card.

    A card already scheduled from this attempt or a later answer is left alone, so a regrade of an
    old attempt does not count as a new review.
    """
    when = attempt.finished_at
    # A written answer cannot be asked again and marked on the review page: it never becomes a card.
    slots = [slot for slot in attempt.slots.all() if slot.question_id is not None and not is_hand_marked(slot.snapshot)]
    cards = {
        card.question_id: card
        for card in ReviewCard.objects.filter(user=attempt.user, question_id__in=[slot.question_id for slot in slots])
    }
    new, changed = [], []
    for slot in slots:
        card = cards.get(slot.question_id)
        if card is None:
            card = ReviewCard(
                user=attempt.user, course_id=attempt.quiz.course_id, question_id=slot.question_id, due=when
            )
            new.append(card)
        elif card.last_review and card.last_review >= when:
            continue
        else:
            changed.append(card)
        _schedule(card, review_rating(slot.mark or Decimal(0)), when)
    # New and rescheduled cards in one statement (INSERT ... ON CONFLICT DO UPDATE on the student and question);
    # without their ids, bulk_create would write the rescheduled ones in a second statement.
    for card in changed:
        card.pk = None
    ReviewCard.objects.bulk_create(
        new + changed,
        update_conflicts=True,
        unique_fields=["user", "question"],
        update_fields=["state", "step", "stability", "difficulty", "due", "last_review", "reviews"],
    )
    progress_changed(attempt.user_id)


class ReviewAlreadyAnswered(Exception):
    """The card was answered since this question was shown (a double submit or a second tab)."""


@transaction.atomic
def review_answer(
    *, user, card_id: int, reviews_seen: int, snapshot: dict, response: dict | None, now: datetime | None = None
) -> Review:
    """Mark a review answer, reschedule its card and log it; grades of quizzes are never touched.

    `reviews_seen` is the card's review count when the question was shown: an answer to a card that
    has moved on since is refused, so a double submit reschedules once.
    """
    now = now or timezone.now()
    card = ReviewCard.objects.select_for_update().get(pk=card_id, user=user)
    if card.reviews != reviews_seen:
        raise ReviewAlreadyAnswered
    mark = grade_response(snapshot, response)
    rating = review_rating(mark)
    _schedule(card, rating, now)
    card.save(update_fields=["state", "step", "stability", "difficulty", "due", "last_review", "reviews"])
    return Review.objects.create(
        card=card, user=user, question_id=snapshot.get("question_id"), mark=mark, rating=int(rating), reviewed_at=now
    )


def calendar_feed_reset(*, user) -> CalendarFeed:
    """Give the student's calendar a new secret address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
    return feed


class NotEnrolled(Exception):
    """A student may not open this course's lessons and quizzes: not enrolled in an invitation-only
    course, or removed by an instructor."""

    def __init__(self, *, course, enrolment: Enrolment | None):
        super().__init__(course.title)
        self.course = course
        self.enrolment = enrolment


def enrolment_enrol(*, user, course, source: str = Enrolment.Source.SELF, now: datetime | None = None) -> Enrolment:
    """Enrol a student, or enrol a removed one again (the row is reused and its removal cleared)."""
    now = now or timezone.now()
    enrolment, created = Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"source": source, "enrolled_at": now}
    )
    if not created and not enrolment.is_active:
        enrolment.status, enrolment.source = Enrolment.Status.ACTIVE, source
        enrolment.enrolled_at, enrolment.removed_at = now, None
        enrolment.save(update_fields=["status", "source", "enrolled_at", "removed_at"])
    return enrolment


def enrolment_remove(*, enrolment: Enrolment, now: datetime | None = None) -> Enrolment:
    """Take a student off the roster; the row stays, marked removed with the time."""
    if enrolment.is_active:
        enrolment.status, enrolment.removed_at = Enrolment.Status.REMOVED, now or timezone.now()
        enrolment.save(update_fields=["status", "removed_at"])
    return enrolment


def enrolment_ensure(*, user, course, known: Enrolment | None = None) -> Enrolment | None:
    """The student's active enrolment, made on the spot where the course lets them in; raises NotEnrolled.

    Opening a lesson or quiz of an open course enrols a student implicitly; in an invitation-only course, an
    invitation waiting for the student's e-mail address is accepted. One query for an enrolled student, none
    when the caller `known`s the active enrolment (from the student's cached standing, which any change of the
    enrolment invalidates). Staff preview every course without a roster row (None).
    """
    if user.is_staff:
        return None
    if known is not None and known.is_active:
        return known
    enrolment = Enrolment.objects.filter(user=user, course=course).first()
    if enrolment is not None:
        if enrolment.is_active:
            return enrolment
        raise NotEnrolled(course=course, enrolment=enrolment)
    if course.enrolment == EnrolmentPolicy.OPEN:
        # One INSERT, no savepoint: a second tab that enrolled first is not an error.
        enrolment = Enrolment(user=user, course=course, source=Enrolment.Source.OPENED, enrolled_at=timezone.now())
        Enrolment.objects.bulk_create([enrolment], ignore_conflicts=True)
        enrolment_changed(user.pk)
        return enrolment
    if user.email and invitation_accept(user=user, course=course):
        return enrolment_enrol(user=user, course=course, source=Enrolment.Source.INVITATION)
    raise NotEnrolled(course=course, enrolment=None)


def invitation_accept(*, user, course) -> bool:
    """Mark the course's invitation to the user's e-mail address accepted; False when there is none."""
    return bool(
        Invitation.objects.filter(course=course, email=user.email.lower(), accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
    )


@dataclass
class RosterResult:
    """What a roster upload did (or, in a dry run, would do)."""

    enrolled: list = field(default_factory=list)
    already_enrolled: list = field(default_factory=list)
    invited: list[str] = field(default_factory=list)
    already_invited: list[str] = field(default_factory=list)


@transaction.atomic
def roster_enrol(*, course, emails: list[str], dry_run: bool = False, now: datetime | None = None) -> RosterResult:
    """Enrol the students with these e-mail addresses; addresses without an account get an invitation row.

    Active student accounts only (staff addresses are skipped); an address shared by several accounts enrols each.
    A fixed number of queries whatever the number of addresses. The caller sends the invitation e-mails.
    """
    now = now or timezone.now()
    wanted = {email.lower() for email in emails}
    accounts = list(
        get_user_model().objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted).order_by("pk")
    )
    # Staff and deactivated accounts are neither enrolled nor invited.
    users = sorted((user for user in accounts if user.is_active and not user.is_staff), key=lambda u: u.email_lower)
    enrolments = {e.user_id: e for e in Enrolment.objects.filter(course=course, user__in=users)}
    result = RosterResult()
    for user in users:
        enrolment = enrolments.get(user.pk)
        (result.already_enrolled if enrolment and enrolment.is_active else result.enrolled).append(user)
    known = {user.email_lower for user in accounts}
    invited = set(Invitation.objects.filter(course=course, email__in=wanted - known).values_list("email", flat=True))
    result.invited = sorted(wanted - known - invited)
    result.already_invited = sorted(invited)
    if dry_run:
        return result
    new = [
        Enrolment(user=user, course=course, source=Enrolment.Source.INSTRUCTOR, enrolled_at=now)
        for user in result.enrolled
        if user.pk not in enrolments
    ]
    Enrolment.objects.bulk_create(new)
    Enrolment.objects.filter(course=course, user__in=result.enrolled, status=Enrolment.Status.REMOVED).update(
        status=Enrolment.Status.ACTIVE, source=Enrolment.Source.INSTRUCTOR, enrolled_at=now, removed_at=None
    )
    Invitation.objects.bulk_create([Invitation(course=course, email=email, invited_at=now) for email in result.invited])
    enrolment_changed(*(user.pk for user in result.enrolled))
    return result
