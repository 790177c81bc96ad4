from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from reversion.models import Version

from lessons.models import Lesson

pytestmark = pytest.mark.django_db

NO_QUESTIONS = {
    "questions-TOTAL_FORMS": "0",
    "questions-INITIAL_FORMS": "0",
    "questions-MIN_NUM_FORMS": "0",
    "questions-MAX_NUM_FORMS": "1000",
}


def test_instructors_group_holds_content_permissions_only():
    """The migration-made group may edit course content but not users or groups."""
    codenames = set(Group.objects.get(name="Instructors").permissions.values_list("codename", flat=True))
    assert {
        "add_lesson",
        "change_lesson",
        "delete_lesson",
        "change_course",
        "change_module",
        "add_keyterm",
    } <= codenames
    assert "view_lessonprogress" in codenames
    assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}
    assert "change_lessonprogress" not in codenames


def test_instructor_edits_a_lesson_in_the_admin(instructor_client, lessons):
    """An instructor changes a lesson's body; the site shows the new text."""
    lesson = lessons[0]
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    page = instructor_client.get(url)
    assert page.status_code == HTTPStatus.OK
    data = {
        "module": lesson.module_id,
        "title": "Talking, revised",
        "slug": lesson.slug,
        "position": 1,
        "is_published": "on",
        "summary": lesson.summary,
        "objectives": lesson.objectives,
        "body": "## New section {#new-section}\n\nFresh words.",
        "key_terms-TOTAL_FORMS": "0",
        "key_terms-INITIAL_FORMS": "0",
        "key_terms-MIN_NUM_FORMS": "0",
        "key_terms-MAX_NUM_FORMS": "1000",
        **NO_QUESTIONS,
    }
    response = instructor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    lesson.refresh_from_db()
    assert lesson.title == "Talking, revised"
    assert '<h2 id="new-section">' in lesson.body_html


def test_admin_refuses_duplicate_anchors_with_a_message(instructor_client, lessons):
    """A body that repeats a section anchor is not saved and the form says why."""
    lesson = lessons[0]
    response = instructor_client.post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        {
            "module": lesson.module_id,
            "title": lesson.title,
            "slug": lesson.slug,
            "position": 1,
            "body": "## A {#same}\n\n## B {#same}",
            "key_terms-TOTAL_FORMS": "0",
            "key_terms-INITIAL_FORMS": "0",
            "key_terms-MIN_NUM_FORMS": "0",
            "key_terms-MAX_NUM_FORMS": "1000",
            **NO_QUESTIONS,
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "Section anchors must be unique; repeated: same." in response.text
    lesson.refresh_from_db()
    assert "same" not in lesson.body


@pytest.mark.parametrize("name", ["auth_user_changelist", "auth_group_changelist", "auth_user_add"])
def test_instructor_cannot_touch_users_or_groups(instructor_client, name):
    """User and group admin is closed to instructors."""
    assert instructor_client.get(reverse(f"admin:{name}")).status_code == HTTPStatus.FORBIDDEN


def test_students_cannot_enter_the_admin(student_client):
    """A non-staff account is sent to the admin login."""
    response = student_client.get(reverse("admin:lessons_lesson_changelist"))
    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response.url


def test_publish_and_unpublish_actions(instructor_client, lessons):
    """Bulk actions move lessons between draft and published."""
    url = reverse("admin:lessons_lesson_changelist")
    ids = [lesson.pk for lesson in lessons[:2]]
    instructor_client.post(url, {"action": "unpublish", "_selected_action": ids})
    assert Lesson.objects.filter(pk__in=ids, is_published=False).count() == 2
    response = instructor_client.post(url, {"action": "publish", "_selected_action": ids}, follow=True)
    assert "2 items published." in response.text
    assert Lesson.objects.filter(pk__in=ids, is_published=True).count() == 2
    history = Version.objects.get_for_object(lessons[0])
    assert [version.revision.get_comment() for version in history] == ["Published", "Moved to draft"]


def test_lesson_admin_search_filters_and_view_on_site(instructor_client, lessons):
    """The lesson list searches bodies and links each lesson to its page on the site."""
    response = instructor_client.get(reverse("admin:lessons_lesson_changelist"), {"q": "Bargaining"})
    assert response.context["cl"].result_count == 1
    change = instructor_client.get(reverse("admin:lessons_lesson_change", args=[lessons[0].pk]))
    assert "View on site" in change.text


def test_course_admin_shows_modules_inline(instructor_client, course, lessons):
    """A course's modules are edited on the course page."""
    response = instructor_client.get(reverse("admin:lessons_course_change", args=[course.pk]))
    assert "Basics" in response.text and "Further" in response.text


@override_settings(DEBUG=True)
def test_seed_demo_creates_three_roles_and_can_run_twice():
    """Demo student, instructor (in Instructors, staff) and admin exist after one or two runs."""
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.filter(username__in=["student", "instructor", "admin"]).count() == 3
    instructor = User.objects.get(username="instructor")
    assert instructor.is_staff and not instructor.is_superuser
    assert instructor.groups.filter(name="Instructors").exists()
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="student").is_staff


def test_seed_demo_refuses_to_run_in_production():
    """Public demo passwords are refused when DEBUG is off."""
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
