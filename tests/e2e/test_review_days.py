"""A student works through the review queue in Chromium on three simulated days."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from learning.models import Review, ReviewCard
from learning.services import attempt_start, attempt_submit
from tests.e2e.test_student_journey import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

START = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)


def log_in(page: Page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My courses")).to_be_visible()


def test_a_student_reviews_due_cards_on_three_days(page: Page, live_server, quiz):
    """Day 0 a blank quiz; then each day the due cards are answered one by one until none is due."""
    student = UserFactory(username="reviewer")
    with time_machine.travel(START, tick=False):
        attempt_submit(attempt=attempt_start(user=student, quiz=quiz), responses={})
    review_url = f"{live_server.url}/courses/{quiz.course.slug}/review/"
    answered_per_day = []
    for day in (1, 2, 3):
        with time_machine.travel(START + timedelta(days=day), tick=True):
            if day == 1:
                log_in(page, live_server, student)
            page.goto(review_url)
            answered = 0
            while page.get_by_role("button", name="Check my answer").count():
                if answered == 0:
                    assert_accessible(page)
                page.get_by_role("button", name="Check my answer").click()
                expect(page.get_by_role("link", name=re.compile("^Review this in the lesson"))).to_be_visible()
                answered += 1
                if page.get_by_role("link", name=re.compile("^Next review")).count():
                    page.get_by_role("link", name=re.compile("^Next review")).click()
                else:
                    break
            page.goto(review_url)
            expect(page.get_by_test_id("reviews-due")).to_contain_text("No review is due now")
            answered_per_day.append(answered)
    assert answered_per_day[0] == ReviewCard.objects.filter(user=student).count()
    assert sum(answered_per_day) == Review.objects.filter(user=student).count()
