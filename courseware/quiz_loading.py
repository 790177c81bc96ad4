"""Quizzes as content files: GIFT question files per lesson, quiz settings in course.toml.

course.toml   [quiz_defaults] settings of every lesson quiz; [final_exam] title and settings of the final,
              [final_exam.blueprint] the bank's target per module and level
quizzes/<lesson-slug>.gift   the questions of that lesson's quiz (GIFT; see README.md)
quizzes/<final-exam-slug>.gift   the final exam's own bank; each question names its lesson ([tag:lesson:])
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from courseware.content import ContentError, CourseData
from courseware.sync import LoadReport, sync_row
from lessons.markdown import extract_sections, render_markdown
from quizzes.gift import GiftAnswer, GiftError, GiftQuestion, parse_gift
from quizzes.models import (
    REVIEW_DEFAULTS,
    REVIEW_PARTS,
    Choice,
    GradingMethod,
    Question,
    QuestionLevel,
    QuestionType,
    Quiz,
    ReviewWhen,
)

SETTINGS = {
    "pass_mark": int,
    "attempts_allowed": int,
    "time_limit_minutes": int,
    "shuffle_questions": bool,
    "shuffle_choices": bool,
    "questions_per_attempt": int,
    "grading_method": str,
    **{f"review_{part}": str for part in REVIEW_PARTS},
}
# Item metadata riding on GIFT tags: `[tag:group:G]`, `[tag:objective:N]`, `[tag:level:L]`.
GROUP_TAG, OBJECTIVE_TAG, LEVEL_TAG, LESSON_TAG = "group:", "objective:", "level:", "lesson:"
SUPPORTED_TYPES = {choice.value for choice in QuestionType}
# GIFT's and Moodle's essay ({} / type="essay") is our written answer, marked by hand against a rubric.
GIFT_TO_MODEL_TYPES = {"essay": QuestionType.WRITTEN.value}


def model_qtype(gift_qtype: str) -> str:
    """The question type we store for a GIFT (or Moodle XML) question type."""
    return GIFT_TO_MODEL_TYPES.get(str(gift_qtype), str(gift_qtype))


FRACTION_PLACES = Decimal("0.0000001")
SLUG_TEXT = re.compile(r"[-a-zA-Z0-9_]{1,60}")
# Shipped content keeps slug keys; GIFT import takes any Moodle idnumber.
CONTENT_KEY = re.compile(r"[a-z0-9-]+")


@dataclass
class QuizzesData:
    defaults: dict
    final_exam: dict | None
    questions: dict[str, list[GiftQuestion]] = field(default_factory=dict)
    # The final exam's own bank: each question with the slug of the lesson that answers it.
    exam_questions: list[tuple[GiftQuestion, str]] = field(default_factory=list)


def quiz_keys(data: QuizzesData) -> set[str]:
    """Every question key the GIFT files of a course use."""
    keys = {gift.key for questions in data.questions.values() for gift in questions}
    return keys | {gift.key for gift, _lesson in data.exam_questions}


def tag_value(gift: GiftQuestion, prefix: str) -> str:
    """The value of the first `prefix...` tag of a question, or ""."""
    return next((tag.removeprefix(prefix) for tag in gift.tags if tag.startswith(prefix)), "")


def item_metadata(gift: GiftQuestion) -> dict:
    """The question fields its GIFT tags carry: variant group, objective number and level."""
    objective = tag_value(gift, OBJECTIVE_TAG)
    return {
        "variant_group": tag_value(gift, GROUP_TAG),
        "objective": int(objective) if objective.isdigit() else None,
        "level": tag_value(gift, LEVEL_TAG),
    }


def item_metadata_problems(gift: GiftQuestion, *, objective_count: int) -> list[str]:
    """Why a question's metadata tags cannot be stored, if they cannot."""
    problems = []
    objective = tag_value(gift, OBJECTIVE_TAG)
    if objective and not (objective.isdigit() and 1 <= int(objective) <= objective_count):
        problems.append(f"[tag:objective:{objective}] must be a number from 1 to {objective_count}")
    level = tag_value(gift, LEVEL_TAG)
    if level and level not in QuestionLevel.values:
        problems.append(f"[tag:level:{level}] must be one of {', '.join(QuestionLevel.values)}")
    group = tag_value(gift, GROUP_TAG)
    if group and not SLUG_TEXT.fullmatch(group):
        problems.append(f"[tag:group:{group}] must be a slug (letters, digits, hyphens)")
    return problems


def item_metadata_tags(question: Question) -> list[str]:
    """The GIFT tags that write a question's metadata back out."""
    tags = []
    if question.variant_group:
        tags.append(f"{GROUP_TAG}{question.variant_group}")
    if question.objective:
        tags.append(f"{OBJECTIVE_TAG}{question.objective}")
    if question.level:
        tags.append(f"{LEVEL_TAG}{question.level}")
    return tags


