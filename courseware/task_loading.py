"""Module written tasks as content files: modules/<module>/task.toml (format: README "Written tasks").

Each file gives its module a Quiz of kind "task" (slug `<module>-task`) holding one written question,
marked by hand against the file's rubric. The question's text is the situation, a blank line, then the
prompt (one paragraph), so an export splits it back at its last blank line.
"""

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from courseware.content import ContentError, CourseData
from courseware.quiz_loading import CONTENT_KEY, desired_quiz_state, load_quiz
from courseware.sync import LoadReport, sync_row
from lessons.markdown import extract_sections, render_markdown
from quizzes.models import Question, QuestionLevel, QuestionType, Quiz, RubricCriterion, RubricLevel

TASK_FILE = "task.toml"
TITLE_MAX, CRITERION_TITLE_MAX = 200, 100
CRITERIA_RANGE, LEVELS_RANGE = (3, 4), (3, 4)
FIELDS = {
    "key",
    "title",
    "lesson",
    "section",
    "objective",
    "level",
    "min_words",
    "max_words",
    "pass_mark",
    "attempts_allowed",
    "situation",
    "prompt",
    "guidance",
    "criteria",
}


@dataclass(frozen=True)
class LevelData:
    points: int
    description: str


@dataclass(frozen=True)
class CriterionData:
    title: str
    description: str
    levels: tuple[LevelData, ...]


@dataclass
class TaskData:
    module: str
    key: str
    title: str
    lesson: str
    section: str
    situation: str
    prompt: str
    guidance: str
    min_words: int
    max_words: int
    pass_mark: int
    objective: int | None = None
    level: str = ""
    criteria: list[CriterionData] = field(default_factory=list)
    # A first answer and one more after reading the marker's feedback, unless the file says otherwise
    # (0 in the file: no limit, None here).
    attempts_allowed: int | None = 2

    @property
    def text(self) -> str:
        return f"{self.situation}\n\n{self.prompt}"


def task_slug(module_slug: str) -> str:
    return f"{module_slug}-task"


def _text(data: dict, name: str, path: Path, *, limit: int | None = None) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{path}: '{name}' is required (text)")
    value = value.strip()
    if limit and len(value) > limit:
        raise ContentError(f"{path}: '{name}' is {len(value)} characters; at most {limit}")
    return value


def _number(data: dict, name: str, path: Path, *, low: int, high: int, required: bool = True) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ContentError(f"{path}: '{name}' must be a whole number from {low} to {high}")
    return value


def read_task(path: Path, *, module, anchors_of) -> TaskData:
    """Parse and validate one module's task.toml; errors name the file and the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: invalid TOML ({error})") from None
    _no_unknown(data, FIELDS, str(path))
    key = _text(data, "key", path)
    if not CONTENT_KEY.fullmatch(key):
        raise ContentError(f"{path}: 'key' {key!r} must be lowercase letters, digits and hyphens")
    lessons = {lesson.slug: lesson for lesson in module.lessons}
    lesson_slug = _text(data, "lesson", path)
    if lesson_slug not in lessons:
        raise ContentError(f"{path}: 'lesson' {lesson_slug!r} is not a lesson of module '{module.slug}'")
    lesson = lessons[lesson_slug]
    section = _text(data, "section", path)
    if section not in anchors_of(lesson):
        raise ContentError(f"{path}: 'section' {section!r} is not a section of lesson '{lesson_slug}'")
    level = data.get("level", "")
    if level and level not in QuestionLevel.values:
        raise ContentError(f"{path}: 'level' must be one of {', '.join(QuestionLevel.values)}")
    min_words = _number(data, "min_words", path, low=1, high=5000)
    max_words = _number(data, "max_words", path, low=1, high=5000)
    if min_words > max_words:
        raise ContentError(f"{path}: 'min_words' ({min_words}) is more than 'max_words' ({max_words})")
    attempts_allowed = _number(data, "attempts_allowed", path, low=0, high=20, required=False)
    prompt = _text(data, "prompt", path)
    if re.search(r"\n\s*\n", prompt):
        raise ContentError(f"{path}: 'prompt' must be one paragraph (no blank line)")
    return TaskData(
        module=module.slug,
        key=key,
        title=_text(data, "title", path, limit=TITLE_MAX),
        lesson=lesson_slug,
        section=section,
        situation=_text(data, "situation", path),
        prompt=prompt,
        guidance=_text(data, "guidance", path),
        min_words=min_words,
        max_words=max_words,
        pass_mark=_number(data, "pass_mark", path, low=0, high=100),
        objective=_number(data, "objective", path, low=1, high=len(lesson.objectives), required=False),
        level=level,
        criteria=_criteria(data.get("criteria"), path),
        attempts_allowed=TaskData.attempts_allowed if attempts_allowed is None else (attempts_allowed or None),
    )


def _no_unknown(table: dict, known: set[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ContentError(f"{where}: unknown field '{unknown[0]}'")


def _criteria(table, path: Path) -> list[CriterionData]:
    low, high = CRITERIA_RANGE
    if not isinstance(table, list) or not low <= len(table) <= high:
        raise ContentError(f"{path}: 'criteria' needs {low}-{high} [[criteria]] tables")
    criteria = []
    for number, entry in enumerate(table, start=1):
        where = f"{path}: criteria {number}"
        if not isinstance(entry, dict):
            raise ContentError(f"{where}: must be a [[criteria]] table")
        _no_unknown(entry, {"title", "description", "levels"}, where)
        title = _text(entry, "title", Path(where), limit=CRITERION_TITLE_MAX)
        levels = entry.get("levels")
        if not isinstance(levels, list) or not LEVELS_RANGE[0] <= len(levels) <= LEVELS_RANGE[1]:
            raise ContentError(f"{where} ('{title}'): 'levels' needs {LEVELS_RANGE[0]}-{LEVELS_RANGE[1]} tables")
        read = []
        for level in levels:
            if not isinstance(level, dict):
                raise ContentError(f"{where} ('{title}'): each level is a [[criteria.levels]] table")
            _no_unknown(level, {"points", "description"}, f"{where} ('{title}') level")
            points = _number(level, "points", Path(f"{where} ('{title}')"), low=0, high=100)
            read.append(LevelData(points=points, description=_text(level, "description", Path(where))))
        points = [level.points for level in read]
        if points[0] != 0 or any(later <= earlier for earlier, later in itertools.pairwise(points)):
            raise ContentError(
                f"{where} ('{title}'): level points must start at 0 and increase, lowest first (got {points})"
            )
        criteria.append(
            CriterionData(title=title, description=entry.get("description", "").strip(), levels=tuple(read))
        )
    return criteria


def read_tasks(folder: Path, course: CourseData, *, taken_keys: set[str]) -> list[TaskData]:
    """Every module's task.toml, validated; a key may not repeat a question key of the GIFT files."""
    anchors_of_cache: dict[str, set[str]] = {}

    def anchors_of(lesson) -> set[str]:
        if lesson.slug not in anchors_of_cache:
            sections = extract_sections(render_markdown(lesson.body))
            anchors_of_cache[lesson.slug] = {section.anchor for section in sections}
        return anchors_of_cache[lesson.slug]

    tasks, seen = [], set(taken_keys)
    for module in course.modules:
        path = Path(folder) / "modules" / module.slug / TASK_FILE
        if not path.exists():
            continue
        task = read_task(path, module=module, anchors_of=anchors_of)
        if task.key in seen:
            raise ContentError(f"{path}: 'key' {task.key!r} is already used by another question of the course")
        seen.add(task.key)
        tasks.append(task)
    return tasks


