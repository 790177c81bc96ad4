"""Settings for diplocourse, read from the environment in one place.

Defaults give an embedded site (SQLite, local-memory cache); DATABASE_URL and
REDIS_URL switch to PostgreSQL and Redis. See README.md for every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from xstatic.pkg import bootstrap as xstatic_bootstrap

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    REDIS_URL=(str, ""),
    EMAIL_URL=(str, "consolemail://"),
    INSECURE_HTTP=(bool, False),
    SECURE_PROXY_SSL_HEADER=(str, ""),
    SECURE_HSTS_SECONDS=(int, 60 * 60 * 24 * 365),
    SECURE_HSTS_PRELOAD=(bool, False),
)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

# Production speaks HTTPS only: redirect, HSTS, secure cookies. DEBUG (make run) or INSECURE_HTTP=1 serve plain HTTP.
HTTPS_ONLY = not (DEBUG or env("INSECURE_HTTP"))
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS") if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY and env("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
# Joining the browsers' preload list is the domain owner's decision (hstspreload.org), so it is opt-in.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]


def _proxy_ssl_header(header: str) -> tuple[str, str] | None:
    """The header as the proxy names it, X-Forwarded-Proto, as Django reads it: ("HTTP_X_FORWARDED_PROTO", "https")."""
    if not header:
        return None
    name = header.strip().upper().replace("-", "_")
    return (name if name.startswith("HTTP_") else f"HTTP_{name}", "https")


# Only behind a proxy that sets this header on every request (and strips it from clients).
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env("SECURE_PROXY_SSL_HEADER"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "reversion",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    # Our apps, lowest layer first (see README.md, "What is where"); courseware's admin extends the ones below it.
    "lessons",
    "quizzes",
    "certificates",
    "learning",
    "reports",
    "courseware",
    "accounts",
    "marking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "diplocourse.middleware.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Scripts and styles come only from our static files (whitenoise): no inline script, style or style attribute.
# Images may be data: URLs, as Bootstrap's icons and the empty favicon are.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

ROOT_URLCONF = "diplocourse.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} reversing each address once per process.
            "builtins": ["diplocourse.template_urls"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "diplocourse.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a request reuses its worker's connection instead of opening one (checked first).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's Redis cache, keeping one client per connection pool (diplocourse/cache.py).
            "BACKEND": "diplocourse.cache.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": "diplocourse",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# What is stored under a versioned key (lessons/caching.py) never changes: each process keeps what it read.
CACHES["versioned"] = {"BACKEND": "diplocourse.cache.VersionedCache", "OPTIONS": {"BEHIND": "default", "SIZE": 512}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses log-ins (site and admin) for a username and address pair that failed too often; see README.md.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # keep the failures only, not a log of every successful log-in
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
# How many proxies in front of the app append to X-Forwarded-For; 0 reads the client's address from REMOTE_ADDR.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "learning:dashboard"
LOGOUT_REDIRECT_URL = "lessons:catalog"

EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="diplocourse <noreply@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic_bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "diplocourse.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
# Background work (class messages) through Django's Tasks API: queued in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# How many addresses a roster CSV may hold; a bigger class is uploaded in several files.
ROSTER_CSV_MAX_ROWS = env.int("ROSTER_CSV_MAX_ROWS", default=5000)
# The most students `gradebook.csv` streams in the request (about 4 s here at 2,000: docs/benchmarks.md, well inside
# a worker's or proxy's timeout); a bigger class gets its CSV from "Export CSV", built by the task worker.
GRADEBOOK_CSV_STREAM_MAX_STUDENTS = env.int("GRADEBOOK_CSV_STREAM_MAX_STUDENTS", default=2000)
CONTENT_DIR = env("CONTENT_DIR", default=str(BASE_DIR / "content"))
QUIZ_DEADLINE_GRACE_SECONDS = env.int("QUIZ_DEADLINE_GRACE_SECONDS", default=5)
# Two tiny reference pages for `make bench` only (diplocourse/bench_views.py); never on in production.
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)
