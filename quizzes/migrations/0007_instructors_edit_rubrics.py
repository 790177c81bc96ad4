"""Let Instructors edit the rubrics of written questions."""

from django.db import migrations

from lessons.permissions import grant_to_instructors


def grant(apps, schema_editor):
    grant_to_instructors(apps, app_label="quizzes", edit=["rubriccriterion", "rubriclevel"], view=[])


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0006_written_answers_rubrics_marking_and_tasks"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
