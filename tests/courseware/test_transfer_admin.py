"""GIFT import (upload, preview, confirm) and export on the quiz's admin page."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from courseware.admin_confirm import REQUEST_MARGIN
from courseware.gift_transfer import MAX_IMPORT_BYTES, gift_export, gift_import
from quizzes.models import Question
from tests.courseware.conftest import GOOD_GIFT
from tests.factories import InstructorFactory, LessonFactory, UserFactory, make_question

pytestmark = pytest.mark.django_db


def import_url(quiz):
    return reverse("admin:quizzes_quiz_gift_import", args=[quiz.pk])


def export_url(quiz):
    return reverse("admin:quizzes_quiz_gift_export", args=[quiz.pk])


def upload(client, quiz, content: str | bytes = GOOD_GIFT, name="talking.gift"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(import_url(quiz), {"file": SimpleUploadedFile(name, data, content_type="text/plain")})


def test_the_quiz_change_page_links_to_import_and_export(instructor_client, empty_quiz):
    """Instructors see "Import GIFT" and "Export GIFT" among the change page's object tools."""
    page = instructor_client.get(reverse("admin:quizzes_quiz_change", args=[empty_quiz.pk]))
    assert page.status_code == HTTPStatus.OK
    assert f'href="{import_url(empty_quiz)}">Import GIFT or XML</a>' in page.text
    assert f'href="{export_url(empty_quiz)}">Export GIFT</a>' in page.text


def test_upload_shows_a_preview_then_confirm_imports(instructor_client, empty_quiz):
    """Upload gives a preview table and writes nothing; confirming imports the same file without a new upload."""
    assert instructor_client.get(import_url(empty_quiz)).status_code == HTTPStatus.OK
    preview = upload(instructor_client, empty_quiz)
    assert preview.status_code == HTTPStatus.OK
    assert '<table id="gift-preview">' in preview.text
    assert "3 to create, 0 to update, 0 unchanged, 0 refused." in preview.text
    assert "Channels" in preview.text and "Confirm import" in preview.text
    assert not Question.objects.exists()

    payload = preview.context["confirm_form"]["payload"].value()
    done = instructor_client.post(import_url(empty_quiz), {"payload": payload}, follow=True)
    assert done.redirect_chain == [(reverse("admin:quizzes_quiz_change", args=[empty_quiz.pk]), HTTPStatus.FOUND)]
    assert "Imported talking.gift: 3 created, 0 updated, 0 unchanged." in done.text
    assert list(empty_quiz.question_pool().values_list("key", flat=True)) == [
        "talking-channels",
        "talking-signing",
        "talking-steps",
    ]
    (version,) = Version.objects.get_for_object(Question.objects.get(key="talking-channels"))
    assert version.revision.comment == "Imported from talking.gift"
    assert version.revision.user.username == "ines"


def test_the_preview_shows_refused_questions_and_offers_no_confirm(instructor_client, empty_quiz):
    """A refused question is listed with its reason, and the page has no Confirm button."""
    response = upload(instructor_client, empty_quiz, GOOD_GIFT.replace("section:first-idea", "section:nowhere"))
    assert "section &#x27;nowhere&#x27; is not a section of lesson &#x27;talking&#x27;" in response.text
    assert "0 to create" not in response.text and "1 refused." in response.text
    assert "Confirm import" not in response.text


def test_a_parse_error_is_shown_with_its_line(instructor_client, empty_quiz):
    """A file that does not parse shows 'file:line: reason' and no preview table."""
    response = upload(instructor_client, empty_quiz, "// [id:x]\nWho?{=A ~B\n")
    assert "talking.gift:2: &#x27;{&#x27; is not closed" in response.text
    assert '<table id="gift-preview">' not in response.text
    assert "Confirm import" not in response.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("talking.docx", GOOD_GIFT, "talking.docx is not a .gift, .txt or .xml file."),
        ("talking.gift", b"x" * (MAX_IMPORT_BYTES + 1), "The file is 10.0\xa0MB; the limit is 10 MB."),
        ("talking.txt", "Qui a sign\u00e9?{=Eux ~Nous}".encode("latin-1"), "The file is not UTF-8 text (byte 11"),
        ("talking.gift", b"", "The submitted file is empty."),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(instructor_client, empty_quiz, name, content, message):
    """Wrong extension, too large, not UTF-8, or empty: the form says which, and there is no preview."""
    response = upload(instructor_client, empty_quiz, content, name=name)
    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    assert response.context["preview"] is None


def test_a_tampered_or_foreign_payload_is_refused(instructor_client, empty_quiz, other_course_quiz):
    """The confirm step only accepts the signed file of this quiz's own preview."""
    payload = upload(instructor_client, empty_quiz).context["confirm_form"]["payload"].value()
    tampered = instructor_client.post(import_url(empty_quiz), {"payload": payload[:-2] + "xx"})
    assert "The previewed file was altered; upload it again." in tampered.text
    foreign = instructor_client.post(import_url(other_course_quiz), {"payload": payload})
    assert "This preview belongs to another quiz; upload the file again." in foreign.text
    assert not Question.objects.exists()


