from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/", views.quiz_detail, name="quiz"),
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/start/", views.quiz_start, name="start"),
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/preview/", views.quiz_preview, name="preview"),
    path("courses/<slug:course_slug>/attempts/<int:attempt_id>/", views.attempt_detail, name="attempt"),
]
