from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courseware.admin_confirm import REQUEST_MARGIN
from courseware.admin_essays import EssayConfirmForm
from courseware.admin_gift import GiftConfirmForm
from lessons.models import Lesson, Passage, Source
from quizzes.models import Question
from tests.courseware.conftest import CLIMATE_ESSAY, TALKS_ESSAY
from tests.factories import CourseFactory, UserFactory

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


def preview(client, url, *files):
    """Upload essays; the response is the preview page, whose confirm form carries the signed payload."""
    return client.post(url, {"essays": list(files)})


def payload_of(response) -> str:
    return response.context["confirm_form"]["payload"].value()


def test_an_upload_shows_a_preview_and_writes_nothing(instructor_client, import_url):
    """Uploading .txt essays shows what would be made, row by row and per essay, with a Confirm; nothing is saved."""
    page = instructor_client.get(import_url)
    assert page.status_code == HTTPStatus.OK
    assert 'enctype="multipart/form-data"' in page.text and 'type="file"' in page.text

    response = preview(
        instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY), upload("001_climate.txt", CLIMATE_ESSAY)
    )

    assert response.status_code == HTTPStatus.OK
    assert "Preview: what importing 2 essays will do" in response.text
    assert "Nothing has been written yet." in response.text
    counts = {row["kind"]: row for row in response.context["preview"].counts}
    assert counts["source"]["created"] == 2
    assert counts["lesson"]["created"] == 3
    assert counts["passage"]["created"] == sum(essay.passages for essay in response.context["preview"].essays)
    assert '<table id="essay-preview-counts">' in response.text
    assert "essay 000: Talking Across Borders" in response.text
    assert "Talks (1), Trade (1)" in response.text and "Climate (2)" in response.text
    assert "Talks: readings from the essays" in response.text
    assert 'value="Confirm import"' in response.text
    assert not Source.objects.exists() and not Passage.objects.exists()
    assert not Lesson.objects.filter(slug__endswith="-essay-readings").exists()
    assert not Question.objects.filter(key__startswith="essay-").exists()


def test_confirm_imports_what_was_previewed(instructor_client, import_url, themed_course):
    """Confirm posts the signed payload back: the essays are imported without a second upload, as drafts."""
    shown = preview(
        instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY), upload("001_climate.txt", CLIMATE_ESSAY)
    )

    done = instructor_client.post(import_url, {"payload": payload_of(shown)}, follow=True)

    course_page = reverse("admin:lessons_course_change", args=[themed_course.pk])
    assert done.redirect_chain == [(course_page, HTTPStatus.FOUND)]
    assert "2 essays imported: " in done.text and "Everything they made is a draft until you publish it." in done.text
    assert Source.objects.count() == 2
    assert Lesson.objects.filter(slug__endswith="-essay-readings", is_published=False).count() == 3


def test_a_double_confirm_imports_once(instructor_client, import_url):
    """Posting the same Confirm twice (a double click, a reload) imports once; the second changes nothing."""
    payload = payload_of(preview(instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY)))
    instructor_client.post(import_url, {"payload": payload})
    passages = list(Passage.objects.order_by("pk").values_list("pk", "text"))
    lessons = list(Lesson.objects.order_by("pk").values_list("pk", "updated_at"))
    questions = Question.objects.count()

    again = instructor_client.post(import_url, {"payload": payload}, follow=True)

    assert "These essays are already imported; nothing was changed." in again.text
    assert Source.objects.count() == 1
    assert list(Passage.objects.order_by("pk").values_list("pk", "text")) == passages
    assert list(Lesson.objects.order_by("pk").values_list("pk", "updated_at")) == lessons
    assert Question.objects.count() == questions


def test_uploading_the_same_essay_again_previews_no_change(instructor_client, import_url):
    """The admin form and the command share the import, so a second upload would update in place."""
    instructor_client.post(
        import_url,
        {"payload": payload_of(preview(instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY)))},
    )
    response = preview(instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY))
    assert all(row["created"] == row["updated"] == row["removed"] == 0 for row in response.context["preview"].counts)
    assert Source.objects.count() == 1
    assert Lesson.objects.filter(slug__endswith="-essay-readings").count() == 2


