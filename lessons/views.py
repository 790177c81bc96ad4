from django.shortcuts import render

from lessons import selectors


def catalog(request):
    courses = selectors.course_list(user=request.user)
    return render(request, "lessons/catalog.html", {"courses": courses})
