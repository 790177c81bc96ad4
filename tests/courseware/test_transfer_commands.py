"""manage.py import_gift and export_gift: the same services, from the shell."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from courseware.gift_transfer import gift_export
from quizzes.models import Question
from tests.courseware.conftest import GOOD_GIFT
from tests.factories import CourseFactory, LessonFactory, ModuleFactory, QuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gift_file(tmp_path):
    path = tmp_path / "talking.gift"
    path.write_text(GOOD_GIFT, encoding="utf-8")
    return path


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_gift_prints_each_question_and_a_summary(empty_quiz, gift_file):
    """Each question is reported with its line and action, then the totals."""
    out = run("import_gift", str(gift_file), "--quiz", "talking-quiz")
    assert f"{gift_file}:3: created talking-channels (Channels)" in out
    assert f"{gift_file}:16: created talking-steps (Steps)" in out
    assert out.endswith("talking-quiz: 3 created, 0 updated, 0 unchanged\n")
    out = run("import_gift", str(gift_file), "--quiz", str(empty_quiz.pk))
    assert f"{gift_file}:11: unchanged talking-signing (Signing)" in out
    assert Question.objects.count() == 3


def test_import_gift_dry_run_writes_nothing(empty_quiz, gift_file):
    """--dry-run says what would happen and leaves the database alone."""
    out = run("import_gift", str(gift_file), "--quiz", "talking-quiz", "--dry-run")
    assert f"{gift_file}:3: would create talking-channels (Channels)" in out
    assert "(dry run: nothing written)" in out
    assert not Question.objects.exists()


def test_import_gift_reports_errors_by_line_and_creates_nothing(empty_quiz, gift_file):
    """A refused question makes the command fail with the file and line, and nothing is written."""
    gift_file.write_text(GOOD_GIFT.replace("section:first-idea", "section:nowhere"), encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(f"{gift_file}:3: section 'nowhere' is not a section")):
        run("import_gift", str(gift_file), "--quiz", "talking-quiz")
    with pytest.raises(CommandError, match=re.escape(f"{gift_file}:3: section 'nowhere'")):
        run("import_gift", str(gift_file), "--quiz", "talking-quiz", "--dry-run")
    assert not Question.objects.exists()


def test_import_gift_refuses_a_file_that_is_not_utf8(empty_quiz, gift_file):
    """Bytes that are not UTF-8 are reported instead of guessed."""
    gift_file.write_bytes("Qui a sign\u00e9?{=Eux ~Nous####Eux.}".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        run("import_gift", str(gift_file), "--quiz", "talking-quiz")


def test_a_quiz_slug_used_in_two_courses_must_be_qualified(empty_quiz, gift_file, course):
    """An ambiguous slug is refused; COURSE_SLUG/QUIZ_SLUG picks one."""
    other = LessonFactory(module=ModuleFactory(course=CourseFactory(slug="other")))
    QuizFactory(lesson=other, slug="talking-quiz")
    with pytest.raises(CommandError, match="Several courses"):
        run("import_gift", str(gift_file), "--quiz", "talking-quiz")
    run("import_gift", str(gift_file), "--quiz", f"{course.slug}/talking-quiz")
    assert list(empty_quiz.question_pool().values_list("key", flat=True)) == [
        "talking-channels",
        "talking-signing",
        "talking-steps",
    ]
    with pytest.raises(CommandError, match="No quiz 'missing'"):
        run("export_gift", "--quiz", "missing")


def test_export_gift_writes_to_stdout_by_default(stocked_quiz):
    """Without -o the GIFT text is the command's output."""
    assert run("export_gift", "--quiz", "talking-quiz") == gift_export(quiz=stocked_quiz)


def test_export_gift_writes_a_file_with_o(stocked_quiz, tmp_path):
    """-o writes the file in UTF-8 and says how many questions went in."""
    path = tmp_path / "out.gift"
    out = run("export_gift", "--quiz", "talking-quiz", "-o", str(path))
    assert path.read_text(encoding="utf-8") == gift_export(quiz=stocked_quiz)
    assert out == f"talking-quiz: 6 questions written to {path}\n"
