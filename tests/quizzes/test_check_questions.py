"""The question linter as instructors meet it: the check_questions command and the question admin."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def giveaway(quiz):
    """A question of the quiz whose stem sends the student to the essay instead of the lesson."""
    return make_question(quiz.lesson, text="What does the essay call a go-between?", key="names-the-essay")


def run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_questions", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_the_command_lists_each_finding_and_fails(quiz, giveaway):
    """One line per finding with its code, pool and key, a count, and exit status 1."""
    status, out = run("--course", quiz.course.slug)
    assert status == 1
    assert "Q110 talking names-the-essay: " in out
    assert out.strip().splitlines()[-1].endswith("findings")


def test_the_command_passes_a_clean_quiz_and_can_narrow_to_one(quiz, giveaway):
    """--quiz keeps the findings of that quiz's questions; another quiz of the course can be clean."""
    status, out = run("--course", quiz.course.slug, "--quiz", quiz.slug)
    assert status == 1 and "names-the-essay" in out
    giveaway.text = "What does the lesson call a go-between?"
    giveaway.save()
    status, out = run("--course", quiz.course.slug, "--quiz", quiz.slug)
    assert "names-the-essay" not in out


def test_the_command_names_an_unknown_course_or_quiz(quiz):
    """A slug that matches nothing is an error message, not a traceback."""
    with pytest.raises(CommandError, match="no course"):
        call_command("check_questions", "--course", "nowhere")
    with pytest.raises(CommandError, match="no single quiz"):
        call_command("check_questions", "--quiz", "nowhere")


def test_the_rules_are_listed_with_their_codes():
    """--rules prints every code with its one-line explanation."""
    status, out = run("--rules")
    assert status == 0 and out.startswith("Q101 ") and "Q111 " in out


def test_the_question_list_flags_and_filters_findings(instructor_client, quiz, giveaway):
    """The admin list shows each question's codes, and "with findings" keeps only flagged questions."""
    url = reverse("admin:quizzes_question_changelist")
    response = instructor_client.get(url)
    assert response.status_code == HTTPStatus.OK and "Q110" in response.text
    flagged = {q.key for q in instructor_client.get(url, {"findings": "yes"}).context["cl"].result_list}
    clean = {q.key for q in instructor_client.get(url, {"findings": "no"}).context["cl"].result_list}
    assert "names-the-essay" in flagged and "names-the-essay" not in clean
    assert flagged | clean == set(quiz.question_pool().values_list("key", flat=True)) and not flagged & clean


def test_the_question_page_explains_its_findings(instructor_client, giveaway):
    """The change page names the rule and quotes what tripped it."""
    response = instructor_client.get(reverse("admin:quizzes_question_change", args=[giveaway.pk]))
    assert "Q110" in response.text and "names-the-essay" in response.text
    assert "students read the lessons" in response.text
