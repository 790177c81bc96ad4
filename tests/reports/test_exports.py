"""The gradebook CSV built in the background: asked for from the gradebook, prepared by the task worker (run at
once in the tests), then downloaded; the same file as the streamed CSV, whatever the class size."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning.services import enrolment_enrol
from reports.exports import gradebook_export_request, gradebook_export_write
from reports.models import GradebookExport
from tests.reports.conftest import make_students, progress
from tests.reports.test_queries import build_class

pytestmark = pytest.mark.django_db


def start_url(course, query=""):
    return reverse("reports:gradebook_export_start", kwargs={"course_slug": course.slug}) + query


def streamed(client, course, query=""):
    response = client.get(reverse("reports:gradebook_csv", kwargs={"course_slug": course.slug}) + query)
    return b"".join(response.streaming_content).decode()


def test_the_gradebook_offers_an_export_with_its_filter(instructor_client, classroom):
    """The gradebook's export button posts its filter along."""
    url = reverse("reports:gradebook", kwargs={"course_slug": classroom["course"].slug}) + "?module=further"
    html = instructor_client.get(url).text
    assert f'action="{start_url(classroom["course"], "?module=further")}"' in html
    assert "Export CSV" in html


def test_an_export_is_prepared_then_downloaded(instructor_client, classroom):
    """Asking for the CSV leads to its page; once the worker is done it offers the same file as the stream."""
    course = classroom["course"]
    response = instructor_client.post(start_url(course, "?module=further"))
    export = GradebookExport.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == export.get_absolute_url()
    page = instructor_client.get(export.get_absolute_url())
    assert "Ready: 2 students" in page.text
    assert "Refresh" not in page.headers
    download = instructor_client.get(
        reverse("reports:gradebook_export_download", kwargs={"course_slug": course.slug, "export_id": export.pk})
    )
    assert download["Content-Disposition"] == 'attachment; filename="gradebook-test-diplomacy-further.csv"'
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in download["Cache-Control"]
    assert download.content.decode() == streamed(instructor_client, course, "?module=further")
    assert download.content.decode().splitlines()[2].startswith("bob,bob@example.com,,")


def test_an_export_being_prepared_says_so_and_has_nothing_to_download(instructor_client, classroom, instructor):
    """Before the worker gets to it: the page says so and asks again by itself; the download is not there yet."""
    course = classroom["course"]
    export = gradebook_export_request(course=course, user=instructor, module=None, group="", days=14)
    page = instructor_client.get(export.get_absolute_url())
    assert "Being prepared in the background" in page.text
    assert page.headers["Refresh"] == "5"
    url = reverse("reports:gradebook_export_download", kwargs={"course_slug": course.slug, "export_id": export.pk})
    assert instructor_client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_bad_filter_queues_nothing(instructor_client, classroom):
    """An unknown module is a 400 with its reason, and no export is made."""
    response = instructor_client.post(start_url(classroom["course"], "?module=nowhere"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not GradebookExport.objects.exists()


def test_a_failed_export_says_so(instructor_client, classroom, monkeypatch):
    """An error while writing marks the export failed, and its page tells the instructor what to do."""

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("reports.exports.gradebook_csv_lines", broken)
    instructor_client.post(start_url(classroom["course"]))
    export = GradebookExport.objects.get()
    assert export.status == GradebookExport.Status.FAILED and export.finished_at
    assert "could not be prepared" in instructor_client.get(export.get_absolute_url()).text


def test_exports_are_for_staff(student_client, classroom, instructor):
    """A student can neither ask for an export nor open or download one."""
    course = classroom["course"]
    export = gradebook_export_request(course=course, user=instructor, module=None, group="", days=14)
    gradebook_export_write(export_id=export.pk)
    kwargs = {"course_slug": course.slug, "export_id": export.pk}
    for response in [
        student_client.post(start_url(course)),
        student_client.get(reverse("reports:gradebook_export", kwargs=kwargs)),
        student_client.get(reverse("reports:gradebook_export_download", kwargs=kwargs)),
    ]:
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("admin:login"))


def test_an_export_costs_the_same_queries_for_3_and_30_students(instructor):
    """The worker: the export, lessons, quizzes, the students cursor, then progress, attempts and mastery per chunk
    of students, and the save."""
    counts = []
    for slug, size in (("few", 3), ("many", 30)):
        course, _students = build_class(slug, size)
        export = gradebook_export_request(course=course, user=instructor, module=None, group="", days=14)
        with CaptureQueriesContext(connection) as queries:
            assert gradebook_export_write(export_id=export.pk) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_export_keeps_its_group(instructor_client, lessons, instructor):
    """Exporting "not started" students leaves out those with work, as the gradebook's filter does."""
    course = lessons[0].course
    worker, idle = make_students(2, prefix="group-")
    progress(worker, lessons[0])
    for student in (worker, idle):
        enrolment_enrol(user=student, course=course)
    instructor_client.post(start_url(course, "?group=not_started"))
    export = GradebookExport.objects.get()
    assert export.group == "not_started" and export.row_count == 1
    assert "group-001" in export.content and "group-000" not in export.content


def test_a_new_export_drops_the_courses_week_old_ones(instructor, classroom):
    """Exports hold marks: asking for one deletes the course's exports older than a week, and only those."""
    course = classroom["course"]
    old, recent = (
        gradebook_export_request(course=course, user=instructor, module=None, group="", days=14) for _ in range(2)
    )
    GradebookExport.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=8))
    GradebookExport.objects.filter(pk=recent.pk).update(requested_at=timezone.now() - timedelta(days=6))
    newest = gradebook_export_request(course=course, user=instructor, module=None, group="", days=14)
    assert set(GradebookExport.objects.values_list("pk", flat=True)) == {recent.pk, newest.pk}
