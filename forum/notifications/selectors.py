"""Reads of a reader's notifications."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from forum.errors import NotFound

from .models import Notification


def unread_count(user) -> int:
    # Loaded for the request by accounts.backends with the user's row: no query then.
    loaded = getattr(user, "forum_unread_notifications", None)
    if loaded is not None:
        return loaded
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_subquery():
    """unread_count as an expression on a user query (accounts.backends)."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def for_user(user) -> list[Notification]:
    """The user's newest 200 notifications, with the replies and their authors and articles."""
    return list(Notification.objects.filter(recipient=user).select_related("reply__author", "reply__article")[:200])


def get(*, pk: int) -> Notification:
    notification = Notification.objects.select_related("reply__article").filter(pk=pk).first()
    if notification is None:
        raise NotFound("There is no such notification.")
    return notification
