"""Let Instructors edit quizzes and questions, and read attempts and certificates."""

from django.db import migrations

from lessons.permissions import grant_to_instructors


def grant(apps, schema_editor):
    grant_to_instructors(apps, app_label="quizzes", edit=["quiz", "question", "choice"], view=["attempt"])
    grant_to_instructors(apps, app_label="certificates", edit=[], view=["certificate"])


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("certificates", "0001_initial"),
        ("lessons", "0002_instructors_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
