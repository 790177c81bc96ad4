from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lessons import selectors, services
from lessons.forms import LessonCompleteForm, LessonSearchForm


def catalog(request):
    courses = selectors.course_list(user=request.user)
    return render(request, "lessons/catalog.html", {"courses": courses})


def outline(request, course_slug):
    course = selectors.course_get(slug=course_slug, user=request.user)
    outline = selectors.course_outline(course=course, user=request.user)
    return render(request, "lessons/outline.html", {"course": course, "outline": outline})


@login_required
def lesson_detail(request, course_slug, lesson_slug):
    course = selectors.course_get(slug=course_slug, user=request.user)
    page = selectors.lesson_page(course=course, slug=lesson_slug, user=request.user)
    progress = services.lesson_visit(user=request.user, lesson=page.lesson)
    complete_form = LessonCompleteForm(
        action=reverse("lessons:lesson_complete", kwargs={"course_slug": course.slug, "lesson_slug": lesson_slug})
    )
    return render(
        request,
        "lessons/lesson.html",
        {"course": course, "page": page, "progress": progress, "complete_form": complete_form},
    )


@require_POST
@login_required
def lesson_complete(request, course_slug, lesson_slug):
    course = selectors.course_get(slug=course_slug, user=request.user)
    page = selectors.lesson_page(course=course, slug=lesson_slug, user=request.user)
    services.lesson_complete(user=request.user, lesson=page.lesson)
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
