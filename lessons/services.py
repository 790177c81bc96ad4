"""Writes for courses, lessons and progress."""

from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from lessons.content import LessonData, ModuleData, read_course
from lessons.models import Course, KeyTerm, Lesson, LessonProgress, LessonStatus, Module, Source
from lessons.sync import LoadReport, sync_row
from quizzes.loading import quizzes_load, read_quizzes


def _course_state(course: Course) -> dict:
    return {
        "title": course.title,
        "summary": course.summary,
        "description": course.description,
        "is_published": course.is_published,
        "sequential_modules": course.sequential_modules,
    }


def _module_state(module: Module) -> dict:
    return {
        "title": module.title,
        "summary": module.summary,
        "position": module.position,
        "is_published": module.is_published,
        "keywords": module.keywords,
    }


def _lesson_state(lesson: Lesson, *, module_slug: str, sources: list[str], key_terms: list[list[str]]) -> dict:
    return {
        "module": module_slug,
        "title": lesson.title,
        "summary": lesson.summary,
        "objectives": lesson.objectives,
        "body": lesson.body,
        "position": lesson.position,
        "is_published": lesson.is_published,
        "sources": sorted(sources),
        "key_terms": sorted(key_terms),
    }


def _desired_lesson_state(data: LessonData, *, module_slug: str, position: int) -> dict:
    return {
        "module": module_slug,
        "title": data.title,
        "summary": data.summary,
        "objectives": "\n".join(data.objectives),
        "body": data.body,
        "position": position,
        "is_published": data.is_published,
        "sources": sorted(data.sources),
        "key_terms": sorted([term.term, term.definition] for term in data.key_terms),
    }


@transaction.atomic
def course_load(*, folder: Path, force: bool = False) -> LoadReport:
    """Load a course folder into the database, idempotently.

    Rows are matched by slug (sources by key), so running it again updates in place and never
    duplicates. Rows edited in the admin since the last load are kept unless `force` is set;
    rows that exist only in the database are left alone.
    """
    data = read_course(folder)
    quizzes = read_quizzes(Path(folder), data)
    report = LoadReport()

    course = Course.objects.filter(slug=data.slug).first()
    current = _course_state(course) if course else None
    course = course or Course(slug=data.slug)
    desired = {
        "title": data.title,
        "summary": data.summary,
        "description": data.description,
        "is_published": data.is_published,
        "sequential_modules": data.sequential_modules,
    }

    def apply_course(instance):
        for name, value in desired.items():
            setattr(instance, name, value)
        instance.save()

    sync_row(
        course,
        current=current,
        desired=desired,
        force=force,
        label=f"course {data.slug}",
        report=report,
        apply=apply_course,
    )
    report.course = course

    sources = {source.key: source for source in Source.objects.filter(course=course)}
    for source_data in data.sources:
        source = sources.get(source_data.key) or Source(course=course, key=source_data.key)
        source.title, source.filename = source_data.title, source_data.filename
        source.save()
        sources[source.key] = source

    modules = {module.slug: module for module in Module.objects.filter(course=course)}
    for position, module_data in enumerate(data.modules, start=1):
        modules[module_data.slug] = _load_module(
            course, modules.get(module_data.slug), module_data, position, force, report
        )

    lessons = {
        lesson.slug: lesson
        for lesson in Lesson.objects.filter(course=course)
        .select_related("module")
        .prefetch_related("sources", "key_terms")
    }
    for module_data in data.modules:
        module = modules[module_data.slug]
        for position, lesson_data in enumerate(module_data.lessons, start=1):
            lessons[lesson_data.slug] = _load_lesson(
                module, lessons.get(lesson_data.slug), lesson_data, position, sources, force, report
            )
    quizzes_load(course=course, data=quizzes, lessons=lessons, force=force, report=report)
    return report


def _load_module(course, module, data: ModuleData, position: int, force: bool, report: LoadReport) -> Module:
    current = _module_state(module) if module else None
    module = module or Module(course=course, slug=data.slug)
    desired = {
        "title": data.title,
        "summary": data.summary,
        "position": position,
        "is_published": data.is_published,
        "keywords": data.keywords,
    }

    def apply(instance):
        for name, value in desired.items():
            setattr(instance, name, value)
        instance.save()

    sync_row(
        module, current=current, desired=desired, force=force, label=f"module {data.slug}", report=report, apply=apply
    )
    return module


def _load_lesson(module, lesson, data: LessonData, position: int, sources: dict, force: bool, report: LoadReport):
    current = None
    if lesson:
        current = _lesson_state(
            lesson,
            module_slug=lesson.module.slug,
            sources=[source.key for source in lesson.sources.all()],
            key_terms=[[term.term, term.definition] for term in lesson.key_terms.all()],
        )
    lesson = lesson or Lesson(slug=data.slug)
    desired = _desired_lesson_state(data, module_slug=module.slug, position=position)

    def apply(instance):
        instance.module = module
        for name in ("title", "summary", "objectives", "body", "position", "is_published"):
            setattr(instance, name, desired[name])
        instance.save()
        instance.sources.set([sources[key] for key in data.sources])
        instance.key_terms.all().delete()
        KeyTerm.objects.bulk_create(
            KeyTerm(lesson=instance, term=term.term, definition=term.definition) for term in data.key_terms
        )

    sync_row(
        lesson, current=current, desired=desired, force=force, label=f"lesson {data.slug}", report=report, apply=apply
    )
    return lesson


def lesson_visit(*, user, lesson: Lesson) -> LessonProgress:
    """Record that a student opened a lesson: not started becomes in progress."""
    now = timezone.now()
    progress, created = _progress_get_or_create(user=user, lesson=lesson, defaults={"last_viewed_at": now})
    if not created:
        LessonProgress.objects.filter(pk=progress.pk).update(last_viewed_at=now)
        progress.last_viewed_at = now
    return progress


def lesson_complete(*, user, lesson: Lesson) -> LessonProgress:
    """Mark a lesson completed for a student; completing twice keeps the first completion time."""
    now = timezone.now()
    progress, _ = _progress_get_or_create(user=user, lesson=lesson, defaults={"last_viewed_at": now})
    if progress.status != LessonStatus.COMPLETED:
        LessonProgress.objects.filter(pk=progress.pk).exclude(status=LessonStatus.COMPLETED).update(
            status=LessonStatus.COMPLETED, completed_at=now
        )
        progress.refresh_from_db(fields=["status", "completed_at"])
    return progress


class LessonCompletionRefused(Exception):
    """Marking a lesson complete by hand is not allowed for it."""


def lesson_mark_complete(*, user, lesson: Lesson) -> LessonProgress:
    """A student's own "mark complete", allowed only for lessons without a quiz (passing the quiz completes those)."""
    if Lesson.objects.filter(pk=lesson.pk, quiz__is_published=True).exists():
        raise LessonCompletionRefused("Pass this lesson's quiz to complete it.")
    return lesson_complete(user=user, lesson=lesson)


def _progress_get_or_create(*, user, lesson: Lesson, defaults: dict) -> tuple[LessonProgress, bool]:
    # get_or_create already retries a racing insert; the outer retry covers a race inside an atomic block.
    try:
        return LessonProgress.objects.get_or_create(user=user, lesson=lesson, defaults=defaults)
    except IntegrityError:
        return LessonProgress.objects.get(user=user, lesson=lesson), False
