"""The shipped course's quizzes certify reading: pools in variant groups, levels, objectives, an exam bank."""

from collections import Counter

import pytest
from django.core.management import call_command

from quizzes.models import Question, QuestionLevel, Quiz
from quizzes.selectors import exam_blueprint_coverage

pytestmark = pytest.mark.django_db


def lesson_quizzes(course):
    return Quiz.objects.filter(course=course, kind=Quiz.Kind.LESSON).select_related("lesson")


def test_every_lesson_quiz_draws_one_of_two_variants_per_group(shipped_course):
    """Pools of 10+ in groups of 2+, 5-6 drawn per attempt, so a retry can meet entirely new questions."""
    for quiz in lesson_quizzes(shipped_course):
        pool = list(quiz.question_pool())
        groups = Counter(question.variant_group for question in pool)
        assert len(pool) >= 10, quiz.slug
        assert "" not in groups and min(groups.values()) >= 2, (quiz.slug, groups)
        assert 5 <= quiz.questions_per_attempt <= len(groups), quiz.slug


def test_every_objective_is_assessed_twice_and_a_third_of_items_apply_the_lesson(shipped_course):
    """Each objective by two or more questions; 30%+ application items and some analysis in every pool."""
    for quiz in lesson_quizzes(shipped_course):
        pool = list(quiz.question_pool())
        objectives = Counter(question.objective for question in pool)
        for number in range(1, len(quiz.lesson.objective_list) + 1):
            assert objectives[number] >= 2, (quiz.slug, number)
        levels = Counter(question.level for question in pool)
        assert levels[QuestionLevel.APPLY] / len(pool) >= 0.3, (quiz.slug, levels)
        assert levels[QuestionLevel.ANALYSE] >= 1, quiz.slug


def test_the_final_exam_has_its_own_bank_covering_its_blueprint(shipped_course):
    """60+ exam questions of no lesson quiz, every module and level covered as the blueprint asks; 25 drawn."""
    final = Quiz.objects.get(course=shipped_course, kind=Quiz.Kind.FINAL)
    bank = list(final.question_pool())
    assert len(bank) >= 60
    assert not Question.objects.filter(pk__in=[q.pk for q in bank], pool=Quiz.Kind.LESSON).exists()
    assert final.questions_per_attempt == 25
    rows = exam_blueprint_coverage(quiz=final)
    assert len(rows) == 9 and all(row.covered for row in rows)
    levels = Counter(question.level for question in bank)
    assert 0.2 <= levels[QuestionLevel.RECALL] / len(bank) <= 0.4
    assert 0.3 <= levels[QuestionLevel.UNDERSTAND] / len(bank) <= 0.5
    assert 0.2 <= levels[QuestionLevel.APPLY] / len(bank) <= 0.4


def test_the_shipped_questions_pass_the_question_linter(shipped_course, capsys):
    """`manage.py check_questions` finds nothing in the shipped course (it exits 1 on any finding)."""
    call_command("check_questions")
    assert capsys.readouterr().out.strip().endswith("0 findings")
