from django.apps import AppConfig


class LessonsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lessons"

    def ready(self):
        from lessons import signals  # noqa: F401  (connects the cache-invalidation receivers)
