import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning.services import attempt_start
from lessons.models import LessonProgress, LessonStatus
from quizzes.models import REVIEW_PARTS, Attempt, ReviewWhen
from tests.factories import CourseFactory, LessonFactory, ModuleFactory, QuizFactory, UserFactory, make_question

pytestmark = pytest.mark.django_db


def start_url(quiz):
    return reverse("learning:start", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})


def start(client, quiz):
    response = client.post(start_url(quiz))
    assert response.status_code == HTTPStatus.FOUND
    return Attempt.objects.filter(quiz=quiz).latest("number")


def form_values(attempt, *, right=True):
    """POST data answering every question right (or wrong), read the way a browser would: by display order."""
    data = {}
    for slot in attempt.slots.all():
        snapshot, name = slot.snapshot, f"q{slot.position}"
        choices = {choice["id"]: choice for choice in snapshot["choices"]}
        order = snapshot["order"]
        qtype = snapshot["qtype"]
        if qtype in {"single", "truefalse"}:
            best = max(order, key=lambda cid: float(choices[cid]["fraction"]))
            worst = min(order, key=lambda cid: float(choices[cid]["fraction"]))
            data[name] = str(order.index(best if right else worst))
        elif qtype == "multiple":
            data[name] = [str(i) for i, cid in enumerate(order) if (float(choices[cid]["fraction"]) > 0) == right]
        elif qtype == "short":
            data[name] = snapshot["choices"][0]["text"] if right else "nonsense"
        elif qtype == "matching":
            for index, cid in enumerate(order):
                target = snapshot["match_order"].index(cid)
                data[f"{name}_{index}"] = str(target if right else (target + 1) % len(order))
        else:
            canonical = [choice["id"] for choice in snapshot["choices"]]
            for index, cid in enumerate(order):
                rank = canonical.index(cid) + 1
                data[f"{name}_{index}"] = str(rank if right else rank % len(order) + 1)
    return data


def test_quiz_page_shows_settings_and_a_start_button(student_client, quiz):
    """The quiz page states the pass mark and attempts, and offers to start."""
    response = student_client.get(quiz.get_absolute_url())
    assert "Pass mark 70%" in response.text
    assert "3 attempts allowed" in response.text
    assert "Start the quiz" in response.text


def test_taking_a_quiz_end_to_end(student_client, student, quiz):
    """Start, answer everything right, submit: 100%, passed, lesson completed, feedback links to sections."""
    attempt = start(student_client, quiz)
    page = student_client.get(attempt.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    response = student_client.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""}, follow=True)
    assert "Score 100.00% · Passed" in response.text
    assert f'href="{quiz.lesson.get_absolute_url()}#first-idea"' in response.text
    assert "Because the lesson says so." in response.text
    progress = LessonProgress.objects.get(user=student, lesson=quiz.lesson)
    assert progress.status == LessonStatus.COMPLETED


def submit_wrong(client, quiz):
    attempt = start(client, quiz)
    return client.post(
        attempt.get_absolute_url(),
        {**form_values(attempt, right=False), "submit": "", "confirm_unanswered": "1"},
        follow=True,
    )


def test_a_failed_attempt_with_attempts_left_points_to_the_lesson_but_keeps_the_key(student_client, quiz):
    """While attempts remain: marks, feedback on the student's picks and the section link; no key, no explanation."""
    response = submit_wrong(student_client, quiz)
    assert "Not passed" in response.text
    assert "Not quite." in response.text
    assert "Review this in the lesson" in response.text
    assert "Right answer" not in response.text
    assert "Because the lesson says so." not in response.text


def test_the_right_answers_show_once_no_attempt_is_left(student_client, quiz):
    """Out of attempts, the review shows the right answer and the explanation."""
    quiz.attempts_allowed = 1
    quiz.save()
    response = submit_wrong(student_client, quiz)
    assert "Right answer" in response.text
    assert "Because the lesson says so." in response.text


