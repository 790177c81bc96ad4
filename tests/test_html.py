"""Every kind of page is valid HTML, checked by the Nu Html Checker (vnu-jar, installed by .ci/run)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from learning.services import attempt_start, attempt_submit
from quizzes.models import Quiz

pytestmark = pytest.mark.django_db

DEFAULT_JAR = Path(__file__).resolve().parent.parent / ".ci/node_modules/vnu-jar/build/dist/vnu.jar"
VNU_JAR = Path(os.environ.get("VNU_JAR", DEFAULT_JAR))


@pytest.fixture
def vnu():
    if not VNU_JAR.exists() or not shutil.which("java"):
        pytest.skip(f"no Nu Html Checker: needs java and {VNU_JAR} (.ci/run installs vnu-jar with npm)")
    return ["java", "-jar", str(VNU_JAR), "--errors-only"]


def test_student_and_staff_pages_are_valid_html(vnu, client, student, instructor, shipped_course, tmp_path):
    """Catalog, outline, lesson, search, glossary, quiz, attempt, result, certificate, account, reports (roster
    upload and class e-mail included), auth pages."""
    quiz = Quiz.objects.get(slug="diplomacy-art-and-practice-quiz")
    finished = attempt_submit(attempt=attempt_start(user=student, quiz=quiz))
    quiz.attempts_allowed = None
    quiz.save()
    open_attempt = attempt_start(user=student, quiz=quiz)
    course = shipped_course.slug
    lesson = quiz.lesson.get_absolute_url()
    pages = {
        "signup": (None, reverse("signup")),
        "login": (None, reverse("login")),
        "catalog": (student, "/"),
        "outline": (student, shipped_course.get_absolute_url()),
        "lesson": (student, lesson),
        "search": (student, reverse("learning:search", args=[course]) + "?q=trade"),
        "glossary": (student, reverse("learning:glossary", args=[course])),
        "quiz": (student, quiz.get_absolute_url()),
        "attempt": (student, open_attempt.get_absolute_url()),
        "result": (student, finished.get_absolute_url()),
        "certificate": (student, reverse("certificates:course_certificate", args=[course])),
        "account": (student, reverse("accounts:account")),
        "account-delete": (student, reverse("accounts:delete")),
        "log-out": (student, reverse("logout")),
        "reports": (instructor, reverse("reports:index")),
        "gradebook": (instructor, reverse("reports:gradebook", args=[course])),
        "roster-upload": (instructor, reverse("reports:roster_upload", args=[course])),
        "class-message": (instructor, reverse("reports:class_message", args=[course]) + "?group=inactive&days=7"),
        "statistics": (instructor, reverse("reports:quiz_statistics", args=[course, quiz.slug])),
        "preview": (instructor, reverse("quizzes:preview", args=[course, quiz.slug])),
    }
    files = []
    for name, (user, url) in pages.items():
        if user:
            client.force_login(user)
        else:
            client.logout()
        response = client.get(url)
        assert response.status_code == 200, name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    result = subprocess.run([*vnu, *map(str, files)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
