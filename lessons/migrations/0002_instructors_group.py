"""Create the Instructors group: staff who edit course content but not users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = ["course", "module", "lesson", "keyterm", "source"]
READ_ONLY_MODELS = ["lessonprogress"]


def _ensure_permissions(apps):
    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_lesson_permissions(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "delete", "view")]
    codenames += [f"view_{model}" for model in READ_ONLY_MODELS]
    group, _ = Group.objects.get_or_create(name="Instructors")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="lessons", codename__in=codenames))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Instructors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_lesson_permissions, remove_group)]
