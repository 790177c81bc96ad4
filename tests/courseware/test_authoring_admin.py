"""Authoring in the admin: what a save changes, checked through the admin's own forms as a browser submits them."""

from http import HTTPStatus

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from courseware.loading import course_load
from lessons.models import Lesson
from quizzes.admin import TYPE_FORMS
from quizzes.models import Question
from tests.conftest import SHIPPED_COURSE
from tests.factories import InstructorFactory, LessonFactory, UserFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def test_saving_a_lesson_unchanged_changes_nothing(instructor_client, shipped_course):
    """A lesson posted back as the browser shows it records no change and still matches its file."""
    lesson = Lesson.objects.get(course=shipped_course, slug="diplomacy-art-and-practice")
    before = Lesson.objects.values("body", "objectives", "summary", "loaded_state").get(pk=lesson.pk)
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    data = form_data(instructor_client.get(url).text, form_id="lesson_form")
    assert "\r\n" in data["body"]

    response = instructor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    assert Lesson.objects.values("body", "objectives", "summary", "loaded_state").get(pk=lesson.pk) == before
    entry = LogEntry.objects.get(object_id=str(lesson.pk), content_type__model="lesson")
    assert entry.get_change_message() == "No fields changed."
    report = course_load(folder=SHIPPED_COURSE)
    assert "lesson diplomacy-art-and-practice" in report.unchanged
    assert not report.kept


def question_change(client, question):
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    return url, form_data(client.get(url).text, form_id="question_form")


def test_section_is_picked_from_the_lessons_anchors(instructor_client, quiz):
    """The section field is a list of the lesson's own sections, the saved one selected."""
    question = Question.objects.filter(lesson=quiz.lesson).first()
    page = instructor_client.get(reverse("admin:quizzes_question_change", args=[question.pk])).text
    assert '<select name="section_anchor"' in page
    assert '<option value="first-idea" selected>#first-idea: First idea</option>' in page
    assert '<option value="second-idea">#second-idea: Second idea</option>' in page


def test_an_anchor_the_lesson_lacks_is_refused_with_its_sections_named(instructor_client, quiz):
    """A posted anchor that is no section of the lesson is refused; the question keeps its section."""
    question = Question.objects.filter(lesson=quiz.lesson).first()
    url, data = question_change(instructor_client, question)
    response = instructor_client.post(url, {**data, "section_anchor": "no-such-anchor"})
    assert response.status_code == HTTPStatus.OK
    assert (
        "The lesson “Talking” has no section #no-such-anchor; pick one of its sections: #first-idea, #second-idea."
        in response.text
    )
    question.refresh_from_db()
    assert question.section_anchor == "first-idea"


def test_moving_a_question_to_another_lesson_lists_that_lessons_sections(instructor_client, quiz):
    """Without JavaScript, choosing another lesson is checked on save and the form then offers its sections."""
    question = Question.objects.filter(lesson=quiz.lesson).first()
    other = LessonFactory(module=quiz.lesson.module, slug="other", body="Intro.\n\n## Treaties {#treaties}\n\nWords.\n")
    url, data = question_change(instructor_client, question)
    response = instructor_client.post(url, {**data, "lesson": other.pk})
    assert "has no section #first-idea; pick one of its sections: #treaties." in response.text
    assert '<option value="treaties">#treaties: Treaties</option>' in response.text
    response = instructor_client.post(url, {**data, "lesson": other.pk, "section_anchor": "treaties"})
    assert response.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert (question.lesson, question.section_anchor) == (other, "treaties")


def test_section_options_follow_the_chosen_lesson(instructor_client, quiz):
    """The options the section list refreshes from (htmx, on a lesson change) are that lesson's sections."""
    url = reverse("admin:quizzes_question_sections")
    options = instructor_client.get(url, {"lesson": quiz.lesson.pk}).text
    assert '<option value="first-idea">#first-idea: First idea</option>' in options
    assert "Choose the lesson first" in instructor_client.get(url, {"lesson": "x"}).text


def test_section_options_are_closed_to_students(student_client, quiz):
    """A student asking for the section options is sent to the admin log-in."""
    response = student_client.get(reverse("admin:quizzes_question_sections"), {"lesson": quiz.lesson.pk})
    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response.url


def test_removing_a_heading_questions_link_to_warns_and_lists_them(instructor_client, quiz):
    """A lesson saved without a heading its questions point to is saved, with a warning linking each question."""
    lesson = quiz.lesson
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    data = form_data(instructor_client.get(url).text, form_id="lesson_form")
    data["body"] = data["body"].replace("## Second idea {#second-idea}", "## Later idea {#later-idea}")
    response = instructor_client.post(url, data, follow=True)
    lesson.refresh_from_db()
    assert "later-idea" in [section.anchor for section in lesson.section_list]
    ordering = Question.objects.get(lesson=lesson, qtype="ordering")
    assert "1 question links to a section this lesson no longer has" in response.text
    assert f'<a href="{reverse("admin:quizzes_question_change", args=[ordering.pk])}">' in response.text
    assert "(#second-idea)" in response.text


def test_a_lesson_saves_without_sources(instructor_client, shipped_course):
    """Sources are optional: a lesson whose sources are all removed in the admin is saved with none."""
    lesson = Lesson.objects.get(course=shipped_course, slug="diplomacy-art-and-practice")
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    data = form_data(instructor_client.get(url).text, form_id="lesson_form")
    data.pop("sources")
    response = instructor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    assert not lesson.sources.exists()


