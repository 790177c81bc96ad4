from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lessons import selectors, services
from lessons.forms import LessonCompleteForm, LessonSearchForm
from lessons.models import LessonProgress, LessonStatus


def catalog(request):
    courses = selectors.course_list(user=request.user)
    return render(request, "lessons/catalog.html", {"courses": courses})


def outline(request, course_slug):
    course = selectors.course_get(slug=course_slug, user=request.user)
    outline = selectors.course_outline(course=course, user=request.user)
    return render(request, "lessons/outline.html", {"course": course, "outline": outline})


def _open_lesson(request, course_slug, lesson_slug):
    """The lesson page data, or 404 for drafts and 403 for a lesson in a locked module."""
    course = selectors.course_get(slug=course_slug, user=request.user)
    page = selectors.lesson_page(course=course, slug=lesson_slug, user=request.user)
    locks, results = selectors.course_locks_for(course=course, user=request.user)
    if locks.lesson_locked(page.lesson):
        raise PermissionDenied(_("This lesson unlocks once you pass the quizzes of the previous module."))
    quiz = next((result for result in results.values() if result.quiz.lesson_id == page.lesson.id), None)
    if quiz:
        quiz.quiz.course = course
    return course, page, quiz


@login_required
def lesson_detail(request, course_slug, lesson_slug):
    course, page, quiz = _open_lesson(request, course_slug, lesson_slug)
    if request.user.is_staff:
        # Staff preview lessons as students see them; a preview records no progress.
        progress = LessonProgress(user=request.user, lesson=page.lesson, status=LessonStatus.NOT_STARTED)
    else:
        progress = services.lesson_visit(user=request.user, lesson=page.lesson)
    complete_form = LessonCompleteForm(
        action=reverse("lessons:lesson_complete", kwargs={"course_slug": course.slug, "lesson_slug": lesson_slug})
    )
    return render(
        request,
        "lessons/lesson.html",
        {"course": course, "page": page, "progress": progress, "quiz": quiz, "complete_form": complete_form},
    )


@require_POST
@login_required
def lesson_complete(request, course_slug, lesson_slug):
    _course, page, _quiz = _open_lesson(request, course_slug, lesson_slug)
    try:
        services.lesson_mark_complete(user=request.user, lesson=page.lesson)
    except services.LessonCompletionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(title)s” is complete.") % {"title": page.lesson.title})
    return redirect(page.lesson)


def search(request, course_slug):
    course = selectors.course_get(slug=course_slug, user=request.user)
    form = LessonSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = selectors.lesson_search(course=course, user=request.user, query=form.cleaned_data["q"])
    return render(request, "lessons/search.html", {"course": course, "form": form, "results": results})


def glossary(request, course_slug):
    course = selectors.course_get(slug=course_slug, user=request.user)
    terms = selectors.course_glossary(course=course, user=request.user)
    return render(request, "lessons/glossary.html", {"course": course, "terms": terms})
