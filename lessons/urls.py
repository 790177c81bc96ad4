from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("courses/<slug:course_slug>/search/", views.search, name="search"),
    path("courses/<slug:course_slug>/glossary/", views.glossary, name="glossary"),
]
