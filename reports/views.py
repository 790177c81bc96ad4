"""Staff-only reports: thin views over one module per report; students are sent to the admin log-in.

Every report shows students' marks, so none is kept in a browser's or a proxy's cache.
"""

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from learning import selectors as learning_selectors
from learning import services as learning_services
from lessons.selectors import course_get
from quizzes.selectors import quiz_get, written_waiting_count
from reports import gradebook as gradebook_report
from reports import item_analysis, student_record
from reports.exports import gradebook_csv_filename, gradebook_csv_lines, gradebook_export_request
from reports.forms import (
    ClassMessageForm,
    GradebookFilterForm,
    QuizStatisticsForm,
    RosterConfirmForm,
    RosterUploadForm,
)
from reports.gradebook import RosterGroup
from reports.models import GradebookExport
from reports.statistics import TOO_EASY_FACILITY, TOO_HARD_FACILITY, WEAK_DISCRIMINATION
from reports.tasks import class_message_send, gradebook_export_build, invitations_send


@never_cache
@staff_member_required
def index(request):
    context = {"courses": gradebook_report.report_courses(), "written_waiting": written_waiting_count()}
    return render(request, "reports/index.html", context)


@never_cache
@staff_member_required
def gradebook(request, course_slug):
    course = course_get(slug=course_slug, user=request.user)
    form = GradebookFilterForm(request.GET, modules=gradebook_report.course_modules(course=course))
    if not form.is_valid():
        return render(request, "reports/gradebook.html", {"course": course, "form": form}, status=400)
    columns = gradebook_report.gradebook_columns(course=course, module=form.cleaned_data["module"])
    page = Paginator(_roster(course, form), gradebook_report.GRADEBOOK_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = gradebook_report.gradebook_rows(columns=columns, students=list(page.object_list))
    context = {"course": course, "form": form, "columns": columns, "page": page, "rows": rows}
    return render(request, "reports/gradebook.html", context | {"roster_query": form.roster_query()})


def _roster(course, form: GradebookFilterForm):
    """The class, narrowed to the group the (valid) filter form names."""
    return gradebook_report.roster_filter(
        gradebook_report.course_students(course=course),
        course=course,
        group=form.cleaned_data["group"],
        inactive_days=form.cleaned_data["days"],
    )


def _bad_export_filter(form: GradebookFilterForm) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(
        _("Bad filter: nothing to export. %(errors)s") % {"errors": form.errors.as_text()},
        content_type="text/plain",
    )


@never_cache
@staff_member_required
def gradebook_csv(request, course_slug):
    course = course_get(slug=course_slug, user=request.user)
    form = GradebookFilterForm(request.GET, modules=gradebook_report.course_modules(course=course))
    if not form.is_valid():
        return _bad_export_filter(form)
    students = _roster(course, form)
    count = students.count()
    if count > settings.GRADEBOOK_CSV_STREAM_MAX_STUDENTS:
        # Streaming it would outlast a worker's timeout and be cut off: the task worker builds it instead.
        messages.warning(
            request,
            ngettext(
                "The CSV of %(count)d student is too big to download at once (at most %(max)d). ",
                "The CSV of %(count)d students is too big to download at once (at most %(max)d). ",
                count,
            )
            % {"count": count, "max": settings.GRADEBOOK_CSV_STREAM_MAX_STUDENTS}
            + _("Use “Export CSV”: it is prepared in the background and offered for download when ready."),
        )
        url = reverse("reports:gradebook", kwargs={"course_slug": course.slug})
        query = form.roster_query()
        return redirect(f"{url}?{query}" if query else url)
    module = form.cleaned_data["module"]
    columns = gradebook_report.gradebook_columns(course=course, module=module)
    filename = gradebook_csv_filename(course=course, module=module)
    return StreamingHttpResponse(
        gradebook_csv_lines(columns=columns, students=students),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require_POST
@staff_member_required
def gradebook_export_start(request, course_slug):
    """Queue the gradebook CSV (with the gradebook's filter, from the query string) for the task worker."""
    course = course_get(slug=course_slug, user=request.user)
    form = GradebookFilterForm(request.GET, modules=gradebook_report.course_modules(course=course))
    if not form.is_valid():
        return _bad_export_filter(form)
    export = gradebook_export_request(
        course=course,
        user=request.user,
        module=form.cleaned_data["module"],
        group=form.cleaned_data["group"],
        days=form.cleaned_data["days"],
    )
    gradebook_export_build.enqueue(export_id=export.pk)
    return redirect(export)


def _export_get(request, course_slug, export_id) -> GradebookExport:
    course = course_get(slug=course_slug, user=request.user)
    exports = GradebookExport.objects.select_related("module").defer("content")
    export = get_object_or_404(exports, pk=export_id, course=course)
    export.course = course
    return export


EXPORT_REFRESH_SECONDS = 5


@never_cache
@staff_member_required
def gradebook_export(request, course_slug, export_id):
    """One export: being prepared (the browser asks again every few seconds), ready to download, or failed."""
    export = _export_get(request, course_slug, export_id)
    context = {"course": export.course, "export": export, "refresh_seconds": EXPORT_REFRESH_SECONDS}
    response = render(request, "reports/gradebook_export.html", context)
    if export.status == GradebookExport.Status.QUEUED:
        response.headers["Refresh"] = str(EXPORT_REFRESH_SECONDS)
    return response


@never_cache
@staff_member_required
def gradebook_export_download(request, course_slug, export_id):
    export = _export_get(request, course_slug, export_id)
    if not export.is_ready:
        raise Http404("This export is not ready.")
    content = GradebookExport.objects.values_list("content", flat=True).get(pk=export.pk)
    return HttpResponse(
        content,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


@never_cache
@staff_member_required
def student(request, course_slug, user_id):
    course = course_get(slug=course_slug, user=request.user)
    learner = student_record.course_student_get(user_id=user_id)
    record = student_record.student_record(columns=gradebook_report.gradebook_columns(course=course), student=learner)
    return render(request, "reports/student.html", {"course": course, "record": record})


@never_cache
@staff_member_required
def quiz_statistics(request, course_slug, quiz_slug):
    course = course_get(slug=course_slug, user=request.user)
    quiz = quiz_get(course=course, slug=quiz_slug, user=request.user)
    form = QuizStatisticsForm(request.GET)
    context = {
        "course": course,
        "quiz": quiz,
        "form": form,
        "too_easy": TOO_EASY_FACILITY,
        "too_hard": TOO_HARD_FACILITY,
        "weak": WEAK_DISCRIMINATION,
    }
    if not form.is_valid():
        return render(request, "reports/quiz_statistics.html", context, status=400)
    context["statistics"] = item_analysis.quiz_statistics(quiz=quiz, attempts_analysed=form.cleaned_data["attempts"])
    return render(request, "reports/quiz_statistics.html", context)


@staff_member_required
def roster_upload(request, course_slug):
    """Upload a CSV of addresses, see who would be enrolled or invited and which rows are bad, then confirm."""
    course = course_get(slug=course_slug, user=request.user)
    if request.method == "POST" and "confirm" in request.POST:
        confirm = RosterConfirmForm(request.POST, course=course)
        if not confirm.is_valid():
            for error in confirm.errors.get("payload", []):
                messages.error(request, error)
            return redirect("reports:roster_upload", course_slug=course.slug)
        result = learning_services.roster_enrol(course=course, emails=confirm.cleaned_data["payload"])
        if result.invited:
            signup = (
                request.build_absolute_uri(reverse("signup")) + "?" + urlencode({"next": course.get_absolute_url()})
            )
            invitations_send.enqueue(course_id=course.pk, emails=result.invited, signup_url=signup)
        messages.success(
            request,
            _("%(enrolled)d enrolled, %(invited)d invited by e-mail, %(kept)d already on the roster or invited.")
            % {
                "enrolled": len(result.enrolled),
                "invited": len(result.invited),
                "kept": len(result.already_enrolled) + len(result.already_invited),
            },
        )
        return redirect("reports:gradebook", course_slug=course.slug)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    context = {"course": course, "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "reports/roster_upload.html", context, status=HTTPStatus.BAD_REQUEST)
        roster = form.cleaned_data["file"]
        context |= {
            "roster": roster,
            "preview": learning_services.roster_enrol(course=course, emails=roster.emails, dry_run=True),
            "confirm": RosterConfirmForm.for_emails(roster.emails, course=course),
        }
    return render(request, "reports/roster_upload.html", context)


@require_POST
@staff_member_required
def unenrol(request, course_slug, user_id):
    """Take a student off the roster; the enrolment row stays, marked removed."""
    course = course_get(slug=course_slug, user=request.user)
    learner = student_record.course_student_get(user_id=user_id)
    enrolment = learning_selectors.enrolment_get(user=learner, course=course)
    if enrolment is None or not enrolment.is_active:
        messages.info(request, _("%(name)s is not on the roster.") % {"name": learner.username})
    else:
        learning_services.enrolment_remove(enrolment=enrolment)
        messages.success(request, _("%(name)s was removed from the course.") % {"name": learner.username})
    return redirect("reports:gradebook", course_slug=course.slug)


@staff_member_required
def class_message(request, course_slug):
    """E-mail the class, or the group the gradebook's filter names, in the background."""
    course = course_get(slug=course_slug, user=request.user)
    roster_form = GradebookFilterForm(request.GET, modules=gradebook_report.course_modules(course=course))
    if not roster_form.is_valid():
        return HttpResponseBadRequest(
            _("Bad filter: %(errors)s") % {"errors": roster_form.errors.as_text()}, content_type="text/plain"
        )
    students = _roster(course, roster_form)
    form = ClassMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_ids = list(students.values_list("pk", flat=True))
        class_message_send.enqueue(
            course_id=course.pk,
            user_ids=user_ids,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            reply_to=request.user.email,
        )
        messages.success(
            request,
            ngettext(
                "Your message is on its way to %(count)d student.",
                "Your message is on its way to %(count)d students.",
                len(user_ids),
            )
            % {"count": len(user_ids)},
        )
        return redirect(reverse("reports:gradebook", kwargs={"course_slug": course.slug}) + _query(roster_form))
    context = {
        "course": course,
        "form": form,
        "count": students.count(),
        "group": RosterGroup(roster_form.cleaned_data["group"]),
        "days": roster_form.cleaned_data["days"],
        "roster_query": roster_form.roster_query(),
    }
    status = HTTPStatus.BAD_REQUEST if form.is_bound else HTTPStatus.OK
    return render(request, "reports/class_message.html", context, status=status)


def _query(form: GradebookFilterForm) -> str:
    query = form.roster_query()
    return f"?{query}" if query else ""
