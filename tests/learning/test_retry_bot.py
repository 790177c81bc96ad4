"""A test-wise student who did not read: submit, study the review, retry. It must fail every lesson quiz."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from lessons.models import Course
from quizzes.models import Attempt, Quiz
from tests.learning.test_quiz_pages import form_values

pytestmark = pytest.mark.django_db

ARTICLE = re.compile(r"<article.*?</article>", re.S)


def start(client, quiz):
    url = reverse("learning:start", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})
    assert client.post(url).status_code == HTTPStatus.FOUND
    return Attempt.objects.filter(quiz=quiz).latest("number")


def keys_revealed(review_html: str, attempt: Attempt) -> set[str]:
    """Keys of the questions whose review showed the right answer (or told the bot it was right)."""
    revealed = set()
    articles = ARTICLE.findall(review_html)
    for slot in attempt.slots.all():
        stem = slot.snapshot["text"].split("\n")[0][:60]
        for article in articles:
            if stem in article and ("Right answer" in article or ">Correct<" in article):
                revealed.add(slot.snapshot["key"])
    return revealed


def test_a_student_who_retries_from_the_review_passes_no_lesson_quiz(shipped_course, student_client):
    """Attempt 1 blank, read its review, attempt 2 reusing whatever the review revealed: no quiz is passed.

    Attempt 2 also shares at most half its questions with attempt 1.
    """
    Course.objects.filter(pk=shipped_course.pk).update(sequential_modules=False)
    passed, reused = [], 0
    quizzes = Quiz.objects.filter(course=shipped_course, kind=Quiz.Kind.LESSON).select_related("course")
    for quiz in quizzes:
        first = start(student_client, quiz)
        result = student_client.post(first.get_absolute_url(), {"submit": "", "confirm_unanswered": "1"}, follow=True)
        known = keys_revealed(result.text, first)

        second = start(student_client, quiz)
        first_keys = {slot.snapshot["key"] for slot in first.slots.all()}
        second_keys = {slot.snapshot["key"] for slot in second.slots.all()}
        assert len(first_keys & second_keys) <= len(second_keys) / 2, quiz.slug
        right = form_values(second)
        answers = {name: value for name, value in right.items() if _slot_key(second, name) in known}
        reused += len(answers)
        student_client.post(second.get_absolute_url(), {**answers, "submit": "", "confirm_unanswered": "1"})
        second.refresh_from_db()
        if second.passed:
            passed.append(quiz.slug)
    assert len(quizzes) == 26
    assert passed == [], f"passed on a second attempt from the review alone: {passed} ({reused} answers reused)"


def _slot_key(attempt, field_name: str) -> str:
    position = int(re.match(r"q(\d+)", field_name).group(1))
    return next(slot.snapshot["key"] for slot in attempt.slots.all() if slot.position == position)
