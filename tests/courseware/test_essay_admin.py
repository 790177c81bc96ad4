from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lessons.models import Lesson, Source
from tests.courseware.conftest import CLIMATE_ESSAY, TALKS_ESSAY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode() if isinstance(data, str) else data, content_type="text/plain")


@pytest.fixture
def import_url(themed_course):
    return reverse("admin:lessons_course_essay_import", args=[themed_course.pk])


def test_the_course_page_links_to_the_essay_import(instructor_client, themed_course, import_url):
    """Instructors find "Import essays" among the course page's tools."""
    response = instructor_client.get(reverse("admin:lessons_course_change", args=[themed_course.pk]))
    assert f'href="{import_url}"' in response.text


def test_an_instructor_uploads_essays_and_sees_the_report(instructor_client, import_url):
    """Uploading .txt essays imports them and shows each essay's passages and themes, and the draft lessons."""
    page = instructor_client.get(import_url)
    assert page.status_code == HTTPStatus.OK
    assert 'enctype="multipart/form-data"' in page.text and 'type="file"' in page.text

    response = instructor_client.post(
        import_url, {"essays": [upload("000_talks.txt", TALKS_ESSAY), upload("001_climate.txt", CLIMATE_ESSAY)]}
    )

    assert response.status_code == HTTPStatus.OK
    assert "2 essays imported. Everything they made is a draft until you publish it." in response.text
    assert "essay 000: Talking Across Borders" in response.text
    assert "Talks (1), Trade (1)" in response.text and "Climate (2)" in response.text
    assert "Talks: readings from the essays" in response.text
    assert Source.objects.count() == 2
    assert Lesson.objects.filter(slug__endswith="-essay-readings", is_published=False).count() == 3


def test_uploading_the_same_essay_again_duplicates_nothing(instructor_client, import_url):
    """The admin form and the command share the import, so a second upload updates in place."""
    instructor_client.post(import_url, {"essays": [upload("000_talks.txt", TALKS_ESSAY)]})
    response = instructor_client.post(import_url, {"essays": [upload("000_talks.txt", TALKS_ESSAY)]})
    assert "0 created, 0 updated" in response.text
    assert Source.objects.count() == 1
    assert Lesson.objects.filter(slug__endswith="-essay-readings").count() == 2


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("essay.pdf", b"%PDF-1.4")], "essay.pdf: only plain-text .txt files can be imported."),
        ([upload("big.txt", "Words. " * 40_000)], "big.txt: the file is larger than 200 KB"),
        ([upload("latin.txt", "Café talks.".encode("latin-1"))], "latin.txt: the file is not UTF-8 text"),
        ([upload("blank.txt", b"")], "blank.txt: the file is empty."),
        (
            [upload("004_a.txt", TALKS_ESSAY), upload("004_b.txt", TALKS_ESSAY)],
            "004_a.txt and 004_b.txt would both be source 004; import one of them.",
        ),
        ([], "This field is required."),
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_saved(instructor_client, import_url, files, message):
    """Every problem names its file; a refused upload writes nothing, even when other files were fine."""
    good = [upload("000_talks.txt", TALKS_ESSAY)] if files else []
    response = instructor_client.post(import_url, {"essays": good + files})
    assert response.status_code == HTTPStatus.OK
    assert "Nothing was imported." in response.text
    assert message in response.text
    assert not Source.objects.exists()


def test_staff_without_the_import_permissions_are_refused(client, import_url):
    """Staff need both add_source and add_lesson; one of them is not enough."""
    staff = UserFactory(username="helper", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="add_source"))
    client.force_login(staff)
    assert client.get(import_url).status_code == HTTPStatus.FORBIDDEN
    assert client.post(import_url, {"essays": [upload("000_talks.txt", TALKS_ESSAY)]}).status_code == 403
    assert not Source.objects.exists()


def test_students_are_sent_to_the_admin_login(student_client, import_url):
    """A non-staff account never reaches the upload form."""
    response = student_client.get(import_url)
    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response.url


def test_an_unknown_course_is_not_found(instructor_client):
    """The upload page of a course that does not exist answers 404."""
    response = instructor_client.get(reverse("admin:lessons_course_essay_import", args=[999_999]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_upload_page_query_count_is_pinned(client, instructor, import_url, settings, django_assert_num_queries):
    """Session, user, the user's and the group's permissions, and the course."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(instructor)
    with django_assert_num_queries(5):
        assert client.get(import_url).status_code == HTTPStatus.OK
