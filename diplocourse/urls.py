from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "diplocourse administration"
admin.site.site_title = "diplocourse admin"
admin.site.index_title = "Courses and people"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("staff/reports/", include("reports.urls")),
    path("staff/marking/", include("marking.urls")),
    path("", include("lessons.urls")),
    path("", include("learning.urls")),
    path("", include("quizzes.urls")),
    path("", include("certificates.urls")),
]

if settings.BENCH_VIEWS:
    from diplocourse import bench_views

    urlpatterns += [
        path("bench/bare/", bench_views.bare, name="bench_bare"),
        path("bench/floor/", bench_views.floor, name="bench_floor"),
    ]
