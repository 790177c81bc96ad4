"""The review queue: answered lesson-quiz questions come back on an FSRS schedule, on the student's review page."""

from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from learning.models import CalendarFeed, Review, ReviewCard
from learning.services import attempt_start, attempt_submit
from quizzes.models import Attempt
from tests.factories import make_question, right_answers

pytestmark = pytest.mark.django_db

# A fixed start close to the real clock: the logged-in session of the test client must not expire on the way.
MONDAY = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)


def review_url(course):
    return reverse("learning:review", kwargs={"course_slug": course.slug})


def take_quiz(student, quiz, *, right: bool):
    attempt = attempt_start(user=student, quiz=quiz)
    return attempt_submit(attempt=attempt, responses=right_answers(attempt) if right else {})


@pytest.fixture
def grouped_quiz(quiz):
    """The quiz's single-choice question gets a sibling variant in its group."""
    first = quiz.lesson.questions.get(qtype="single")
    first.variant_group = "mediation"
    first.save()
    make_question(
        quiz.lesson,
        "single",
        [("A neutral go-between", 1, "", "Yes."), ("A military alliance", 0, "", "No.")],
        text="Who helps two stuck parties in mediation?",
        group="mediation",
    )
    return quiz


def answer(client, course, *, right: bool):
    """Answer the review question on the page as a browser would: the right option's position, or a wrong one."""
    page = client.get(review_url(course))
    form = page.context["form"]
    (question,) = form.questions
    snapshot = question.snapshot
    data = {"token": page.context["token"]}
    qtype = snapshot["qtype"]
    choices = {choice["id"]: choice for choice in snapshot["choices"]}
    order = snapshot["order"]
    if qtype in {"single", "truefalse"}:
        pick = max(order, key=lambda cid: float(choices[cid]["fraction"]) * (1 if right else -1))
        data["q1"] = str(order.index(pick))
    elif qtype == "multiple":
        data["q1"] = [str(i) for i, cid in enumerate(order) if (float(choices[cid]["fraction"]) > 0) == right]
    elif qtype == "short":
        data["q1"] = snapshot["choices"][0]["text"] if right else "nonsense"
    elif qtype == "matching":
        for index, cid in enumerate(order):
            target = snapshot["match_order"].index(cid)
            data[f"q1_{index}"] = str(target if right else (target + 1) % len(order))
    else:
        canonical = [choice["id"] for choice in snapshot["choices"]]
        for index, cid in enumerate(order):
            rank = canonical.index(cid) + 1
            data[f"q1_{index}"] = str(rank if right else rank % len(order) + 1)
    return client.post(review_url(course), data)


def test_every_answered_question_becomes_a_card_missed_ones_due_sooner(student, quiz):
    """A quiz makes one card per question; a wrong answer is due after a right one."""
    with time_machine.travel(MONDAY, tick=False):
        attempt = attempt_start(user=student, quiz=quiz)
        responses = right_answers(attempt)
        wrong_position = next(iter(responses))
        del responses[wrong_position]
        attempt_submit(attempt=attempt, responses=responses)
    cards = {card.question_id: card for card in ReviewCard.objects.filter(user=student)}
    assert len(cards) == quiz.question_pool().count()
    missed = attempt.slots.get(position=wrong_position).question_id
    assert all(cards[missed].due < card.due for qid, card in cards.items() if qid != missed)
    assert cards[missed].due <= MONDAY + timedelta(days=1)


def test_the_final_exam_adds_no_cards(student, quiz):
    """Only lesson quizzes feed the review queue."""
    from tests.factories import QuizFactory

    final = QuizFactory(lesson=None, course=quiz.course, kind="final", slug="final")
    make_question(quiz.lesson, pool="final")
    take_quiz(student, final, right=True)
    assert not ReviewCard.objects.exists()


