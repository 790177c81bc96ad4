from django.apps import AppConfig


class LearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
    verbose_name = "Learning path"

    def ready(self):
        from learning import signals  # noqa: F401  (connects the cache-invalidation receivers)