def test_an_instructor_can_show_the_key_after_every_attempt(student_client, quiz):
    """Review options are the instructor's: "after every attempt" shows the key while attempts remain."""
    quiz.review_right_answer = ReviewWhen.ALWAYS
    quiz.save()
    response = submit_wrong(student_client, quiz)
    assert "Right answer" in response.text
    assert "Because the lesson says so." not in response.text


def test_a_final_exam_shows_only_the_score_and_modules_until_it_is_over(student_client, quiz):
    """Under the final exam's defaults a failed attempt shows the score and per-module scores, no question."""
    final = QuizFactory(lesson=None, course=quiz.course, kind="final", slug="final", attempts_allowed=2)
    for part in REVIEW_PARTS:
        setattr(final, f"review_{part}", ReviewWhen.CLOSED)
    final.save()
    make_question(quiz.lesson, text="An exam question about mediation?", pool="final")
    passed = start(student_client, quiz)
    student_client.post(passed.get_absolute_url(), {**form_values(passed), "submit": ""})
    response = submit_wrong(student_client, final)
    assert "By module" in response.text and "Basics" in response.text
    assert "An exam question about mediation?" not in response.text
    assert "Review this in the lesson" not in response.text


def test_nothing_on_the_attempt_page_reveals_the_right_answers(student_client, quiz):
    """Before submission the HTML holds no weights, feedback, explanations or accepted answers, and
    every input's value is a display position, the same kind of value for right and wrong choices."""
    attempt = start(student_client, quiz)
    html = student_client.get(attempt.get_absolute_url()).text
    for secret in ("Because the lesson says so.", "Right.", "Not quite.", "fraction", "RCEP", "correct", "data-"):
        assert secret not in html
    radio_values = re.findall(r'type="radio" class="form-check-input"  name="q1" value="([^"]*)"', html)
    assert sorted(radio_values) == ["0", "1"]
    checkbox_values = re.findall(r'type="checkbox" class="form-check-input"  name="q3" value="([^"]*)"', html)
    assert sorted(checkbox_values) == ["0", "1", "2"]


def test_saving_keeps_answers_across_a_reload(student_client, quiz):
    """Saved answers come back checked after a reload; the attempt stays open."""
    attempt = start(student_client, quiz)
    values = form_values(attempt)
    student_client.post(attempt.get_absolute_url(), {**values, "save": ""})
    html = student_client.get(attempt.get_absolute_url()).text
    assert 'value="RCEP"' in html
    assert Attempt.objects.get(pk=attempt.pk).is_open


def test_a_save_shows_at_once_and_never_on_another_students_page(student_client, quiz):
    """The attempt page draws the saved answers into input shapes kept per process: each save shows on the next
    load, and another student's page of the same quiz (drawn from the same shapes) shows none of them."""
    attempt = start(student_client, quiz)
    short = next(f"q{slot.position}" for slot in attempt.slots.all() if slot.snapshot["qtype"] == "short")
    other = UserFactory()
    other_attempt = attempt_start(user=other, quiz=quiz)
    for typed in ("First draft & <notes>", "Second draft"):
        student_client.post(attempt.get_absolute_url(), {**form_values(attempt), short: typed, "save": ""})
        html = student_client.get(attempt.get_absolute_url()).text
        assert f'value="{typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}"' in html
    assert "First draft" not in html
    student_client.force_login(other)
    html = student_client.get(other_attempt.get_absolute_url()).text
    start_at = html.index('id="attempt-form"')
    questions = html[start_at : html.index("</form>", start_at)]
    assert 'name="q' in questions
    # No answer drawn in: no text, no ticked choice, no chosen match (only each list's "Choose…" placeholder).
    assert "draft" not in questions and " checked" not in questions
    assert not re.search(r'<option value="[^"]+" selected', questions)


