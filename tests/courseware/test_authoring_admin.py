"""Authoring in the admin: what a save changes, checked through the admin's own forms as a browser submits them."""

from http import HTTPStatus

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from courseware.loading import course_load
from lessons.models import Lesson
from tests.conftest import SHIPPED_COURSE
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
