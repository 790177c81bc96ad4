from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("courses/<slug:course_slug>/gradebook/", views.gradebook, name="gradebook"),
    path("courses/<slug:course_slug>/gradebook.csv", views.gradebook_csv, name="gradebook_csv"),
    path("courses/<slug:course_slug>/gradebook/exports/", views.gradebook_export_start, name="gradebook_export_start"),
    path(
        "courses/<slug:course_slug>/gradebook/exports/<int:export_id>/", views.gradebook_export, name="gradebook_export"
    ),
    path(
        "courses/<slug:course_slug>/gradebook/exports/<int:export_id>/download/",
        views.gradebook_export_download,
        name="gradebook_export_download",
    ),
    path("courses/<slug:course_slug>/students/<int:user_id>/", views.student, name="student"),
    path("courses/<slug:course_slug>/students/<int:user_id>/remove/", views.unenrol, name="unenrol"),
    path("courses/<slug:course_slug>/roster/upload/", views.roster_upload, name="roster_upload"),
    path("courses/<slug:course_slug>/message/", views.class_message, name="class_message"),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/statistics/",
        views.quiz_statistics,
        name="quiz_statistics",
    ),
]
