from django.urls import include, path

from accounts import views

# Django's auth views keep their global names (login, password_change, ...); ours are namespaced.
account_patterns = (
    [
        path("", views.account, name="account"),
        path("data.json", views.data_json, name="data_json"),
        path("attempts.csv", views.attempts_csv, name="attempts_csv"),
        path("delete/", views.delete, name="delete"),
    ],
    "accounts",
)

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("me/", include(account_patterns)),
    path("", include("django.contrib.auth.urls")),
]