def test_submit_with_unanswered_questions_asks_first(student_client, quiz):
    """Submitting with blanks saves the answers and asks for confirmation before grading."""
    attempt = start(student_client, quiz)
    response = student_client.post(attempt.get_absolute_url(), {"q4": "RCEP", "submit": ""})
    assert "5 questions unanswered" in response.text
    assert Attempt.objects.get(pk=attempt.pk).is_open
    student_client.post(attempt.get_absolute_url(), {"q4": "RCEP", "submit": "", "confirm_unanswered": "1"})
    assert Attempt.objects.get(pk=attempt.pk).score == Decimal("16.67")


@pytest.mark.parametrize(
    "bad",
    [
        {"q1": "7"},
        {"q1": "abc"},
        {"q3": ["0", "9"]},
        {"q4": "x" * 201},
        {"q5_0": "5"},
        {"q6_0": "1", "q6_1": "1", "q6_2": "2"},
    ],
)
def test_bad_input_is_refused_and_saves_nothing(student_client, quiz, bad):
    """Out-of-range choices, oversized text and broken orderings get a 400 with a message; nothing is stored."""
    attempt = start(student_client, quiz)
    response = student_client.post(attempt.get_absolute_url(), {**bad, "save": ""})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "nothing was saved" in response.text
    assert not attempt.slots.exclude(response=None).exists()


def test_double_submit_grades_once(student_client, quiz):
    """A second submit of the same form changes nothing and says so."""
    attempt = start(student_client, quiz)
    data = {**form_values(attempt), "submit": ""}
    student_client.post(attempt.get_absolute_url(), data)
    finished = Attempt.objects.get(pk=attempt.pk)
    response = student_client.post(
        attempt.get_absolute_url(), {**form_values(attempt, right=False), "submit": ""}, follow=True
    )
    assert "already submitted" in response.text
    assert Attempt.objects.get(pk=attempt.pk).finished_at == finished.finished_at
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_start_after_the_last_attempt_is_refused(student_client, student, quiz):
    """With no attempts left, Start explains and opens nothing."""
    quiz.attempts_allowed = 1
    quiz.save()
    attempt = start(student_client, quiz)
    student_client.post(attempt.get_absolute_url(), {"submit": "", "confirm_unanswered": "1"})
    response = student_client.post(start_url(quiz), follow=True)
    assert "You have used all 1 attempts" in response.text
    assert Attempt.objects.filter(user=student).count() == 1


def test_another_students_attempt_is_404(client, student, quiz):
    """No one can open, or post to, someone else's attempt."""
    attempt = attempt_start(user=student, quiz=quiz)
    client.force_login(UserFactory())
    assert client.get(attempt.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert client.post(attempt.get_absolute_url(), {"submit": ""}).status_code == HTTPStatus.NOT_FOUND
    assert Attempt.objects.get(pk=attempt.pk).is_open


def test_an_attempt_opened_through_another_course_is_404(student_client, student, quiz):
    """An attempt's address under another course's slug finds nothing, though it is the student's own."""
    attempt = attempt_start(user=student, quiz=quiz)
    other = CourseFactory(slug="other-course")
    url = reverse("learning:attempt", kwargs={"course_slug": other.slug, "attempt_id": attempt.pk})
    assert student_client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert student_client.post(url, {"submit": ""}).status_code == HTTPStatus.NOT_FOUND
    assert Attempt.objects.get(pk=attempt.pk).is_open


def test_quiz_of_a_draft_lesson_is_404(student_client, quiz):
    """A quiz whose lesson is a draft is invisible to students."""
    quiz.lesson.is_published = False
    quiz.lesson.save()
    assert student_client.get(quiz.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert student_client.post(start_url(quiz)).status_code == HTTPStatus.NOT_FOUND


def test_locked_module_lessons_and_quizzes_are_closed(student_client, quiz):
    """Under sequential modules, module 2 opens only after module 1's quizzes are passed."""
    course = quiz.course
    course.sequential_modules = True
    course.save()
    later = LessonFactory(module=ModuleFactory(course=course, position=2), slug="later")
    later_quiz = QuizFactory(lesson=later, slug="later-quiz")
    make_question(later)
    assert student_client.get(later.get_absolute_url()).status_code == HTTPStatus.FORBIDDEN
    assert student_client.post(start_url(later_quiz)).status_code == HTTPStatus.FORBIDDEN
    outline = student_client.get(course.get_absolute_url())
    assert "Locked" in outline.text

    attempt = start(student_client, quiz)
    student_client.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""})
    assert student_client.get(later.get_absolute_url()).status_code == HTTPStatus.OK


