import pytest
from playwright.sync_api import Page, expect

from courseware.loading import course_load
from learning.services import attempt_start, attempt_submit
from quizzes.models import Quiz
from tests.conftest import SHIPPED_COURSE
from tests.e2e.test_student_journey import assert_accessible
from tests.factories import InstructorFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_instructor_reads_the_gradebook_and_item_analysis_and_previews_a_quiz(live_server, page: Page):
    """An instructor logs in, opens the reports (accessible pages with charts) and previews a quiz."""
    course = course_load(folder=SHIPPED_COURSE).course
    quiz = Quiz.objects.get(slug="diplomacy-art-and-practice-quiz")
    for index in range(3):
        student = UserFactory(username=f"reader{index}")
        attempt_submit(attempt=attempt_start(user=student, quiz=quiz))
    InstructorFactory(username="teacher")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Gradebook").first.click()
    expect(page.get_by_role("link", name="reader0")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/staff/reports/courses/{course.slug}/quizzes/{quiz.slug}/statistics/")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}{quiz.get_absolute_url()}")
    page.get_by_role("link", name="Preview (nothing recorded)").click()
    expect(page.get_by_text("Nothing you do here is recorded")).to_be_visible()
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_text("this result was not recorded")).to_be_visible()
    assert quiz.attempts.count() == 3
