from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quizzes"

    def ready(self):
        from quizzes import signals  # noqa: F401  (connects the cache-invalidation receivers)
