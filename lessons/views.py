from django.shortcuts import render

from lessons import selectors
from lessons.forms import LessonSearchForm


def catalog(request):
    courses = selectors.course_list(user=request.user)
    return render(request, "lessons/catalog.html", {"courses": courses})


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
