"""Writing a course from the database as files that load_course reads back to the same rows."""

import tomllib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from courseware.content import read_course
from courseware.export import CourseExportError, _toml_string, course_export
from courseware.loading import course_load
from courseware.quiz_loading import quiz_keys, read_quizzes
from courseware.task_loading import read_tasks
from lessons.models import Course, EnrolmentPolicy, Lesson, SourceKind
from quizzes.models import Question, Quiz
from tests.conftest import SHIPPED_COURSE

pytestmark = pytest.mark.django_db


def course_rows(course) -> dict:
    """Everything the course files describe, in a form that compares across databases."""
    lessons = Lesson.objects.filter(course=course).select_related("module").prefetch_related("key_terms", "sources")
    questions = Question.objects.filter(course=course).select_related("lesson").prefetch_related("choices")
    return {
        "course": (
            course.slug,
            course.title,
            course.summary,
            course.description,
            course.sequential_modules,
            course.enrolment,
        ),
        "sources": sorted(course.sources.values_list("key", "kind", "title", "filename")),
        "modules": list(course.modules.order_by("position").values_list("slug", "title", "summary", "keywords")),
        "lessons": {
            lesson.slug: (
                lesson.module.slug,
                lesson.position,
                lesson.title,
                lesson.summary,
                lesson.body,
                lesson.objectives,
                lesson.is_published,
                sorted((term.term, term.definition) for term in lesson.key_terms.all()),
                sorted(source.key for source in lesson.sources.all()),
            )
            for lesson in lessons
        },
        "questions": {
            question.key: (
                question.lesson.slug,
                question.qtype,
                question.title,
                question.text,
                question.explanation,
                question.section_anchor,
                question.position,
                [(c.text, c.match_text, c.fraction, c.feedback) for c in question.choices.all()],
            )
            for question in questions
        },
        "quizzes": sorted(
            Quiz.objects.filter(course=course).values_list(
                "slug",
                "title",
                "kind",
                "pass_mark",
                "attempts_allowed",
                "time_limit_minutes",
                "questions_per_attempt",
                "shuffle_questions",
                "shuffle_choices",
                "grading_method",
                "is_published",
            )
        ),
    }


def test_the_shipped_course_exports_and_loads_back_the_same(shipped_course, tmp_path):
    """Export, check with the loader's readers, delete the course, load the export: every row comes back."""
    before = course_rows(shipped_course)
    export = course_export(course=shipped_course, folder=tmp_path / "course")
    assert export.warnings == [] and export.load_error == ""

    data = read_course(tmp_path / "course")
    quizzes = read_quizzes(tmp_path / "course", data)
    assert data.slug == "diplomacy-globalization"
    tasks = read_tasks(tmp_path / "course", data, taken_keys=quiz_keys(quizzes))
    lesson_questions = sum(len(questions) for questions in quizzes.questions.values())
    assert len(tasks) == 9
    assert lesson_questions + len(quizzes.exam_questions) + len(tasks) == len(before["questions"])

    shipped_course.delete()
    reloaded = course_load(folder=tmp_path / "course").course
    assert course_rows(reloaded) == before


def test_an_invitation_only_course_exports_and_loads_back_invitation_only(shipped_course, tmp_path):
    """`enrolment = "invitation"` goes into course.toml and comes back on a load."""
    Course.objects.filter(pk=shipped_course.pk).update(enrolment=EnrolmentPolicy.INVITATION)
    course_export(course=Course.objects.get(pk=shipped_course.pk), folder=tmp_path / "course")
    assert read_course(tmp_path / "course").enrolment == EnrolmentPolicy.INVITATION
    Course.objects.filter(pk=shipped_course.pk).delete()
    assert course_load(folder=tmp_path / "course").course.enrolment == EnrolmentPolicy.INVITATION


def test_the_export_has_the_shipped_layout(shipped_course, tmp_path):
    """course.toml, modules/<module>/module.toml and <lesson>.md, quizzes/<lesson>.gift, as in content/."""
    course_export(course=shipped_course, folder=tmp_path)
    shipped = {path.relative_to(SHIPPED_COURSE) for path in SHIPPED_COURSE.rglob("*") if path.is_file()}
    written = {path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file()}
    assert written == shipped
    manifest = tomllib.loads((tmp_path / "course.toml").read_text())
    shipped_manifest = tomllib.loads((SHIPPED_COURSE / "course.toml").read_text())
    assert manifest["quiz_defaults"] == shipped_manifest["quiz_defaults"]
    assert manifest["final_exam"] == shipped_manifest["final_exam"]
    module = tomllib.loads((tmp_path / "modules" / "foundations" / "module.toml").read_text())
    assert module["lessons"][0] == "diplomacy-art-and-practice"


@pytest.mark.parametrize(
    "text",
    ['He said "no"', "back\\slash", "two\nlines\r\nand\ttab", "bell\x07 and del\x7f", "é ü 中文 🙂", "+++\n+++", ""],
)
def test_toml_strings_read_back_exactly(text):
    """Quotes, backslashes, line ends, control characters and non-ASCII survive tomllib."""
    assert tomllib.loads(f"value = {_toml_string(text)}")["value"] == text


