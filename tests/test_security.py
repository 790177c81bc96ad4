"""Secure by default: production settings, response headers, and pages no cache may keep."""

import os
import re
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from certificates.models import Certificate
from quizzes.models import Attempt
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3-Yq9vTz!pW2sLr8uXb6nDc4hJf7gMa1eRt5yUi0oPl9kJh7gFd3sAz2xCv6bNm",
    "ALLOWED_HOSTS": "course.example.org",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run manage.py with only these variables (and PATH) set, as a fresh production process would."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "diplocourse.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_setting(expression: str, **extra: str) -> str:
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print({expression})",
        env={**PRODUCTION_ENV, **extra},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_deploy_check_is_clean_with_only_debug_secret_key_and_hosts():
    """DEBUG=0, SECRET_KEY and ALLOWED_HOSTS are enough for `check --deploy` to find nothing, warnings included."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_to_https_only():
    """Without opting out, plain HTTP redirects, HSTS is a year with subdomains, and cookies are secure."""
    values = production_setting(
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_PRELOAD"
    )
    assert values == "True 31536000 True True True False"


def test_insecure_http_opts_out_and_the_deploy_check_says_so():
    """INSECURE_HTTP=1 serves plain HTTP (no redirect, HSTS or secure cookies), and check --deploy warns about it."""
    values = production_setting(
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE",
        INSECURE_HTTP="1",
    )
    assert values == "False 0 False"
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, "INSECURE_HTTP": "1"})
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_proxy_header_and_trusted_origins_come_from_the_environment():
    """Behind a TLS-terminating proxy both are set from variables; the header is given as the proxy names it."""
    values = production_setting(
        "settings.SECURE_PROXY_SSL_HEADER, settings.CSRF_TRUSTED_ORIGINS",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        CSRF_TRUSTED_ORIGINS="https://course.example.org,https://www.course.example.org",
    )
    assert (
        values == "('HTTP_X_FORWARDED_PROTO', 'https') ['https://course.example.org', 'https://www.course.example.org']"
    )
    assert production_setting("settings.SECURE_PROXY_SSL_HEADER") == "None"


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    """Every page says where scripts, styles and frames may come from: our own origin, nothing inline."""
    response = client.get(reverse("lessons:catalog"))
    policy = dict(
        directive.strip().split(" ", 1) for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]


def test_pages_carry_a_permissions_policy(client):
    """No page may use the camera, microphone, location or payments, nor let a frame do so."""
    header = client.get(reverse("lessons:catalog")).headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in header


def test_templates_hold_no_inline_script_style_or_event_handler():
    """What the CSP would block is not in any template: scripts and styles live in static files."""
    offenders = []
    for template in (BASE_DIR / "templates").rglob("*.html"):
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)", r"<style", r"\sstyle=", r"\son[a-z]+=", r"javascript:"):
            if re.search(pattern, text, re.IGNORECASE):
                offenders.append(f"{template.relative_to(BASE_DIR)}: {pattern}")
    assert offenders == []


def assert_not_stored(response):
    assert response.status_code == HTTPStatus.OK, response.status_code
    directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert "no-store" in directives and "private" in directives


def test_attempt_and_review_pages_are_not_stored(student_client, quiz):
    """An attempt's questions and, once submitted, its review never stay in a browser's or proxy's cache."""
    student_client.post(reverse("learning:start", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug}))
    attempt = Attempt.objects.get(quiz=quiz)
    assert_not_stored(student_client.get(attempt.get_absolute_url()))
    student_client.post(attempt.get_absolute_url(), {"submit": "1", "confirm_unanswered": "1"})
    review = student_client.get(attempt.get_absolute_url())
    assert "Attempt 1" in review.text
    assert_not_stored(review)


def test_certificate_pages_and_pdf_are_not_stored(student_client, student, course):
    """The student's certificate page and its PDF are private; the public verification page may be cached."""
    certificate = Certificate.objects.create(user=student, course=course, learner_name="Sam Doe", course_title="Test")
    assert_not_stored(student_client.get(reverse("certificates:download", args=[certificate.code])))
    assert_not_stored(student_client.get(reverse("certificates:course_certificate", args=[course.slug])))


def test_gradebook_csv_and_reports_are_not_stored(client, course):
    """Staff reports list students' marks: never cached."""
    client.force_login(InstructorFactory())
    assert_not_stored(client.get(reverse("reports:gradebook_csv", args=[course.slug])))
    assert_not_stored(client.get(reverse("reports:gradebook", args=[course.slug])))


@pytest.mark.parametrize("name", ["login", "signup", "password_reset", "password_change"])
def test_account_pages_are_not_stored(student_client, client, name):
    """Every page under /accounts/ is private."""
    if name in {"login", "signup", "password_reset"}:
        student_client.logout()
    assert_not_stored(client.get(reverse(name)))
