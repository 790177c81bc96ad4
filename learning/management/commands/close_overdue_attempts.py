from django.core.management.base import BaseCommand

from learning.services import attempts_close_overdue


class Command(BaseCommand):
    help = "Grade every quiz attempt left open past its time limit, from its saved answers (run it from cron)."

    def handle(self, *args, **options):
        closed = attempts_close_overdue()
        self.stdout.write(f"{closed} overdue attempt{'s' if closed != 1 else ''} closed")
