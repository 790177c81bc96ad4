from django.contrib.auth import urls as auth_urls
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from accounts import views


def _never_cached(pattern: URLPattern) -> URLPattern:
    return URLPattern(pattern.pattern, never_cache(pattern.callback), pattern.default_args, pattern.name)


_ours = [
    path("signup/", views.signup, name="signup"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
]
_replaced = {pattern.name for pattern in _ours}

# Account pages show personal data or carry tokens: no browser or proxy may keep a copy of any of them.
urlpatterns = [
    _never_cached(pattern)
    for pattern in [*_ours, *(pattern for pattern in auth_urls.urlpatterns if pattern.name not in _replaced)]
]