def test_preview_button_renders_the_typed_body_and_saves_nothing(instructor_client, quiz):
    """Without JavaScript, "Preview the body" shows the page's rendering of what was typed; the lesson is unchanged."""
    lesson = quiz.lesson
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    data = form_data(instructor_client.get(url).text, form_id="lesson_form")
    typed = data["body"] + "\r\n## Fresh part {#fresh-part}\r\n\r\nNew *words* <script>alert(1)</script>\r\n"
    response = instructor_client.post(url, {**data, "body": typed, "_preview": "Preview the body"})
    assert response.status_code == HTTPStatus.OK
    assert '<h2 id="fresh-part">Fresh part</h2>' in response.text
    assert "New <em>words</em>" in response.text
    assert "<script>alert(1)</script>" not in response.text.split('id="id_body_preview"')[1]
    assert "<code>#fresh-part</code>" in response.text
    lesson.refresh_from_db()
    assert "fresh-part" not in lesson.body
    assert not LogEntry.objects.exists()


def test_live_preview_answers_with_the_sanitized_rendering(instructor_client, quiz):
    """The preview htmx posts as one types returns the lesson page's HTML, its sections and its problems."""
    url = reverse("admin:lessons_lesson_preview")
    body = '## Talks {#talks}\n\nSee <a href="javascript:alert(1)">this</a>.\n\n## No anchor here\n\n## Dup {#talks}\n'
    response = instructor_client.post(url, {"body": body})
    assert response.status_code == HTTPStatus.OK
    assert '<h2 id="talks">Talks</h2>' in response.text
    assert "javascript:" not in response.text
    assert "Heading “No anchor here” has no {#anchor}, so no question can link to it." in response.text
    assert "Section anchors must be unique; repeated: talks." in response.text


def test_live_preview_refuses_a_body_over_the_limit(instructor_client, db):
    """A body longer than MAX_BODY_CHARS is not rendered; the answer says the limit."""
    response = instructor_client.post(reverse("admin:lessons_lesson_preview"), {"body": "word " * 40_001})
    assert "The body is 200,005 characters long; the limit is 200,000. Split the lesson." in response.text
    assert "lesson-preview" not in response.text


def test_a_body_over_the_limit_is_not_saved(instructor_client, quiz):
    """Saving a body over the limit is refused with the limit named, and the lesson keeps its body."""
    lesson = quiz.lesson
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    data = form_data(instructor_client.get(url).text, form_id="lesson_form")
    response = instructor_client.post(url, {**data, "body": "word " * 40_001})
    assert "Ensure this value has at most 200000 characters (it has 200005)." in response.text
    lesson.refresh_from_db()
    assert lesson.body.startswith("Opening words")


def test_live_preview_is_a_post_with_csrf_for_staff_who_edit_lessons(client, db):
    """GET is refused, a POST without the CSRF token is refused, students and staff without lesson rights are too."""
    url = reverse("admin:lessons_lesson_preview")
    instructor = InstructorFactory(username="writer")
    client.force_login(instructor)
    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(instructor)
    assert strict.post(url, {"body": "x"}).status_code == HTTPStatus.FORBIDDEN
    client.force_login(UserFactory(username="helper", is_staff=True))
    assert client.post(url, {"body": "x"}).status_code == HTTPStatus.FORBIDDEN
    client.force_login(UserFactory(username="reader"))
    assert client.post(url, {"body": "x"}).status_code == HTTPStatus.FOUND


def test_adding_a_question_starts_by_choosing_its_type(instructor_client, quiz):
    """The add page lists every type with what it asks of students, and a lesson to pick."""
    page = instructor_client.get(reverse("admin:quizzes_question_add")).text
    for qtype, spec in TYPE_FORMS.items():
        assert f'value="{qtype}"' in page and str(spec.description) in page
    assert f'<option value="{quiz.lesson.pk}">Talking</option>' in page


@pytest.mark.parametrize(
    ("qtype", "shown", "hidden"),
    [
        (
            "matching",
            ["choices-__prefix__-match_text", 'column-text required">Left side', 'column-match_text">Matches'],
            ["choices-__prefix__-fraction"],
        ),
        (
            "numerical",
            ["Answer: value, value:tolerance or min..max", "choices-__prefix__-fraction", "Each answer as 42"],
            ["match_text"],
        ),
        ("description", ['name="text"'], ["choices-TOTAL_FORMS", 'name="explanation"']),
    ],
)
def test_the_add_form_shows_only_the_chosen_types_fields(instructor_client, quiz, qtype, shown, hidden):
    """After the type step, the form has that type's fields and choice columns only, with the lesson's sections."""
    url = reverse("admin:quizzes_question_add")
    page = instructor_client.get(url, {"qtype": qtype, "lesson": quiz.lesson.pk}).text
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page
    assert f'<input type="hidden" name="qtype" value="{qtype}"' in page
    assert '<option value="second-idea">#second-idea: Second idea</option>' in page


def test_a_question_added_after_choosing_its_type_saves(instructor_client, quiz):
    """The two steps end in a saved matching question with its pairs."""
    url = reverse("admin:quizzes_question_add")
    data = form_data(
        instructor_client.get(url, {"qtype": "matching", "lesson": quiz.lesson.pk}).text, form_id="question_form"
    )
    rows = [("Kyoto", "Protocol"), ("Paris", "Agreement"), ("COP", "Conference"), ("RCEP", "Trade")]
    data |= {"key": "new-matching", "text": "Match them.", "section_anchor": "first-idea", "choices-TOTAL_FORMS": "4"}
    for index, (left, right) in enumerate(rows):
        data |= {f"choices-{index}-position": index + 1, f"choices-{index}-text": left}
        data[f"choices-{index}-match_text"] = right
    response = instructor_client.post(f"{url}?qtype=matching&lesson={quiz.lesson.pk}", data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    question = Question.objects.get(key="new-matching")
    assert question.qtype == "matching"
    assert list(question.choices.values_list("text", "match_text")) == rows
