from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ForumConfig(AppConfig):
    name = "forum"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import (
            checks,  # noqa: F401 - registers the system checks
            i18n,
        )
        from .notifications import receivers  # noqa: F401 - connects the notifications to the signals
        from .privacy import receivers as privacy_receivers  # noqa: F401 - the offer to cancel a deletion

        # A sign-in puts the language saved on the account back in the browser (forum/i18n.py).
        user_logged_in.connect(i18n._signed_in, dispatch_uid="forum-account-language")

        post_migrate.connect(_restore_search_triggers, sender=self)


def _restore_search_triggers(using, **kwargs):
    # On SQLite a migration that rebuilds forum_reply drops the search index's triggers.
    from django.db import connections

    from .search import schema

    schema.restore_triggers(connections[using])
