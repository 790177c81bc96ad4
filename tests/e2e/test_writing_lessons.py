"""An instructor writes a lesson in the admin's Markdown editor, with and without JavaScript, on a 1280 px screen."""

import pytest
from playwright.sync_api import Page, expect

from courseware.loading import course_load
from lessons.models import Lesson
from quizzes.models import Question
from tests.conftest import SHIPPED_COURSE
from tests.factories import InstructorFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREEN = {"width": 1280, "height": 900}


def log_in(page: Page, url: str) -> None:
    page.goto(f"{url}/admin/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def test_the_body_preview_with_and_without_javascript_on_pages_that_fit_1280_px(live_server, page: Page, browser):
    """The preview renders as one types (htmx) or on "Preview the body" without JavaScript; no sideways scroll."""
    course_load(folder=SHIPPED_COURSE)
    InstructorFactory(username="teacher")
    lesson = Lesson.objects.get(slug="diplomacy-art-and-practice")
    question = Question.objects.filter(lesson=lesson).first()
    page.set_viewport_size(SCREEN)
    log_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/lessons/lesson/{lesson.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    page.locator("#id_body").press("End")
    page.locator("#id_body").press_sequentially("\n\n## Typed just now {#typed-now}\n\nLive *words*.")
    preview = page.locator("#id_body_preview")
    expect(preview.get_by_role("heading", name="Typed just now")).to_be_visible()
    expect(preview.locator("em", has_text="words")).to_be_visible()
    assert "typed-now" not in Lesson.objects.get(pk=lesson.pk).body

    page.goto(f"{live_server.url}/admin/quizzes/question/{question.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    other = Lesson.objects.get(slug="official-channels-in-a-global-age")
    page.get_by_label("Lesson:").select_option(str(other.pk))
    first = other.section_list[0]
    expect(page.locator(f"#id_section_anchor option[value='{first.anchor}']")).to_have_count(1)

    # Objectives: one labelled input each; "Add another objective" adds rows up to the limit of four.
    page.goto(f"{live_server.url}/admin/lessons/lesson/add/")
    expect(page.get_by_label("Objective 2")).to_be_visible()
    expect(page.get_by_label("Objective 3")).to_have_count(0)
    add = page.get_by_role("button", name="Add another objective")
    add.click()
    expect(page.get_by_label("Objective 3")).to_be_focused()
    add.click()
    expect(page.get_by_label("Objective 4")).to_have_attribute("name", "objectives_3")
    expect(add).to_be_hidden()

    # Without JavaScript, "Preview the body" re-renders the form with the rendered body and saves nothing.
    context = browser.new_context(java_script_enabled=False, viewport=SCREEN)
    plain = context.new_page()
    log_in(plain, live_server.url)
    plain.goto(f"{live_server.url}/admin/lessons/lesson/{lesson.pk}/change/")
    body = plain.locator("#id_body")
    body.fill(body.input_value() + "\n\n## Without scripts {#without-scripts}\n\nPlain words.")
    plain.get_by_role("button", name="Preview the body").click()
    expect(plain.locator("#id_body_preview").get_by_role("heading", name="Without scripts")).to_be_visible()
    assert "Without scripts" in plain.locator("#id_body").input_value()
    assert plain.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    assert "without-scripts" not in Lesson.objects.get(pk=lesson.pk).body
    context.close()
