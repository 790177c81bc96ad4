"""The student pages come from the cache, and every change shows at once: to the right student only."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning.models import Enrolment
from learning.services import attempts_close_overdue, enrolment_remove, roster_enrol
from lessons.models import LessonProgress, LessonStatus
from quizzes.models import Attempt
from tests.factories import LessonFactory, ModuleFactory, QuizFactory, UserFactory, make_question
from tests.learning.test_quiz_pages import form_values, start

pytestmark = pytest.mark.django_db

NO_INLINES = {
    f"{prefix}-{name}": value
    for prefix in ("key_terms", "questions")
    for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))
}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def outline(client, course) -> str:
    response = client.get(reverse("learning:outline", kwargs={"course_slug": course.slug}))
    assert response.status_code == HTTPStatus.OK
    return response.text


def lesson_status(html: str, lesson) -> str:
    """The status badge of a lesson's row on the outline."""
    row = html.split(f'href="{lesson.get_absolute_url()}"', 1)[1].split("</li>", 1)[0]
    return row.split('class="badge status-', 1)[1].split('"', 1)[0].split()[0]


def test_passing_a_quiz_shows_on_the_outline_at_once(student_client, quiz):
    """The outline, cached before the attempt, shows the quiz passed and the lesson completed right after."""
    before = outline(student_client, quiz.course)
    assert "Quiz: not taken" in before and lesson_status(before, quiz.lesson) == LessonStatus.NOT_STARTED
    attempt = start(student_client, quiz)
    student_client.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""})
    after = outline(student_client, quiz.course)
    assert "100.00% · passed" in after and lesson_status(after, quiz.lesson) == LessonStatus.COMPLETED
    assert "1 of 1 step done" in after


def test_two_students_never_see_each_others_standing(student, quiz):
    """One student's pass changes nothing on another's cached outline, lesson or quiz page, and vice versa."""
    sam, ana = logged_in(student), logged_in(UserFactory(username="ana"))
    for client in (sam, ana):
        outline(client, quiz.course)
        client.get(quiz.lesson.get_absolute_url())
    attempt = start(sam, quiz)
    sam.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""})
    assert "passed" in outline(sam, quiz.course)
    theirs = outline(ana, quiz.course)
    assert "Quiz: not taken" in theirs and "0 of 1 step done" in theirs
    assert lesson_status(theirs, quiz.lesson) == LessonStatus.IN_PROGRESS
    assert "your grade" not in ana.get(quiz.lesson.get_absolute_url()).text
    assert "Your attempts" not in ana.get(quiz.get_absolute_url()).text
    assert "Your grade" in sam.get(quiz.get_absolute_url()).text


