"""Reads of a reader's notifications."""

from forum.errors import NotFound

from .models import Notification


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def for_user(user) -> list[Notification]:
    """The user's newest 200 notifications, with the replies and their authors and articles."""
    return list(Notification.objects.filter(recipient=user).select_related("reply__author", "reply__article")[:200])


def get(*, pk: int) -> Notification:
    notification = Notification.objects.select_related("reply__article").filter(pk=pk).first()
    if notification is None:
        raise NotFound("There is no such notification.")
    return notification
