from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courseware.gift_transfer import GiftExportError, gift_export, quiz_by_reference, xml_export

EXPORTS = {"gift": gift_export, "xml": xml_export}


class Command(BaseCommand):
    help = "Write a quiz's questions as GIFT or Moodle XML (the final exam: the whole course bank)."

    def add_arguments(self, parser):
        parser.add_argument("--quiz", required=True, help="The quiz: its id, its slug, or COURSE_SLUG/QUIZ_SLUG.")
        parser.add_argument("--format", choices=sorted(EXPORTS), default="gift", help="gift (default) or xml.")
        parser.add_argument("-o", "--output", type=Path, help="Write to this file (UTF-8) instead of stdout.")

    def handle(self, *args, quiz, format, output, **options):
        try:
            quiz = quiz_by_reference(quiz)
            text = EXPORTS[format](quiz=quiz)
        except (LookupError, GiftExportError) as error:
            raise CommandError(str(error)) from None
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{output}: {error.strerror}") from None
        self.stdout.write(f"{quiz.slug}: {quiz.question_pool().count()} questions written to {output}")
