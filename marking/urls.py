from django.urls import path

from marking import views

app_name = "marking"

urlpatterns = [
    path("", views.index, name="index"),
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/", views.queue, name="queue"),
    path("courses/<slug:course_slug>/answers/<int:slot_id>/", views.mark, name="mark"),
]
