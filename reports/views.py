"""Staff-only reports: thin views over one module per report; students are sent to the admin log-in.

Every report shows students' marks, so none is kept in a browser's or a proxy's cache.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lessons.selectors import course_get
from quizzes.selectors import quiz_get
from reports import gradebook as gradebook_report
from reports import item_analysis, student_record
from reports.exports import gradebook_csv_lines
from reports.forms import GradebookFilterForm, QuizStatisticsForm
from reports.statistics import TOO_EASY_FACILITY, TOO_HARD_FACILITY, WEAK_DISCRIMINATION


@never_cache
@staff_member_required
def index(request):
    return render(request, "reports/index.html", {"courses": gradebook_report.report_courses()})


@never_cache
@staff_member_required
def gradebook(request, course_slug):
    course = course_get(slug=course_slug, user=request.user)
    form = GradebookFilterForm(request.GET, modules=gradebook_report.course_modules(course=course))
    if not form.is_valid():
        return render(request, "reports/gradebook.html", {"course": course, "form": form}, status=400)
    columns = gradebook_report.gradebook_columns(course=course, module=form.cleaned_data["module"])
    page = Paginator(gradebook_report.course_students(course=course), gradebook_report.GRADEBOOK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = gradebook_report.gradebook_rows(columns=columns, students=list(page.object_list))
    return render(
        request,
        "reports/gradebook.html",
        {"course": course, "form": form, "columns": columns, "page": page, "rows": rows},
    )


@never_cache
@staff_member_required
def gradebook_csv(request, course_slug):
    course = course_get(slug=course_slug, user=request.user)
    form = GradebookFilterForm(request.GET, modules=gradebook_report.course_modules(course=course))
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown module: nothing to export."), content_type="text/plain")
    module = form.cleaned_data["module"]
    columns = gradebook_report.gradebook_columns(course=course, module=module)
    filename = f"gradebook-{course.slug}{f'-{module.slug}' if module else ''}.csv"
    return StreamingHttpResponse(
        gradebook_csv_lines(columns=columns),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
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
