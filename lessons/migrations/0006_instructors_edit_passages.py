from django.db import migrations

from lessons.permissions import grant_to_instructors


def grant(apps, schema_editor):
    grant_to_instructors(apps, app_label="lessons", edit=["passage"], view=[])


class Migration(migrations.Migration):
    dependencies = [("lessons", "0005_passages_and_keywords")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
