"""A database made before this release's quiz changes migrates forward with its rows intact."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from quizzes.models import Question, Quiz, ReviewWhen

BEFORE = [("quizzes", "0002_instructor_permissions")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_quizzes_and_questions_of_an_older_database_survive_the_migration():
    """Old questions join their lesson quiz's pool; an old final exam keeps its key until it is over."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    course = old.get_model("lessons", "Course").objects.create(title="Old", slug="old")
    module = old.get_model("lessons", "Module").objects.create(course=course, title="M", slug="m")
    lesson = old.get_model("lessons", "Lesson").objects.create(module=module, course=course, title="L", slug="l")
    old_quiz = old.get_model("quizzes", "Quiz")
    old_quiz.objects.create(course=course, lesson=lesson, kind="lesson", title="Quiz", slug="l-quiz")
    old_quiz.objects.create(course=course, kind="final", title="Final", slug="final")
    old.get_model("quizzes", "Question").objects.create(
        course=course, lesson=lesson, key="q1", qtype="single", text="Which?", explanation="Why.", section_anchor="a"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    question = Question.objects.get(key="q1")
    assert (question.pool, question.variant_group, question.level, question.objective) == ("lesson", "", "", None)
    assert list(Quiz.objects.get(slug="l-quiz").question_pool()) == [question]
    final = Quiz.objects.get(slug="final")
    assert final.review_right_answer == final.review_marks == ReviewWhen.CLOSED
    assert Quiz.objects.get(slug="l-quiz").review_marks == ReviewWhen.ALWAYS
