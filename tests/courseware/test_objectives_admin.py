"""A lesson's objectives in the admin: one input per objective, stored as one objective a line."""

import re
import tomllib
from http import HTTPStatus

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from courseware.export import course_export
from lessons.models import MAX_OBJECTIVE_CHARS, MAX_OBJECTIVES, Lesson
from tests.forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(quiz):
    return quiz.lesson


def change(client, lesson):
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    page = client.get(url)
    return url, page, form_data(page.text, form_id="lesson_form")


def objective_rows(data: dict) -> dict:
    return {key: value for key, value in data.items() if re.fullmatch(r"objectives_\d+", key)}


def test_each_objective_has_its_own_labelled_input_and_blank_rows_follow(instructor_client, lesson):
    """Two objectives show as "Objective 1" and "Objective 2", then blank rows up to the limit of four."""
    _url, page, data = change(instructor_client, lesson)
    assert page.status_code == HTTPStatus.OK
    assert objective_rows(data) == {
        "objectives_0": "Explain the first idea",
        "objectives_1": "Apply the second idea",
        "objectives_2": "",
        "objectives_3": "",
    }
    for number in range(1, MAX_OBJECTIVES + 1):
        assert f'<label for="id_objectives_{number - 1}">Objective {number}</label>' in page.text
    assert f'maxlength="{MAX_OBJECTIVE_CHARS}"' in page.text
    assert '<legend class="visually-hidden">Learning objectives</legend>' in page.text
    assert "at most 4, each at most 300 characters. Blank rows are ignored." in page.text
    assert 'src="/static/js/list-input.js"' in page.text
    assert "<textarea" not in page.text.split('id="id_objectives"')[1].split("</fieldset>")[0]


def test_a_new_lesson_starts_with_two_blank_objectives(instructor_client, lesson):
    page = instructor_client.get(reverse("admin:lessons_lesson_add"))
    assert objective_rows(form_data(page.text, form_id="lesson_form")) == {"objectives_0": "", "objectives_1": ""}


def test_rows_save_in_order_without_the_blank_ones(instructor_client, lesson):
    """Blank rows are dropped wherever they are; the others keep their order; spaces around each are trimmed."""
    url, _page, data = change(instructor_client, lesson)
    data |= {"objectives_0": "", "objectives_1": "  Compare two ideas ", "objectives_2": "", "objectives_3": "Explain"}
    response = instructor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    lesson.refresh_from_db()
    assert lesson.objectives == "Compare two ideas\nExplain"
    assert lesson.objective_list == ["Compare two ideas", "Explain"]
    assert LogEntry.objects.get(object_id=str(lesson.pk)).get_change_message() == "Changed learning objectives."


def test_a_row_added_by_the_script_saves_like_the_others(instructor_client, lesson):
    """ "Add another" posts objectives_<n> beyond the rendered rows; the server reads every such row in order."""
    url, _page, data = change(instructor_client, lesson)
    data = {key: value for key, value in data.items() if key not in {"objectives_2", "objectives_3"}}
    data |= {"objectives_10": "Last", "objectives_5": "Third"}
    assert instructor_client.post(url, data).status_code == HTTPStatus.FOUND
    lesson.refresh_from_db()
    assert lesson.objective_list == ["Explain the first idea", "Apply the second idea", "Third", "Last"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({f"objectives_{n}": f"Objective {n}" for n in range(5)}, "At most 4 are allowed; 5 were given. Remove 1."),
        ({"objectives_1": "x" * (MAX_OBJECTIVE_CHARS + 1)}, "Objective 2 has 301 characters; the limit is 300."),
        ({"objectives_0": "Two\nlines"}, "Objective 1 must be one line."),
    ],
)
def test_too_many_too_long_or_multi_line_objectives_are_refused(instructor_client, lesson, rows, message):
    """The message names the row and the limit; nothing is saved and the rows come back as typed."""
    url, _page, data = change(instructor_client, lesson)
    before = Lesson.objects.values("objectives", "updated_at").get(pk=lesson.pk)
    response = instructor_client.post(url, data | rows)
    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    assert Lesson.objects.values("objectives", "updated_at").get(pk=lesson.pk) == before
    shown = objective_rows(form_data(response.text, form_id="lesson_form"))
    assert all(shown[key] == value for key, value in rows.items() if "\n" not in value)


def test_stored_text_with_stray_spacing_is_kept_by_a_no_op_save(instructor_client, lesson):
    """Objectives typed as raw text before (blank lines, trailing spaces) are not rewritten by an unchanged save."""
    Lesson.objects.filter(pk=lesson.pk).update(objectives="Explain the first idea  \n\nApply the second idea\n")
    url, _page, data = change(instructor_client, lesson)
    assert instructor_client.post(url, data).status_code == HTTPStatus.FOUND
    assert Lesson.objects.get(pk=lesson.pk).objectives == "Explain the first idea  \n\nApply the second idea\n"
    assert LogEntry.objects.get(object_id=str(lesson.pk)).get_change_message() == "No fields changed."


def test_objectives_edited_in_the_admin_export_as_the_files_list(instructor_client, lesson, tmp_path):
    """The stored format is unchanged: the course export writes the edited list as the files' TOML list."""
    url, _page, data = change(instructor_client, lesson)
    data |= {"objectives_1": "Weigh the second idea", "objectives_2": "Name a third"}
    assert instructor_client.post(url, data).status_code == HTTPStatus.FOUND
    course_export(course=lesson.course, folder=tmp_path)
    written = next(tmp_path.rglob(f"*{lesson.slug}.md"))
    assert '"Weigh the second idea"' in written.read_text()
    front_matter = tomllib.loads(written.read_text().split("+++")[1])
    assert front_matter["objectives"] == ["Explain the first idea", "Weigh the second idea", "Name a third"]