def _rubric_state(criteria) -> list:
    return [[c.title, c.description, [[level.points, level.description] for level in c.levels]] for c in criteria]


def task_question_state(question: Question) -> dict:
    """What the task files last gave a written question, read from the database."""
    criteria = [
        CriterionData(
            title=criterion.title,
            description=criterion.description,
            levels=tuple(
                LevelData(points=level.points, description=level.description)
                for level in sorted(criterion.levels.all(), key=lambda lv: (lv.position, lv.pk))
            ),
        )
        for criterion in sorted(question.criteria.all(), key=lambda c: (c.position, c.pk))
    ]
    return {
        "qtype": question.qtype,
        "title": question.title,
        "text": question.text,
        "explanation": question.explanation,
        "section_anchor": question.section_anchor,
        "pool": question.pool,
        "objective": question.objective,
        "level": question.level,
        "min_words": question.min_words,
        "max_words": question.max_words,
        "lesson": question.lesson.slug,
        "rubric": _rubric_state(criteria),
    }


def _desired_question_state(task: TaskData) -> dict:
    return {
        "qtype": QuestionType.WRITTEN.value,
        "title": task.title,
        "text": task.text,
        "explanation": task.guidance,
        "section_anchor": task.section,
        "pool": Quiz.Kind.TASK.value,
        "objective": task.objective,
        "level": task.level,
        "min_words": task.min_words,
        "max_words": task.max_words,
        "lesson": task.lesson,
        "rubric": _rubric_state(task.criteria),
    }


def _write_question(question: Question, *, lesson, task: TaskData, desired: dict) -> None:
    existed = question.pk is not None
    if existed:
        question.version += 1
    question.lesson = lesson
    for name in ("qtype", "title", "text", "explanation", "section_anchor", "pool", "objective", "level"):
        setattr(question, name, desired[name])
    question.min_words, question.max_words, question.position = task.min_words, task.max_words, 1
    question.save()
    if existed:
        question.criteria.all().delete()
    for position, data in enumerate(task.criteria, start=1):
        criterion = RubricCriterion.objects.create(
            question=question, position=position, title=data.title, description=data.description
        )
        RubricLevel.objects.bulk_create(
            RubricLevel(criterion=criterion, position=number, points=level.points, description=level.description)
            for number, level in enumerate(data.levels, start=1)
        )


def tasks_load(*, course, tasks: list[TaskData], modules: dict, lessons: dict, force: bool, report: LoadReport):
    """Create or update each module's task quiz and its written question, matched by slug and key."""
    if not tasks:
        return
    quizzes = {quiz.slug: quiz for quiz in Quiz.objects.filter(course=course, kind=Quiz.Kind.TASK)}
    questions = {
        question.key: question
        for question in Question.objects.filter(course=course, key__in=[task.key for task in tasks])
        .select_related("lesson")
        .prefetch_related("criteria__levels")
    }
    for task in tasks:
        module, slug = modules[task.module], task_slug(task.module)
        settings = {
            "pass_mark": task.pass_mark,
            "attempts_allowed": task.attempts_allowed,
            "shuffle_questions": False,
            "shuffle_choices": False,
        }
        load_quiz(
            quizzes.get(slug) or Quiz(course=course, module=module, slug=slug, kind=Quiz.Kind.TASK),
            exists=slug in quizzes,
            desired=desired_quiz_state(task.title, settings, Quiz.Kind.TASK),
            force=force,
            report=report,
        )
        question = questions.get(task.key)
        desired = _desired_question_state(task)

        def apply(instance, task=task, desired=desired):
            _write_question(instance, lesson=lessons[task.lesson], task=task, desired=desired)

        sync_row(
            question or Question(key=task.key),
            current=task_question_state(question) if question else None,
            desired=desired,
            force=force,
            label=f"task question {task.key}",
            report=report,
            apply=apply,
        )