def test_edited_lesson_text_with_tricky_characters_round_trips(shipped_course, tmp_path):
    """A title with quotes and a backslash and a CRLF body edited in the admin load back as written."""
    lesson = Lesson.objects.get(course=shipped_course, slug="diplomacy-art-and-practice")
    lesson.title = 'The "art" \\ practice'
    lesson.body = lesson.body.replace("\n", "\r\n")
    lesson.save()
    course_export(course=shipped_course, folder=tmp_path)
    (module,) = [m for m in read_course(tmp_path).modules if m.slug == "foundations"]
    assert module.lessons[0].title == 'The "art" \\ practice'
    assert module.lessons[0].body == lesson.body.replace("\r\n", "\n").strip() + "\n"


def test_settings_the_files_cannot_hold_are_warned_about(shipped_course, tmp_path):
    """One lesson quiz with its own pass mark: [quiz_defaults] keeps the common value and a warning names it."""
    Quiz.objects.filter(slug="diplomacy-art-and-practice-quiz").update(pass_mark=90)
    export = course_export(course=shipped_course, folder=tmp_path)
    assert tomllib.loads((tmp_path / "course.toml").read_text())["quiz_defaults"]["pass_mark"] == 70
    assert export.warnings == [
        "quiz diplomacy-art-and-practice-quiz: pass_mark is 90, but course files hold one value for every "
        "lesson quiz ([quiz_defaults] pass_mark = 70)"
    ]


def test_a_lesson_that_no_longer_loads_is_reported(shipped_course, tmp_path):
    """An export the loader would refuse says why, so nobody commits it unknowingly."""
    Lesson.objects.filter(slug="diplomacy-art-and-practice").update(objectives="Only one")
    export = course_export(course=shipped_course, folder=tmp_path)
    assert "a lesson needs 2-4 objectives, found 1" in export.load_error


def test_a_non_empty_folder_is_refused_unless_replacing_a_course(shipped_course, tmp_path):
    """Export never mixes into other files; --replace swaps the course files of an earlier export."""
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CourseExportError, match="not empty"):
        course_export(course=shipped_course, folder=tmp_path)
    with pytest.raises(CourseExportError, match=r"holds no course\.toml"):
        course_export(course=shipped_course, folder=tmp_path, replace=True)
    (tmp_path / "notes.txt").unlink()
    course_export(course=shipped_course, folder=tmp_path)
    (tmp_path / "quizzes" / "stale.gift").write_text("left over")
    course_export(course=shipped_course, folder=tmp_path, replace=True)
    assert not (tmp_path / "quizzes" / "stale.gift").exists()


def test_export_course_command_writes_the_folder(shipped_course, tmp_path):
    """manage.py export_course SLUG -o DIR writes the files; load_course reads them."""
    out = StringIO()
    call_command("export_course", "diplomacy-globalization", "-o", str(tmp_path / "out"), stdout=out)
    shipped_files = sum(path.is_file() for path in SHIPPED_COURSE.rglob("*"))
    assert out.getvalue().startswith(f"diplomacy-globalization: {shipped_files} files written to")
    assert read_course(tmp_path / "out").slug == "diplomacy-globalization"
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_course", "diplomacy-globalization", "-o", str(tmp_path / "out"), stdout=out)
    with pytest.raises(CommandError, match="No course 'nowhere'"):
        call_command("export_course", "nowhere", "-o", str(tmp_path / "new"), stdout=out)


def test_a_course_without_quizzes_exports_without_quiz_tables(tmp_path, lessons):
    """No quizzes: no [quiz_defaults] or [final_exam], and no quizzes/ files."""
    course = Course.objects.get(slug="test-diplomacy")
    course_export(course=course, folder=tmp_path)
    manifest = tomllib.loads((tmp_path / "course.toml").read_text())
    assert "quiz_defaults" not in manifest and "final_exam" not in manifest
    assert not (tmp_path / "quizzes").exists()


def test_a_source_kind_and_a_lesson_without_sources_export_and_load_back(shipped_course, tmp_path):
    """A book source keeps its kind through the files, and a lesson with no sources loads with none."""
    shipped_course.sources.filter(key="001").update(kind=SourceKind.BOOK)
    lesson = Lesson.objects.get(course=shipped_course, slug="diplomacy-art-and-practice")
    lesson.sources.clear()
    course_export(course=shipped_course, folder=tmp_path / "course")
    manifest = tomllib.loads((tmp_path / "course" / "course.toml").read_text())
    assert [source["kind"] for source in manifest["sources"]] == ["essay", "book", "essay", "essay"]

    shipped_course.delete()
    reloaded = course_load(folder=tmp_path / "course").course
    assert reloaded.sources.get(key="001").kind == SourceKind.BOOK
    assert not Lesson.objects.get(course=reloaded, slug="diplomacy-art-and-practice").sources.exists()
