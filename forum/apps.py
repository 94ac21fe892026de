from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
        from .notifications import receivers  # noqa: F401 - connects the notifications to the signals
