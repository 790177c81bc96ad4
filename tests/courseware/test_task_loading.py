"""Module written tasks from modules/<module>/task.toml: loaded idempotently, validated, exported back."""

import shutil
from pathlib import Path

import pytest

from courseware.content import ContentError
from courseware.export import course_export
from courseware.loading import course_load
from quizzes.models import Question, Quiz, RubricCriterion, RubricLevel
from tests.conftest import SHIPPED_COURSE

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "fixtures" / "foundations-task.toml"


@pytest.fixture
def course_with_task(tmp_path):
    folder = shutil.copytree(SHIPPED_COURSE, tmp_path / "course")
    task = folder / "modules" / "foundations" / "task.toml"
    if not task.exists():
        shutil.copy(SAMPLE, task)
    return folder


def sample_task(folder) -> Path:
    task = folder / "modules" / "foundations" / "task.toml"
    task.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return task


def test_a_task_file_becomes_the_modules_task_quiz_with_its_rubric(course_with_task):
    """task.toml -> a published quiz of kind task on the module, one written question with 3 criteria."""
    sample_task(course_with_task)
    course_load(folder=course_with_task)
    quiz = Quiz.objects.get(slug="foundations-task")
    assert quiz.kind == Quiz.Kind.TASK and quiz.module.slug == "foundations" and quiz.lesson is None
    assert quiz.pass_mark == 50 and quiz.is_published
    assert quiz.attempts_allowed == 2, "a first answer and one more after the feedback, by default"
    (question,) = quiz.question_pool()
    assert question.key == "foundations-memo" and question.qtype == "written" and question.pool == "task"
    assert (question.min_words, question.max_words, question.objective) == (150, 500, 2)
    assert question.text.startswith("The foreign ministry of Estavia") and question.text.endswith("concede.")
    assert "Names Estavia's national interest" in question.explanation
    assert question.rubric_points() == 10
    assert next(c.title for c in question.criteria.order_by("position")) == "Uses the module's ideas"


def test_loading_again_changes_nothing_and_admin_edits_are_kept(course_with_task):
    """Idempotent; a rubric edited in the admin is kept (reported kept) unless forced."""
    sample_task(course_with_task)
    course_load(folder=course_with_task)
    counts = (
        Quiz.objects.count(),
        Question.objects.count(),
        RubricCriterion.objects.count(),
        RubricLevel.objects.count(),
    )
    again = course_load(folder=course_with_task)
    assert "task question foundations-memo" in again.unchanged and "quiz foundations-task" in again.unchanged
    assert counts == (
        Quiz.objects.count(),
        Question.objects.count(),
        RubricCriterion.objects.count(),
        RubricLevel.objects.count(),
    )
    RubricLevel.objects.filter(description="No recommendation.").update(description="Nothing recommended.")
    kept = course_load(folder=course_with_task)
    assert "task question foundations-memo" in kept.kept
    assert RubricLevel.objects.filter(description="Nothing recommended.").exists()
    course_load(folder=course_with_task, force=True)
    assert RubricLevel.objects.filter(description="No recommendation.").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t.replace('lesson = "national-interests-and-shared-goals"', 'lesson = "no-such-lesson"'),
            "'lesson'",
        ),
        (lambda t: t.replace('section = "mutual-benefit"', 'section = "no-such-anchor"'), "'section'"),
        (lambda t: t.replace("min_words = 150", "min_words = 900"), "'min_words' (900) is more than 'max_words'"),
        (lambda t: t.replace("points = 0\n", "points = 1\n", 1), "level points must start at 0"),
        (lambda t: t.replace('level = "analyse"', 'level = "guess"'), "'level'"),
        (lambda t: t.replace('key = "foundations-memo"', 'key = "diplomacy-art-and-practice-q1"'), "already used"),
        (lambda t: t + '\nextra = "x"\n', "unknown field 'extra'"),
        (lambda t: t.replace("pass_mark = 50", "pass_mark = 50\nattempts_allowed = -1"), "'attempts_allowed'"),
    ],
    ids=["lesson", "section", "word-limits", "levels", "level", "key-taken", "unknown-field", "attempts"],
)
def test_a_bad_task_file_is_named_with_its_field_and_loads_nothing(course_with_task, change, message):
    """Each error names task.toml and the field; nothing of the course is loaded."""
    task = sample_task(course_with_task)
    task.write_text(change(task.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        course_load(folder=course_with_task)
    assert "task.toml" in str(caught.value) and message in str(caught.value)
    assert not Quiz.objects.exists()


def test_export_writes_the_task_back_and_it_loads_the_same(course_with_task, tmp_path):
    """export_course writes task.toml; loading the export changes nothing."""
    sample_task(course_with_task)
    report = course_load(folder=course_with_task)
    export = course_export(course=report.course, folder=tmp_path / "out")
    assert export.load_error == ""
    assert (tmp_path / "out" / "modules" / "foundations" / "task.toml").exists()
    assert (
        "foundations-memo"
        not in (tmp_path / "out" / "quizzes" / "national-interests-and-shared-goals.gift").read_text()
    )
    again = course_load(folder=tmp_path / "out")
    assert "task question foundations-memo" in again.unchanged


def test_a_task_file_may_set_its_attempts(course_with_task):
    """`attempts_allowed` in task.toml sets the task's submissions (0: no limit) and survives an export."""
    task = sample_task(course_with_task)
    task.write_text(task.read_text(encoding="utf-8").replace("pass_mark = 50", "pass_mark = 50\nattempts_allowed = 0"))
    course_load(folder=course_with_task)
    assert Quiz.objects.get(slug="foundations-task").attempts_allowed is None
    course_export(course=Quiz.objects.get(slug="foundations-task").course, folder=course_with_task.parent / "out")
    assert "attempts_allowed = 0" in (course_with_task.parent / "out/modules/foundations/task.toml").read_text()