def test_a_conflict_arising_after_the_preview_is_shown_instead_of_importing(instructor_client, empty_quiz, lesson):
    """If the questions changed between preview and confirm, confirming shows the new refusal and writes nothing."""
    payload = upload(instructor_client, empty_quiz).context["confirm_form"]["payload"].value()
    make_question(LessonFactory(module=lesson.module, slug="treaties"), key="talking-steps")
    response = instructor_client.post(import_url(empty_quiz), {"payload": payload})
    assert response.status_code == HTTPStatus.OK
    assert "key &#x27;talking-steps&#x27; belongs to a question of lesson &#x27;treaties&#x27;" in response.text
    assert "Confirm import" not in response.text
    assert Question.objects.count() == 1


def test_export_downloads_the_quiz_as_a_gift_file(instructor_client, stocked_quiz):
    """Export GIFT answers with an attachment named after the quiz slug."""
    response = instructor_client.get(export_url(stocked_quiz))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="talking-quiz.gift"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == gift_export(quiz=stocked_quiz)


def test_a_student_cannot_reach_import_or_export(student_client, empty_quiz):
    """Non-staff users are sent to the admin log-in page, and nothing is imported."""
    for url in (import_url(empty_quiz), export_url(empty_quiz)):
        response = student_client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("admin:login"))
    response = upload(student_client, empty_quiz)
    assert response.status_code == HTTPStatus.FOUND
    assert not Question.objects.exists()


def test_staff_without_question_rights_get_403_and_no_links(client, empty_quiz):
    """Staff who may change quizzes but not add questions see no links and are refused."""
    editor = UserFactory(username="editor", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["change_quiz", "view_quiz"]))
    client.force_login(editor)
    page = client.get(reverse("admin:quizzes_quiz_change", args=[empty_quiz.pk]))
    assert page.status_code == HTTPStatus.OK
    assert "Import GIFT" not in page.text
    assert client.get(import_url(empty_quiz)).status_code == HTTPStatus.FORBIDDEN
    assert client.get(export_url(empty_quiz)).status_code == HTTPStatus.FORBIDDEN


def test_a_missing_quiz_is_a_404(instructor_client):
    """An id with no quiz behind it is not found."""
    assert instructor_client.get(reverse("admin:quizzes_quiz_gift_import", args=[999])).status_code == 404


@pytest.fixture
def db_session_instructor_client(client, settings):
    """An instructor whose session lives in the database, so counts match with or without Redis."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(InstructorFactory(username="counted"))
    return client


def gift_of(count: int) -> str:
    return "\n".join(
        f"// [id:talking-q{n}]\n// [tag:section:first-idea]\nQuestion {n}?{{=Right ~Wrong####Because {n}.}}\n"
        for n in range(count)
    )


def test_the_preview_costs_the_same_queries_for_2_and_40_questions(db_session_instructor_client, empty_quiz):
    """Planning an import looks up existing questions once, not per question."""

    def count(text):
        with CaptureQueriesContext(connection) as queries:
            response = upload(db_session_instructor_client, empty_quiz, text)
        assert response.context["preview"].is_importable
        return len(queries)

    assert count(gift_of(2)) == count(gift_of(40))


def test_the_preview_query_count_is_pinned(db_session_instructor_client, empty_quiz, django_assert_num_queries):
    """Session, user, user and group permissions, quiz, lesson, the file's existing questions, their choices."""
    gift_import(quiz=empty_quiz, text=gift_of(12), filename="talking.gift")
    with django_assert_num_queries(8):
        response = upload(db_session_instructor_client, empty_quiz, gift_of(12))
    assert response.context["preview"].counts["unchanged"] == 12


def test_the_preview_warns_about_items_a_student_could_answer_unread(instructor_client, empty_quiz):
    """Linter findings show as quality warnings beside the question; they do not refuse the import."""
    giveaway = GOOD_GIFT.replace("Which channel do diplomats try first?", "Which channel does the essay put first?")
    preview = upload(instructor_client, empty_quiz, giveaway)
    assert "3 to create, 0 to update, 0 unchanged, 0 refused." in preview.text
    assert "Quality: Q110" in preview.text
    assert "Confirm import" in preview.text


def test_a_preview_too_big_to_confirm_is_refused_at_upload(instructor_client, empty_quiz, settings):
    """The signed file Confirm posts back must fit Django's request limit; if not, the upload says so."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MARGIN + 100
    response = upload(instructor_client, empty_quiz)
    assert "Too much to import at once" in response.text
    assert response.context["confirm_form"] is None and response.context["preview"] is None
    assert not Question.objects.exists()