def test_lessons_with_a_quiz_cannot_be_marked_complete_by_hand(student_client, student, quiz):
    """Only passing the quiz completes a lesson that has one."""
    url = reverse("learning:lesson_complete", kwargs={"course_slug": quiz.course.slug, "lesson_slug": quiz.lesson.slug})
    response = student_client.post(url, follow=True)
    assert "Pass this lesson" in response.text
    assert not LessonProgress.objects.filter(user=student, status=LessonStatus.COMPLETED).exists()


def test_outline_shows_the_best_quiz_score(student_client, quiz):
    """The outline shows each quiz's grade by its grading method."""
    attempt = start(student_client, quiz)
    student_client.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""})
    response = student_client.get(quiz.course.get_absolute_url())
    assert "Quiz: 100.00% · passed" in response.text


def build_quiz(course, count):
    module = ModuleFactory(course=course)
    lesson = LessonFactory(module=module)
    quiz = QuizFactory(lesson=lesson)
    kinds = ["single", "truefalse", "multiple", "short", "matching"]
    for index in range(count):
        kind = kinds[index % len(kinds)]
        answers = {
            "matching": [("a", 1, "x"), ("b", 1, "y"), ("c", 1, "z")],
            "short": [("word", 1)],
            "multiple": [("a", "0.5"), ("b", "0.5"), ("c", -1)],
        }.get(kind)
        make_question(lesson, kind, answers)
    return quiz


def count_queries(client, url, method="get", data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}
    return len(queries)


def test_attempt_and_result_pages_cost_the_same_for_5_and_50_questions(student_client):
    """The quiz page, the attempt form, the submit and the result page do not query per question."""
    small, large = build_quiz(CourseFactory(), 5), build_quiz(CourseFactory(), 50)
    counts = {}
    for name, quiz in (("small", small), ("large", large)):
        attempt = start(student_client, quiz)
        url = attempt.get_absolute_url()
        counts[name] = [
            count_queries(student_client, quiz.get_absolute_url()),
            count_queries(student_client, url),
            count_queries(student_client, url, "post", {**form_values(attempt), "submit": ""}),
            count_queries(student_client, url),
        ]
    assert counts["small"] == counts["large"]


def test_final_exam_opens_after_every_lesson_quiz_is_passed(student_client, quiz):
    """Under sequential modules the final exam is locked until the lesson quizzes are passed."""
    course = quiz.course
    course.sequential_modules = True
    course.save()
    final = QuizFactory(lesson=None, course=course, kind="final", slug="final-exam")
    assert student_client.get(final.get_absolute_url()).status_code == HTTPStatus.FORBIDDEN
    attempt = start(student_client, quiz)
    student_client.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""})
    assert student_client.get(final.get_absolute_url()).status_code == HTTPStatus.OK


