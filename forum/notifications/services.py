"""Telling people: a notification in the app, and an email if they want one.

These run after the write that caused them has committed (forum.notifications.receivers listens
to the signals, which the task queue delivers: forum/signals.py), so a rolled-back reply is never
announced, and the email is a task of its own: a slow or down mail server never holds a tree
lock or fails a post, and a failed send is retried.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from forum.errors import NotFound
from forum.threads.models import Reply
from forum.web import absolute_url
from jobs import durable_task, enqueue

from .models import Notification


def notify_parent_author(reply: Reply) -> Notification | None:
    """Tell the author of the reply's parent that someone answered them: once per reply, never
    for an answer to oneself, and only for a published reply. Run again for the same reply (an
    approval after a hold, a retried task), it tells nobody twice: the unique constraint on
    (recipient, reply) decides, and the email is queued with the row that says it is owed."""
    parent = reply.parent
    if reply.status != Reply.Status.PUBLISHED or parent is None or parent.author_id == reply.author_id:
        return None
    recipient = parent.author
    with transaction.atomic():
        notification, told_now = Notification.objects.get_or_create(
            recipient=recipient, reply=reply, kind=Notification.Kind.REPLY,
            defaults={"created": reply.created or timezone.now()},
        )
        if not told_now:
            return None
        if recipient.email_on_reply and recipient.email:
            enqueue(send_notification_email, notification.pk)
    return notification


@durable_task
def send_notification_email(notification_id: int) -> str:
    """Send a notification's email at most once per success: the row is locked while sending and
    marked sent in the same transaction. A worker killed between the mail server's acceptance and
    the commit sends it again when the task reruns (at least once, never silently lost)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "reply__author", "reply__article")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return "nothing to send"
        message = _compose(notification)
        if message is None:
            return "no longer wanted"
        subject, body = message
        EmailMessage(
            subject=subject,
            body=body,
            to=[notification.recipient.email],
            # Lets a mail log (and bench/faults.py) tell a second copy of one email from another email.
            headers={"X-Forum-Notification": str(notification.pk)},
        ).send(fail_silently=False)  # a failed send raises, so the task retries with backoff
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return "sent"


def _compose(notification: Notification) -> tuple[str, str] | None:
    """(subject, body), or None when the email is no longer wanted."""
    recipient, reply = notification.recipient, notification.reply
    link = absolute_url(reply.get_landing_url())
    if notification.kind != Notification.Kind.REPLY:  # a legal notice: sent whatever the settings say
        subject = "A moderation decision about your reply" if notification.kind == Notification.Kind.DECISION \
            else "The decision on your report"
        return f"{subject} on \u201c{reply.article.title}\u201d", f"{notification.text}\n\nThe reply: {link}\n"
    if not (recipient.email_on_reply and recipient.email) or reply.status != Reply.Status.PUBLISHED:
        return None
    return (
        f"{reply.author.public_name} replied to you on \u201c{reply.article.title}\u201d",
        f"{reply.author.public_name} replied to you:\n\n{reply.body}\n\n"
        f"Read it in its thread: {link}\n\n"
        f"You can turn these emails off in your settings: {absolute_url(reverse('accounts:settings'))}\n",
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
