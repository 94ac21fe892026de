"""Reads of a reader's notifications."""

from django.utils.translation import gettext as _

from forum.errors import NotFound

from .models import Notification


def unread_count(user) -> int:
    # Loaded for the request by accounts.backends with the user's row: no query then.
    loaded = getattr(user, "forum_unread_notifications", None)
    if loaded is not None:
        return loaded
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_sql(user_id_column: str) -> tuple[str, list]:
    """unread_count as an SQL expression on a user row (accounts.backends loads it with the user)."""
    meta = Notification._meta
    recipient, read_at = meta.get_field("recipient").column, meta.get_field("read_at").column
    return f"(SELECT COUNT(*) FROM {meta.db_table} n WHERE n.{recipient} = {user_id_column} AND n.{read_at} IS NULL)", []


def for_user(user) -> list[Notification]:
    """The user's newest 200 notifications, with the replies and their authors and articles."""
    return list(Notification.objects.filter(recipient=user).select_related("reply__author", "reply__article")[:200])


def get(*, pk: int) -> Notification:
    notification = Notification.objects.select_related("reply__article").filter(pk=pk).first()
    if notification is None:
        raise NotFound(_("There is no such notification."))
    return notification
