from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("my/", views.dashboard, name="dashboard"),
    path("courses/<slug:course_slug>/", views.outline, name="outline"),
    path("courses/<slug:course_slug>/enrol/", views.enrol, name="enrol"),
    path("courses/<slug:course_slug>/search/", views.search, name="search"),
    path("courses/<slug:course_slug>/glossary/", views.glossary, name="glossary"),
    path("courses/<slug:course_slug>/lessons/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
    path(
        "courses/<slug:course_slug>/lessons/<slug:lesson_slug>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/", views.quiz_detail, name="quiz"),
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/start/", views.quiz_start, name="start"),
    path("courses/<slug:course_slug>/attempts/<int:attempt_id>/", views.attempt_detail, name="attempt"),
    path("courses/<slug:course_slug>/review/", views.review, name="review"),
    path(
        "courses/<slug:course_slug>/review/calendar/reset/", views.review_calendar_reset, name="review_calendar_reset"
    ),
    path("reviews/calendar/<str:token>.ics", views.review_calendar, name="review_calendar"),
]