def test_an_admin_edit_of_a_lesson_title_shows_at_once(student_client, instructor_client, lessons):
    """A title changed in the admin is on the outline, the lesson page and its neighbour's link at once."""
    lesson = lessons[1]
    assert "Bargaining" in outline(student_client, lesson.course)
    assert "Next: Bargaining" in student_client.get(lessons[0].get_absolute_url()).text
    data = {
        "module": lesson.module_id,
        "title": "Bargaining, revised",
        "slug": lesson.slug,
        "position": lesson.position,
        "is_published": "on",
        "summary": lesson.summary,
        "objectives": lesson.objectives,
        "body": lesson.body,
        **NO_INLINES,
    }
    response = instructor_client.post(reverse("admin:lessons_lesson_change", args=[lesson.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    assert "Bargaining, revised" in outline(student_client, lesson.course)
    assert "Next: Bargaining, revised" in student_client.get(lessons[0].get_absolute_url()).text
    assert "<h1" in (page := student_client.get(lesson.get_absolute_url()).text) and "Bargaining, revised" in page


def test_a_key_term_added_and_a_lesson_unpublished_show_at_once(student_client, lessons):
    """Content written outside the admin's forms invalidates the cache too (model saves anywhere)."""
    lesson = lessons[0]
    student_client.get(lesson.get_absolute_url())
    lesson.key_terms.create(term="Démarche", definition="A formal diplomatic representation.")
    assert "Démarche" in student_client.get(lesson.get_absolute_url()).text
    lessons[3].is_published = False
    lessons[3].save()
    assert "Summits" not in outline(student_client, lesson.course)
    assert student_client.get(lessons[3].get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_opening_the_lesson_read_last_writes_nothing(student_client, student, lessons):
    """A repeat visit keeps the row as it is; opening another lesson moves "continue" there."""
    first, second = lessons[0], lessons[1]
    student_client.get(first.get_absolute_url())
    viewed = LessonProgress.objects.get(user=student, lesson=first).last_viewed_at
    student_client.get(first.get_absolute_url())
    assert LessonProgress.objects.get(user=student, lesson=first).last_viewed_at == viewed
    student_client.get(second.get_absolute_url())
    assert "Continue where you left off: Bargaining" in outline(student_client, first.course)
    student_client.get(first.get_absolute_url())
    assert LessonProgress.objects.get(user=student, lesson=first).last_viewed_at > viewed
    assert "Continue where you left off: Talking" in outline(student_client, first.course)


def test_a_removed_student_is_refused_at_once(student_client, student, lessons):
    """Taking a student off the roster closes the lessons at once, though their enrolment was cached."""
    assert student_client.get(lessons[0].get_absolute_url()).status_code == HTTPStatus.OK
    enrolment_remove(enrolment=Enrolment.objects.get(user=student, course=lessons[0].course))
    assert student_client.get(lessons[0].get_absolute_url()).status_code == HTTPStatus.FORBIDDEN


def test_a_new_quiz_setting_shows_on_the_quiz_page_at_once(student_client, quiz):
    """Quiz settings are part of the cached course structure."""
    assert "Pass mark 70%" in student_client.get(quiz.get_absolute_url()).text
    quiz.pass_mark = 80
    quiz.save()
    assert "Pass mark 80%" in student_client.get(quiz.get_absolute_url()).text


def test_the_enrol_form_carries_each_visitors_own_csrf_token(student, course, lessons):
    """The outline is cached per student, but its enrol form's CSRF token is drawn afresh for every session."""
    for user in (student, UserFactory(username="ana")):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        html = outline(client, course)
        token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            reverse("learning:enrol", kwargs={"course_slug": course.slug}), {"csrfmiddlewaretoken": token}
        )
        assert response.status_code == HTTPStatus.FOUND
        assert Enrolment.objects.get(user=user, course=course).is_active


def test_a_quiz_added_to_a_lesson_shows_on_the_outline_and_the_lesson(student_client, lessons):
    """A new quiz is part of the course structure: the outline and the lesson page offer it at once."""
    lesson = lessons[2]
    student_client.get(lesson.get_absolute_url())
    assert "Take the quiz" not in student_client.get(lesson.get_absolute_url()).text
    QuizFactory(lesson=lesson, slug="treaties-quiz")
    make_question(lesson)
    assert "Take the quiz" in student_client.get(lesson.get_absolute_url()).text
    assert f'data-testid="quiz-{lesson.slug}"' in outline(student_client, lesson.course)


def test_the_visitors_catalog_shows_a_course_change_at_once(client, course):
    """The catalog visitors see is cached; a course published, renamed or drafted shows on the next visit."""
    course.is_published = False
    course.save()
    assert course.title not in client.get(reverse("lessons:catalog")).text
    course.is_published, course.title = True, "Diplomacy, second edition"
    course.save()
    assert "Diplomacy, second edition" in client.get(reverse("lessons:catalog")).text


def test_a_students_catalog_is_never_served_from_the_visitors_copy(client, student, course):
    """A visitor's cached catalog has no enrol buttons; a student's has them, with a working CSRF token."""
    assert "Enrol" not in client.get(reverse("lessons:catalog")).text
    student_client = Client(enforce_csrf_checks=True)
    student_client.force_login(student)
    html = student_client.get(reverse("lessons:catalog")).text
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    url = reverse("learning:enrol", kwargs={"course_slug": course.slug})
    assert student_client.post(url, {"csrfmiddlewaretoken": token}).status_code == HTTPStatus.FOUND


def test_the_glossary_shows_a_new_key_term_and_an_unlocked_module_at_once(student_client, quiz):
    """The cached glossary follows the content and, with sequential modules, the student's locks."""
    course = quiz.course
    course.sequential_modules = True
    course.save()
    later = LessonFactory(module=ModuleFactory(course=course, slug="further", position=2), title="Summits")
    later.key_terms.create(term="Summitry", definition="Diplomacy by meetings of leaders.")
    url = reverse("learning:glossary", kwargs={"course_slug": course.slug})
    assert "Summits, locked" in student_client.get(url).text
    quiz.lesson.key_terms.create(term="Agrément", definition="A host state's consent to an envoy.")
    assert "Agrément" in student_client.get(url).text
    attempt = start(student_client, quiz)
    student_client.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""})
    assert f'<a href="{later.get_absolute_url()}">Summits</a>' in student_client.get(url).text


def enrolment_read(client, url, method="get", data=None) -> tuple[int, bool]:
    """A page's status and whether it read the enrolment table (False: the enrolment came from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data else client.get(url)
    return response.status_code, any("learning_enrolment" in query["sql"] for query in queries)


def test_a_student_removed_during_an_attempt_is_refused_at_once(student_client, student, quiz):
    """The attempt form takes the enrolment from the cache while the student works (starting and saving change
    their standing, not their enrolment); taking them off the roster refuses the form, a save and a submit."""
    attempt = start(student_client, quiz)
    url = attempt.get_absolute_url()
    assert enrolment_read(student_client, url) == (HTTPStatus.OK, True)
    assert enrolment_read(student_client, url) == (HTTPStatus.OK, False)
    assert enrolment_read(student_client, url, "post", {**form_values(attempt), "save": ""})[1] is False
    enrolment_remove(enrolment=Enrolment.objects.get(user=student, course=quiz.course))
    assert student_client.get(url).status_code == HTTPStatus.FORBIDDEN
    response = student_client.post(url, {**form_values(attempt), "submit": ""})
    assert response.status_code == HTTPStatus.FORBIDDEN
    attempt.refresh_from_db()
    assert attempt.is_open


def test_a_student_enrolled_again_from_a_roster_gets_in_at_once(student_client, student, quiz):
    """A roster upload enrols in bulk (no signal per row): the student it lets back in opens the attempt at once
    (a removed enrolment is never cached, and the upload bumps the enrolment version)."""
    attempt = start(student_client, quiz)
    enrolment_remove(enrolment=Enrolment.objects.get(user=student, course=quiz.course))
    assert student_client.get(attempt.get_absolute_url()).status_code == HTTPStatus.FORBIDDEN
    roster_enrol(course=quiz.course, emails=[student.email])
    assert student_client.get(attempt.get_absolute_url()).status_code == HTTPStatus.OK


def test_the_quiz_page_lists_each_attempt_at_once(student_client, student, quiz):
    """The quiz page lists the attempts from the cached standing: a start and a submit show at once."""
    assert "Start the quiz" in student_client.get(quiz.get_absolute_url()).text
    attempt = start(student_client, quiz)
    page = student_client.get(quiz.get_absolute_url()).text
    assert "Continue your attempt" in page and "In progress" in page
    student_client.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""})
    page = student_client.get(quiz.get_absolute_url()).text
    assert "Start a new attempt" in page and "<td>100.00%</td>" in page and "In progress" not in page


def test_an_overdue_timed_attempt_is_closed_by_the_quiz_page(student_client, student, quiz):
    """An open timed attempt is read afresh on the quiz page (not from the cache), so one past its deadline is
    graded there from its saved answers."""
    quiz.time_limit_minutes = 1
    quiz.save()
    attempt = start(student_client, quiz)
    assert "Continue your attempt" in student_client.get(quiz.get_absolute_url()).text
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    page = student_client.get(quiz.get_absolute_url()).text
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.closed_at_deadline
    assert "Continue your attempt" not in page and "<td>0.00%</td>" in page


def typed(html: str, name: str) -> str | None:
    """The value a text input of the attempt form shows."""
    found = re.search(rf'<input type="text" name="{name}"[^>]*?value="([^"]*)"', html)
    return found.group(1) if found else None


def test_the_attempt_form_shows_an_answer_saved_in_another_tab_at_once(student, quiz):
    """A reload draws the form kept since the student's last change; an answer saved anywhere (another tab, an
    autosave) is a change, so the next reload shows it and never the older copy."""
    one, two = logged_in(student), logged_in(student)
    attempt = start(one, quiz)
    url = attempt.get_absolute_url()
    assert typed(one.get(url).text, "q4") == ""
    assert typed(one.get(url).text, "q4") == ""
    two.post(url, {"q4": "RCEP", "save": ""})
    assert typed(one.get(url).text, "q4") == "RCEP"
    two.post(url, {"q4": "APEC", "save": ""}, headers={"x-autosave": "1"})
    assert typed(one.get(url).text, "q4") == "APEC"


def test_an_attempt_submitted_in_another_tab_shows_its_result_not_the_kept_form(student, quiz):
    one, two = logged_in(student), logged_in(student)
    attempt = start(one, quiz)
    url = attempt.get_absolute_url()
    one.get(url)
    assert "Submit for grading" in one.get(url).text
    two.post(url, {**form_values(attempt), "submit": ""})
    page = one.get(url).text
    assert "Submit for grading" not in page and "100.00%" in page


def test_another_student_never_gets_a_kept_attempt_form(student, quiz):
    """The form kept for its owner is kept under their name: another student asking for the same attempt gets 404."""
    sam, ana = logged_in(student), logged_in(UserFactory(username="ana"))
    attempt = start(sam, quiz)
    url = attempt.get_absolute_url()
    sam.get(url)
    assert sam.get(url).status_code == HTTPStatus.OK
    assert ana.get(quiz.get_absolute_url()).status_code == HTTPStatus.OK  # enrolled: the course is open
    assert ana.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_timed_attempt_kept_before_its_deadline_is_closed_when_the_form_is_opened_after_it(student_client, quiz):
    """The kept form carries the attempt's deadline: opened after it, the attempt is graded from its saved answers
    and the result shown, not the questions."""
    quiz.time_limit_minutes = 1
    quiz.save()
    attempt = start(student_client, quiz)
    url = attempt.get_absolute_url()
    student_client.post(url, {"q4": "RCEP", "save": ""})
    assert typed(student_client.get(url).text, "q4") == "RCEP"
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        page = student_client.get(url).text
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.closed_at_deadline
    assert "Time ran out" in page and "Submit for grading" not in page


def test_an_attempt_closed_by_the_task_worker_shows_its_result(student_client, quiz):
    """Overdue attempts closed in the background (not by a page) are a change to the student's attempts too."""
    quiz.time_limit_minutes = 1
    quiz.save()
    attempt = start(student_client, quiz)
    url = attempt.get_absolute_url()
    student_client.get(url)
    assert "Submit for grading" in student_client.get(url).text
    assert attempts_close_overdue(now=timezone.now() + timedelta(minutes=10)) == 1
    assert "Submit for grading" not in student_client.get(url).text


