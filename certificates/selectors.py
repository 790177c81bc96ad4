"""What a student still has to do to complete a course."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from lessons.models import Course, Lesson, LessonProgress, LessonStatus
from quizzes.models import Attempt, Quiz
from quizzes.selectors import quiz_grade


@dataclass
class CourseCompletion:
    lessons_total: int
    lessons_completed: int
    quizzes_total: int
    quizzes_passed: int
    final_exam_passed: bool
    has_final_exam: bool

    @property
    def complete(self) -> bool:
        return (
            self.lessons_total > 0
            and self.lessons_completed == self.lessons_total
            and self.quizzes_passed == self.quizzes_total
            and (self.final_exam_passed or not self.has_final_exam)
        )


def course_lessons_left(*, course: Course, user) -> bool:
    """Whether some lesson a student sees in the course is not completed yet: one query, a cheap "not yet"."""
    completed = LessonProgress.objects.filter(lesson=OuterRef("pk"), user=user, status=LessonStatus.COMPLETED)
    return (
        Lesson.objects.filter(course=course, is_published=True, module__is_published=True, course__is_published=True)
        .filter(~Exists(completed))
        .exists()
    )


def course_completion(*, course: Course, user) -> CourseCompletion:
    """Completion counted as a student sees the course (published content only), in four queries."""
    lessons = Lesson.objects.filter(
        course=course, is_published=True, module__is_published=True, course__is_published=True
    )
    lesson_ids = set(lessons.values_list("id", flat=True))
    completed = LessonProgress.objects.filter(
        user=user, lesson_id__in=lesson_ids, status=LessonStatus.COMPLETED
    ).count()
    # The final exam, the quizzes of published lessons, and the written tasks of published modules.
    quizzes = {
        quiz.pk: quiz
        for quiz in Quiz.objects.filter(course=course, is_published=True).filter(
            Q(lesson__isnull=True, module__isnull=True) | Q(lesson_id__in=lesson_ids) | Q(module__is_published=True)
        )
    }
    scores: dict[int, list] = {quiz_id: [] for quiz_id in quizzes}
    for quiz_id, score in (
        Attempt.objects.finished()
        .filter(user=user, quiz_id__in=quizzes)
        .order_by("number")
        .values_list("quiz_id", "score")
    ):
        scores[quiz_id].append(score)

    def passed(quiz: Quiz) -> bool:
        grade = quiz_grade(scores[quiz.pk], quiz.grading_method)
        return grade is not None and grade >= quiz.pass_mark

    lesson_quizzes = [quiz for quiz in quizzes.values() if not quiz.is_final]
    finals = [quiz for quiz in quizzes.values() if quiz.is_final]
    return CourseCompletion(
        lessons_total=len(lesson_ids),
        lessons_completed=completed,
        quizzes_total=len(lesson_quizzes),
        quizzes_passed=sum(passed(quiz) for quiz in lesson_quizzes),
        final_exam_passed=any(passed(quiz) for quiz in finals),
        has_final_exam=bool(finals),
    )
