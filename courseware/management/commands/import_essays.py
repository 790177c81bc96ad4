from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courseware.essay_import import EssayFileError, EssayImportError, EssayImportReport, essay_file_read, essays_import
from lessons.models import Course


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _report_lines(report: EssayImportReport) -> list[str]:
    """The command's output: per essay its key, passages and themes, then what changed."""
    lines = []
    for essay in report.essays:
        themes = ", ".join(f"{theme.module.title} ({theme.passages})" for theme in essay.themes) or "none"
        lines.append(f"essay {essay.source.key}: {_count(essay.passages, 'passage')}; themes: {themes}")
    for draft in report.lessons:
        note = " (edited in the admin since the import: kept as it is)" if draft.kept else ""
        lines.append(
            f"draft lesson {draft.lesson.slug}: {_count(draft.passages, 'passage')}, "
            f"{_count(draft.questions, 'question')}{note}"
        )
    changes = report.changes
    lines.append(
        f"{len(changes.created)} created, {len(changes.updated)} updated, {len(changes.unchanged)} unchanged, "
        f"{len(changes.kept)} kept, {len(report.removed)} removed; everything made is a draft"
    )
    lines += [f"  kept {label}" for label in changes.kept]
    return lines


class Command(BaseCommand):
    help = (
        "Import plain-text essays (.txt, UTF-8, at most 200 KB each) into a course: a source per essay, its "
        "passages and their themes, and draft lessons and questions per theme. Safe to run again: nothing "
        "is duplicated, and nothing is published."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="Essay files; a leading number in the name is the key.")
        parser.add_argument("--course", help="Slug of the course; needed only when there are several.")

    def handle(self, *args, files, course, **options):
        target = self._course(course)
        essays = []
        for path in files:
            try:
                essays.append((path.name, essay_file_read(name=path.name, data=path.read_bytes())))
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror or error}") from None
            except EssayFileError as error:
                raise CommandError(str(error)) from None
        try:
            report = essays_import(course=target, files=essays)
        except EssayImportError as error:
            raise CommandError("\n".join(error.problems)) from None
        for line in _report_lines(report):
            self.stdout.write(line)

    def _course(self, slug: str | None) -> Course:
        if slug:
            course = Course.objects.filter(slug=slug).first()
            if course is None:
                raise CommandError(f"No course with the slug '{slug}'.")
            return course
        courses = list(Course.objects.order_by("slug")[:2])
        if not courses:
            raise CommandError("There is no course yet; load one with `manage.py load_course` first.")
        if len(courses) > 1:
            raise CommandError("There are several courses; name one with --course SLUG.")
        return courses[0]
