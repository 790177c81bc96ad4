"""The marking queue and page: who may mark, hidden names, wrong targets refused, pinned query counts."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt
from tests.factories import (
    CourseFactory,
    InstructorFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    UserFactory,
    make_written_question,
)
from tests.marking.conftest import level_data, mark_url, queue_url, submit, written_slot

pytestmark = pytest.mark.django_db


def submitted_by(username, quiz, **kwargs):
    client = Client()
    client.force_login(UserFactory(username=username, first_name=f"{username.title()} Example"))
    return submit(client, quiz, **kwargs)


def test_hidden_names_show_an_anonymous_label_until_marked(marker, written_quiz):
    """With names hidden, the queue and marking page never show the student; once marked, the name shows."""
    written_quiz.anonymous_marking = True
    written_quiz.save()
    slot = written_slot(submitted_by("zoe", written_quiz))
    queue = marker.get(queue_url(written_quiz))
    page = marker.get(mark_url(slot))
    for text in (queue.text, page.text):
        assert "zoe" not in text.lower()
        assert "Student " in text
    marker.post(mark_url(slot), level_data(slot, [1, 1]))
    assert "Zoe Example" in marker.get(queue_url(written_quiz)).text


def test_names_show_when_the_quiz_does_not_hide_them(marker, written_quiz):
    """By default the marker sees whose answer it is."""
    submitted_by("zoe", written_quiz)
    assert "Zoe Example" in marker.get(queue_url(written_quiz)).text


def test_the_queue_lists_the_oldest_submission_first(marker, written_quiz):
    """Answers wait in the order they were submitted."""
    submitted_by("first", written_quiz)
    submitted_by("second", written_quiz)
    text = marker.get(queue_url(written_quiz)).text
    assert text.index("First Example") < text.index("Second Example")


def test_a_double_submit_marks_once(marker, written_quiz):
    """The same unmarked form posted twice: the second is refused with 409 and the first mark stands."""
    attempt = submitted_by("zoe", written_quiz)
    slot = written_slot(attempt)
    assert marker.post(mark_url(slot), level_data(slot, [2, 2])).status_code == HTTPStatus.FOUND
    second = marker.post(mark_url(slot), level_data(slot, [0, 0], comment="Other marker"))
    assert second.status_code == HTTPStatus.CONFLICT and "marked by someone else" in second.text
    slot.refresh_from_db()
    attempt.refresh_from_db()
    assert slot.mark == 1 and slot.marker_comment == "Clear and well argued." and attempt.score == 100


def test_a_stale_correction_is_refused(marker, written_quiz):
    """Correcting with an out-of-date view of the mark changes nothing."""
    slot = written_slot(submitted_by("zoe", written_quiz))
    marker.post(mark_url(slot), level_data(slot, [2, 2]))
    response = marker.post(mark_url(slot), level_data(slot, [0, 0], seen="2001-01-01T00:00:00+00:00"))
    assert response.status_code == HTTPStatus.CONFLICT
    slot.refresh_from_db()
    assert slot.mark == 1


def test_an_automatically_marked_slot_cannot_be_marked(marker, written_quiz):
    """A non-written slot: 400 with the reason, nothing changed."""
    attempt = submitted_by("zoe", written_quiz)
    slot = attempt.slots.get(position=1)
    response = marker.post(mark_url(slot), {"comment": "x"})
    assert response.status_code == HTTPStatus.BAD_REQUEST and "marked automatically" in response.text
    slot.refresh_from_db()
    assert slot.mark == 1 and slot.marked_at is None


def test_an_answer_of_another_course_is_not_found(marker, written_quiz):
    """The slot id under another course's address is a 404."""
    slot = written_slot(submitted_by("zoe", written_quiz))
    other = CourseFactory(slug="other-course")
    url = reverse("marking:mark", kwargs={"course_slug": other.slug, "slot_id": slot.pk})
    assert marker.post(url, level_data(slot, [1, 1])).status_code == HTTPStatus.NOT_FOUND
    slot.refresh_from_db()
    assert slot.marked_at is None


