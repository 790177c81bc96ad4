"""Writes of the student's path: what a graded attempt changes, and completing a lesson by hand.

Quizzes grade attempts and know nothing of lessons being completed or certificates. Every
operation here that can grade an attempt passes `attempt_graded` to the quizzes service, so the
follow-up runs inside the same transaction as the grading.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from fsrs import Card, Rating, Scheduler, State

from certificates.services import certificate_issue_if_earned
from learning.models import CalendarFeed, Review, ReviewCard, new_feed_token
from lessons.models import Lesson, LessonProgress
from lessons.services import lesson_complete
from quizzes import services as quiz_services
from quizzes.grading import grade_response
from quizzes.models import Attempt, Question, Quiz


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


def lesson_mark_complete(*, user, lesson: Lesson) -> LessonProgress:
    """A student's own "mark complete", allowed only for lessons without a quiz (passing the quiz completes those)."""
    if Quiz.objects.filter(lesson=lesson, is_published=True).exists():
        raise LessonCompletionRefused("Pass this lesson's quiz to complete it.")
    return lesson_complete(user=user, lesson=lesson)


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
    slots = [slot for slot in attempt.slots.all() if slot.question_id is not None]
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
    ReviewCard.objects.bulk_create(new)
    ReviewCard.objects.bulk_update(
        changed, ["state", "step", "stability", "difficulty", "due", "last_review", "reviews"]
    )


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
