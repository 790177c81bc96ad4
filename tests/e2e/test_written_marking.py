"""A written answer in the browser: a student submits it, an instructor marks it, the student reads the feedback."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from lessons.permissions import INSTRUCTORS
from tests.e2e.test_student_journey import assert_accessible
from tests.factories import (
    CourseFactory,
    InstructorFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    UserFactory,
    make_question,
    make_written_question,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MEMO = (
    "I recommend that the ministry open talks before anything else, because talks keep every option open.\n\n"
    "The risk is that the other side reads patience as weakness, so the memo sets a date for a review."
)


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def test_an_instructor_marks_a_written_answer_and_the_student_reads_the_feedback(
    live_server, page: Page, browser: Browser
):
    """Submit -> awaiting marking; the marker picks a level per criterion and comments; the student sees it all."""
    course = CourseFactory(title="Test Diplomacy", slug="test-diplomacy")
    lesson = LessonFactory(module=ModuleFactory(course=course, slug="basics"), slug="talking", title="Talking")
    quiz = QuizFactory(lesson=lesson, slug="talking-quiz", pass_mark=50, title="Quiz: Talking")
    make_question(lesson, "single", [("Mediation", 1), ("Negotiation", 0)])
    make_written_question(lesson)
    UserFactory(username="sam", first_name="Sam Student")
    # Transactional tests before this one flush the group its data migration made; marking needs only membership.
    Group.objects.get_or_create(name=INSTRUCTORS)
    InstructorFactory(username="ines")

    log_in(page, live_server.url, "sam")
    page.goto(f"{live_server.url}{quiz.get_absolute_url()}")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("Mediation").check()
    answer = page.get_by_role("textbox", name="Your answer")
    answer.fill(MEMO)
    expect(page.locator(".word-counter")).to_contain_text("words")
    answer.blur()
    # Autosave keeps the written answer like any other; the student sees it confirmed before submitting.
    expect(page.locator("#autosave-status")).to_contain_text("Answers saved at")
    expect(page.locator("#attempt-form")).not_to_have_attribute("aria-busy", "true")
    assert quiz.attempts.get().slots.get(position=2).response == {"text": MEMO}
    assert_accessible(page)
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_test_id("attempt-score")).to_have_text("Submitted · Awaiting marking")
    expect(page.get_by_test_id("awaiting-marking")).to_be_visible()

    marker = browser.new_context().new_page()
    log_in(marker, live_server.url, "ines")
    marker.get_by_role("link", name="Reports").click()
    expect(marker.get_by_test_id("written-waiting")).to_have_text("1 written answer waiting")
    marker.get_by_role("link", name="Marking queue").click()
    marker.get_by_role("link", name="Quiz: Talking").click()
    marker.get_by_role("link", name="Mark the answer of Sam Student").click()
    expect(marker.get_by_test_id("student-answer")).to_contain_text("open talks before anything else")
    marker.get_by_role("group", name="Uses the lesson's ideas").get_by_label("4 points").check()
    marker.get_by_role("group", name="Argues a choice").get_by_label("1 point:").check()
    marker.get_by_label("Comment to the student").fill("Well argued; say what you would concede.")
    assert_accessible(marker)
    marker.get_by_role("button", name="Save the mark").click()
    expect(marker.get_by_text("No answer of this quiz is waiting")).to_be_visible()
    marker.context.close()

    page.reload()
    expect(page.get_by_test_id("attempt-score")).to_have_text("Score 91.67% · Passed")
    expect(page.get_by_test_id("written-mark")).to_contain_text("5 of 6 points")
    expect(page.get_by_test_id("marker-comment")).to_have_text("Well argued; say what you would concede.")
    expect(page.get_by_role("cell", name="The right ones, precisely.")).to_be_visible()
    assert_accessible(page)
