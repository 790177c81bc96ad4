"""Fast, self-contained settings for the test suite (DATABASE_URL still applies)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")
# The test client and the browser tests speak plain HTTP; tests/test_security.py checks the HTTPS defaults.
os.environ.setdefault("INSECURE_HTTP", "1")

from diplocourse.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Background tasks run at once, inside the request, so tests see their effects.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
