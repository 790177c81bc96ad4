"""Reads of a student's own data: everything we hold about them, for "Download my data"."""

from collections.abc import Iterator
from datetime import datetime

from django.contrib.auth.models import AbstractUser

from certificates.models import Certificate
from learning.models import Review, ReviewCard
from lessons.models import LessonProgress
from quizzes.models import Attempt
from quizzes.selectors import quiz_result, slots_review

ATTEMPT_CSV_HEADER = [
    "course",
    "quiz",
    "attempt",
    "status",
    "started_at",
    "finished_at",
    "closed_at_deadline",
    "score",
    "passed",
]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def account_attempts(*, user: AbstractUser) -> list[Attempt]:
    """The user's attempts in course, quiz and attempt order, with their quiz and questions. Two queries."""
    return list(
        Attempt.objects.filter(user=user)
        .select_related("quiz__course")
        .defer("quiz__loaded_state", "quiz__blueprint", "quiz__course__loaded_state", "quiz__course__description")
        .prefetch_related("slots")
        .order_by("quiz__course__title", "quiz_id", "number")
    )


def _attempt_data(attempt: Attempt, *, shown) -> dict:
    """One attempt with every answer; marks, feedback, right answers and explanations only as far as the
    quiz's review options show them to the student right now (a download must not reveal an answer key)."""
    questions = []
    reviews = {item.position: item for item in slots_review(slots=attempt.slots.all())}
    for slot in attempt.slots.all():
        snapshot, review = slot.snapshot, reviews[slot.position]
        question = {
            "position": slot.position,
            "question": snapshot["text"],
            "lesson": snapshot.get("lesson_title", ""),
            "your_answer": review.answered,
        }
        if review.awaiting_marking:
            question["awaiting_marking"] = True
        elif not attempt.is_open:
            if review.is_written and shown.feedback:
                question["marker_comment"] = review.comment
            if shown.correctness:
                question["outcome"] = review.outcome
            if shown.marks:
                question["mark"] = str(review.mark)
            if shown.feedback:
                question["feedback"] = review.feedback
            if shown.section_link:
                question["section"] = snapshot.get("section_title", "")
                question["section_url"] = snapshot.get("section_url", "")
            if shown.right_answer:
                question["right_answer"] = review.correct
            if shown.explanation:
                question["explanation"] = snapshot.get("explanation", "")
        questions.append(question)
    return {
        "course": attempt.quiz.course.title,
        "quiz": attempt.quiz.title,
        "attempt": attempt.number,
        "status": attempt.status,
        "started_at": _iso(attempt.started_at),
        "finished_at": _iso(attempt.finished_at),
        "closed_at_deadline": attempt.closed_at_deadline,
        "score": str(attempt.score) if attempt.score is not None else None,
        "passed": attempt.passed,
        "questions": questions,
    }


def account_data(*, user: AbstractUser) -> dict:
    """Everything stored about the user, as JSON-ready data: profile, lesson progress, quiz attempts with
    every answer, reviews and the review schedule, and certificates. Seven queries."""
    attempts = account_attempts(user=user)
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    shown = {}
    for quiz_attempts in by_quiz.values():
        quiz = quiz_attempts[0].quiz
        result = quiz_result(quiz=quiz, attempts=quiz_attempts)
        shown[quiz.pk] = quiz.review_shown(passed=result.passed, attempts_left=result.attempts_left)
    progress = (
        LessonProgress.objects.filter(user=user)
        .select_related("lesson__course")
        .only("status", "started_at", "last_viewed_at", "completed_at", "lesson__title", "lesson__course__title")
        .order_by("lesson__course__title", "lesson__module__position", "lesson__position")
    )
    certificates = Certificate.objects.filter(user=user).order_by("issued_at")
    reviews = (
        Review.objects.filter(user=user)
        .select_related("card__course", "question")
        .only("mark", "rating", "reviewed_at", "card__course__title", "question__text")
        .order_by("reviewed_at", "id")
    )
    cards = (
        ReviewCard.objects.filter(user=user)
        .select_related("course", "question")
        .only("due", "last_review", "reviews", "stability", "difficulty", "course__title", "question__text")
    )
    return {
        "profile": {
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "lesson_progress": [
            {
                "course": record.lesson.course.title,
                "lesson": record.lesson.title,
                "status": record.status,
                "started_at": _iso(record.started_at),
                "last_viewed_at": _iso(record.last_viewed_at),
                "completed_at": _iso(record.completed_at),
            }
            for record in progress
        ],
        "quiz_attempts": [_attempt_data(attempt, shown=shown[attempt.quiz_id]) for attempt in attempts],
        "reviews": [
            {
                "course": review.card.course.title,
                "question": review.question.text if review.question else None,
                "mark": str(review.mark),
                "rating": review.rating,
                "reviewed_at": _iso(review.reviewed_at),
            }
            for review in reviews
        ],
        "review_schedule": [
            {
                "course": card.course.title,
                "question": card.question.text,
                "due": _iso(card.due),
                "last_review": _iso(card.last_review),
                "reviews": card.reviews,
            }
            for card in cards.order_by("due", "id")
        ],
        "certificates": [
            {
                "code": certificate.code,
                "awarded_to": certificate.learner_name,
                "course": certificate.course_title,
                "issued_at": _iso(certificate.issued_at),
                "verify_path": certificate.get_absolute_url(),
            }
            for certificate in certificates
        ],
    }


def account_attempt_rows(*, user: AbstractUser) -> Iterator[list]:
    """The user's attempts as CSV rows (header first), one per attempt. One query."""
    yield ATTEMPT_CSV_HEADER
    attempts = (
        Attempt.objects.filter(user=user)
        .order_by("quiz__course__title", "quiz_id", "number")
        .values_list(
            "quiz__course__title",
            "quiz__title",
            "number",
            "status",
            "started_at",
            "finished_at",
            "closed_at_deadline",
            "score",
            "passed",
        )
    )
    for course, quiz, number, status, started, finished, at_deadline, score, passed in attempts:
        yield [course, quiz, number, status, _iso(started), _iso(finished), at_deadline, score, passed]