def _settings(table: dict, where: str) -> dict:
    settings = {}
    for name, value in table.items():
        if name in {"title", "slug", "published", "blueprint"}:
            continue
        kind = SETTINGS.get(name)
        if kind is None:
            raise ContentError(f"{where}: unknown quiz setting '{name}'")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ContentError(f"{where}: quiz setting '{name}' must be {kind.__name__}")
        if name.startswith("review_") and value not in ReviewWhen.values:
            raise ContentError(f"{where}: {name} must be one of {', '.join(ReviewWhen.values)}")
        settings[name] = value
    if not 0 <= settings.get("pass_mark", 0) <= 100:
        raise ContentError(f"{where}: pass_mark must be between 0 and 100")
    if settings.get("grading_method", GradingMethod.HIGHEST) not in GradingMethod.values:
        raise ContentError(f"{where}: grading_method must be one of {', '.join(GradingMethod.values)}")
    return settings


def read_quizzes(folder: Path, course: CourseData) -> QuizzesData:
    """Parse and check every GIFT file of a course folder before anything is written."""
    manifest_path = folder / "course.toml"
    final = course.manifest.get("final_exam")
    data = QuizzesData(
        defaults=_settings(course.manifest.get("quiz_defaults", {}), f"{manifest_path} [quiz_defaults]"),
        final_exam={**final, **_settings(final, f"{manifest_path} [final_exam]")} if final else None,
    )
    if final:
        data.final_exam["blueprint"] = _blueprint(final.get("blueprint", {}), course, f"{manifest_path} [final_exam]")
    final_slug = final.get("slug", "final-exam") if final else None
    lessons = {lesson.slug: lesson for module in course.modules for lesson in module.lessons}
    anchors_of: dict[str, set[str]] = {}

    def anchors(lesson) -> set[str]:
        if lesson.slug not in anchors_of:
            anchors_of[lesson.slug] = {section.anchor for section in extract_sections(render_markdown(lesson.body))}
        return anchors_of[lesson.slug]

    seen_keys: dict[str, str] = {}
    for path in sorted((folder / "quizzes").glob("*.gift")):
        is_exam = path.stem == final_slug
        lesson = lessons.get(path.stem)
        if lesson is None and not is_exam:
            raise ContentError(f"{path}: no lesson '{path.stem}' in the course for this quiz file")
        try:
            questions = parse_gift(path.read_text(encoding="utf-8"), filename=str(path))
        except GiftError as error:
            raise ContentError(str(error)) from None
        for question in questions:
            where = f"{path}:{question.line}"
            if is_exam:
                lesson = lessons.get(tag_value(question, LESSON_TAG))
                if lesson is None:
                    raise ContentError(f"{where}: a final exam question names its lesson with // [tag:lesson:<slug>]")
                data.exam_questions.append((question, lesson.slug))
            problems = item_metadata_problems(question, objective_count=len(lesson.objectives))
            if problems:
                raise ContentError(f"{where}: {problems[0]}")
            if model_qtype(question.qtype) == QuestionType.WRITTEN:
                raise ContentError(
                    f"{where}: essay questions ({{}}) are not supported in a course's GIFT files: a written "
                    "answer needs a rubric, which GIFT cannot hold; write it as the module's task.toml"
                )
            if question.qtype not in SUPPORTED_TYPES:
                raise ContentError(f"{where}: {question.qtype} questions are not supported by the quiz engine")
            if not question.key:
                raise ContentError(f"{where}: every question needs a // [id:...] key")
            if not CONTENT_KEY.fullmatch(question.key):
                raise ContentError(f"{where}: key {question.key!r} must be lowercase letters, digits and hyphens")
            if question.key in seen_keys:
                raise ContentError(f"{where}: key '{question.key}' is already used in {seen_keys[question.key]}")
            seen_keys[question.key] = path.name
            if question.section not in anchors(lesson):
                raise ContentError(
                    f"{where}: // [tag:section:...] must name a section of lesson '{lesson.slug}'"
                    f" (one of: {', '.join(sorted(anchors(lesson)))})"
                )
            if not question.explanation:
                raise ContentError(f"{where}: every question needs an explanation (#### general feedback)")
        if not is_exam:
            data.questions[lesson.slug] = questions
    return data


def _blueprint(table: dict, course: CourseData, where: str) -> dict:
    """The final exam's blueprint, checked: module slug -> {level: number of bank questions}."""
    modules = {module.slug for module in course.modules}
    blueprint = {}
    for module, levels in table.items():
        if module not in modules:
            raise ContentError(f"{where}: blueprint names no module of the course: '{module}'")
        if not isinstance(levels, dict) or not all(
            level in QuestionLevel.values and isinstance(count, int) and count >= 0 for level, count in levels.items()
        ):
            raise ContentError(f"{where}: blueprint.{module} maps levels ({', '.join(QuestionLevel.values)}) to counts")
        blueprint[module] = dict(levels)
    return blueprint


def _quiz_state(quiz: Quiz) -> dict:
    state = {
        "title": quiz.title,
        "is_published": quiz.is_published,
        **{name: getattr(quiz, name) for name in SETTINGS},
    }
    if quiz.is_final:
        state["blueprint"] = quiz.blueprint
    return state


