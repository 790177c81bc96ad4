"""Write a course from the database as files, in the layout `load_course` reads (see lessons/content.py).

    course.toml                     slug, title, texts, flags, module order, [quiz_defaults], [final_exam], [[sources]]
    modules/<module>/module.toml    title, summary, published, keywords, lesson order
    modules/<module>/<lesson>.md    TOML front matter between +++ lines, then the Markdown body
    modules/<module>/task.toml      the module's written task and its rubric (courseware/task_loading.py)
    quizzes/<lesson>.gift           the lesson's questions (quizzes/gift_transfer.py writes them)

TOML is written here by hand (no dependency): strings as basic strings with every control character
escaped, so a value never spans lines and `+++` can only appear inside quotes.
"""

import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Prefetch

from courseware.content import ContentError, read_course
from courseware.gift_transfer import gift_from_questions
from courseware.quiz_loading import SETTINGS, quiz_keys, read_quizzes
from courseware.task_loading import TASK_FILE, read_tasks
from lessons.models import Course, Lesson, Module
from quizzes.models import Question, Quiz

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


class CourseExportError(Exception):
    """The course cannot be written to the folder given; the message says why."""


@dataclass
class CourseExport:
    """What `course_export` wrote, what the files cannot express, and whether they load back."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    load_error: str = ""


def course_export(*, course: Course, folder: Path, replace: bool = False) -> CourseExport:
    """Write the course as a content folder that `load_course` reads back to the same rows.

    The folder must be empty or missing; with `replace`, a folder holding a course.toml has its
    course.toml, modules/ and quizzes/ replaced. Settings the format cannot hold (a lesson quiz that
    differs from the others, an unpublished quiz) are listed in `warnings`; `load_error` is set when
    the written folder fails the checks of `load_course` (e.g. a lesson edited below 350 words).
    """
    folder = Path(folder)
    modules = list(
        Module.objects.filter(course=course)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch(
                "lessons",
                queryset=Lesson.objects.order_by("position", "id").prefetch_related("key_terms", "sources"),
            )
        )
    )
    quizzes = list(Quiz.objects.filter(course=course).select_related("lesson"))
    questions: dict[int, list[Question]] = {}
    exam_bank: list[Question] = []
    task_questions: dict[int, list[Question]] = {}
    for question in (
        Question.objects.filter(course=course)
        .select_related("lesson__module")
        .prefetch_related("choices", "criteria__levels")
        .order_by("lesson__module__position", "lesson__position", "position", "id")
    ):
        if question.pool == Quiz.Kind.FINAL:
            exam_bank.append(question)
        elif question.pool == Quiz.Kind.TASK:
            task_questions.setdefault(question.lesson.module_id, []).append(question)
        else:
            questions.setdefault(question.lesson_id, []).append(question)

    export = CourseExport(folder=folder)
    lesson_quizzes = {quiz.lesson_id: quiz for quiz in quizzes if quiz.kind == Quiz.Kind.LESSON}
    tasks = {quiz.module_id: quiz for quiz in quizzes if quiz.is_task}
    defaults = _quiz_defaults(lesson_quizzes.values())
    files = {Path("course.toml"): _course_toml(course, modules, quizzes, defaults)}
    for module in modules:
        files[Path("modules", module.slug, "module.toml")] = _module_toml(module)
        if module.pk in tasks and task_questions.get(module.pk):
            question, *others = task_questions[module.pk]
            files[Path("modules", module.slug, TASK_FILE)] = _task_toml(tasks[module.pk], question)
            export.warnings += [
                f"task {tasks[module.pk].slug}: only one question is written; {q.key} is not" for q in others
            ]
        for lesson in module.lessons.all():
            files[Path("modules", module.slug, f"{lesson.slug}.md")] = _lesson_markdown(lesson)
            quiz = lesson_quizzes.get(lesson.pk)
            if quiz is None and lesson.pk not in questions:
                continue
            files[Path("quizzes", f"{lesson.slug}.gift")] = gift_from_questions(
                questions.get(lesson.pk, []), lesson_tags=False
            )
            export.warnings += _quiz_warnings(quiz, lesson, defaults)
    final = next((quiz for quiz in quizzes if quiz.is_final), None)
    if final is not None and not final.is_published:
        export.warnings.append(f"quiz {final.slug}: unpublished, but load_course publishes the final exam")
    if final is not None and exam_bank:
        exam_bank.sort(key=lambda q: (q.position, q.lesson.module.position, q.lesson.position, q.pk))
        files[Path("quizzes", f"{final.slug}.gift")] = gift_from_questions(exam_bank, lesson_tags=True)

    _prepare(folder, replace=replace)
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        export.files.append(path)
    try:
        course_data = read_course(folder)
        read_tasks(folder, course_data, taken_keys=quiz_keys(read_quizzes(folder, course_data)))
    except ContentError as error:
        export.load_error = str(error)
    return export


def _prepare(folder: Path, *, replace: bool) -> None:
    if not folder.exists() or not any(folder.iterdir()):
        folder.mkdir(parents=True, exist_ok=True)
        return
    if not replace:
        raise CourseExportError(
            f"{folder} is not empty; choose an empty one or replace its course files (export_course --replace)"
        )
    if not (folder / "course.toml").is_file():
        raise CourseExportError(f"{folder} holds no course.toml; refusing to replace what is in it")
    (folder / "course.toml").unlink()
    for name in ("modules", "quizzes"):
        shutil.rmtree(folder / name, ignore_errors=True)


def _quiz_defaults(quizzes) -> dict:
    """The settings most lesson quizzes share: course files hold one set for all of them."""
    quizzes = list(quizzes)
    defaults = {}
    for name in SETTINGS:
        values = Counter(getattr(quiz, name) for quiz in quizzes)
        if values:
            defaults[name] = values.most_common(1)[0][0]
    return defaults


def _quiz_warnings(quiz: Quiz | None, lesson: Lesson, defaults: dict) -> list[str]:
    if quiz is None:
        return [f"lesson {lesson.slug}: has questions but no quiz; load_course will create a quiz for them"]
    warnings = []
    for name, value in defaults.items():
        if getattr(quiz, name) != value:
            warnings.append(
                f"quiz {quiz.slug}: {name} is {getattr(quiz, name)!r}, but course files hold one value for every "
                f"lesson quiz ([quiz_defaults] {name} = {value!r})"
            )
    if quiz.title != f"Quiz: {lesson.title}":
        warnings.append(f"quiz {quiz.slug}: load_course names it 'Quiz: {lesson.title}', not {quiz.title!r}")
    if quiz.slug != f"{lesson.slug}-quiz":
        warnings.append(f"quiz {quiz.slug}: load_course gives it the slug '{lesson.slug}-quiz'")
    if not quiz.is_published:
        warnings.append(f"quiz {quiz.slug}: unpublished, but load_course publishes every lesson quiz")
    return warnings


def _course_toml(course: Course, modules: list[Module], quizzes: list[Quiz], defaults: dict) -> str:
    lines = [
        "# Written by `manage.py export_course`; load it with `manage.py load_course FOLDER`.",
        _toml_pair("slug", course.slug),
        _toml_pair("title", course.title),
        _toml_pair("summary", course.summary),
        _toml_pair("description", course.description),
        _toml_pair("published", course.is_published),
        _toml_pair("sequential_modules", course.sequential_modules),
        _toml_pair("enrolment", course.enrolment),
        _toml_pair("modules", [module.slug for module in modules], multiline=True),
    ]
    if defaults:
        lines += ["", "[quiz_defaults]", *_settings_pairs(defaults)]
    final = next((quiz for quiz in quizzes if quiz.is_final), None)
    if final is not None:
        settings = {name: getattr(final, name) for name in SETTINGS}
        lines += ["", "[final_exam]", _toml_pair("slug", final.slug), _toml_pair("title", final.title)]
        lines += _settings_pairs(settings)
        if final.blueprint:
            lines += ["", "[final_exam.blueprint]"]
            lines += [
                f"{module} = {{ {', '.join(f'{level} = {count}' for level, count in levels.items())} }}"
                for module, levels in final.blueprint.items()
            ]
    for source in course.sources.all():
        lines += [
            "",
            "[[sources]]",
            _toml_pair("key", source.key),
            _toml_pair("kind", source.kind),
            _toml_pair("title", source.title),
        ]
        if source.filename:
            lines.append(_toml_pair("file", source.filename))
    return "\n".join(lines) + "\n"


def _settings_pairs(settings: dict) -> list[str]:
    # TOML has no null: an empty setting (no limit) is left out, and load_course reads it as empty again.
    return [_toml_pair(name, value) for name, value in settings.items() if value is not None]


def _module_toml(module: Module) -> str:
    lines = [
        _toml_pair("title", module.title),
        _toml_pair("summary", module.summary),
        _toml_pair("published", module.is_published),
        _toml_pair("keywords", list(module.keywords), multiline=True),
        _toml_pair("lessons", [lesson.slug for lesson in module.lessons.all()], multiline=True),
    ]
    return "\n".join(lines) + "\n"


def _lesson_markdown(lesson: Lesson) -> str:
    key_terms = [{"term": term.term, "definition": term.definition} for term in lesson.key_terms.all()]
    front_matter = [
        _toml_pair("title", lesson.title),
        _toml_pair("summary", lesson.summary),
        _toml_pair("published", lesson.is_published),
        _toml_pair("objectives", lesson.objective_list, multiline=True),
        _toml_pair("sources", sorted(source.key for source in lesson.sources.all())),
        _toml_pair("key_terms", key_terms, multiline=True),
    ]
    body = lesson.body.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "+++\n" + "\n".join(front_matter) + "\n+++\n\n" + body + "\n"


def _task_toml(quiz: Quiz, question: Question) -> str:
    """A module's written task in the task.toml format; the text splits into situation and prompt at its last
    blank line."""
    text = question.text.replace("\r\n", "\n").strip()
    situation, _, prompt = text.rpartition("\n\n")
    lines = [
        _toml_pair("key", question.key),
        _toml_pair("title", quiz.title),
        _toml_pair("lesson", question.lesson.slug),
        _toml_pair("section", question.section_anchor),
    ]
    if question.objective:
        lines.append(_toml_pair("objective", question.objective))
    if question.level:
        lines.append(_toml_pair("level", question.level))
    lines += [
        _toml_pair("min_words", question.min_words or 1),
        _toml_pair("max_words", question.max_words or 5000),
        _toml_pair("pass_mark", quiz.pass_mark),
        _toml_pair("attempts_allowed", quiz.attempts_allowed or 0),
        _toml_pair("situation", situation or prompt),
        _toml_pair("prompt", prompt),
        _toml_pair("guidance", question.explanation),
    ]
    for criterion in sorted(question.criteria.all(), key=lambda c: (c.position, c.pk)):
        lines += ["", "[[criteria]]", _toml_pair("title", criterion.title)]
        lines.append(_toml_pair("description", criterion.description))
        for level in sorted(criterion.levels.all(), key=lambda lv: (lv.position, lv.pk)):
            lines += ["", "[[criteria.levels]]", _toml_pair("points", level.points)]
            lines.append(_toml_pair("description", level.description))
    return "\n".join(lines) + "\n"


def _toml_pair(key: str, value, *, multiline: bool = False) -> str:
    return f"{key} = {_toml_value(value, multiline=multiline)}"


def _toml_value(value, *, multiline: bool = False) -> str:
    """One TOML value: a string, boolean, integer, array of values, or inline table of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(_toml_pair(key, item) for key, item in value.items()) + " }"
    if isinstance(value, list):
        items = [_toml_value(item) for item in value]
        if multiline and items:
            return "[\n" + "".join(f"  {item},\n" for item in items) + "]"
        return "[" + ", ".join(items) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _toml_string(text: str) -> str:
    escaped = "".join(
        _TOML_ESCAPES.get(char) or (f"\\u{ord(char):04X}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in text
    )
    return f'"{escaped}"'