def test_instructor_changes_quiz_settings_in_the_admin(instructor_client, quiz):
    """Pass mark, attempts, time limit, pool size, grading method and review options are editable by instructors."""
    url = reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    assert instructor_client.get(url).status_code == HTTPStatus.OK
    response = instructor_client.post(
        url,
        {
            "course": quiz.course_id,
            "kind": "lesson",
            "lesson": quiz.lesson_id,
            "title": quiz.title,
            "slug": quiz.slug,
            "is_published": "on",
            "pass_mark": 80,
            "attempts_allowed": "",
            "grading_method": "average",
            "time_limit_minutes": 15,
            "questions_per_attempt": 4,
            "shuffle_questions": "on",
            "review_correctness": "always",
            "review_marks": "always",
            "review_feedback": "always",
            "review_section_link": "always",
            "review_right_answer": "always",
            "review_explanation": "never",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    quiz.refresh_from_db()
    assert (quiz.pass_mark, quiz.attempts_allowed, quiz.grading_method, quiz.time_limit_minutes) == (
        80,
        None,
        "average",
        15,
    )
    assert (quiz.review_right_answer, quiz.review_explanation) == ("always", "never")


def test_admin_refuses_a_pass_mark_over_100(instructor_client, quiz):
    """A pass mark of 120 gets a message and is not saved."""
    response = instructor_client.post(
        reverse("admin:quizzes_quiz_change", args=[quiz.pk]),
        {
            "course": quiz.course_id,
            "kind": "lesson",
            "lesson": quiz.lesson_id,
            "title": quiz.title,
            "slug": quiz.slug,
            "pass_mark": 120,
            "grading_method": "highest",
        },
    )
    assert "Ensure this value is less than or equal to 100." in response.text
    quiz.refresh_from_db()
    assert quiz.pass_mark == 70


def test_quiz_and_result_page_query_counts_are_pinned(client, student, settings, django_assert_num_queries):
    """Quiz page after a submit: session, user, the student's standing (progress, attempts, quiz and review
    answers for mastery, review cards: the submit changed it; the enrolment is kept apart, per enrolment
    version), which also lists the quiz's attempts; the course's structure is cached. Again: session and user
    only, like any logged-in page. Result page: session, user, the attempt with its slots (one query),
    attempts, and (passed) the next step: the certificate, issued since the course is now complete."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(student)
    quiz = build_quiz(CourseFactory(), 12)
    attempt = start(client, quiz)
    client.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""})
    quiz_url, result_url = quiz.get_absolute_url(), attempt.get_absolute_url()
    with django_assert_num_queries(7):
        client.get(quiz_url)
    with django_assert_num_queries(2):
        client.get(quiz_url)
    with django_assert_num_queries(5):
        client.get(result_url)


def test_start_and_complete_reached_by_get_land_on_the_page_with_the_button(student_client, quiz):
    """The redirect after logging in is a GET: it shows the quiz or lesson page instead of a 405."""
    response = student_client.get(start_url(quiz))
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == quiz.get_absolute_url()
    assert not Attempt.objects.exists()
    lesson = quiz.lesson
    url = reverse("learning:lesson_complete", kwargs={"course_slug": quiz.course.slug, "lesson_slug": lesson.slug})
    response = student_client.get(url)
    assert response["Location"] == lesson.get_absolute_url()
    assert not LessonProgress.objects.filter(status=LessonStatus.COMPLETED).exists()


def test_passing_shows_the_next_lesson_and_a_module_just_opened(student_client, quiz):
    """With sequential modules, passing the last quiz of a module names the module it opens and links on."""
    course = quiz.course
    course.sequential_modules = True
    course.save()
    module = ModuleFactory(course=course, title="Alliances", slug="alliances", position=2)
    nxt = LessonFactory(module=module, title="Treaties", slug="treaties", position=1)
    attempt = start(student_client, quiz)
    response = student_client.post(attempt.get_absolute_url(), {**form_values(attempt), "submit": ""}, follow=True)
    assert "Module “Alliances” is now open." in response.text
    assert f'href="{nxt.get_absolute_url()}"' in response.text


def test_a_timed_quiz_says_its_limit_before_the_clock_starts(student_client, quiz):
    """The start button of a timed quiz says it starts the clock, and the limit is spelled with a plural."""
    quiz.time_limit_minutes = 1
    quiz.save()
    response = student_client.get(quiz.get_absolute_url())
    assert "Start the clock" in response.text and "runs for 1 minute," in response.text
    assert "1 minutes" not in response.text


def test_a_matching_review_marks_each_pair(student_client, quiz):
    """Out of attempts, a wrong matching answer shows which pairs were right and which wrong."""
    quiz.attempts_allowed = 1
    quiz.save()
    response = submit_wrong(student_client, quiz)
    assert "(wrong)" in response.text


def test_a_locked_next_lesson_is_marked_and_its_page_leads_back_to_the_outline(student_client, quiz):
    """The Next link does not lead into a 403; the locked page itself links back to the outline."""
    course = quiz.course
    course.sequential_modules = True
    course.save()
    module = ModuleFactory(course=course, title="Alliances", slug="alliances", position=2)
    locked = LessonFactory(module=module, title="Treaties", slug="treaties", position=1)
    page = student_client.get(quiz.lesson.get_absolute_url())
    assert "Next: Treaties (locked until you pass this module's quizzes)" in page.text
    assert f'href="{locked.get_absolute_url()}"' not in page.text
    forbidden = student_client.get(locked.get_absolute_url())
    assert forbidden.status_code == HTTPStatus.FORBIDDEN
    assert f'href="{course.get_absolute_url()}"' in forbidden.content.decode()


def test_autosave_keeps_answers_without_a_page_load(student_client, quiz):
    """The script's background save stores the answers and answers in JSON; after submission it is refused."""
    attempt = start(student_client, quiz)
    values = form_values(attempt)
    response = student_client.post(attempt.get_absolute_url(), {**values, "save": ""}, headers={"X-Autosave": "1"})
    assert response.status_code == HTTPStatus.OK and response.json() == {"saved": True}
    assert all(slot.response for slot in attempt.slots.all())
    student_client.post(attempt.get_absolute_url(), {**values, "submit": ""})
    late = student_client.post(attempt.get_absolute_url(), {**values, "save": ""}, headers={"X-Autosave": "1"})
    assert late.status_code == HTTPStatus.CONFLICT and late.json()["saved"] is False


def test_answers_sent_after_the_session_expired_are_offered_again_after_log_in(client, student, quiz):
    """Posting with an expired session saves nothing, sends the student to log in, then refills the form."""
    client.force_login(student)
    attempt = start(client, quiz)
    values = form_values(attempt)
    client.logout()
    response = client.post(attempt.get_absolute_url(), {**values, "submit": ""})
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]
    assert not any(slot.response for slot in attempt.slots.all())
    login = client.post(
        response["Location"], {"username": student.username, "password": "correct-horse-battery"}, follow=True
    )
    assert "Your session had expired when you sent these answers" in login.text
    assert login.context["form"].data.get("q4") == values["q4"]
    attempt.refresh_from_db()
    assert attempt.is_open


def test_a_timed_attempt_has_an_accessible_countdown_and_a_script_that_only_enhances(student_client, quiz):
    """The deadline shows with its zone; the countdown speaks through a live region; the script is a static file."""
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = start(student_client, quiz)
    page = student_client.get(attempt.get_absolute_url()).text
    assert 'id="countdown"' in page and 'aria-live="assertive"' in page and "UTC" in page
    assert 'src="/static/js/attempt.js"' in page and "<script>" not in page


def test_a_quiz_with_a_description_and_a_numerical_question_end_to_end(student_client, course):
    """The description shows as text without a field and is not marked; the number is typed and marked."""
    module = ModuleFactory(course=course, slug="numbers", position=9)
    lesson = LessonFactory(module=module, slug="numbers", position=1)
    quiz = QuizFactory(lesson=lesson, slug="numbers-quiz", shuffle_questions=False)
    make_question(lesson, "description", [], text="Read the treaty dates first.")
    make_question(lesson, "numerical", [("1648:1", 1, "", "Westphalia."), ("*", 0, "", "Look again.")])
    attempt = start(student_client, quiz)
    page = student_client.get(attempt.get_absolute_url())
    assert "Read the treaty dates first." in page.text
    assert 'name="q1"' not in page.text and 'name="q2"' in page.text
    assert "Your answer (a number)" in page.text
    response = student_client.post(attempt.get_absolute_url(), {"q2": "1649", "submit": ""}, follow=True)
    assert "Score 100.00% · Passed" in response.text
    assert "Westphalia." in response.text
    assert "Read the treaty dates first." in response.text
