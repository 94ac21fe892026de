"""The admin, registered by each domain (Django's autodiscover imports this module)."""

from forum import tasks_admin  # noqa: F401
from forum.moderation import admin as moderation_admin  # noqa: F401
from forum.threads import admin as threads_admin  # noqa: F401
