import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from lessons.services import course_load
from tests.conftest import SHIPPED_COURSE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def assert_accessible(page: Page):
    """axe-core finds no serious or critical accessibility violation on the page."""
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, results.generate_report()


def test_new_student_signs_up_reads_a_lesson_and_sees_progress(live_server, page: Page):
    """Sign up, open the outline, read the first lesson, mark it complete, see the course progress move."""
    course = course_load(folder=SHIPPED_COURSE).course
    lesson_count = course.lessons.count()

    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("newstudent")
    page.get_by_label("Email").fill("newstudent@example.com")
    page.get_by_label("Password*", exact=True).fill("a-long-passphrase-7")
    page.get_by_label("Password confirmation").fill("a-long-passphrase-7")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_role("link", name=course.title, exact=True).click()
    expect(page.get_by_test_id("course-progress")).to_have_text(f"0 of {lesson_count} lessons completed")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Continue where you left off")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What diplomacy is")
    expect(page.get_by_role("heading", name="Key terms")).to_be_visible()
    assert_accessible(page)

    section = page.get_by_role("navigation", name="On this page").get_by_role("link").first
    anchor = section.get_attribute("href")
    section.click()
    expect(page).to_have_url(re.compile(f"{anchor}$"))

    page.get_by_role("button", name="Mark this lesson complete").click()
    expect(page.get_by_text("You completed this lesson.")).to_be_visible()

    page.get_by_role("link", name=course.title).first.click()
    expect(page.get_by_test_id("course-progress")).to_have_text(f"1 of {lesson_count} lessons completed")
    expect(page.get_by_role("progressbar", name="Course progress")).to_have_attribute(
        "aria-valuenow", str(round(100 / lesson_count))
    )
    expect(page.locator(".status-completed")).to_have_count(1)
