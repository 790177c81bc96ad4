from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from lessons import selectors
from lessons.caching import catalog_version


def catalog(request):
    # Visitors all see the same list: it is drawn once per catalog version (the query is built and runs only then).
    courses = SimpleLazyObject(lambda: selectors.course_list(user=request.user))
    return render(request, "lessons/catalog.html", {"courses": courses, "catalog_version": catalog_version()})
