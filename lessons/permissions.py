"""The Instructors group: staff who run course content but never users or groups."""

from django.contrib.auth.management import create_permissions

INSTRUCTORS = "Instructors"


def grant_to_instructors(apps, *, app_label: str, edit: list[str], view: list[str]):
    """Give the Instructors group full rights on `edit` models and read rights on `view` models of an app.

    For data migrations: permissions are normally created after all migrations ran, so make them first.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in edit for action in ("add", "change", "delete", "view")]
    codenames += [f"view_{model}" for model in view]
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
