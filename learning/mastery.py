"""Mastery for a whole class, computed in the database: one query per batch of students, a row per objective.

learning.selectors.students_mastery reads a few students' recent answers and keeps the last five per
objective in Python; a gradebook or its CSV over thousands of students would read every answer of
every student that way. Here the database ranks each student's answers per objective (a window
function over quiz answers and reviews alike), keeps the last MASTERY_WINDOW and sums them, so only
one row per student and objective comes back. Plain SQL around the ORM's own two selects: the ORM
writes no window over a union.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import F, QuerySet

from learning.models import Review
from lessons.models import Course
from quizzes.models import Attempt, AttemptQuestion

MASTERY_WINDOW = 5
# Marks have 7 decimal places: summed as integers of 10^-7, the database adds them exactly on every backend.
MARK_DECIMALS = 7
MARK_SCALE = 10**MARK_DECIMALS


@dataclass(frozen=True)
class ObjectiveAnswers:
    """One student's answers on one objective: the sum and number of the last MASTERY_WINDOW, and how many in all."""

    user_id: int
    lesson_id: int
    module_id: int
    objective: int
    recent_sum: Decimal
    recent_count: int
    answers: int


def _answers(queryset: QuerySet, *, user: str, when: str) -> QuerySet:
    return queryset.order_by().values(
        answer_user=F(user),
        answer_lesson=F("question__lesson_id"),
        answer_module=F("question__lesson__module_id"),
        answer_objective=F("question__objective"),
        answered_at=F(when),
        answer_mark=F("mark"),
    )


def objective_answers(*, course: Course, user_ids: list[int]) -> Iterator[ObjectiveAnswers]:
    """Per student and objective of the course, their marked answers in finished quiz attempts and reviews,
    the last MASTERY_WINDOW summed (newest first; at the same moment the better mark first). One query."""
    if not user_ids:
        return
    quiz_answers = _answers(
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
    review_answers = _answers(
        Review.objects.filter(user_id__in=user_ids, card__course=course, question__objective__isnull=False),
        user="user_id",
        when="reviewed_at",
    )
    quiz_sql, quiz_params = quiz_answers.query.sql_with_params()
    review_sql, review_params = review_answers.query.sql_with_params()
    # The two inner selects are the ORM's own, their parameters passed apart.
    sql = f"""
        SELECT answer_user, answer_lesson, answer_module, answer_objective,
               SUM(CASE WHEN recent <= %s THEN CAST(ROUND(answer_mark * {MARK_SCALE}) AS BIGINT) ELSE 0 END),
               SUM(CASE WHEN recent <= %s THEN 1 ELSE 0 END),
               COUNT(*)
        FROM (
            SELECT answers.*, ROW_NUMBER() OVER (
                PARTITION BY answer_user, answer_lesson, answer_objective
                ORDER BY answered_at DESC, answer_mark DESC
            ) AS recent
            FROM ({quiz_sql} UNION ALL {review_sql}) AS answers
        ) AS ranked
        GROUP BY answer_user, answer_lesson, answer_module, answer_objective
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [MASTERY_WINDOW, MASTERY_WINDOW, *quiz_params, *review_params])
        for user_id, lesson_id, module_id, objective, scaled_sum, recent_count, answers in cursor.fetchall():
            yield ObjectiveAnswers(
                user_id=user_id,
                lesson_id=lesson_id,
                module_id=module_id,
                objective=objective,
                recent_sum=Decimal(int(scaled_sum)).scaleb(-MARK_DECIMALS),
                recent_count=int(recent_count),
                answers=int(answers),
            )
