"""The gradebook: students by lessons and quizzes, the module filter, pages, and one student's record."""

import random
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from certificates.models import Certificate
from learning.models import Review, ReviewCard
from learning.selectors import class_mastery, students_mastery
from lessons.models import LessonProgress, LessonStatus
from quizzes.models import Attempt, AttemptQuestion
from tests.factories import CourseFactory, LessonFactory, QuizFactory, UserFactory, make_question
from tests.reports.conftest import COMPLETED_AT, scored_attempt

pytestmark = pytest.mark.django_db


def gradebook_url(course, **params):
    url = reverse("reports:gradebook", kwargs={"course_slug": course.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


def test_gradebook_lists_students_with_work_in_the_course(instructor_client, classroom):
    """Only non-staff users with progress or attempts in this course appear, by username."""
    response = instructor_client.get(gradebook_url(classroom["course"]))
    assert response.status_code == HTTPStatus.OK
    assert [row.student.username for row in response.context["rows"]] == ["alice", "bob"]
    assert "2 students" in response.text
    for absent in ("carol", "dave", "erin"):
        assert f">{absent}<" not in response.text


def test_gradebook_shows_lesson_status_and_completion_date(instructor_client, classroom):
    """Each lesson cell says completed (with the date), in progress or not started."""
    response = instructor_client.get(gradebook_url(classroom["course"]))
    alice = response.context["rows"][0]
    assert [cell.status for cell in alice.lessons] == [
        LessonStatus.COMPLETED,
        LessonStatus.IN_PROGRESS,
        LessonStatus.NOT_STARTED,
        LessonStatus.NOT_STARTED,
    ]
    assert alice.lessons[0].completed_at == COMPLETED_AT
    assert "4 Mar 2025" in response.text


def test_gradebook_grades_quizzes_by_their_method(instructor_client, classroom):
    """Highest of 40 and 90 is 90 (passed); latest of 80 and 50 is 50 (not passed); attempts used are counted."""
    response = instructor_client.get(gradebook_url(classroom["course"]))
    alice, bob = response.context["rows"]
    assert [quiz.title for quiz in response.context["columns"].quizzes] == [
        "Talking quiz",
        "Summits quiz",
        "Final exam",
    ]
    talking, summits, final = alice.quizzes
    assert (talking.grade, talking.passed, talking.attempts_used) == (Decimal("90"), True, 2)
    assert summits.grade is None
    assert (final.grade, final.passed) == (Decimal("75"), True)
    talking, summits, _final = bob.quizzes
    assert (summits.grade, summits.passed, summits.attempts_used) == (Decimal("50"), False, 2)
    assert (talking.grade, talking.open_attempt_id is not None) == (None, True)
    html = response.text
    assert "90.00%" in html
    assert "2 of 3 attempts" in html
    assert "Not passed" in html
    assert "In progress" in html


def test_course_percent_counts_steps_as_the_outline_does(instructor_client, classroom):
    """alice: 2 of 5 steps (40%); bob: 1 of 5 (20%): lessons completed and the final exam passed, as on the outline."""
    response = instructor_client.get(gradebook_url(classroom["course"]))
    assert [row.course_percent for row in response.context["rows"]] == [40, 20]


def test_module_filter_shows_one_module_and_its_percentage(instructor_client, classroom):
    """?module=basics keeps its three lessons and quiz, drops the final exam, and adds the module percentage."""
    response = instructor_client.get(gradebook_url(classroom["course"], module="basics"))
    columns = response.context["columns"]
    assert [lesson.slug for lesson in columns.lessons] == ["talking", "bargaining", "treaties"]
    assert [quiz.slug for quiz in columns.quizzes] == ["talking-quiz"]
    alice, bob = response.context["rows"]
    assert (alice.course_percent, alice.module_percent) == (40, 33)
    assert (bob.course_percent, bob.module_percent) == (20, 0)
    assert "Summits" not in response.text.split("<table", 1)[1]
    assert "?module=basics" in response.text


def test_unknown_module_is_refused_with_a_message(instructor_client, classroom):
    """A module slug not in the course is a form error, not an empty gradebook."""
    response = instructor_client.get(gradebook_url(classroom["course"], module="nowhere"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This course has no module “nowhere”." in response.text
    assert "<table" not in response.text


def test_gradebook_pages_fifty_students_and_keeps_the_filter(instructor_client, lessons):
    """51 students make two pages; the next-page link keeps the module filter."""
    course = lessons[0].course
    students = User.objects.bulk_create(User(username=f"pupil{index:02d}") for index in range(51))
    LessonProgress.objects.bulk_create(LessonProgress(user=user, lesson=lessons[0]) for user in students)
    first = instructor_client.get(gradebook_url(course, module="basics"))
    assert len(first.context["rows"]) == 50
    assert "?module=basics&amp;page=2" in first.text
    second = instructor_client.get(gradebook_url(course, module="basics", page=2))
    assert [row.student.username for row in second.context["rows"]] == ["pupil50"]


def test_gradebook_without_students_says_so(instructor_client, course):
    """A course nobody has started shows a sentence, not an empty table."""
    response = instructor_client.get(gradebook_url(course))
    assert "No student is enrolled in this course yet" in response.text


def student_url(course, user):
    return reverse("reports:student", kwargs={"course_slug": course.slug, "user_id": user.pk})


def test_student_record_lists_lessons_attempts_and_certificate(instructor_client, classroom):
    """One student's lessons with dates, every attempt with number, dates and score, and their certificate."""
    course, alice = classroom["course"], classroom["alice"]
    certificate = Certificate.objects.create(
        user=alice, course=course, learner_name="Alice Ames", course_title=course.title
    )
    response = instructor_client.get(student_url(course, alice))
    assert response.status_code == HTTPStatus.OK
    record = response.context["record"]
    assert [entry.result.quiz.slug for entry in record.quizzes] == ["talking-quiz", "summits-quiz", "final"]
    assert [(a.number, a.score) for a in record.quizzes[0].attempts] == [(1, Decimal("40")), (2, Decimal("90"))]
    html = response.text
    assert "Alice Ames" in html
    assert "4 Mar 2025, 10:30" in html
    assert "40.00%" in html
    assert "90.00%" in html
    assert certificate.code in html
    assert "/attempts/" not in html


def test_student_record_without_certificate_says_so(instructor_client, classroom):
    """A student still working has no certificate yet, and an open attempt shows as in progress."""
    response = instructor_client.get(student_url(classroom["course"], classroom["bob"]))
    assert "No certificate yet" in response.text
    assert "In progress" in response.text


def test_staff_have_no_student_record(instructor_client, classroom):
    """Staff are not students: their id is a 404 here."""
    response = instructor_client.get(student_url(classroom["course"], classroom["staff"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_index_links_each_course_to_its_gradebook_and_quiz_statistics(instructor_client, classroom):
    """The reports index lists courses, their gradebooks and each quiz's statistics."""
    course = classroom["course"]
    response = instructor_client.get(reverse("reports:index"))
    assert reverse("reports:gradebook", kwargs={"course_slug": course.slug}) in response.text
    statistics_url = reverse(
        "reports:quiz_statistics", kwargs={"course_slug": course.slug, "quiz_slug": "talking-quiz"}
    )
    assert statistics_url in response.text
    assert "2 finished attempts" in response.text


def test_the_student_record_and_csv_show_mastery_per_module(instructor_client, classroom):
    """A student's answers on an objective give their module a mastery on the record page and in the CSV."""
    talking_quiz = classroom["talking_quiz"]
    question = make_question(talking_quiz.lesson, key="objective-one")
    question.objective = 1
    question.save()
    attempt = classroom["alice"].quiz_attempts.filter(quiz=talking_quiz, number=2).get()
    AttemptQuestion.objects.create(attempt=attempt, position=1, question=question, snapshot={}, mark=1)
    url = reverse("reports:student", kwargs={"course_slug": classroom["course"].slug, "user_id": classroom["alice"].pk})
    assert "Mastered (100%)" in instructor_client.get(url).text
    csv_url = reverse("reports:gradebook_csv", kwargs={"course_slug": classroom["course"].slug})
    body = b"".join(instructor_client.get(csv_url).streaming_content).decode()
    assert body.splitlines()[1].endswith(",100,")


def test_the_gradebook_computes_each_students_own_mastery(lessons):
    """class_mastery (summed in SQL, for the gradebook) gives every student exactly the mastery of their own pages
    (students_mastery): last five answers per objective across quizzes and reviews, ties at the same moment, thirds,
    an unmarked answer left out, another course's answers ignored."""
    talking, _bargaining, _treaties, summits = lessons
    course = talking.course
    quizzes = [QuizFactory(lesson=talking, slug="m-talking"), QuizFactory(lesson=summits, slug="m-summits")]
    questions = []
    for lesson, objective in [(talking, 1), (talking, 1), (talking, 2), (summits, 1)]:
        question = make_question(lesson)
        question.objective = objective
        question.save()
        questions.append(question)
    elsewhere = make_question(LessonFactory(module__course=CourseFactory(slug="elsewhere"), slug="elsewhere"))
    elsewhere.objective = 1
    elsewhere.save()
    marks = [Decimal(0), Decimal("0.3333333"), Decimal("0.5"), Decimal("0.6666667"), Decimal(1)]
    rng = random.Random(3)
    students = [UserFactory(username=f"mastery-{index}") for index in range(4)]
    for student in students:
        for number in range(1, 5):
            for quiz in quizzes:
                finished = COMPLETED_AT + timedelta(days=rng.randint(0, 3))  # same day: a tie
                attempt = scored_attempt(quiz, student, number, "50")
                Attempt.objects.filter(pk=attempt.pk).update(finished_at=finished)
                for position, question in enumerate([*questions, elsewhere], start=1):
                    mark = None if rng.random() < 0.1 else rng.choice(marks)
                    AttemptQuestion.objects.create(
                        attempt=attempt, position=position, question=question, snapshot={}, mark=mark
                    )
        for question in questions[::2]:
            card = ReviewCard.objects.create(user=student, course=course, question=question, due=COMPLETED_AT)
            for day in range(rng.randint(0, 4)):
                Review.objects.create(
                    card=card,
                    user=student,
                    question=question,
                    rating=3,
                    mark=rng.choice(marks),
                    reviewed_at=COMPLETED_AT + timedelta(days=day, hours=12),
                )
    user_ids = [student.pk for student in students] + [UserFactory(username="no-answers").pk]
    assert class_mastery(course=course, user_ids=user_ids) == students_mastery(course=course, user_ids=user_ids)
    assert class_mastery(course=course, user_ids=user_ids[:1])[user_ids[0]].modules
