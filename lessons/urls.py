from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("courses/<slug:course_slug>/", views.outline, name="outline"),
    path("courses/<slug:course_slug>/search/", views.search, name="search"),
    path("courses/<slug:course_slug>/glossary/", views.glossary, name="glossary"),
    path("courses/<slug:course_slug>/lessons/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
    path(
        "courses/<slug:course_slug>/lessons/<slug:lesson_slug>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
]
