import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from courseware.loading import course_load
from quizzes.models import Attempt, Quiz
from tests.conftest import SHIPPED_COURSE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def assert_accessible(page: Page):
    """axe-core finds no serious or critical accessibility violation on the page."""
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, results.generate_report()


def answer_every_question(page: Page, attempt: Attempt, *, wrong_position: int):
    """Fill the attempt form as a student who knows the lesson, except one question left wrong."""
    for slot in attempt.slots.all():
        snapshot, position = slot.snapshot, slot.position
        choices = {choice["id"]: choice for choice in snapshot["choices"]}
        order = snapshot["order"]
        right = position != wrong_position
        qtype = snapshot["qtype"]
        if qtype in {"single", "truefalse"}:
            pick = sorted(order, key=lambda cid: float(choices[cid]["fraction"]), reverse=right)[0]
            page.check(f"#id_q{position}_{order.index(pick)}")
        elif qtype == "multiple":
            for index, cid in enumerate(order):
                if (float(choices[cid]["fraction"]) > 0) == right:
                    page.check(f"#id_q{position}_{index}")
        elif qtype == "short":
            page.fill(f"#id_q{position}", snapshot["choices"][0]["text"] if right else "no idea")
        elif qtype == "matching":
            for index, cid in enumerate(order):
                target = snapshot["match_order"].index(cid)
                page.select_option(f"#id_q{position}_{index}", str(target if right else (target + 1) % len(order)))
        else:
            canonical = [choice["id"] for choice in snapshot["choices"]]
            for index, cid in enumerate(order):
                rank = canonical.index(cid) + 1
                page.select_option(f"#id_q{position}_{index}", str(rank if right else rank % len(order) + 1))


def test_new_student_signs_up_reads_takes_a_quiz_and_sees_progress(live_server, page: Page):
    """Sign up, open the outline, read the first lesson, pass its quiz, follow feedback to the lesson, see progress."""
    course = course_load(folder=SHIPPED_COURSE).course
    # The course's steps: each lesson, each module's written task, and the final exam.
    step_count = course.lessons.count() + course.quizzes.filter(kind=Quiz.Kind.TASK).count() + 1

    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Full name").fill("Nadia Student")
    page.get_by_label("Username").fill("newstudent")
    page.get_by_label("Email").fill("newstudent@example.com")
    page.get_by_label("Password*", exact=True).fill("a-long-passphrase-7")
    page.get_by_label("Password confirmation").fill("a-long-passphrase-7")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("link", name="Log out")).to_be_visible()

    page.get_by_role("link", name=course.title, exact=True).click()
    expect(page.get_by_test_id("course-progress")).to_contain_text(f"0 of {step_count} steps done")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Continue where you left off")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What diplomacy is")
    expect(page.get_by_role("heading", name="Key terms")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit for grading")).to_be_visible()
    assert_accessible(page)
    attempt = Attempt.objects.get(user__username="newstudent")
    answer_every_question(page, attempt, wrong_position=1)
    # The script saves each change in the background; the student sees it confirmed before submitting.
    expect(page.locator("#autosave-status")).to_contain_text("Answers saved at")
    expect(page.locator("#attempt-form")).not_to_have_attribute("aria-busy", "true")
    page.get_by_role("button", name="Submit for grading").click()

    expect(page.get_by_test_id("attempt-score")).to_contain_text("Passed")
    expect(page.locator(".review-incorrect")).to_have_count(1)
    assert_accessible(page)
    feedback_link = page.locator(".review-incorrect").get_by_role("link", name=re.compile("^Review this in the lesson"))
    anchor = feedback_link.get_attribute("href").split("#")[1]
    feedback_link.click()
    expect(page).to_have_url(re.compile(f"#{anchor}$"))
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()
    expect(page.get_by_text("You completed this lesson.")).to_be_visible()

    page.get_by_role("link", name=course.title).first.click()
    expect(page.get_by_test_id("course-progress")).to_contain_text(f"1 of {step_count} steps done")
    expect(page.get_by_test_id("quiz-diplomacy-art-and-practice")).to_contain_text("passed")
    expect(page.locator(".status-completed")).to_have_count(1)

    # The header's "Log out" asks first; the button logs out, and logging in again finds the progress kept.
    page.get_by_role("link", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log out")
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("newstudent")
    page.get_by_label("Password").fill("a-long-passphrase-7")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    expect(page.get_by_test_id("course-progress")).to_contain_text(f"1 of {step_count} steps done")


def test_a_student_downloads_their_data_and_deletes_the_account(live_server, page: Page):
    """From the navbar's Account item: download the data file, then delete the account with the password."""
    User.objects.create_user("leaving", "leaving@example.com", "a-long-passphrase-7", first_name="Lea Ving")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("leaving")
    page.get_by_label("Password").fill("a-long-passphrase-7")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Account (leaving)").click()
    expect(page.get_by_label("Full name")).to_have_value("Lea Ving")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (JSON)").click()
    data = json.loads(download.value.path().read_text())
    assert data["profile"]["full_name"] == "Lea Ving"

    page.get_by_role("link", name="Delete my account…").click()
    assert_accessible(page)
    page.get_by_label("Your password").fill("wrong-password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()
    page.get_by_label("Your password").fill("a-long-passphrase-7")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert not User.objects.filter(username="leaving").exists()
