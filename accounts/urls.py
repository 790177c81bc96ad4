from django.contrib.auth import urls as auth_urls
from django.urls import URLPattern, include, path
from django.views.decorators.cache import never_cache

from accounts import views


def _never_cached(pattern: URLPattern) -> URLPattern:
    return URLPattern(pattern.pattern, never_cache(pattern.callback), pattern.default_args, pattern.name)


# The student's own pages are namespaced; Django's auth views keep their global names (login, ...).
account_patterns = (
    [
        _never_cached(path("", views.account, name="account")),
        _never_cached(path("data.json", views.data_json, name="data_json")),
        _never_cached(path("attempts.csv", views.attempts_csv, name="attempts_csv")),
        _never_cached(path("delete/", views.delete, name="delete")),
    ],
    "accounts",
)

_ours = [
    path("signup/", views.signup, name="signup"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
]
_replaced = {pattern.name for pattern in _ours}

# Account pages show personal data or carry tokens: no browser or proxy may keep a copy of any of them.
urlpatterns = [
    *(
        _never_cached(pattern)
        for pattern in [*_ours, *(pattern for pattern in auth_urls.urlpatterns if pattern.name not in _replaced)]
    ),
    path("me/", include(account_patterns)),
]
