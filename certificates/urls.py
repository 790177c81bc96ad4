from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("courses/<slug:course_slug>/certificate/", views.course_certificate, name="course_certificate"),
    path("certificates/<str:code>/", views.verify, name="verify"),
    path("certificates/<str:code>/pdf/", views.download, name="download"),
]
