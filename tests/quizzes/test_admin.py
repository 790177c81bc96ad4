"""Instructors edit questions in the admin: validation per type, history, regrade, preview."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from reversion.models import Version

from learning.services import attempt_start, attempt_submit
from lessons.models import LessonProgress
from quizzes.models import Attempt, Question
from tests.factories import make_question
from tests.quizzes.test_services import right_answers

pytestmark = pytest.mark.django_db


def question_form(question, choices, **changes):
    """The admin change form's POST data for a question and its choice rows."""
    data = {
        "lesson": question.lesson_id,
        "key": question.key,
        "qtype": question.qtype,
        "title": question.title,
        "text": question.text,
        "explanation": question.explanation,
        "section_anchor": question.section_anchor,
        "pool": question.pool,
        "position": question.position,
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(question.choices.count()),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        **changes,
    }
    existing = list(question.choices.order_by("position", "id"))
    for index, row in enumerate(choices):
        prefix = f"choices-{index}-"
        if index < len(existing):
            data[prefix + "id"] = existing[index].pk
        data[prefix + "question"] = question.pk
        data[prefix + "position"] = index + 1
        data.update({prefix + name: value for name, value in row.items()})
    return data


def change_url(question):
    return reverse("admin:quizzes_question_change", args=[question.pk])


@pytest.mark.parametrize(
    ("qtype", "choices", "message"),
    [
        ("single", [{"text": "A", "fraction": "0"}, {"text": "B", "fraction": "0"}], "exactly one choice at 100%"),
        (
            "multiple",
            [{"text": "A", "fraction": "0.5"}, {"text": "B", "fraction": "0.3"}, {"text": "C", "fraction": "-1"}],
            "add up to 80%",
        ),
        (
            "matching",
            [{"text": "A", "match_text": "x"}, {"text": "B", "match_text": ""}],
            "needs a right side",
        ),
        ("short", [{"text": "word", "fraction": "0.5"}], "at least one accepted answer at 100%"),
    ],
)
def test_admin_refuses_questions_that_cannot_be_answered_right(instructor_client, quiz, qtype, choices, message):
    """No right answer, weights that do not add up, or an empty matching side: a message, nothing saved."""
    question = quiz.lesson.questions.get(qtype=qtype)
    before = list(question.choices.values_list("text", "fraction", "match_text"))
    response = instructor_client.post(change_url(question), question_form(question, choices))
    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    assert list(question.choices.values_list("text", "fraction", "match_text")) == before


def test_the_choice_columns_fit_the_question_type(instructor_client, quiz):
    """Matching rows ask for a right side; ordering rows ask for no weight."""
    matching = instructor_client.get(change_url(quiz.lesson.questions.get(qtype="matching")))
    assert 'name="choices-0-match_text"' in matching.text and 'name="choices-0-fraction"' not in matching.text
    ordering = instructor_client.get(change_url(quiz.lesson.questions.get(qtype="ordering")))
    assert 'name="choices-0-fraction"' not in ordering.text and "students see them shuffled" in ordering.text


def test_changing_the_key_offers_a_regrade_that_updates_scores(instructor_client, student, quiz):
    """After the answer key changes, the admin offers a regrade; running it changes the stored scores."""
    attempt = attempt_start(user=student, quiz=quiz)
    attempt = attempt_submit(attempt=attempt, responses=right_answers(attempt))
    assert attempt.score == 100
    question = quiz.lesson.questions.get(qtype="single")
    response = instructor_client.post(
        change_url(question),
        question_form(question, [{"text": "Mediation", "fraction": "0"}, {"text": "Negotiation", "fraction": "1"}]),
        follow=True,
    )
    assert "1 finished attempt(s) were marked with the old key" in response.text
    assert Question.objects.get(pk=question.pk).version == 2
    assert Attempt.objects.get(pk=attempt.pk).score == 100

    regrade_url = reverse("admin:quizzes_question_regrade", args=[question.pk])
    assert "Regrade all finished attempts" in instructor_client.get(regrade_url).text
    response = instructor_client.post(regrade_url, follow=True)
    assert "1 attempt changed score" in response.text
    regraded = Attempt.objects.get(pk=attempt.pk)
    assert regraded.score == Decimal("83.33")
    slot = regraded.slots.get(question=question)
    assert (slot.mark, slot.snapshot["version"]) == (0, 2)


def test_every_edit_is_kept_with_who_and_when_and_can_be_restored(instructor_client, instructor, quiz):
    """The history lists each change by its author; reverting brings the earlier text and choices back."""
    question = quiz.lesson.questions.get(qtype="single")
    rows = [{"text": "Mediation", "fraction": "1"}, {"text": "Negotiation", "fraction": "0"}]
    instructor_client.post(change_url(question), question_form(question, rows, text="First wording?"))
    instructor_client.post(change_url(question), question_form(question, rows, text="Second wording?"))
    versions = Version.objects.get_for_object(question)
    assert versions.count() == 2
    assert versions.first().revision.user == instructor
    history = instructor_client.get(reverse("admin:quizzes_question_history", args=[question.pk]))
    assert instructor.username in history.text

    oldest = versions.last()
    revert_url = reverse("admin:quizzes_question_revision", args=[question.pk, oldest.pk])
    form = instructor_client.get(revert_url)
    assert "First wording?" in form.text
    instructor_client.post(revert_url, question_form(question, rows, text="First wording?"))
    assert Question.objects.get(pk=question.pk).text == "First wording?"


def test_staff_preview_a_quiz_without_recording_anything(instructor_client, quiz):
    """The preview shows the questions and grades a submission, but no attempt is stored."""
    url = reverse("quizzes:preview", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})
    page = instructor_client.get(url)
    assert "Nothing you do here is recorded" in page.text
    token = page.context["preview_token"]
    result = instructor_client.post(url, {"preview": token, "q4": "RCEP"})
    assert "Preview: this result was not recorded." in result.text
    assert "Score 16.67%" in result.text
    assert not Attempt.objects.exists()


def test_staff_preview_does_not_mark_a_description(instructor_client, quiz):
    """A description in the pool is shown but left out of the preview's score."""
    make_question(quiz.lesson, "description", [], text="Read the dates first.")
    url = reverse("quizzes:preview", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})
    page = instructor_client.get(url)
    assert "Read the dates first." in page.text
    result = instructor_client.post(url, {"preview": page.context["preview_token"], "q4": "RCEP"})
    assert "Score 16.67%" in result.text


def test_a_tampered_preview_is_refused(instructor_client, quiz):
    """The preview's questions travel signed; an altered form is a 400."""
    url = reverse("quizzes:preview", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})
    assert instructor_client.post(url, {"preview": "forged"}).status_code == HTTPStatus.BAD_REQUEST


def test_students_cannot_preview(student_client, quiz):
    """The preview is staff-only."""
    url = reverse("quizzes:preview", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})
    assert student_client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_staff_preview_draft_lessons_without_progress(instructor_client, instructor, quiz):
    """Staff open a draft lesson as students would see it; no progress row is written."""
    lesson = quiz.lesson
    lesson.is_published = False
    lesson.save()
    response = instructor_client.get(lesson.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "Staff preview" in response.text
    assert not LessonProgress.objects.filter(user=instructor).exists()