def test_staff_and_students_never_share_a_lesson_heading_or_its_neighbours(instructor, student, lessons):
    """The lesson's heading and its previous/next links are kept per content version and kind of reader: staff see
    their preview note and draft neighbours, students neither, whoever opened the lesson first."""
    lessons[1].is_published = False
    lessons[1].save()
    staff_page = logged_in(instructor).get(lessons[0].get_absolute_url()).text
    assert "Staff preview" in staff_page and "Next: Bargaining" in staff_page
    page = logged_in(student).get(lessons[0].get_absolute_url()).text
    assert "Staff preview" not in page and "Next: Treaties" in page and "Bargaining" not in page


def test_the_next_module_unlocks_on_the_lesson_page_once_its_quizzes_are_passed(student_client, quiz):
    """The next-lesson link is kept per lock state: locked before the pass, a link right after it."""
    course = quiz.course
    course.sequential_modules = True
    course.save()
    later = LessonFactory(module=ModuleFactory(course=course, slug="later", position=2), title="Summits", position=1)
    assert "Next: Summits (locked" in student_client.get(quiz.lesson.get_absolute_url()).text
    attempt = start(student_client, quiz)
    student_client.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""})
    page = student_client.get(quiz.lesson.get_absolute_url()).text
    assert f'rel="next" href="{later.get_absolute_url()}">Next: Summits' in page and "(locked" not in page
