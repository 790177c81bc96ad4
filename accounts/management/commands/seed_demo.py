from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_ACCOUNTS = [
    # username, password, role
    ("student", "student-demo-pass", "student"),
    ("instructor", "instructor-demo-pass", "instructor"),
    ("admin", "admin-demo-pass", "admin"),
]


class Command(BaseCommand):
    help = "Create (or reset) the demo student, instructor and admin accounts listed in README.md."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow demo accounts when DEBUG is off.")

    @transaction.atomic
    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts have public passwords; refusing with DEBUG off (use --force).")
        instructors = Group.objects.get(name="Instructors")
        for username, password, role in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
            user.is_staff = role in {"instructor", "admin"}
            user.is_superuser = role == "admin"
            user.set_password(password)
            user.save()
            if role == "instructor":
                user.groups.add(instructors)
            self.stdout.write(f"{role}: {username} / {password}")
