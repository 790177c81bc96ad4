"""'Download my data': one JSON file with everything held about the student, and a CSV of their attempts."""

import csv
import io
import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from certificates.models import Certificate
from learning.services import attempt_start, attempt_submit
from tests.factories import UserFactory, right_answers

pytestmark = pytest.mark.django_db

DATA_JSON = reverse("accounts:data_json")
ATTEMPTS_CSV = reverse("accounts:attempts_csv")


@pytest.fixture
def history(student, quiz):
    """The student failed the quiz once (every answer blank), then passed it, which completed the one-lesson
    course and issued the certificate; another student has work of their own."""
    student.first_name = "Sam Doe"
    student.save()
    attempt_submit(attempt=attempt_start(user=student, quiz=quiz), responses={})
    passed = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=passed, responses=right_answers(passed))
    other = UserFactory(username="olga", first_name="Olga Other")
    attempt_submit(attempt=attempt_start(user=other, quiz=quiz), responses={})
    return quiz


def download(client) -> dict:
    response = client.get(DATA_JSON)
    assert response.status_code == HTTPStatus.OK
    return json.loads(response.content)


def test_downloads_need_a_login(client):
    """A visitor is sent to log in for either file."""
    for url in (DATA_JSON, ATTEMPTS_CSV):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("login"))


def test_the_json_is_an_uncached_attachment(student_client):
    """The JSON comes as a dated attachment that no cache may store."""
    response = student_client.get(DATA_JSON)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="diplocourse-sam-')
    assert "no-store" in response["Cache-Control"]


def test_the_json_holds_profile_progress_attempts_and_certificates(student_client, history):
    """Every kind of data the student has is in the file."""
    data = download(student_client)
    assert data["profile"] | {"date_joined": None, "last_login": None} == {
        "username": "sam",
        "full_name": "Sam Doe",
        "email": "sam@example.com",
        "date_joined": None,
        "last_login": None,
    }
    assert [(row["lesson"], row["status"]) for row in data["lesson_progress"]] == [("Talking", "completed")]
    assert [(row["attempt"], row["passed"]) for row in data["quiz_attempts"]] == [(1, False), (2, True)]
    certificate = Certificate.objects.get(user__username="sam")
    assert [(row["code"], row["awarded_to"]) for row in data["certificates"]] == [(certificate.code, "Sam Doe")]


def test_every_answer_comes_with_its_mark_and_feedback(student_client, history):
    """Each question of an attempt lists the student's answer, its mark, outcome, feedback and section."""
    passed = download(student_client)["quiz_attempts"][1]
    assert len(passed["questions"]) == 6
    single = passed["questions"][0]
    assert single["question"] == "A single question?"
    assert single["your_answer"] == ["Mediation"]
    assert (single["outcome"], single["mark"], single["feedback"]) == ("correct", "1.0000000", ["Right."])
    assert single["section_url"].endswith("#first-idea")
    assert passed["score"] == "100.00"


def test_answer_keys_follow_the_review_options(student_client, student, quiz):
    """While the quiz is still open to retries, right answers and explanations stay out of the file, as on
    the result page; once passed they are in."""
    attempt_submit(attempt=attempt_start(user=student, quiz=quiz), responses={})
    failed = download(student_client)["quiz_attempts"][0]["questions"][0]
    assert "right_answer" not in failed and "explanation" not in failed
    assert failed["your_answer"] == [] and failed["outcome"] == "incorrect"
    passed = attempt_start(user=student, quiz=quiz)
    attempt_submit(attempt=passed, responses=right_answers(passed))
    first = download(student_client)["quiz_attempts"][0]["questions"][0]
    assert first["right_answer"] == ["Mediation"] and first["explanation"] == "Because the lesson says so."


def test_an_open_attempt_lists_saved_answers_only(student_client, student, quiz):
    """An attempt in progress shows what was saved and no marks."""
    attempt_start(user=student, quiz=quiz)
    attempt = download(student_client)["quiz_attempts"][0]
    assert attempt["status"] == "in_progress" and attempt["score"] is None
    assert set(attempt["questions"][0]) == {"position", "question", "lesson", "your_answer"}


def test_nothing_of_another_student_is_in_the_files(student_client, history):
    """The other student's name, attempts and progress appear in neither file."""
    response = student_client.get(DATA_JSON)
    assert "Olga" not in response.text and "olga" not in response.text
    assert len(json.loads(response.content)["quiz_attempts"]) == 2
    rows = list(csv.reader(io.StringIO(b"".join(student_client.get(ATTEMPTS_CSV).streaming_content).decode())))
    assert len(rows) == 3


def test_the_csv_lists_one_row_per_attempt(student_client, history):
    """The CSV has a header and a row per attempt, uncached."""
    response = student_client.get(ATTEMPTS_CSV)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "course",
        "quiz",
        "attempt",
        "status",
        "started_at",
        "finished_at",
        "closed_at_deadline",
        "score",
        "passed",
    ]
    assert [(row[2], row[3], row[7], row[8]) for row in rows[1:]] == [
        ("1", "finished", "0.00", "False"),
        ("2", "finished", "100.00", "True"),
    ]


def test_an_account_with_no_activity_downloads_empty_lists(student_client):
    """A new account's file has its profile and empty lists."""
    data = download(student_client)
    assert (data["lesson_progress"], data["quiz_attempts"], data["certificates"]) == ([], [], [])
    assert (data["reviews"], data["review_schedule"]) == ([], [])


def test_the_file_holds_the_review_schedule_of_answered_questions(student_client, student, quiz):
    """Every question answered in a lesson quiz is in the review schedule, with its due date."""
    attempt_submit(attempt=attempt_start(user=student, quiz=quiz), responses={})
    data = download(student_client)
    assert len(data["review_schedule"]) == quiz.question_pool().count()
    assert all(card["due"] for card in data["review_schedule"])


@pytest.mark.parametrize("attempts", [1, 3])
def test_the_json_query_count_is_pinned(db_session_client, student, quiz, attempts, django_assert_num_queries):
    """Session, user, attempts with their quizzes, their questions, progress, certificates, reviews, review
    schedule: eight, however many."""
    for _ in range(attempts):
        attempt_submit(attempt=attempt_start(user=student, quiz=quiz), responses={})
    with django_assert_num_queries(8):
        assert db_session_client.get(DATA_JSON).status_code == HTTPStatus.OK
