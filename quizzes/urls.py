from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/preview/", views.quiz_preview, name="preview"),
]