def test_three_days_of_reviews_follow_the_schedule(student, student_client, grouped_quiz):
    """Day 1: the missed cards are due; answering right pushes them out; by day 3 more come due; grades stay."""
    course = grouped_quiz.course
    with time_machine.travel(MONDAY, tick=False):
        take_quiz(student, grouped_quiz, right=False)
        grade_before = Attempt.objects.get().score
        assert student_client.get(review_url(course)).context["due_count"] == 0
    day = MONDAY
    answered = 0
    for _day in range(3):
        day += timedelta(days=1)
        with time_machine.travel(day, tick=False):
            due = ReviewCard.objects.filter(user=student, due__lte=day).count()
            for _ in range(due):
                response = answer(student_client, course, right=True)
                assert response.status_code == HTTPStatus.OK
                assert "Review this in the lesson" in response.text
                answered += 1
            done = student_client.get(review_url(course))
            assert "No review is due now" in done.text
    assert answered == Review.objects.count() >= 7
    assert Attempt.objects.get().score == grade_before
    assert ReviewCard.objects.filter(due__lte=day).count() == 0


def test_a_card_with_a_sibling_is_asked_in_other_words(student, student_client, grouped_quiz):
    """When the card's question has a variant in its group, the review asks the variant."""
    with time_machine.travel(MONDAY, tick=False):
        take_quiz(student, grouped_quiz, right=False)
    card = ReviewCard.objects.get(question__variant_group="mediation")
    ReviewCard.objects.exclude(pk=card.pk).delete()
    sibling = grouped_quiz.lesson.questions.filter(variant_group="mediation").exclude(pk=card.question_id).get()
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        page = student_client.get(review_url(grouped_quiz.course))
    assert sibling.text in page.text
    assert card.question.text not in page.text


def test_a_double_submit_reschedules_once(student, student_client, quiz):
    """Posting the same review answer twice records one review."""
    with time_machine.travel(MONDAY, tick=False):
        take_quiz(student, quiz, right=False)
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        page = student_client.get(review_url(quiz.course))
        data = {"token": page.context["token"], "q1": "0"}
        first = student_client.post(review_url(quiz.course), data)
        second = student_client.post(review_url(quiz.course), data, follow=True)
    assert first.status_code == HTTPStatus.OK
    assert "already answered" in second.text
    assert Review.objects.count() == 1


def test_a_forged_or_stale_token_changes_nothing(student, student_client, quiz):
    """A token that was not signed by us is refused with a message; no review is recorded."""
    with time_machine.travel(MONDAY, tick=False):
        take_quiz(student, quiz, right=False)
    response = student_client.post(review_url(quiz.course), {"token": "forged", "q1": "0"}, follow=True)
    assert "no longer valid" in response.text
    assert not Review.objects.exists()


def test_reviews_are_private(student, student_client, quiz, client):
    """Another student's page shows no card of this student's."""
    from tests.factories import UserFactory

    with time_machine.travel(MONDAY, tick=False):
        take_quiz(student, quiz, right=False)
    other = UserFactory()
    client.force_login(other)
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        assert "No review is due now" in client.get(review_url(quiz.course)).text


def test_the_calendar_feed_lists_due_days_and_its_address_can_be_reset(student, student_client, quiz, client):
    """The secret .ics address needs no log-in, lists days with due reviews, and stops working once reset."""
    with time_machine.travel(MONDAY, tick=False):
        take_quiz(student, quiz, right=False)
        student_client.get(review_url(quiz.course))
        feed = CalendarFeed.objects.get(user=student)
        response = client.get(feed.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert events and all("review" in str(event["SUMMARY"]) for event in events)
    assert sum(int(str(event["SUMMARY"]).split()[0]) for event in events) == ReviewCard.objects.count()
    old_url = feed.get_absolute_url()
    student_client.post(reverse("learning:review_calendar_reset", kwargs={"course_slug": quiz.course.slug}))
    assert client.get(old_url).status_code == HTTPStatus.NOT_FOUND
    assert client.get(CalendarFeed.objects.get(user=student).get_absolute_url()).status_code == HTTPStatus.OK


def test_the_review_page_costs_the_same_for_few_and_many_cards(
    student, student_client, quiz, django_assert_max_num_queries
):
    """The page reads the enrolment, the next card, its variants and the count: a fixed number of queries
    (13 since the class roster added the enrolment check)."""
    with time_machine.travel(MONDAY, tick=False):
        take_quiz(student, quiz, right=False)
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False), django_assert_max_num_queries(13):
        student_client.get(review_url(quiz.course))
