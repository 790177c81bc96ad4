"""Create the Instructors group with the right to edit course content."""

from django.db import migrations

from lessons.permissions import INSTRUCTORS, grant_to_instructors


def grant(apps, schema_editor):
    grant_to_instructors(
        apps, app_label="lessons", edit=["course", "module", "lesson", "keyterm", "source", "passage"], view=["lessonprogress"]
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=INSTRUCTORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, remove_group)]
