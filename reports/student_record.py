"""One student's record in a course: each lesson's status and each quiz's attempts and grade."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.http import Http404

from certificates.models import Certificate
from quizzes.models import Attempt
from quizzes.selectors import QuizResult
from reports.gradebook import GradebookColumns, GradebookRow, gradebook_rows


def course_student_get(*, user_id: int) -> AbstractUser:
    """A student (an active non-staff user, as the gradebook lists them), or 404."""
    try:
        return get_user_model().objects.get(pk=user_id, is_staff=False, is_active=True)
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
    # (module, Mastery or None when the student has no answers on it yet), in course order.
    mastery: list = field(default_factory=list)

    @property
    def attempt_count(self) -> int:
        return sum(len(entry.attempts) for entry in self.quizzes)


def student_record(*, columns: GradebookColumns, student: AbstractUser) -> StudentRecord:
    """One student's lessons, quiz attempts, mastery per module and certificate in a course. Six queries."""
    row = gradebook_rows(columns=columns, students=[student])[0]
    attempts = Attempt.objects.filter(user=student, quiz_id__in=[quiz.id for quiz in columns.quizzes]).order_by(
        "number"
    )
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    quizzes = [QuizRecord(result=result, attempts=by_quiz.get(result.quiz.id, [])) for result in row.quizzes]
    certificate = Certificate.objects.filter(user=student, course=columns.course).first()
    mastery = [(module, row.mastery.get(module.pk)) for module in columns.course_modules]
    return StudentRecord(student=student, row=row, quizzes=quizzes, certificate=certificate, mastery=mastery)
