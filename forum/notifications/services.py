"""Telling people: a notification in the app, and an email if they want one.

These run after the write that caused them has committed (forum.notifications.receivers listens
to the signals the services send on commit), so a rolled-back reply is never announced and a
slow or down mail server never holds a tree lock or fails a post.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from forum.errors import NotFound
from forum.threads.models import Reply
from forum.web import absolute_url

from .models import Notification


def notify_parent_author(reply: Reply, *, new: bool) -> Notification | None:
    """Tell the author of the reply's parent that someone answered them: once per reply, never
    for an answer to oneself, and only for a published reply. `new`: the reply was just posted,
    so nobody can have been told of it yet."""
    parent = reply.parent
    if reply.status != Reply.Status.PUBLISHED or parent is None or parent.author_id == reply.author_id:
        return None
    recipient = parent.author
    created_at = reply.created or timezone.now()
    if new:
        notification = Notification.objects.create(recipient=recipient, reply=reply, created=created_at)
    else:  # approved: it may have been published, told, held and approved again
        notification, told_now = Notification.objects.get_or_create(
            recipient=recipient, reply=reply, defaults={"created": created_at}
        )
        if not told_now:
            return None
    if recipient.email_on_reply and recipient.email:
        _send_reply_email(reply, recipient)
    return notification


def _send_reply_email(reply: Reply, recipient) -> None:
    link = absolute_url(reply.get_landing_url())
    send_mail(
        subject=f"{reply.author.public_name} replied to you on \u201c{reply.article.title}\u201d",
        message=(
            f"{reply.author.public_name} replied to you:\n\n{reply.body}\n\n"
            f"Read it in its thread: {link}\n\n"
            f"You can turn these emails off in your settings: {absolute_url(reverse('accounts:settings'))}\n"
        ),
        from_email=None,
        recipient_list=[recipient.email],
        fail_silently=True,  # the reply is posted either way; a lost email is logged by the backend
    )


def notification_open(*, notification: Notification, user) -> Notification:
    """Mark a notification read when its recipient opens it. Someone else's is answered as a
    missing one: a 403 would tell a prober which numbers exist."""
    if notification.recipient_id != user.pk:
        raise NotFound("There is no such notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
