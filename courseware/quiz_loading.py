"""Quizzes as content files: GIFT question files per lesson, quiz settings in course.toml.

course.toml   [quiz_defaults] settings of every lesson quiz; [final_exam] title and settings of the final
quizzes/<lesson-slug>.gift   the questions of that lesson's quiz (GIFT; see README.md)
"""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from courseware.content import ContentError, CourseData
from courseware.sync import LoadReport, sync_row
from lessons.markdown import extract_sections, render_markdown
from quizzes.gift import GiftAnswer, GiftError, GiftQuestion, parse_gift
from quizzes.models import Choice, GradingMethod, Question, QuestionType, Quiz

SETTINGS = {
    "pass_mark": int,
    "attempts_allowed": int,
    "time_limit_minutes": int,
    "shuffle_questions": bool,
    "shuffle_choices": bool,
    "questions_per_attempt": int,
    "grading_method": str,
}
SUPPORTED_TYPES = {choice.value for choice in QuestionType}
FRACTION_PLACES = Decimal("0.0000001")


@dataclass
class QuizzesData:
    defaults: dict
    final_exam: dict | None
    questions: dict[str, list[GiftQuestion]] = field(default_factory=dict)


def _settings(table: dict, where: str) -> dict:
    settings = {}
    for name, value in table.items():
        if name in {"title", "slug", "published"}:
            continue
        kind = SETTINGS.get(name)
        if kind is None:
            raise ContentError(f"{where}: unknown quiz setting '{name}'")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ContentError(f"{where}: quiz setting '{name}' must be {kind.__name__}")
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
    lessons = {lesson.slug: lesson for module in course.modules for lesson in module.lessons}
    seen_keys: dict[str, str] = {}
    for path in sorted((folder / "quizzes").glob("*.gift")):
        lesson = lessons.get(path.stem)
        if lesson is None:
            raise ContentError(f"{path}: no lesson '{path.stem}' in the course for this quiz file")
        try:
            questions = parse_gift(path.read_text(encoding="utf-8"), filename=str(path))
        except GiftError as error:
            raise ContentError(str(error)) from None
        anchors = {section.anchor for section in extract_sections(render_markdown(lesson.body))}
        for question in questions:
            where = f"{path}:{question.line}"
            if question.qtype not in SUPPORTED_TYPES:
                raise ContentError(f"{where}: {question.qtype} questions are not supported by the quiz engine")
            if not question.key:
                raise ContentError(f"{where}: every question needs a // [id:...] key")
            if question.key in seen_keys:
                raise ContentError(f"{where}: key '{question.key}' is already used in {seen_keys[question.key]}")
            seen_keys[question.key] = path.name
            if question.section not in anchors:
                raise ContentError(
                    f"{where}: // [tag:section:...] must name a section of lesson '{lesson.slug}'"
                    f" (one of: {', '.join(sorted(anchors))})"
                )
            if not question.explanation:
                raise ContentError(f"{where}: every question needs an explanation (#### general feedback)")
        data.questions[lesson.slug] = questions
    return data


def _quiz_state(quiz: Quiz) -> dict:
    return {
        "title": quiz.title,
        "is_published": quiz.is_published,
        **{name: getattr(quiz, name) for name in SETTINGS},
    }


def _desired_quiz_state(title: str, settings: dict, defaults: Quiz) -> dict:
    return {
        "title": title,
        "is_published": True,
        **{name: settings.get(name, getattr(defaults, name)) for name in SETTINGS},
    }


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
        "choices": [[c.text, c.match_text, _fraction(c.fraction), c.feedback] for c in choices],
    }


def desired_question_state(gift: GiftQuestion, position: int) -> dict:
    return {
        "qtype": str(gift.qtype),
        "title": gift.title,
        "text": gift.text,
        "explanation": gift.explanation,
        "section_anchor": gift.section,
        "position": position,
        "choices": [[a.text, a.match, _fraction(a.fraction), a.feedback] for a in gift.answers],
    }


def quizzes_load(*, course, data: QuizzesData, lessons: dict, force: bool, report: LoadReport):
    """Create or update each lesson's quiz and questions, and the final exam, matched by slug and key."""
    quizzes = {quiz.slug: quiz for quiz in Quiz.objects.filter(course=course)}
    defaults = Quiz()
    for lesson_slug in data.questions:
        lesson = lessons[lesson_slug]
        slug = f"{lesson_slug}-quiz"
        _load_quiz(
            quizzes.get(slug) or Quiz(course=course, lesson=lesson, slug=slug, kind=Quiz.Kind.LESSON),
            exists=slug in quizzes,
            desired=_desired_quiz_state(f"Quiz: {lesson.title}", data.defaults, defaults),
            force=force,
            report=report,
        )
    if data.final_exam:
        slug = data.final_exam.get("slug", "final-exam")
        _load_quiz(
            quizzes.get(slug) or Quiz(course=course, slug=slug, kind=Quiz.Kind.FINAL),
            exists=slug in quizzes,
            desired=_desired_quiz_state(data.final_exam.get("title", "Final exam"), data.final_exam, defaults),
            force=force,
            report=report,
        )

    questions = {q.key: q for q in Question.objects.filter(course=course).prefetch_related("choices")}
    for lesson_slug, gift_questions in data.questions.items():
        for position, gift in enumerate(gift_questions, start=1):
            question = questions.get(gift.key)
            current = question_state(question, list(question.choices.all())) if question else None
            _load_question(
                question or Question(key=gift.key),
                lesson=lessons[lesson_slug],
                gift=gift,
                current=current,
                desired=desired_question_state(gift, position),
                force=force,
                report=report,
            )


def _load_quiz(quiz: Quiz, *, exists: bool, desired: dict, force: bool, report: LoadReport):
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
    if question.pk:
        question.version += 1
    question.lesson = lesson
    for name, value in values.items():
        setattr(question, name, value)
    question.save()
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
        fields = ("qtype", "title", "text", "explanation", "section_anchor", "position")
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
