"""Load a course folder (course.toml, modules, lessons, GIFT quizzes) into the database, idempotently."""

from pathlib import Path

from django.db import transaction

from courseware.content import LessonData, ModuleData, read_course
from courseware.quiz_loading import quiz_keys, quizzes_load, read_quizzes
from courseware.sync import LoadReport, sync_row
from courseware.task_loading import read_tasks, tasks_load
from lessons.caching import course_changed
from lessons.models import Course, KeyTerm, Lesson, Module, Source


def _course_state(course: Course) -> dict:
    return {
        "title": course.title,
        "summary": course.summary,
        "description": course.description,
        "is_published": course.is_published,
        "sequential_modules": course.sequential_modules,
        "enrolment": course.enrolment,
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
    tasks = read_tasks(Path(folder), data, taken_keys=quiz_keys(quizzes))
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
        "enrolment": data.enrolment,
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
        source.title, source.filename, source.kind = source_data.title, source_data.filename, source_data.kind
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
    tasks_load(course=course, tasks=tasks, modules=modules, lessons=lessons, force=force, report=report)
    # Key terms and choices are bulk-written, which sends no signals: the course's cached pages go here.
    course_changed(course.pk)
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