def desired_quiz_state(title: str, settings: dict, kind: str) -> dict:
    defaults = Quiz()
    for part, when in REVIEW_DEFAULTS[kind].items():
        setattr(defaults, f"review_{part}", when)
    state = {
        "title": title,
        "is_published": True,
        **{name: settings.get(name, getattr(defaults, name)) for name in SETTINGS},
    }
    if kind == Quiz.Kind.FINAL:
        state["blueprint"] = settings.get("blueprint", {})
    return state


def _fraction(value) -> str:
    return str(Decimal(value).quantize(FRACTION_PLACES))


def question_state(question: Question, choices: list[Choice]) -> dict:
    return {
        "qtype": question.qtype,
        "title": question.title,
        "text": question.text,
        "explanation": question.explanation,
        "section_anchor": question.section_anchor,
        "position": question.position,
        "pool": question.pool,
        "variant_group": question.variant_group,
        "objective": question.objective,
        "level": question.level,
        "choices": [[c.text, c.match_text, _fraction(c.fraction), c.feedback] for c in choices],
    }


def desired_question_state(gift: GiftQuestion, position: int, *, pool: str = Quiz.Kind.LESSON) -> dict:
    return {
        "qtype": model_qtype(gift.qtype),
        "title": gift.title,
        "text": gift.text,
        "explanation": gift.explanation,
        "section_anchor": gift.section,
        "position": position,
        "pool": pool,
        **item_metadata(gift),
        "choices": [[a.text, a.match, _fraction(a.fraction), a.feedback] for a in gift.answers],
    }


def quizzes_load(*, course, data: QuizzesData, lessons: dict, force: bool, report: LoadReport):
    """Create or update each lesson's quiz and questions, and the final exam, matched by slug and key."""
    quizzes = {quiz.slug: quiz for quiz in Quiz.objects.filter(course=course)}
    for lesson_slug in data.questions:
        lesson = lessons[lesson_slug]
        slug = f"{lesson_slug}-quiz"
        load_quiz(
            quizzes.get(slug) or Quiz(course=course, lesson=lesson, slug=slug, kind=Quiz.Kind.LESSON),
            exists=slug in quizzes,
            desired=desired_quiz_state(f"Quiz: {lesson.title}", data.defaults, Quiz.Kind.LESSON),
            force=force,
            report=report,
        )
    if data.final_exam:
        slug = data.final_exam.get("slug", "final-exam")
        load_quiz(
            quizzes.get(slug) or Quiz(course=course, slug=slug, kind=Quiz.Kind.FINAL),
            exists=slug in quizzes,
            desired=desired_quiz_state(data.final_exam.get("title", "Final exam"), data.final_exam, Quiz.Kind.FINAL),
            force=force,
            report=report,
        )

    questions = {q.key: q for q in Question.objects.filter(course=course).prefetch_related("choices")}
    placed = [
        (gift, lesson_slug, position, Quiz.Kind.LESSON)
        for lesson_slug, gift_questions in data.questions.items()
        for position, gift in enumerate(gift_questions, start=1)
    ]
    placed += [
        (gift, lesson_slug, position, Quiz.Kind.FINAL)
        for position, (gift, lesson_slug) in enumerate(data.exam_questions, start=1)
    ]
    for gift, lesson_slug, position, pool in placed:
        question = questions.get(gift.key)
        current = question_state(question, list(question.choices.all())) if question else None
        _load_question(
            question or Question(key=gift.key),
            lesson=lessons[lesson_slug],
            gift=gift,
            current=current,
            desired=desired_question_state(gift, position, pool=pool),
            force=force,
            report=report,
        )


def load_quiz(quiz: Quiz, *, exists: bool, desired: dict, force: bool, report: LoadReport):
    def apply(instance):
        for name, value in desired.items():
            setattr(instance, name, value)
        instance.full_clean(exclude=["lesson", "course"])
        instance.save()

    sync_row(
        quiz,
        current=_quiz_state(quiz) if exists else None,
        desired=desired,
        force=force,
        label=f"quiz {quiz.slug}",
        report=report,
        apply=apply,
    )


def question_write(question: Question, *, lesson, values: dict, answers: list[GiftAnswer]) -> Question:
    """Save a question's fields on `lesson` and replace its choices; an existing question gets a new version."""
    existed = question.pk is not None
    if existed:
        question.version += 1
    question.lesson = lesson
    for name, value in values.items():
        setattr(question, name, value)
    question.save()
    if existed:
        question.choices.all().delete()
    Choice.objects.bulk_create(
        Choice(
            question=question,
            text=answer.text,
            match_text=answer.match,
            fraction=answer.fraction,
            feedback=answer.feedback,
            position=position,
        )
        for position, answer in enumerate(answers, start=1)
    )
    return question


def _load_question(question: Question, *, lesson, gift: GiftQuestion, current, desired, force, report):
    def apply(instance):
        fields = (
            "qtype",
            "title",
            "text",
            "explanation",
            "section_anchor",
            "position",
            "pool",
            "variant_group",
            "objective",
            "level",
        )
        question_write(instance, lesson=lesson, values={name: desired[name] for name in fields}, answers=gift.answers)

    sync_row(
        question,
        current=current,
        desired=desired,
        force=force,
        label=f"question {gift.key}",
        report=report,
        apply=apply,
    )
