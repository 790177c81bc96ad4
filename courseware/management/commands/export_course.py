from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courseware.export import CourseExportError, course_export
from courseware.gift_transfer import GiftExportError
from lessons.models import Course


class Command(BaseCommand):
    help = (
        "Write a course from the database as a content folder (course.toml, modules/, quizzes/*.gift) "
        "that `load_course` reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("course", help="The course slug.")
        parser.add_argument("-o", "--output", type=Path, required=True, help="The folder to write (empty or new).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace course.toml, modules/ and quizzes/ of a course folder that is already there.",
        )

    def handle(self, *args, course, output, replace, **options):
        found = Course.objects.filter(slug=course).first()
        if found is None:
            raise CommandError(f"No course {course!r}.")
        try:
            export = course_export(course=found, folder=output, replace=replace)
        except (CourseExportError, GiftExportError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{found.slug}: {len(export.files)} files written to {output}")
        for warning in export.warnings:
            self.stderr.write(f"warning: {warning}")
        if export.load_error:
            raise CommandError(f"The files were written, but load_course would refuse them: {export.load_error}")