def test_an_open_attempt_is_not_marked(marker, written_quiz, student_client):
    """An attempt still in progress is nobody's to mark: 404."""
    student_client.post(reverse("learning:start", args=[written_quiz.course.slug, written_quiz.slug]))
    slot = written_slot(Attempt.objects.get(quiz=written_quiz))
    assert marker.get(mark_url(slot)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data, slot: data.pop(f"criterion_{slot.snapshot['rubric'][0]['id']}"), "Choose a level for"),
        (
            lambda data, slot: data.update(
                {f"criterion_{slot.snapshot['rubric'][0]['id']}": str(slot.snapshot["rubric"][1]["levels"][0]["id"])}
            ),
            "Select a valid choice",
        ),
        (lambda data, slot: data.update({"comment": "x" * 2001}), "at most 2000 characters"),
        (lambda data, slot: data.update({"seen": "yesterday"}), "The form was damaged"),
    ],
    ids=["missing-criterion", "level-of-another-criterion", "comment-too-long", "bad-seen"],
)
def test_bad_marks_are_refused_and_change_nothing(marker, written_quiz, change, message):
    """Each bad form: 400 with the reason, the slot and attempt as they were."""
    attempt = submitted_by("zoe", written_quiz)
    slot = written_slot(attempt)
    data = level_data(slot, [1, 1])
    change(data, slot)
    response = marker.post(mark_url(slot), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST and message in response.text
    slot.refresh_from_db()
    attempt.refresh_from_db()
    assert slot.marked_at is None and attempt.status == Attempt.Status.AWAITING_MARKING


def test_only_instructors_mark(written_quiz, student_client):
    """Visitors log in; students and staff outside the Instructors group get a 403; superusers may mark."""
    slot = written_slot(submitted_by("zoe", written_quiz))
    anonymous = Client().get(queue_url(written_quiz))
    assert anonymous.status_code == HTTPStatus.FOUND and "/admin/login/" in anonymous.url
    assert student_client.get(queue_url(written_quiz)).status_code == HTTPStatus.FORBIDDEN
    staff = Client()
    staff.force_login(UserFactory(username="helpdesk", is_staff=True))
    assert staff.post(mark_url(slot), level_data(slot, [1, 1])).status_code == HTTPStatus.FORBIDDEN
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", "root@example.com", "pw-for-tests-only"))
    assert admin.get(mark_url(slot)).status_code == HTTPStatus.OK
    slot.refresh_from_db()
    assert slot.marked_at is None


def test_the_reports_page_links_to_the_queue_with_the_count(marker, written_quiz):
    """Instructors find the queue from the reports page, with how many answers wait."""
    submitted_by("zoe", written_quiz)
    page = marker.get(reverse("reports:index"))
    assert reverse("marking:index") in page.text and "1 written answer waiting" in page.text
    overview = marker.get(reverse("marking:index"))
    assert queue_url(written_quiz) in overview.text


def test_the_queue_page_costs_the_same_queries_for_one_or_many_answers(
    counted_marker, written_quiz, django_assert_num_queries
):
    """Queue page: session, user, marker's group, course, quiz, waiting list, marked list, waiting count."""
    marker = counted_marker
    submitted_by("one", written_quiz)
    url = queue_url(written_quiz)
    with django_assert_num_queries(8):
        marker.get(url)
    for name in ("two", "three", "four", "five"):
        written_slot(submitted_by(name, written_quiz))
    marked = written_slot(Attempt.objects.get(user__username="two"))
    marker.post(mark_url(marked), level_data(marked, [1, 1]))
    with django_assert_num_queries(8):
        response = marker.get(url)
    assert "4 answers waiting" in response.text


def test_the_marking_page_costs_a_fixed_number_of_queries(counted_marker, written_quiz, django_assert_num_queries):
    """Marking page: session, user, marker's group, course, the answer with its attempt, quiz and student,
    and the waiting count; a larger queue costs nothing more."""
    marker = counted_marker
    url = mark_url(written_slot(submitted_by("one", written_quiz)))
    with django_assert_num_queries(6):
        marker.get(url)
    for name in ("two", "three", "four"):
        submitted_by(name, written_quiz)
    with django_assert_num_queries(6):
        marker.get(url)


def test_marking_another_instructors_course_is_allowed_for_any_instructor(written_quiz):
    """Any instructor marks in any course (instructors share every course's content today)."""
    slot = written_slot(submitted_by("zoe", written_quiz))
    other = Client()
    other.force_login(InstructorFactory(username="ola"))
    assert other.get(mark_url(slot)).status_code == HTTPStatus.OK


def test_a_written_task_question_without_a_rubric_is_refused_with_a_reason(marker, course):
    """An answer to a question that had no rubric when the attempt began cannot be marked: 409 says why."""
    module = ModuleFactory(course=course, slug="m")
    lesson = LessonFactory(module=module, slug="l")
    quiz = QuizFactory(lesson=lesson, slug="q")
    make_written_question(lesson, rubric=[])
    slot = written_slot(submitted_by("zoe", quiz))
    response = marker.get(mark_url(slot))
    assert response.status_code == HTTPStatus.CONFLICT and "no rubric" in response.text


def test_the_prompt_and_guidance_render_as_sanitized_markdown(marker, written_quiz):
    """Markdown in the task's text and guidance becomes HTML; a script in it never does."""
    written = written_quiz.question_pool().get(qtype="written")
    written.explanation = "- names the **trade-off**\n\n<script>alert(1)</script>"
    written.save()
    slot = written_slot(submitted_by("zoe", written_quiz))
    page = marker.get(mark_url(slot)).text
    assert "<li>names the <strong>trade-off</strong></li>" in page and "<script>alert(1)" not in page


def test_staff_reports_read_attempts_waiting_for_marking_and_marked(marker, written_quiz):
    """Gradebook, CSV, student record and item analysis open with one attempt waiting and one marked."""
    waiting = submitted_by("zoe", written_quiz)
    marked = written_slot(submitted_by("ola", written_quiz))
    marker.post(mark_url(marked), level_data(marked, [1, 1]))
    course = written_quiz.course
    for url in (
        reverse("reports:gradebook", args=[course.slug]),
        reverse("reports:gradebook_csv", args=[course.slug]),
        reverse("reports:student", args=[course.slug, waiting.user_id]),
        reverse("reports:quiz_statistics", args=[course.slug, written_quiz.slug]),
    ):
        assert marker.get(url).status_code == HTTPStatus.OK, url
    assert "Awaiting marking" in marker.get(reverse("reports:student", args=[course.slug, waiting.user_id])).text