def test_the_preview_warns_about_rows_it_removes_or_keeps(instructor_client, import_url):
    """A shorter essay removes passages and questions, and an edited draft lesson is kept: both are listed first."""
    instructor_client.post(
        import_url,
        {"payload": payload_of(preview(instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY)))},
    )
    Lesson.objects.filter(slug="talks-essay-readings").update(title="Talks, rewritten by hand")
    shorter = TALKS_ESSAY.split("\n\nMoney follows calm.")[0]

    response = preview(instructor_client, import_url, upload("000_talks.txt", shorter))

    warnings = response.context["preview"].warnings
    assert "removes passage 000-2: no longer in the essays" in warnings
    assert "removes question essay-000-2-free-trade-agreement: no longer in the essays" in warnings
    assert "kept lesson talks-essay-readings: edited since the import made it, so it stays as it is" in warnings
    assert "removes passage 000-2: no longer in the essays" in response.text
    assert Passage.objects.filter(source__key="000").count() == 2


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda payload: payload[:-2] + "xx", "The previewed file was altered; upload it again."),
        (lambda payload: "garbage", "The previewed file was altered; upload it again."),
        (lambda payload: "", "This field is required."),
    ],
)
def test_a_tampered_payload_is_refused_and_changes_nothing(instructor_client, import_url, tamper, message):
    """A payload that is not the one signed at preview time is refused with a clear message."""
    payload = payload_of(preview(instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY)))
    response = instructor_client.post(import_url, {"payload": tamper(payload)})
    assert response.status_code == HTTPStatus.OK
    assert "Nothing was imported." in response.text and message in response.text
    assert not Source.objects.exists()


def test_a_gift_payload_or_another_courses_payload_is_refused(instructor_client, import_url, themed_course):
    """A preview is tied to its course and to the essay import: posted elsewhere it imports nothing."""
    payload = payload_of(preview(instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY)))
    other = CourseFactory(slug="other-course")
    foreign = instructor_client.post(
        reverse("admin:lessons_course_essay_import", args=[other.pk]), {"payload": payload}
    )
    assert "This preview belongs to another course; upload the file again." in foreign.text
    gift = GiftConfirmForm.for_data(
        {"essays": [["000_talks.txt", TALKS_ESSAY]], "fingerprint": ""}, owner=themed_course
    )
    wrong_kind = instructor_client.post(import_url, {"payload": gift["payload"].value()})
    assert "The previewed file was altered; upload it again." in wrong_kind.text
    assert not Source.objects.exists()


def test_an_expired_preview_is_refused(instructor_client, import_url, monkeypatch):
    """A preview is valid for an hour (PREVIEW_MAX_AGE); after that Confirm asks for the files again."""
    assert EssayConfirmForm.max_age == 60 * 60
    payload = payload_of(preview(instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY)))
    monkeypatch.setattr(EssayConfirmForm, "max_age", -1)  # any age is now over the limit
    response = instructor_client.post(import_url, {"payload": payload})
    assert "This preview is over an hour old; upload the file again." in response.text
    assert not Source.objects.exists()


def test_a_change_since_the_preview_shows_the_new_preview_instead_of_importing(instructor_client, import_url):
    """When the course changed between preview and Confirm, nothing is imported and the fresh preview is shown."""
    first = payload_of(preview(instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY)))
    second = payload_of(
        preview(instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY.replace("Money", "Cash")))
    )
    instructor_client.post(import_url, {"payload": first})
    passages = list(Passage.objects.order_by("pk").values_list("pk", "text"))

    response = instructor_client.post(import_url, {"payload": second})

    assert response.status_code == HTTPStatus.OK
    assert "The course changed since the preview, so nothing was imported." in response.text
    assert list(Passage.objects.order_by("pk").values_list("pk", "text")) == passages
    confirmed = instructor_client.post(import_url, {"payload": payload_of(response)}, follow=True)
    assert "1 essay imported: 0 created, " in confirmed.text
    assert Passage.objects.filter(text__contains="Cash").exists()


def test_a_preview_too_big_to_confirm_is_refused_at_upload(instructor_client, import_url, settings):
    """What Confirm would post must fit Django's request limit; otherwise the upload says so and nothing is shown."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MARGIN + 100
    response = preview(instructor_client, import_url, upload("000_talks.txt", TALKS_ESSAY))
    assert "Too much to import at once" in response.text
    assert response.context["confirm_form"] is None and response.context["preview"] is None


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
    assert response.context["preview"] is None
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
