from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courseware.content import ContentError
from courseware.loading import course_load


class Command(BaseCommand):
    help = (
        "Load course folders (course.toml, modules/*/module.toml, lesson .md files) into the database. "
        "Safe to run again: rows are updated in place by slug; rows edited in the admin since the last "
        "load are kept unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("folders", nargs="*", type=Path, help="Course folders; default: every course in content/.")
        parser.add_argument("--force", action="store_true", help="Overwrite edits made in the admin.")

    def handle(self, *args, folders, force, **options):
        if not folders:
            folders = sorted(path.parent for path in Path(settings.CONTENT_DIR).glob("*/course.toml"))
        if not folders:
            raise CommandError(f"No course folder found in {settings.CONTENT_DIR}.")
        for folder in folders:
            try:
                report = course_load(folder=folder, force=force)
            except ContentError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                f"{report.course.slug}: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged, {len(report.kept)} kept (edited in the admin)"
            )
            for label in report.kept:
                self.stdout.write(f"  kept {label}; use --force to overwrite it with the file")
