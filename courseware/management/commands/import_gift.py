from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courseware.gift_transfer import GiftImportError, ImportAction, gift_import, gift_import_preview, quiz_by_reference

DONE = {ImportAction.CREATE: "created", ImportAction.UPDATE: "updated", ImportAction.UNCHANGED: "unchanged"}
PLANNED = {
    ImportAction.CREATE: "would create",
    ImportAction.UPDATE: "would update",
    ImportAction.UNCHANGED: "unchanged",
}


class Command(BaseCommand):
    help = (
        "Import a GIFT file into a quiz: questions whose [id:] matches are updated, the others created; "
        "nothing is deleted. One refused question or a parse error and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The GIFT file (UTF-8).")
        parser.add_argument("--quiz", required=True, help="The quiz: its id, its slug, or COURSE_SLUG/QUIZ_SLUG.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen; write nothing.")

    def handle(self, *args, file, quiz, dry_run, **options):
        try:
            quiz = quiz_by_reference(quiz)
        except LookupError as error:
            raise CommandError(str(error)) from None
        try:
            text = file.read_bytes().decode("utf-8")
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{file}: not UTF-8 text (byte {error.start + 1} cannot be read)") from None

        if dry_run:
            preview = gift_import_preview(quiz=quiz, text=text, filename=str(file))
            if not preview.is_importable:
                raise CommandError("\n".join(preview.problems))
            questions, verbs = preview.questions, PLANNED
        else:
            try:
                questions, verbs = gift_import(quiz=quiz, text=text, filename=str(file)).questions, DONE
            except GiftImportError as error:
                raise CommandError(str(error)) from None

        for planned in questions:
            self.stdout.write(f"{file}:{planned.line}: {verbs[planned.action]} {planned.key} ({planned.label})")
            for note in planned.notes:
                self.stdout.write(f"  note: {note}")
        counts = {action: sum(planned.action == action for planned in questions) for action in verbs}
        summary = ", ".join(f"{counts[action]} {verb}" for action, verb in verbs.items())
        self.stdout.write(f"{quiz.slug}: {summary}" + (" (dry run: nothing written)" if dry_run else ""))
